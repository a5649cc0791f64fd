package dev.assistant.tts.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NumberWordsTest {
  @Test
  void cardinals() {
    assertEquals("zero", NumberWords.cardinal(0));
    assertEquals("nineteen", NumberWords.cardinal(19));
    assertEquals("forty-two", NumberWords.cardinal(42));
    assertEquals("one hundred five", NumberWords.cardinal(105));
    assertEquals("one thousand", NumberWords.cardinal(1000));
    assertEquals("one million two thousand three", NumberWords.cardinal(1_002_003));
    assertEquals(
        "one billion two hundred thirty-four million five hundred sixty-seven thousand eight hundred"
            + " ninety",
        NumberWords.cardinal(1_234_567_890));
    assertEquals("minus seven", NumberWords.cardinal(-7));
    assertEquals(
        "one zero zero zero zero zero zero zero zero zero zero zero zero zero zero zero",
        NumberWords.cardinal(1_000_000_000_000_000L));
  }

  @Test
  void ordinals() {
    assertEquals("first", NumberWords.ordinal(1));
    assertEquals("twelfth", NumberWords.ordinal(12));
    assertEquals("twentieth", NumberWords.ordinal(20));
    assertEquals("twenty-first", NumberWords.ordinal(21));
    assertEquals("one hundredth", NumberWords.ordinal(100));
    assertEquals("one hundred third", NumberWords.ordinal(103));
  }

  @Test
  void years() {
    assertEquals("nineteen eighty-four", NumberWords.year(1984));
    assertEquals("nineteen hundred", NumberWords.year(1900));
    assertEquals("nineteen oh five", NumberWords.year(1905));
    assertEquals("two thousand", NumberWords.year(2000));
    assertEquals("two thousand seven", NumberWords.year(2007));
    assertEquals("twenty twenty-four", NumberWords.year(2024));
  }

  @Test
  void decimals() {
    assertEquals("three point one four", NumberWords.decimal("3.14"));
    assertEquals("zero point five", NumberWords.decimal("0.5"));
    assertEquals("minus two point zero five", NumberWords.decimal("-2.05"));
  }
}
