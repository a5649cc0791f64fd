package dev.assistant.cli.eval;

import java.util.List;

/** Running corpus totals for one group of items: WER counts, BLEU and chrF statistics. */
public final class CorpusScores {
  private final ChrF chrf;
  private final Bleu.Smoothing smoothing;
  private long items;
  private long failed;
  private long werItems;
  private WordErrorRate.Counts wer = new WordErrorRate.Counts(0, 0);
  private long answerItems;
  private final Bleu.Stats bleu = new Bleu.Stats();
  private final long[] chrfStats;

  public CorpusScores(ChrF chrf, Bleu.Smoothing smoothing) {
    this.chrf = chrf;
    this.smoothing = smoothing;
    this.chrfStats = new long[chrf.statsLength()];
  }

  public void failed() {
    items++;
    failed++;
  }

  public void ok() {
    items++;
  }

  public void transcript(WordErrorRate.Counts c) {
    werItems++;
    wer = wer.plus(c);
  }

  public void answer(Bleu.Stats b, long[] c) {
    answerItems++;
    bleu.add(b);
    for (int i = 0; i < c.length; i++) {
      chrfStats[i] += c[i];
    }
  }

  public long items() {
    return items;
  }

  public long failedItems() {
    return failed;
  }

  public long werItems() {
    return werItems;
  }

  public long answerItems() {
    return answerItems;
  }

  public WordErrorRate.Counts werCounts() {
    return wer;
  }

  /** WER as a fraction; NaN with no reference words. */
  public double wer() {
    return wer.rate();
  }

  /** Corpus BLEU 0-100; NaN with no scored answers. */
  public double bleu() {
    return answerItems == 0 ? Double.NaN : Bleu.score(bleu, smoothing, 0.1);
  }

  /** Corpus chrF 0-100; NaN with no scored answers. */
  public double chrf() {
    return answerItems == 0 ? Double.NaN : chrf.score(chrfStats);
  }

  /** Scores one answer on its own (for the per-item file). */
  public static double[] itemAnswer(String hyp, String ref, ChrF chrf, Bleu.Smoothing smoothing) {
    Bleu.Stats b = Bleu.sentence(hyp, List.of(ref));
    return new double[] {
      Bleu.score(b, smoothing, 0.1), chrf.score(chrf.sentence(hyp, List.of(ref)))
    };
  }
}
