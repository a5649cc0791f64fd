package dev.assistant.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-worked word error rates. */
class WordErrorRateTest {
  @Test
  void countsSubstitutionsDeletionsInsertions() {
    // ref: the cat sat on the mat (6); hyp: the cat sit on mat now → sub sat/sit, del the, ins now.
    WordErrorRate.Counts c =
        WordErrorRate.counts("the cat sit on mat now", "the cat sat on the mat");
    assertEquals(3, c.edits());
    assertEquals(6, c.referenceWords());
    assertEquals(0.5, c.rate(), 1e-12);
  }

  @Test
  void normalizesCaseAndPunctuationButNotNumbers() {
    assertEquals(0, WordErrorRate.counts("Hello, World!", "hello world").edits());
    assertEquals(
        List.of("don't", "stop", "rock", "roll"),
        WordErrorRate.normalize("Don't stop: rock-&-roll."));
    // Numbers as written: "42" vs "forty two" is one substitution and one deletion.
    assertEquals(2, WordErrorRate.counts("I have 42 apples", "i have forty-two apples").edits());
    assertEquals(List.of("fine"), WordErrorRate.normalize("ﬁne")); // NFKC folds the ligature
  }

  @Test
  void emptyHypothesisIsAllDeletionsAndEmptyReferenceHasNoRate() {
    WordErrorRate.Counts c = WordErrorRate.counts("", "three words here");
    assertEquals(3, c.edits());
    assertEquals(1.0, c.rate(), 1e-12);
    WordErrorRate.Counts none = WordErrorRate.counts("two words", "");
    assertEquals(2, none.edits());
    assertTrue(Double.isNaN(none.rate()));
    assertEquals(0, WordErrorRate.counts("", "").edits());
  }

  @Test
  void corpusRateSumsEditsOverReferenceWords() {
    WordErrorRate.Counts total =
        WordErrorRate.counts("a b", "a c").plus(WordErrorRate.counts("x y z", "x y z w"));
    assertEquals(2, total.edits());
    assertEquals(6, total.referenceWords());
    assertEquals(1.0 / 3, total.rate(), 1e-12);
  }
}
