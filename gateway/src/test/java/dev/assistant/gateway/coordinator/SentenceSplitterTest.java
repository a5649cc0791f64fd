package dev.assistant.gateway.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.gateway.coordinator.SentenceSplitter.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SentenceSplitterTest {

  private static List<String> all(String text) {
    return SentenceSplitter.split(text, true).sentences();
  }

  @Test
  void splitsPlainSentencesAndKeepsTheUnfinishedRest() {
    Split split = SentenceSplitter.split("Hello there. How are you? I am fine! And th", false);
    assertEquals(List.of("Hello there.", "How are you?", "I am fine!"), split.sentences());
    assertEquals(" And th", split.remainder());
  }

  @Test
  void periodAtTheVeryEndIsNotYetABoundary() {
    Split split = SentenceSplitter.split("The answer is 3.", false);
    assertEquals(List.of(), split.sentences());
    assertEquals("The answer is 3.", split.remainder());
    // ...because it may continue as a decimal.
    assertEquals(List.of("The answer is 3.5 exactly."), all("The answer is 3.5 exactly."));
  }

  @Test
  void periodFollowedOnlyByWhitespaceWaitsForTheNextWord() {
    Split split = SentenceSplitter.split("It weighs approx. ", false);
    assertEquals(List.of(), split.sentences());
    assertEquals(List.of("It weighs approx. five kilos."), all("It weighs approx. five kilos."));
  }

  @Test
  void finishedFlushesTheRemainder() {
    Split split = SentenceSplitter.split("No punctuation at the end", true);
    assertEquals(List.of("No punctuation at the end"), split.sentences());
    assertEquals("", split.remainder());
    assertEquals(List.of(), SentenceSplitter.split("   \n ", true).sentences());
  }

  @Test
  void keepsTitlesAndLatinAbbreviationsInsideTheSentence() {
    assertEquals(
        List.of("Dr. Smith met Mr. Jones and Prof. Lee.", "They talked."),
        all("Dr. Smith met Mr. Jones and Prof. Lee. They talked."));
    assertEquals(
        List.of("Bring fruit, e.g. Apples or pears, i.e. Anything sweet.", "Thanks."),
        all("Bring fruit, e.g. Apples or pears, i.e. Anything sweet. Thanks."));
    assertEquals(List.of("It is cats vs. Dogs today."), all("It is cats vs. Dogs today."));
  }

  @Test
  void initialismsEndASentenceOnlyBeforeATypicalOpener() {
    assertEquals(
        List.of("The U.S. Army is large.", "It has many units."),
        all("The U.S. Army is large. It has many units."));
    assertEquals(
        List.of("She moved to the U.S.", "The move was hard."),
        all("She moved to the U.S. The move was hard."));
  }

  @Test
  void initialsAreNotBoundaries() {
    assertEquals(
        List.of("J. K. Rowling wrote it.", "John F. Kennedy read it."),
        all("J. K. Rowling wrote it. John F. Kennedy read it."));
  }

  @Test
  void decimalsUrlsAndVersionsStayWhole() {
    assertEquals(
        List.of("Pi is 3.14159 and e is 2.718.", "See example.com for v1.2.3 now."),
        all("Pi is 3.14159 and e is 2.718. See example.com for v1.2.3 now."));
  }

  @Test
  void numberAbbreviationsBeforeDigits() {
    assertEquals(
        List.of("See Fig. 2 and No. 5 on p. 12.", "Done."),
        all("See Fig. 2 and No. 5 on p. 12. Done."));
    assertEquals(List.of("My answer is no.", "Sorry."), all("My answer is no. Sorry."));
    assertEquals(List.of("It opened on Jan. 5 at noon."), all("It opened on Jan. 5 at noon."));
  }

  @Test
  void ellipses() {
    assertEquals(List.of("Well... maybe not."), all("Well... maybe not."));
    assertEquals(List.of("I wonder...", "Yes, I do."), all("I wonder... Yes, I do."));
    assertEquals(List.of("Wait…", "Now go."), all("Wait… Now go."));
  }

  @Test
  void closingQuotesAndBracketsBelongToTheSentence() {
    assertEquals(
        List.of("He said \"stop.\"", "(It was late.)", "She left!)", "Why?\""),
        all("He said \"stop.\" (It was late.) She left!) Why?\""));
    assertEquals(List.of("**Important.**", "Read this."), all("**Important.** Read this."));
  }

  @Test
  void numberedAndBulletedListsSplitPerItem() {
    String text = "Here are the steps:\n1. Preheat the oven.\n2. Mix 2.5 cups of flour.\n- Bake it";
    assertEquals(
        List.of(
            "Here are the steps:",
            "1. Preheat the oven.",
            "2. Mix 2.5 cups of flour.",
            "- Bake it"),
        all(text));
    assertEquals(
        List.of("There are two options.", "1. Use a bus."),
        all("There are two options. 1. Use a bus."));
  }

  @Test
  void paragraphsAndHeadingsSplitButHardWrappedLinesJoin() {
    assertEquals(
        List.of("# Summary", "The result", "is good and", "Next paragraph"),
        all("# Summary\nThe result\n\nis good and\nNext paragraph"));
    assertEquals(
        List.of("This sentence was wrapped across two lines."),
        all("This sentence was wrapped\nacross two lines."));
  }

  @Test
  void aLineBreakWaitsForTheNextLine() {
    Split split = SentenceSplitter.split("Ingredients:\n", false);
    assertEquals(List.of(), split.sentences());
    split = SentenceSplitter.split("Ingredients:\n- flour", false);
    assertEquals(List.of("Ingredients:"), split.sentences());
  }

  @Test
  void questionAndExclamationClusters() {
    assertEquals(List.of("Really?!", "Yes!!", "ok"), all("Really?! Yes!! ok"));
  }

  @Test
  void cjkFullStopsNeedNoSpace() {
    assertEquals(List.of("你好。", "今天很好！", "是吗？"), all("你好。今天很好！是吗？"));
  }

  @Test
  void dropsFragmentsWithNothingToSay() {
    assertEquals(List.of("Done.", "Next."), all("Done.\n\n---\n\nNext.\n\n🙂"));
  }

  @Test
  void collapsesWhitespaceInsideASentence() {
    assertEquals(List.of("A b c."), all("  A \t b\r\n   c.  "));
  }

  @Test
  void cutsRunOnSentencesAtAClauseMark() {
    String clause = "this clause goes on and on without any full stop at all, ";
    String text = clause.repeat(10);
    List<String> sentences = SentenceSplitter.split(text, false).sentences();
    assertTrue(sentences.size() >= 1, "a run-on sentence must not hold back speech");
    for (String sentence : sentences) {
      assertTrue(sentence.length() <= SentenceSplitter.MAX_SENTENCE_CHARS, sentence);
      assertTrue(sentence.endsWith(","), sentence);
    }
  }

  @Test
  void cutsAnEndlessTokenWithoutBreakingSurrogatePairs() {
    String text = "😀".repeat(400);
    for (String sentence : all(text)) {
      assertTrue(sentence.length() <= SentenceSplitter.MAX_SENTENCE_CHARS);
      assertTrue(!Character.isHighSurrogate(sentence.charAt(sentence.length() - 1)));
    }
  }

  /** Streaming must give exactly the sentences of a one-shot split, whatever the token cuts. */
  @Test
  void tokenByTokenEqualsOneShotForAnyChunking() {
    String text =
        "Dr. Who arrived at 3.30 p.m. on Jan. 5. The U.S. Navy was there... and so was I! "
            + "Was it \"fun?\" Yes.\n\nSteps:\n1. Buy 2.5 kg of rice (approx. $4).\n2. Cook it.\n"
            + "- Serve warm\nwith salt. "
            + "a very long clause, ".repeat(30)
            + "Done. 你好。再见！ Final words";
    List<String> expected = all(text);
    Random random = new Random(42);
    for (int round = 0; round < 300; round++) {
      List<String> got = new ArrayList<>();
      String pending = "";
      int pos = 0;
      while (pos < text.length()) {
        int step = 1 + random.nextInt(round % 3 == 0 ? 3 : 12);
        int end = Math.min(text.length(), pos + step);
        pending += text.substring(pos, end);
        pos = end;
        Split split = SentenceSplitter.split(pending, pos == text.length());
        got.addAll(split.sentences());
        pending = split.remainder();
      }
      assertEquals(expected, got, "round " + round);
    }
  }

  @Test
  void emptyFinishedInputGivesNothing() {
    Split split = SentenceSplitter.split("", true);
    assertEquals(List.of(), split.sentences());
    assertEquals("", split.remainder());
  }
}
