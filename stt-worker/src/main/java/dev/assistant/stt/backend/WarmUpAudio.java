package dev.assistant.stt.backend;

/**
 * Deterministic audio that exercises the recognizer like speech does: voiced syllables (a gliding
 * pitch with harmonics, about four a second) separated by short pauses, at a normal level.
 */
final class WarmUpAudio {
  private WarmUpAudio() {}

  static float[] samples(double seconds, int sampleRate) {
    int n = (int) (seconds * sampleRate);
    float[] out = new float[n];
    double phase = 0;
    for (int i = 0; i < n; i++) {
      double t = i / (double) sampleRate;
      double syllable = (t * 4) % 1.0;
      double envelope = syllable < 0.7 ? Math.sin(Math.PI * syllable / 0.7) : 0;
      double pitch = 120 + 40 * Math.sin(2 * Math.PI * 0.7 * t);
      phase += 2 * Math.PI * pitch / sampleRate;
      double voice = 0;
      for (int h = 1; h <= 8; h++) {
        voice += Math.sin(h * phase) / h;
      }
      out[i] = (float) (0.2 * envelope * voice);
    }
    return out;
  }
}
