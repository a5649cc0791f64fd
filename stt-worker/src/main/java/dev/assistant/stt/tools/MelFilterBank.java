package dev.assistant.stt.tools;

/** Triangular mel filters on the Slaney scale with area normalization, as Whisper's are built. */
final class MelFilterBank {
  private MelFilterBank() {}

  static float[][] slaney(int nMels, int nBins, int sampleRate) {
    double nyquist = sampleRate / 2.0;
    double melMax = hzToMel(nyquist);
    double[] edges = new double[nMels + 2];
    for (int i = 0; i < edges.length; i++) {
      edges[i] = melToHz(melMax * i / (nMels + 1));
    }
    float[][] w = new float[nMels][nBins];
    for (int m = 0; m < nMels; m++) {
      double lo = edges[m];
      double mid = edges[m + 1];
      double hi = edges[m + 2];
      double norm = 2.0 / (hi - lo);
      for (int k = 0; k < nBins; k++) {
        double f = k * nyquist / (nBins - 1);
        double up = (f - lo) / (mid - lo);
        double down = (hi - f) / (hi - mid);
        w[m][k] = (float) (Math.max(0, Math.min(up, down)) * norm);
      }
    }
    return w;
  }

  private static double hzToMel(double hz) {
    double linear = 200.0 / 3;
    double minLogHz = 1000;
    double minLogMel = minLogHz / linear;
    double logStep = Math.log(6.4) / 27;
    return hz < minLogHz ? hz / linear : minLogMel + Math.log(hz / minLogHz) / logStep;
  }

  private static double melToHz(double mel) {
    double linear = 200.0 / 3;
    double minLogMel = 1000 / linear;
    double logStep = Math.log(6.4) / 27;
    return mel < minLogMel ? mel * linear : 1000 * Math.exp(logStep * (mel - minLogMel));
  }
}
