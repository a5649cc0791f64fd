package dev.assistant.tts.text;

import java.math.BigDecimal;

/** English number names: cardinals, ordinals, years and digit strings. */
public final class NumberWords {
  private static final String[] ONES = {
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen"
  };
  private static final String[] TENS = {
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"
  };
  private static final String[] SCALES = {"", "thousand", "million", "billion", "trillion"};

  /** Largest number spoken as a cardinal; longer digit strings are read digit by digit. */
  public static final long MAX_CARDINAL = 999_999_999_999_999L;

  private NumberWords() {}

  /** "one hundred twenty-three"; negative numbers start with "minus". */
  public static String cardinal(long n) {
    if (n < 0) {
      return "minus " + cardinal(-n);
    }
    if (n > MAX_CARDINAL) {
      return digits(Long.toString(n));
    }
    if (n < 20) {
      return ONES[(int) n];
    }
    StringBuilder out = new StringBuilder();
    int scale = 0;
    String result = "";
    while (n > 0) {
      int group = (int) (n % 1000);
      if (group > 0) {
        String words = belowThousand(group) + (scale > 0 ? " " + SCALES[scale] : "");
        result = result.isEmpty() ? words : words + " " + result;
      }
      n /= 1000;
      scale++;
    }
    out.append(result);
    return out.toString();
  }

  private static String belowThousand(int n) {
    StringBuilder out = new StringBuilder();
    if (n >= 100) {
      out.append(ONES[n / 100]).append(" hundred");
      n %= 100;
      if (n > 0) {
        out.append(' ');
      }
    }
    if (n >= 20) {
      out.append(TENS[n / 10]);
      if (n % 10 > 0) {
        out.append('-').append(ONES[n % 10]);
      }
    } else if (n > 0) {
      out.append(ONES[n]);
    }
    return out.toString();
  }

  /** "first", "twenty-second", "one hundredth". */
  public static String ordinal(long n) {
    String words = cardinal(n);
    int cut = Math.max(words.lastIndexOf(' '), words.lastIndexOf('-')) + 1;
    String head = words.substring(0, cut);
    String last = words.substring(cut);
    String tail =
        switch (last) {
          case "one" -> "first";
          case "two" -> "second";
          case "three" -> "third";
          case "five" -> "fifth";
          case "eight" -> "eighth";
          case "nine" -> "ninth";
          case "twelve" -> "twelfth";
          default ->
              last.endsWith("y") ? last.substring(0, last.length() - 1) + "ieth" : last + "th";
        };
    return head + tail;
  }

  /** Years the way they are said: "nineteen eighty-four", "two thousand five", "twenty twenty". */
  public static String year(int year) {
    if (year < 1000 || year > 9999) {
      return cardinal(year);
    }
    int high = year / 100;
    int low = year % 100;
    if (year % 1000 < 10 && year / 1000 == 2) {
      return cardinal(year); // 2000..2009: "two thousand five"
    }
    if (low == 0) {
      return cardinal(high) + " hundred";
    }
    return cardinal(high) + (low < 10 ? " oh " : " ") + cardinal(low);
  }

  /** "three point one four" for "3.14"; the integer part may be negative or have no digits. */
  public static String decimal(String number) {
    BigDecimal value = new BigDecimal(number);
    String plain = value.abs().toPlainString();
    int dot = plain.indexOf('.');
    String integerPart = dot < 0 ? plain : plain.substring(0, dot);
    String sign = value.signum() < 0 ? "minus " : "";
    String whole =
        integerPart.length() > 15 ? digits(integerPart) : cardinal(Long.parseLong(integerPart));
    if (dot < 0) {
      return sign + whole;
    }
    return sign + whole + " point " + digits(plain.substring(dot + 1));
  }

  /** Digit by digit: "four two". */
  public static String digits(String digits) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c >= '0' && c <= '9') {
        if (out.length() > 0) {
          out.append(' ');
        }
        out.append(ONES[c - '0']);
      }
    }
    return out.toString();
  }
}
