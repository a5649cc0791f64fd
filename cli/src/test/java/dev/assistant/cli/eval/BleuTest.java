package dev.assistant.cli.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pinned to sacreBLEU's own published test values (test/test_bleu.py) and to hand-worked cases. */
class BleuTest {
  private static final double EPS = 1e-6;

  // sacreBLEU's README example: three hypotheses, two reference streams.
  private static final List<String> HYPS =
      List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");
  private static final List<List<String>> REF_STREAMS =
      List.of(
          List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first."),
          List.of(
              "The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."));

  private static double corpus(List<String> hyps, List<List<String>> streams, Bleu.Smoothing s) {
    Bleu.Stats total = new Bleu.Stats();
    for (int i = 0; i < hyps.size(); i++) {
      List<String> refs = new ArrayList<>();
      for (List<String> stream : streams) {
        refs.add(stream.get(i));
      }
      total.add(Bleu.sentence(hyps.get(i), refs));
    }
    return Bleu.score(total, s, 0.1);
  }

  @Test
  void matchesSacrebleuReadmeCorpusScore() {
    assertEquals(48.530827, corpus(HYPS, REF_STREAMS, Bleu.Smoothing.EXP), EPS);
    assertEquals(48.530827, corpus(HYPS, REF_STREAMS, Bleu.Smoothing.NONE), EPS);
  }

  @Test
  void emptyHypothesesScoreZeroAndAreNotDropped() {
    assertEquals(0.0, corpus(List.of("", "", ""), REF_STREAMS, Bleu.Smoothing.EXP), EPS);
  }

  @Test
  void countsClippedNgramsAsSacrebleuDoes() {
    // test_bleu.py test_case_statistics, with tokenize='none' (whitespace tokens) and floor 0.
    Bleu.Stats s =
        Bleu.sentenceTokens(
            List.of("am I am a character sequence".split(" ")),
            List.of(List.of("I am a symbol string sequence a a".split(" "))));
    assertArrayEquals(new long[] {4, 2, 1, 0}, s.correct());
    assertArrayEquals(new long[] {6, 5, 4, 3}, s.total());
    // test_case_offset: floor smoothing with value 0 gives 0.
    assertEquals(0.0, Bleu.score(s, Bleu.Smoothing.FLOOR, 0.0), EPS);
    assertEquals(15.55722182, Bleu.score(s, Bleu.Smoothing.FLOOR, 0.1), 1e-6);
  }

  @Test
  void scoresFromStatisticsAsSacrebleuDoes() {
    // test_case_scoring: statistics (9,7,5,3)/(10,8,6,4), lengths 11 and 11 → 0.8375922397.
    double score =
        Bleu.score(
            new long[] {9, 7, 5, 3}, new long[] {10, 8, 6, 4}, 11, 11, Bleu.Smoothing.NONE, 0);
    assertEquals(83.75922397, score, 1e-6);
  }

  @Test
  void floorSmoothingMatchesRawCorpusBleu() {
    // test_raw_bleu_cases: "this is a fest" vs "this is a test", floor 0.01, no tokenization.
    Bleu.Stats s =
        Bleu.sentenceTokens(
            List.of("this is a fest".split(" ")), List.of(List.of("this is a test".split(" "))));
    assertEquals(22.3606797749979, Bleu.score(s, Bleu.Smoothing.FLOOR, 0.01), 1e-6);
  }

  @Test
  void handWorkedBrevityPenaltyAndExactMatch() {
    // Identical sentences: every precision 100, no penalty.
    assertEquals(
        100.0,
        corpus(List.of("a b c d e"), List.of(List.of("a b c d e")), Bleu.Smoothing.EXP),
        EPS);
    // Hypothesis "a b c d" vs reference "a b c d e f g h": precisions all 100, bp = e^(1-8/4).
    double expected = 100 * Math.exp(1 - 8.0 / 4);
    assertEquals(
        expected,
        corpus(List.of("a b c d"), List.of(List.of("a b c d e f g h")), Bleu.Smoothing.EXP),
        EPS);
  }

  @Test
  void expSmoothingHalvesEachMissingOrder() {
    // "a b x y" vs "a b c d": 1-grams 2/4, 2-grams 1/3, 3-grams 0/2 → 1/(2·2), 4-grams 0/1 →
    // 1/(4·1).
    double p =
        Math.exp(
            (Math.log(50) + Math.log(100.0 / 3) + Math.log(100.0 / 4) + Math.log(100.0 / 4)) / 4);
    assertEquals(
        p, corpus(List.of("a b x y"), List.of(List.of("a b c d")), Bleu.Smoothing.EXP), EPS);
  }

  @Test
  void emptyReferenceAgainstWordsScoresZero() {
    assertEquals(0.0, corpus(List.of("some words"), List.of(List.of("")), Bleu.Smoothing.EXP), EPS);
  }

  @Test
  void tokenizes13aLikeMteval() {
    // 13a splits the ASCII symbols except the apostrophe (0x27 lies outside its ranges).
    assertEquals(
        List.of("The", "dog", "bit", "the", "man", "."),
        Tokenizer13a.tokenize("The dog bit the man."));
    assertEquals(
        List.of("It", "wasn't", "surprising", "."), Tokenizer13a.tokenize("It wasn't surprising."));
    assertEquals(
        List.of("costs", "3.50", "$", ",", "1,000", "-", "2"),
        Tokenizer13a.tokenize("costs 3.50$, 1,000-2"));
    assertEquals(
        List.of("a", "&", "b", "\"", "c", "\""), Tokenizer13a.tokenize("a &amp; b &quot;c&quot;"));
    assertEquals(List.of(), Tokenizer13a.tokenize("   "));
  }
}
