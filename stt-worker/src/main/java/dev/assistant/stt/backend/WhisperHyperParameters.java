package dev.assistant.stt.backend;

/**
 * The eleven int32 header fields of a ggml Whisper model, in file order.
 *
 * @param ftype weight type code; quantized files add 1000 x the quantization version
 */
public record WhisperHyperParameters(
    int nVocab,
    int nAudioCtx,
    int nAudioState,
    int nAudioHead,
    int nAudioLayer,
    int nTextCtx,
    int nTextState,
    int nTextHead,
    int nTextLayer,
    int nMels,
    int ftype) {

  /** English-only vocabulary size. */
  public static final int VOCAB_ENGLISH = 51864;

  /** Multilingual vocabulary size (v1/v2). */
  public static final int VOCAB_MULTILINGUAL = 51865;

  /** Multilingual vocabulary size of large-v3 (one more language). */
  public static final int VOCAB_V3 = 51866;

  /** Frequency bins of whisper's 400-point FFT. */
  public static final int N_FFT_BINS = 201;

  /** Encoder positions: 30 s of audio after the stride-2 convolution. */
  public static final int AUDIO_CTX = 1500;

  /** The text context of released models. */
  public static final int MAX_TEXT_CTX = 448;

  public boolean multilingual() {
    return nVocab >= VOCAB_MULTILINGUAL;
  }

  /** {@code ftype} without the quantization version. */
  public int baseFtype() {
    return ftype % 1000;
  }

  /** The released size these dimensions match, or "custom". */
  public String sizeName() {
    if (nAudioState == 384 && nAudioLayer == 4) {
      return "tiny";
    }
    if (nAudioState == 512 && nAudioLayer == 6) {
      return "base";
    }
    if (nAudioState == 768 && nAudioLayer == 12) {
      return "small";
    }
    if (nAudioState == 1024 && nAudioLayer == 24) {
      return "medium";
    }
    if (nAudioState == 1280 && nAudioLayer == 32) {
      return "large";
    }
    return "custom";
  }

  /** Real Whisper tiny dimensions (multilingual unless {@code englishOnly}), F16. */
  public static WhisperHyperParameters tiny(boolean englishOnly, int textCtx) {
    return of(englishOnly, 384, 6, 4, textCtx);
  }

  /** Real Whisper base dimensions, F16. */
  public static WhisperHyperParameters base(boolean englishOnly, int textCtx) {
    return of(englishOnly, 512, 8, 6, textCtx);
  }

  /** Equal encoder and decoder dimensions, 80 mels, F16. */
  public static WhisperHyperParameters of(
      boolean englishOnly, int state, int heads, int layers, int textCtx) {
    return new WhisperHyperParameters(
        englishOnly ? VOCAB_ENGLISH : VOCAB_MULTILINGUAL,
        AUDIO_CTX,
        state,
        heads,
        layers,
        textCtx,
        state,
        heads,
        layers,
        80,
        1);
  }
}
