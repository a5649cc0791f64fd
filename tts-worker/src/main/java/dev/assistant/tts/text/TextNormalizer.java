package dev.assistant.tts.text;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a sentence of language-model output into text a synthesizer reads well: markdown, HTML,
 * links and emoji are removed or replaced by their visible text, and (for English) numbers,
 * currency, percentages, ordinals, times, units, abbreviations and symbols are spelled out.
 *
 * <p>Other languages get only the markup and emoji clean-up: their engines (espeak-ng, Piper
 * voices) expand numbers with their own language rules, which an English expansion would break.
 *
 * <p>Stateless and thread-safe.
 */
public final class TextNormalizer {

  private static final Pattern CODE_FENCE = Pattern.compile("```[\\w+-]*");
  private static final Pattern INLINE_CODE = Pattern.compile("`([^`]*)`");
  private static final Pattern IMAGE = Pattern.compile("!\\[([^\\]]*)]\\([^)]*\\)");
  private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)]\\([^)]*\\)");
  private static final Pattern URL =
      Pattern.compile(
          "\\b(?:https?://|www\\.)([\\w.-]+)(?:[/?#][^\\s)\\]]*)?",
          Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern EMAIL =
      Pattern.compile("\\b([\\w.+-]+)@([\\w-]+(?:\\.[\\w-]+)+)\\b");
  private static final Pattern HTML_TAG = Pattern.compile("</?[a-zA-Z][^>]*>");
  private static final Pattern HTML_ENTITY = Pattern.compile("&(amp|lt|gt|quot|nbsp|#39);");
  private static final Pattern LINE_MARKER =
      Pattern.compile("(?m)^\\s*(?:#{1,6}\\s+|>\\s*|[-*+•]\\s+|(\\d{1,3})[.)]\\s+)");
  private static final Pattern EMPHASIS = Pattern.compile("\\*+|~~|(?<![\\w])_+|_+(?![\\w])");
  private static final Pattern SNAKE = Pattern.compile("(?<=\\w)_(?=\\w)");

  private static final Pattern CURRENCY =
      Pattern.compile(
          "(?<![\\w.])([$€£¥])\\s?(\\d[\\d,]*(?:\\.\\d+)?)"
              + "(?:\\s?(thousand|million|billion|trillion|[kK]|[mM]|bn|[bB])\\b)?");
  private static final Pattern CURRENCY_AFTER =
      Pattern.compile("(?<![\\w.])(\\d[\\d,]*(?:\\.\\d+)?)\\s?([€£¥]|USD|EUR|GBP)(?!\\w)");
  private static final Pattern PERCENT = Pattern.compile("(\\d[\\d,]*(?:\\.\\d+)?)\\s?%");
  private static final Pattern ORDINAL = Pattern.compile("(?<![\\w.])(\\d+)(st|nd|rd|th)\\b");
  private static final Pattern DECADE =
      Pattern.compile("(?<![\\w.])'?(\\d{2}|1\\d\\d0|20\\d0)s\\b");
  private static final Pattern ISO_DATE = Pattern.compile("\\b(\\d{4})-(\\d{2})-(\\d{2})\\b");
  private static final Pattern TIME =
      Pattern.compile("\\b(\\d{1,2}):(\\d{2})(?:\\s?([aApP])\\.?[mM](?!\\w))?");
  private static final Pattern AM_PM = Pattern.compile("(?<=\\d)\\s?([aApP])\\.?[mM](?!\\w)");
  private static final Pattern TEMPERATURE =
      Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s?°\\s?([CF])\\b");
  private static final Pattern UNIT =
      Pattern.compile(
          "(?<![\\w.])(\\d[\\d,]*(?:\\.\\d+)?)\\s?"
              + "(km/h|mph|km|cm|mm|kg|mg|ms|GB|MB|KB|kB|TB|GHz|MHz|kHz|Hz|kW|kWh|mi|ft|lbs?|oz|ml|"
              + "mL|min|sec|hrs?|h|m|g|s|L|W|V)(?![\\w/])");
  private static final Pattern FRACTION =
      Pattern.compile("(?<![\\w./])(\\d{1,2})/(\\d{1,2})(?![\\w/])");
  private static final Pattern RANGE =
      Pattern.compile(
          "(?<![\\w.,-])(\\d{1,4}(?:\\.\\d+)?)\\s?[–—-]\\s?(\\d{1,4}(?:\\.\\d+)?)(?![\\w.,-]\\d)");
  private static final Pattern VERSION =
      Pattern.compile("(?<![\\d.])\\d+(?:\\.\\d+){2,}(?!\\.?\\d)");
  private static final Pattern HASH_NUMBER = Pattern.compile("#(\\d)");
  private static final Pattern INITIALISM = Pattern.compile("\\b((?:\\p{Lu}\\.){2,})");
  private static final Pattern DECIMAL =
      Pattern.compile("(?<![\\d.,])(?:(?<=^|[\\s(])-)?\\d+\\.\\d+(?![\\d.]\\d)");
  private static final Pattern GROUPED =
      Pattern.compile("(?<![\\d.,])\\d{1,3}(?:,\\d{3})+(?![\\d,]\\d)");
  private static final Pattern INTEGER =
      Pattern.compile("(?<![\\d.])(?:(?<=^|[\\s(])-)?\\d+(?![\\d])");
  private static final Pattern LEFTOVER_SYMBOLS = Pattern.compile("[*#_|\\\\^`~<>{}\\[\\]]");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern SPACE_BEFORE_PUNCT = Pattern.compile("\\s+([.,;:!?])");

  private static final Map<String, String> CURRENCY_NAMES =
      Map.of(
          "$", "dollar", "€", "euro", "£", "pound", "¥", "yen", "USD", "dollar", "EUR", "euro",
          "GBP", "pound");
  private static final Map<String, String> CENT_NAMES =
      Map.of("$", "cent", "€", "cent", "£", "penny", "USD", "cent", "EUR", "cent", "GBP", "penny");
  private static final Map<String, String> SCALES =
      Map.of(
          "k",
          "thousand",
          "K",
          "thousand",
          "m",
          "million",
          "M",
          "million",
          "bn",
          "billion",
          "b",
          "billion",
          "B",
          "billion");

  private static final Map<String, String> UNITS =
      Map.ofEntries(
          Map.entry("km/h", "kilometer per hour"),
          Map.entry("mph", "mile per hour"),
          Map.entry("km", "kilometer"),
          Map.entry("cm", "centimeter"),
          Map.entry("mm", "millimeter"),
          Map.entry("m", "meter"),
          Map.entry("kg", "kilogram"),
          Map.entry("mg", "milligram"),
          Map.entry("g", "gram"),
          Map.entry("ms", "millisecond"),
          Map.entry("s", "second"),
          Map.entry("sec", "second"),
          Map.entry("min", "minute"),
          Map.entry("h", "hour"),
          Map.entry("hr", "hour"),
          Map.entry("hrs", "hour"),
          Map.entry("GB", "gigabyte"),
          Map.entry("MB", "megabyte"),
          Map.entry("KB", "kilobyte"),
          Map.entry("kB", "kilobyte"),
          Map.entry("TB", "terabyte"),
          Map.entry("GHz", "gigahertz"),
          Map.entry("MHz", "megahertz"),
          Map.entry("kHz", "kilohertz"),
          Map.entry("Hz", "hertz"),
          Map.entry("kW", "kilowatt"),
          Map.entry("kWh", "kilowatt hour"),
          Map.entry("W", "watt"),
          Map.entry("V", "volt"),
          Map.entry("mi", "mile"),
          Map.entry("ft", "foot"),
          Map.entry("lb", "pound"),
          Map.entry("lbs", "pound"),
          Map.entry("oz", "ounce"),
          Map.entry("ml", "milliliter"),
          Map.entry("mL", "milliliter"),
          Map.entry("L", "liter"));

  /** Abbreviations whose expansion does not depend on context, matched case-sensitively. */
  private static final Map<String, String> ABBREVIATIONS =
      Map.ofEntries(
          Map.entry("Dr.", "Doctor"),
          Map.entry("Mr.", "Mister"),
          Map.entry("Mrs.", "Missus"),
          Map.entry("Ms.", "Miz"),
          Map.entry("Prof.", "Professor"),
          Map.entry("Jr.", "Junior"),
          Map.entry("Sr.", "Senior"),
          Map.entry("Mt.", "Mount"),
          Map.entry("Ave.", "Avenue"),
          Map.entry("e.g.", "for example"),
          Map.entry("i.e.", "that is"),
          Map.entry("etc.", "et cetera"),
          Map.entry("vs.", "versus"),
          Map.entry("approx.", "approximately"),
          Map.entry("Fig.", "figure"),
          Map.entry("Jan.", "January"),
          Map.entry("Feb.", "February"),
          Map.entry("Aug.", "August"),
          Map.entry("Sept.", "September"),
          Map.entry("Oct.", "October"),
          Map.entry("Nov.", "November"),
          Map.entry("Dec.", "December"));

  private static final Pattern ABBREVIATION =
      Pattern.compile(
          "(?<![\\w.])("
              + String.join(
                  "|", ABBREVIATIONS.keySet().stream().map(Pattern::quote).sorted().toList())
              + ")(?=\\s|$|[,;:!?)])");
  private static final Pattern SAINT = Pattern.compile("\\bSt\\.(?=\\s+\\p{Lu})");
  private static final Pattern STREET = Pattern.compile("(?<=\\p{L})\\s+St(?=\\.)");
  private static final Pattern NUMBER_ABBREVIATION = Pattern.compile("\\b[Nn]o\\.\\s?(?=\\d)");

  private static final Map<String, String> SYMBOLS =
      Map.ofEntries(
          Map.entry("&", " and "),
          Map.entry("@", " at "),
          Map.entry("=", " equals "),
          Map.entry("+", " plus "),
          Map.entry("×", " times "),
          Map.entry("÷", " divided by "),
          Map.entry("±", " plus or minus "),
          Map.entry("≈", " approximately "),
          Map.entry("≤", " at most "),
          Map.entry("≥", " at least "),
          Map.entry("≠", " is not "),
          Map.entry("→", " to "),
          Map.entry("⇒", " to "),
          Map.entry("←", " from "),
          Map.entry("°", " degrees "),
          Map.entry("©", " copyright "),
          Map.entry("™", " "),
          Map.entry("®", " "),
          Map.entry("…", "..."),
          Map.entry("“", "\""),
          Map.entry("”", "\""),
          Map.entry("‘", "'"),
          Map.entry("’", "'"),
          Map.entry("–", ", "),
          Map.entry("—", ", "));

  private static final String[] MONTHS = {
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December"
  };

  /** Normalizes one sentence; {@code language} is a language tag, empty meaning English. */
  public String normalize(String text, String language) {
    String t = stripMarkup(text);
    t = stripEmoji(t);
    if (isEnglish(language)) {
      t = expandEnglish(t);
    }
    t = SPACES.matcher(t).replaceAll(" ").trim();
    return SPACE_BEFORE_PUNCT.matcher(t).replaceAll("$1");
  }

  /** True for an empty tag (the default voice is English) and for any English tag. */
  static boolean isEnglish(String language) {
    String l = language.toLowerCase(Locale.ROOT);
    return l.isEmpty() || l.equals("en") || l.startsWith("en-") || l.startsWith("en_");
  }

  private static String stripMarkup(String text) {
    String t = CODE_FENCE.matcher(text).replaceAll(" ");
    t = INLINE_CODE.matcher(t).replaceAll("$1");
    t = IMAGE.matcher(t).replaceAll("$1");
    t = LINK.matcher(t).replaceAll("$1");
    t = replace(EMAIL, t, m -> m.group(1) + " at " + m.group(2).replace(".", " dot "));
    t = replace(URL, t, m -> m.group(1).replaceFirst("^www\\.", "").replace(".", " dot "));
    t = HTML_TAG.matcher(t).replaceAll(" ");
    t =
        replace(
            HTML_ENTITY,
            t,
            m ->
                switch (m.group(1)) {
                  case "amp" -> "&";
                  case "lt" -> "<";
                  case "gt" -> ">";
                  case "quot" -> "\"";
                  case "#39" -> "'";
                  default -> " ";
                });
    t = replace(LINE_MARKER, t, m -> m.group(1) == null ? "" : m.group(1) + ", ");
    t = SNAKE.matcher(t).replaceAll(" ");
    return EMPHASIS.matcher(t).replaceAll("");
  }

  /** Removes pictographs, dingbats, flags, skin tones, joiners and variation selectors. */
  static String stripEmoji(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            cp -> {
              boolean emoji =
                  (cp >= 0x1F000 && cp <= 0x1FAFF)
                      || (cp >= 0x2600 && cp <= 0x27BF)
                      || (cp >= 0x2B00 && cp <= 0x2BFF)
                      || (cp >= 0x2300 && cp <= 0x23FF)
                      || cp == 0x200D
                      || (cp >= 0xFE00 && cp <= 0xFE0F)
                      || (cp >= 0xE0000 && cp <= 0xE007F);
              if (!emoji) {
                out.appendCodePoint(cp);
              }
            });
    return out.toString();
  }

  private static String expandEnglish(String text) {
    String t = text;
    t = replace(ISO_DATE, t, TextNormalizer::isoDate);
    t = replace(CURRENCY, t, m -> money(m.group(1), m.group(2), m.group(3)));
    t = replace(CURRENCY_AFTER, t, m -> money(m.group(2), m.group(1), null));
    t = replace(PERCENT, t, m -> number(m.group(1)) + " percent");
    t = replace(TEMPERATURE, t, m -> temperature(m.group(1), m.group(2)));
    t = replace(ORDINAL, t, m -> NumberWords.ordinal(Long.parseLong(m.group(1))));
    t = replace(DECADE, t, TextNormalizer::decade);
    t = replace(TIME, t, TextNormalizer::time);
    t = replace(AM_PM, t, m -> " " + m.group(1).toLowerCase(Locale.ROOT) + " m");
    t = replace(UNIT, t, m -> unit(m.group(1), m.group(2)));
    t = replace(FRACTION, t, m -> fraction(m.group(1), m.group(2)));
    t = replace(RANGE, t, m -> m.group(1) + " to " + m.group(2));
    t = replace(HASH_NUMBER, t, m -> "number " + m.group(1));
    t = NUMBER_ABBREVIATION.matcher(t).replaceAll("number ");
    t = SAINT.matcher(t).replaceAll("Saint");
    t = STREET.matcher(t).replaceAll(" Street");
    t = replace(ABBREVIATION, t, m -> ABBREVIATIONS.get(m.group(1)));
    t = replace(INITIALISM, t, m -> String.join(" ", m.group(1).split("\\.")));
    for (Map.Entry<String, String> e : SYMBOLS.entrySet()) {
      t = t.replace(e.getKey(), e.getValue());
    }
    t = replace(VERSION, t, m -> " " + String.join(" point ", m.group().split("\\.")) + " ");
    t = replace(GROUPED, t, m -> number(m.group()));
    t = replace(DECIMAL, t, m -> NumberWords.decimal(m.group()));
    t = replace(INTEGER, t, m -> integer(m.group()));
    return LEFTOVER_SYMBOLS.matcher(t).replaceAll(" ");
  }

  private static String replace(Pattern p, String text, Function<MatchResult, String> f) {
    return p.matcher(text).replaceAll(m -> Matcher.quoteReplacement(f.apply(m)));
  }

  /** Cardinal or decimal words of a number that may contain grouping commas. */
  private static String number(String digits) {
    String plain = digits.replace(",", "");
    return plain.contains(".") ? NumberWords.decimal(plain) : integer(plain);
  }

  /** Integers: 4-digit numbers that look like years are said as years; leading zeros digit-wise. */
  private static String integer(String digits) {
    boolean negative = digits.startsWith("-");
    String d = negative ? digits.substring(1) : digits;
    String words;
    if (d.length() > 15 || (d.length() > 1 && d.startsWith("0"))) {
      words = NumberWords.digits(d);
    } else {
      long n = Long.parseLong(d);
      words =
          d.length() == 4 && n >= 1100 && n <= 2099
              ? NumberWords.year((int) n)
              : NumberWords.cardinal(n);
    }
    return " " + (negative ? "minus " : "") + words + " ";
  }

  private static String money(String symbol, String amount, String scale) {
    String plain = amount.replace(",", "");
    String unit = CURRENCY_NAMES.get(symbol);
    if (scale != null) {
      String scaleWord = SCALES.getOrDefault(scale, scale);
      return number(plain) + " " + scaleWord + " " + plural(unit);
    }
    int dot = plain.indexOf('.');
    if (dot >= 0 && plain.length() - dot - 1 == 2 && CENT_NAMES.containsKey(symbol)) {
      long whole = Long.parseLong(dot == 0 ? "0" : plain.substring(0, dot));
      int cents = Integer.parseInt(plain.substring(dot + 1));
      String centName = CENT_NAMES.get(symbol);
      String cents1 =
          NumberWords.cardinal(cents) + " " + (cents == 1 ? centName : centPlural(centName));
      if (whole == 0) {
        return cents1;
      }
      String main = NumberWords.cardinal(whole) + " " + (whole == 1 ? unit : plural(unit));
      return cents == 0 ? main : main + " and " + cents1;
    }
    boolean one = plain.equals("1");
    return NumberWords.decimal(plain) + " " + (one ? unit : plural(unit));
  }

  private static String plural(String unit) {
    return switch (unit) {
      case "yen" -> "yen";
      case "foot" -> "feet";
      case "kilometer per hour" -> "kilometers per hour";
      case "mile per hour" -> "miles per hour";
      case "kilowatt hour" -> "kilowatt hours";
      default -> unit + "s";
    };
  }

  private static String centPlural(String centName) {
    return centName.equals("penny") ? "pence" : centName + "s";
  }

  private static String temperature(String value, String scale) {
    String words = NumberWords.decimal(value);
    return words
        + (value.equals("1") ? " degree " : " degrees ")
        + (scale.equals("C") ? "Celsius" : "Fahrenheit");
  }

  private static String unit(String amount, String symbol) {
    String name = UNITS.get(symbol);
    String plain = amount.replace(",", "");
    return number(plain) + " " + (plain.equals("1") ? name : plural(name)) + " ";
  }

  private static String decade(MatchResult m) {
    String digits = m.group(1);
    int value = Integer.parseInt(digits);
    String words = digits.length() == 2 ? NumberWords.cardinal(value) : NumberWords.year(value);
    // "nineteen nineties", "eighties": pluralize the last number word.
    return words.endsWith("y") ? words.substring(0, words.length() - 1) + "ies" : words + "s";
  }

  private static String time(MatchResult m) {
    int hours = Integer.parseInt(m.group(1));
    int minutes = Integer.parseInt(m.group(2));
    if (hours > 24 || minutes > 59) {
      return m.group(1) + " " + m.group(2); // a ratio or score, read as two numbers
    }
    String h = NumberWords.cardinal(hours);
    String suffix = m.group(3) == null ? "" : " " + m.group(3).toLowerCase(Locale.ROOT) + " m";
    if (minutes == 0) {
      return h + (suffix.isEmpty() ? " o'clock" : suffix);
    }
    String mm =
        minutes < 10 ? "oh " + NumberWords.cardinal(minutes) : NumberWords.cardinal(minutes);
    return h + " " + mm + suffix;
  }

  private static String fraction(String numerator, String denominator) {
    int n = Integer.parseInt(numerator);
    int d = Integer.parseInt(denominator);
    if (d < 2 || d > 10 || n == 0) {
      return numerator + " slash " + denominator;
    }
    String name =
        switch (d) {
          case 2 -> n == 1 ? "half" : "halves";
          case 4 -> n == 1 ? "quarter" : "quarters";
          default -> {
            String ord = NumberWords.ordinal(d);
            yield n == 1 ? ord : ord + "s";
          }
        };
    return NumberWords.cardinal(n) + " " + name;
  }

  private static String isoDate(MatchResult m) {
    int month = Integer.parseInt(m.group(2));
    int day = Integer.parseInt(m.group(3));
    if (month < 1 || month > 12 || day < 1 || day > 31) {
      return m.group();
    }
    return MONTHS[month - 1]
        + " "
        + NumberWords.ordinal(day)
        + ", "
        + NumberWords.year(Integer.parseInt(m.group(1)));
  }
}
