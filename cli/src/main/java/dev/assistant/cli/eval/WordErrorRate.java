package dev.assistant.cli.eval;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Word error rate: the word-level Levenshtein distance (substitutions + deletions + insertions)
 * divided by the number of reference words, summed over the corpus.
 *
 * <p>Normalization, applied to both sides before counting: Unicode NFKC; lower case; every
 * punctuation character removed (an apostrophe inside a word is kept, so "don't" stays one word;
 * hyphens and slashes separate words); whitespace collapsed. Numbers are compared <em>as
 * written</em>: "42" and "forty-two" are different words, because rewriting numbers is language-
 * specific and would hide recognizer behaviour rather than measure it.
 */
public final class WordErrorRate {
  private static final Pattern INNER_APOSTROPHE = Pattern.compile("(?<=\\p{L})['’](?=\\p{L})");
  private static final Pattern PUNCTUATION = Pattern.compile("[\\p{P}\\p{S}]");

  private WordErrorRate() {}

  /** Edits and reference length of one pair. */
  public record Counts(long edits, long referenceWords) {
    public Counts plus(Counts o) {
      return new Counts(edits + o.edits, referenceWords + o.referenceWords);
    }

    /** The rate; NaN when the reference has no words. */
    public double rate() {
      return referenceWords == 0 ? Double.NaN : (double) edits / referenceWords;
    }
  }

  public static List<String> normalize(String text) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    s = INNER_APOSTROPHE.matcher(s).replaceAll("\u0001");
    s = PUNCTUATION.matcher(s).replaceAll(" ");
    s = s.replace('\u0001', '\'');
    return Tokenizer13a.splitWhitespace(s);
  }

  public static Counts counts(String hypothesis, String reference) {
    List<String> h = normalize(hypothesis);
    List<String> r = normalize(reference);
    return new Counts(distance(h, r), r.size());
  }

  /** Word-level Levenshtein distance, two rows of memory. */
  static long distance(List<String> h, List<String> r) {
    int[] prev = new int[h.size() + 1];
    int[] cur = new int[h.size() + 1];
    for (int j = 0; j <= h.size(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= r.size(); i++) {
      cur[0] = i;
      for (int j = 1; j <= h.size(); j++) {
        int sub = prev[j - 1] + (r.get(i - 1).equals(h.get(j - 1)) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[h.size()];
  }
}
