package dev.assistant.tts.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TextNormalizerTest {
  private final TextNormalizer normalizer = new TextNormalizer();

  private String en(String text) {
    return normalizer.normalize(text, "en");
  }

  @Test
  void numbersDecimalsAndGrouping() {
    assertEquals("I have forty-two apples.", en("I have 42 apples."));
    assertEquals("Pi is about three point one four.", en("Pi is about 3.14."));
    assertEquals(
        "It costs one million two hundred thousand to build.", en("It costs 1,200,000 to build."));
    assertEquals("It is minus five outside.", en("It is -5 outside."));
    assertEquals("Call zero zero seven.", en("Call 007."));
  }

  @Test
  void yearsDecadesAndDates() {
    assertEquals("In nineteen eighty-four, he left.", en("In 1984, he left."));
    assertEquals(
        "Music of the nineteen nineties and eighties.", en("Music of the 1990s and '80s."));
    assertEquals("On March fifth, twenty twenty-four.", en("On 2024-03-05."));
  }

  @Test
  void currency() {
    assertEquals("It costs five dollars.", en("It costs $5."));
    assertEquals("It costs one dollar.", en("It costs $1."));
    assertEquals("Pay five dollars and ninety-nine cents.", en("Pay $5.99."));
    assertEquals("Only fifty cents.", en("Only $0.50."));
    assertEquals("Raised one point five million dollars.", en("Raised $1.5 million."));
    assertEquals("Raised two billion dollars.", en("Raised $2B."));
    assertEquals("twenty euros and three pounds and fifty pence.", en("€20 and £3.50."));
    assertEquals("That is ten euros.", en("That is 10€."));
  }

  @Test
  void percentagesOrdinalsAndFractions() {
    assertEquals("Growth was three point five percent.", en("Growth was 3.5%."));
    assertEquals("fifty percent of people.", en("50 % of people."));
    assertEquals("The first, second, third and twenty-first.", en("The 1st, 2nd, 3rd and 21st."));
    assertEquals("Add one half cup and three quarters spoon.", en("Add 1/2 cup and 3/4 spoon."));
    assertEquals("two thirds of them.", en("2/3 of them."));
  }

  @Test
  void timesUnitsAndTemperatures() {
    assertEquals("Meet at three thirty p m.", en("Meet at 3:30 pm."));
    assertEquals("At ten o'clock.", en("At 10:00."));
    assertEquals("At nine oh five a m.", en("At 9:05 a.m."));
    assertEquals("Run five kilometers in one hour.", en("Run 5 km in 1 h."));
    assertEquals("It weighs two point five kilograms.", en("It weighs 2.5kg."));
    assertEquals("It is twenty-one degrees Celsius.", en("It is 21°C."));
    assertEquals("Drive at sixty miles per hour.", en("Drive at 60 mph."));
    assertEquals("Pages ten to twenty.", en("Pages 10-20."));
  }

  @Test
  void abbreviationsAndInitialisms() {
    assertEquals("Doctor Smith met Mister Jones.", en("Dr. Smith met Mr. Jones."));
    assertEquals("Fruit, for example apples, et cetera", en("Fruit, e.g. apples, etc."));
    assertEquals("Saint Louis is on Main Street.", en("St. Louis is on Main St."));
    assertEquals("The U S economy grew.", en("The U.S. economy grew."));
    assertEquals("See number five.", en("See No. 5."));
    assertEquals("Cats versus dogs.", en("Cats vs. dogs."));
  }

  @Test
  void symbols() {
    assertEquals("Salt and pepper.", en("Salt & pepper."));
    assertEquals("two plus two equals four.", en("2 + 2 = 4."));
    assertEquals("It is number one.", en("It is #1."));
    assertEquals("Input to output.", en("Input → output."));
    assertEquals("Version one point two point three.", en("Version 1.2.3."));
  }

  @Test
  void markdownLinksAndCodeAreReducedToTheirText() {
    assertEquals("This is important.", en("**This** is _important_."));
    assertEquals("Summary", en("## Summary"));
    assertEquals("Mix the flour.", en("- Mix the flour."));
    assertEquals("two, Bake it.", en("2. Bake it."));
    assertEquals("See the docs for details.", en("See [the docs](https://x.io/a) for details."));
    assertEquals("Visit example dot com now.", en("Visit https://www.example.com/path?q=1 now."));
    assertEquals("Mail bob at mail dot org.", en("Mail bob@mail.org."));
    assertEquals("Run the make command.", en("Run the `make` command."));
    assertEquals("Use snake case names.", en("Use snake_case names."));
    assertEquals("Line one line two.", en("Line one<br>line two."));
  }

  @Test
  void emojiAreRemoved() {
    assertEquals("Great job!", en("Great job! 🎉👍🏽"));
    assertEquals("Family time.", en("Family 👨‍👩‍👧 time."));
    assertEquals("Sunny ahead.", en("Sunny ☀️ ahead."));
    assertEquals("Go team", en("Go team 🇺🇸"));
  }

  @Test
  void otherLanguagesKeepTheirNumbersButLoseMarkup() {
    assertEquals("Es kostet 5 Euro.", normalizer.normalize("**Es** kostet 5 Euro. 🙂", "de"));
  }

  @Test
  void plainTextIsUnchanged() {
    String plain = "The quick brown fox jumps over the lazy dog.";
    assertEquals(plain, en(plain));
    assertEquals("", en("   "));
  }
}
