package dev.assistant.audio;

/** Test signals and measurements. */
final class Signals {
  private Signals() {}

  static float[] tone(double hz, int rate, double seconds, double amplitude) {
    float[] x = new float[(int) Math.round(rate * seconds)];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
    }
    return x;
  }

  /** RMS of the middle part, skipping {@code margin} of the length at each end (edge effects). */
  static double rms(float[] x, double margin) {
    int from = (int) (x.length * margin);
    int to = x.length - from;
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += x[i] * (double) x[i];
    }
    return Math.sqrt(sum / Math.max(1, to - from));
  }

  /** Frequency from positive-going zero crossings over the middle part. */
  static double frequency(float[] x, int rate) {
    int from = x.length / 10;
    int to = x.length - from;
    int first = -1;
    int last = -1;
    int crossings = 0;
    for (int i = from + 1; i < to; i++) {
      if (x[i - 1] < 0 && x[i] >= 0) {
        if (first < 0) {
          first = i;
        } else {
          crossings++;
        }
        last = i;
      }
    }
    return crossings * (double) rate / (last - first);
  }
}
