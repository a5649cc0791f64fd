package dev.assistant.audio;

/**
 * The Xing/Info frame that LAME (and encoders copying its layout) put first in an MP3 file: a frame
 * of silence whose side-information area holds the number of audio frames and, in the LAME tag, the
 * encoder delay and padding. Decoders that play it as audio start late by one frame plus the codec
 * delays and run long by the padding; with it the exact original samples can be cut out.
 *
 * @param audioFrames frames after this one, or -1 when the header does not say
 * @param samplesPerFrame 1152 for MPEG-1, 576 for MPEG-2/2.5 Layer III
 * @param encoderDelay samples the encoder put before the audio, or -1 without a LAME tag
 * @param padding samples the encoder put after the audio, or -1 without a LAME tag
 */
record Mp3InfoFrame(long audioFrames, int samplesPerFrame, int encoderDelay, int padding) {
  /** The decoder's own delay (synthesis filterbank and MDCT overlap) in every ISO decoder. */
  static final int DECODER_DELAY = 529;

  /** Whether the file says where its audio starts and ends. */
  boolean gapless() {
    return encoderDelay >= 0 && audioFrames > 0 && originalSamples() > 0;
  }

  /** Samples of the source (per channel). */
  long originalSamples() {
    return audioFrames * samplesPerFrame - encoderDelay - padding;
  }

  /** Decoded samples (counted from the first audio frame) that come before the source. */
  long skip() {
    return encoderDelay + DECODER_DELAY;
  }

  /**
   * Reads the info frame if the first frame (after an ID3v2 tag) is one; null otherwise. Never
   * throws on malformed input: anything it cannot read is simply not an info frame.
   */
  static Mp3InfoFrame find(byte[] data) {
    int p = 0;
    if (data.length >= 10 && data[0] == 'I' && data[1] == 'D' && data[2] == '3') {
      int size =
          ((data[6] & 0x7f) << 21)
              | ((data[7] & 0x7f) << 14)
              | ((data[8] & 0x7f) << 7)
              | (data[9] & 0x7f);
      p = 10 + size + ((data[5] & 0x10) != 0 ? 10 : 0); // a footer follows when flagged
    }
    if (p + 4 > data.length || (data[p] & 0xff) != 0xff || (data[p + 1] & 0xe0) != 0xe0) {
      return null;
    }
    int version = (data[p + 1] >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    int layer = (data[p + 1] >> 1) & 3; // 1: Layer III
    if (version == 1 || layer != 1) {
      return null;
    }
    boolean mpeg1 = version == 3;
    boolean crc = (data[p + 1] & 1) == 0;
    boolean mono = ((data[p + 3] >> 6) & 3) == 3;
    int sideInfo = mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17);
    int tag = p + 4 + (crc ? 2 : 0) + sideInfo;
    if (tag + 8 > data.length || !(ascii(data, tag, "Xing") || ascii(data, tag, "Info"))) {
      return null;
    }
    int flags = Pcm.readIntBe(data, tag + 4);
    int q = tag + 8;
    long frames = -1;
    if ((flags & 1) != 0) {
      if (q + 4 > data.length) {
        return null;
      }
      frames = Pcm.readIntBe(data, q) & 0xffff_ffffL;
      q += 4;
    }
    q += ((flags & 2) != 0 ? 4 : 0) + ((flags & 4) != 0 ? 100 : 0) + ((flags & 8) != 0 ? 4 : 0);
    int samplesPerFrame = mpeg1 ? 1152 : 576;
    // LAME tag: 9-byte encoder string, then revision, lowpass, replay gain (8), flags, bitrate,
    // and 12 bits of delay and 12 of padding.
    int delay = -1;
    int padding = -1;
    if (q + 24 <= data.length
        && (ascii(data, q, "LAME") || ascii(data, q, "Lavc") || ascii(data, q, "Lavf"))) {
      int d = q + 21;
      delay = ((data[d] & 0xff) << 4) | ((data[d + 1] & 0xff) >> 4);
      padding = ((data[d + 1] & 0x0f) << 8) | (data[d + 2] & 0xff);
    }
    return new Mp3InfoFrame(frames, samplesPerFrame, delay, padding);
  }

  private static boolean ascii(byte[] data, int offset, String s) {
    for (int i = 0; i < s.length(); i++) {
      if (data[offset + i] != (byte) s.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
