package dev.assistant.cli.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus BLEU as sacreBLEU computes it: 13a tokens, clipped n-gram matches up to 4-grams summed
 * over the corpus, geometric mean of the precisions, brevity penalty from the corpus lengths (the
 * closest reference length per sentence). Default smoothing is sacreBLEU's default, "exp" (NIST: an
 * order with no match counts as 1/2^k of a match); "none" and "floor" are available. Scores are
 * 0-100.
 */
public final class Bleu {
  public static final int MAX_ORDER = 4;

  /** How precisions with zero matches are treated. */
  public enum Smoothing {
    NONE,
    EXP,
    FLOOR
  }

  /** Sufficient statistics; add sentences, then score. */
  public static final class Stats {
    long sysLen;
    long refLen;
    final long[] correct = new long[MAX_ORDER];
    final long[] total = new long[MAX_ORDER];

    public void add(Stats o) {
      sysLen += o.sysLen;
      refLen += o.refLen;
      for (int i = 0; i < MAX_ORDER; i++) {
        correct[i] += o.correct[i];
        total[i] += o.total[i];
      }
    }

    public long[] correct() {
      return correct.clone();
    }

    public long[] total() {
      return total.clone();
    }

    public long sysLen() {
      return sysLen;
    }

    public long refLen() {
      return refLen;
    }
  }

  private Bleu() {}

  /** Statistics of one hypothesis against one or more references (13a-tokenized). */
  public static Stats sentence(String hypothesis, List<String> references) {
    return sentenceTokens(
        Tokenizer13a.tokenize(rstrip(hypothesis)),
        references.stream().map(r -> Tokenizer13a.tokenize(rstrip(r))).toList());
  }

  /** Statistics of already-tokenized text. */
  public static Stats sentenceTokens(List<String> hyp, List<List<String>> refs) {
    Map<String, Integer> refCounts = new HashMap<>();
    Stats s = new Stats();
    int closest = -1;
    int closestDiff = -1;
    for (List<String> ref : refs) {
      Map<String, Integer> counts = ngrams(ref);
      counts.forEach((k, v) -> refCounts.merge(k, v, Math::max));
      int diff = Math.abs(hyp.size() - ref.size());
      if (closestDiff == -1
          || diff < closestDiff
          || (diff == closestDiff && ref.size() < closest)) {
        closestDiff = diff;
        closest = ref.size();
      }
    }
    s.sysLen = hyp.size();
    s.refLen = Math.max(0, closest);
    for (Map.Entry<String, Integer> e : ngrams(hyp).entrySet()) {
      int n = order(e.getKey());
      s.total[n - 1] += e.getValue();
      Integer r = refCounts.get(e.getKey());
      if (r != null) {
        s.correct[n - 1] += Math.min(e.getValue(), r);
      }
    }
    return s;
  }

  private static Map<String, Integer> ngrams(List<String> tokens) {
    Map<String, Integer> m = new HashMap<>();
    for (int n = 1; n <= MAX_ORDER; n++) {
      for (int i = 0; i + n <= tokens.size(); i++) {
        // Tokens never contain whitespace, so U+0001 cannot occur inside one: a safe separator.
        StringBuilder k = new StringBuilder().append(n).append('\u0001');
        for (int j = i; j < i + n; j++) {
          k.append(tokens.get(j)).append('\u0001');
        }
        m.merge(k.toString(), 1, Integer::sum);
      }
    }
    return m;
  }

  private static int order(String key) {
    return key.charAt(0) - '0';
  }

  /** The score 0-100 of aggregated statistics. */
  public static double score(Stats s, Smoothing smoothing, double floor) {
    return score(s.correct, s.total, s.sysLen, s.refLen, smoothing, floor);
  }

  /** sacreBLEU's compute_bleu, without effective order (corpus level). */
  public static double score(
      long[] correct, long[] total, long sysLen, long refLen, Smoothing smoothing, double floor) {
    double bp = 1.0;
    if (sysLen < refLen) {
      bp = sysLen > 0 ? Math.exp(1.0 - (double) refLen / sysLen) : 0.0;
    }
    boolean anyMatch = false;
    for (long c : correct) {
      anyMatch |= c > 0;
    }
    if (!anyMatch) {
      return 0.0;
    }
    double[] precisions = new double[MAX_ORDER];
    double smoothMteval = 1.0;
    for (int n = 1; n <= MAX_ORDER; n++) {
      if (total[n - 1] == 0) {
        break; // the remaining precisions stay 0 and the score collapses, as in sacreBLEU
      }
      if (correct[n - 1] == 0) {
        if (smoothing == Smoothing.EXP) {
          smoothMteval *= 2;
          precisions[n - 1] = 100.0 / (smoothMteval * total[n - 1]);
        } else if (smoothing == Smoothing.FLOOR) {
          precisions[n - 1] = 100.0 * floor / total[n - 1];
        }
      } else {
        precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1];
      }
    }
    double sumLog = 0;
    for (double p : precisions) {
      sumLog += p == 0.0 ? -9999999999.0 : Math.log(p);
    }
    return bp * Math.exp(sumLog / MAX_ORDER);
  }

  /** Python's {@code str.rstrip()}, which sacreBLEU applies before tokenizing. */
  static String rstrip(String s) {
    int end = s.length();
    while (end > 0 && Tokenizer13a.isSpace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }
}
