package dev.assistant.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Pinned to sacreBLEU's test values (test/test_chrf.py) and hand-worked cases. */
class ChrFTest {
  private static final double EPS = 1e-4;

  private static double corpus(ChrF chrf, List<String> hyps, List<String> refs) {
    long[] total = new long[chrf.statsLength()];
    for (int i = 0; i < hyps.size(); i++) {
      long[] s = chrf.sentence(hyps.get(i), List.of(refs.get(i)));
      for (int j = 0; j < s.length; j++) {
        total[j] += s[j];
      }
    }
    return chrf.score(total);
  }

  @Test
  void effectiveOrderCasesMatchSacrebleu() {
    // test_cases_effective_order: char_order 6, beta 3, eps_smoothing False (sacreBLEU's mode).
    ChrF chrf = new ChrF(6, 3, false);
    assertEquals(100.0, corpus(chrf, List.of("a"), List.of("a")), EPS);
    assertEquals(0.0, corpus(chrf, List.of(""), List.of("reference")), EPS);
    assertEquals(100.0, corpus(chrf, List.of("a b c"), List.of("a b c")), EPS);
    assertEquals(100.0, corpus(chrf, List.of("a b c"), List.of("abc")), EPS);
    assertEquals(0.0, corpus(chrf, List.of(""), List.of("c")), EPS);
    assertEquals(50.0, corpus(chrf, List.of("a", "b"), List.of("a", "c")), EPS);
    assertEquals(25.0, corpus(chrf, List.of("aa"), List.of("ab")), EPS);
  }

  @Test
  void epsilonSmoothingCasesMatchSacrebleu() {
    ChrF chrf = new ChrF(6, 3, true);
    assertEquals(0.0, corpus(chrf, List.of("abcdefg"), List.of("hijklmnop")), EPS);
    assertEquals(0.0, corpus(chrf, List.of(""), List.of("b")), EPS);
    assertEquals(8.3333, corpus(chrf, List.of("aa"), List.of("ab")), EPS);
    assertEquals(16.6667, corpus(chrf, List.of("a"), List.of("a")), EPS);
    assertEquals(50.0, corpus(chrf, List.of("a b c"), List.of("abc")), EPS);
    assertEquals(
        63.361730,
        corpus(
            chrf,
            List.of(
                " risk assessment must be made of those who are qualified and expertise in the"
                    + " sector - these are the scientists ."),
            List.of(
                "risk assessment has to be undertaken by those who are qualified and expert in"
                    + " that area - that is the scientists .")),
        EPS);
    assertEquals(
        64.1302698,
        corpus(
            chrf,
            List.of(
                " Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "),
            List.of(
                "Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.")),
        EPS);
  }

  @Test
  void sentenceLevelDefaultBetaMatchesSacrebleu() {
    // test_sentence_level_chrf: sentence_chrf defaults (beta 2) with eps_smoothing.
    ChrF chrf = new ChrF(6, 2, true);
    assertEquals(
        39.14078509,
        corpus(
            chrf,
            List.of("Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře."),
            List.of(
                "Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.")),
        EPS);
    assertEquals(
        57.15704367,
        corpus(
            chrf,
            List.of("Lapali po dechu, jejich životy skončily dřív, než skutečně začaly."),
            List.of(
                "Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít,"
                    + " připomněli.")),
        EPS);
  }

  @Test
  void handWorkedDefaultChrF() {
    // "ab" vs "ac", beta 2: 1-grams precision 1/2, recall 1/2; 2-grams 0/1 both (but counted:
    // both sides have 2-grams). Average P = R = 1/4 → F = 25.
    assertEquals(25.0, corpus(ChrF.standard(), List.of("ab"), List.of("ac")), EPS);
    assertEquals(100.0, corpus(ChrF.standard(), List.of("same text"), List.of("same  text")), EPS);
    assertEquals(0.0, corpus(ChrF.standard(), List.of("anything"), List.of("")), EPS);
    assertEquals(0.0, corpus(ChrF.standard(), List.of(""), List.of("")), EPS);
  }
}
