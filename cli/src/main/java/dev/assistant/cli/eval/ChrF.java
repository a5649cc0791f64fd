package dev.assistant.cli.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * chrF as sacreBLEU computes it by default: character n-grams of orders 1-6 with whitespace
 * removed, no word n-grams, beta 2 (recall weighs more), statistics summed over the corpus, and the
 * average precision and recall over the orders both sides have ("effective order"; sacreBLEU's
 * default, eps_smoothing=False). Optional epsilon smoothing as in chrF++.py. Scores are 0-100.
 */
public final class ChrF {
  private final int charOrder;
  private final double beta;
  private final boolean epsSmoothing;

  public ChrF(int charOrder, double beta, boolean epsSmoothing) {
    this.charOrder = charOrder;
    this.beta = beta;
    this.epsSmoothing = epsSmoothing;
  }

  /** sacreBLEU's defaults: 6, 2, no epsilon smoothing. */
  public static ChrF standard() {
    return new ChrF(6, 2, false);
  }

  /** Per order: hypothesis n-grams, reference n-grams, matches (3 × order numbers). */
  public long[] sentence(String hypothesis, List<String> references) {
    List<Map<String, Integer>> hyp = ngrams(hypothesis);
    long[] best = null;
    double bestF = -1;
    for (String ref : references) {
      List<Map<String, Integer>> r = ngrams(ref);
      long[] stats = new long[3 * charOrder];
      for (int i = 0; i < charOrder; i++) {
        Map<String, Integer> h = hyp.get(i);
        Map<String, Integer> rc = r.get(i);
        long hypCount = 0;
        long match = 0;
        for (Map.Entry<String, Integer> e : h.entrySet()) {
          hypCount += e.getValue();
          Integer c = rc.get(e.getKey());
          if (c != null) {
            match += Math.min(e.getValue(), c);
          }
        }
        long refCount = rc.values().stream().mapToLong(Integer::longValue).sum();
        stats[3 * i] = rc.isEmpty() ? 0 : hypCount;
        stats[3 * i + 1] = refCount;
        stats[3 * i + 2] = match;
      }
      double f = score(stats);
      if (f > bestF) {
        bestF = f;
        best = stats;
      }
    }
    return best;
  }

  /** The score 0-100 of (summed) statistics. */
  public double score(long[] stats) {
    double eps = 1e-16;
    double factor = beta * beta;
    double score = 0;
    double avgPrec = 0;
    double avgRec = 0;
    int effective = 0;
    for (int i = 0; i < charOrder; i++) {
      long nHyp = stats[3 * i];
      long nRef = stats[3 * i + 1];
      long nMatch = stats[3 * i + 2];
      double prec = nHyp > 0 ? (double) nMatch / nHyp : eps;
      double rec = nRef > 0 ? (double) nMatch / nRef : eps;
      double denom = factor * prec + rec;
      score += denom > 0 ? (1 + factor) * prec * rec / denom : eps;
      if (nHyp > 0 && nRef > 0) {
        avgPrec += prec;
        avgRec += rec;
        effective++;
      }
    }
    if (epsSmoothing) {
      return 100 * score / charOrder;
    }
    if (effective == 0) {
      return 0.0;
    }
    avgPrec /= effective;
    avgRec /= effective;
    if (avgPrec + avgRec == 0) {
      return 0.0;
    }
    return 100 * (1 + factor) * avgPrec * avgRec / (factor * avgPrec + avgRec);
  }

  public int statsLength() {
    return 3 * charOrder;
  }

  private List<Map<String, Integer>> ngrams(String line) {
    StringBuilder b = new StringBuilder();
    for (String w : Tokenizer13a.splitWhitespace(line)) {
      b.append(w);
    }
    int[] cps = b.codePoints().toArray();
    List<Map<String, Integer>> out = new java.util.ArrayList<>();
    for (int n = 1; n <= charOrder; n++) {
      Map<String, Integer> m = new HashMap<>();
      for (int i = 0; i + n <= cps.length; i++) {
        m.merge(new String(cps, i, n), 1, Integer::sum);
      }
      out.add(m);
    }
    return out;
  }
}
