package dev.assistant.audio;

import java.util.Optional;

/** Audio formats the decoder reads. */
public enum AudioContainer {
  /** Raw little-endian signed 16-bit PCM; rate and channels are declared by the sender. */
  PCM16,
  /** RIFF/WAVE with integer PCM (8/16/24/32-bit) or IEEE float (32/64-bit). */
  WAV,
  /** Free Lossless Audio Codec, native FLAC stream. */
  FLAC,
  /** MPEG-1/2/2.5 Layer III. */
  MP3,
  /** Vorbis in an Ogg container. */
  OGG_VORBIS,
  /** Opus in an Ogg container (RFC 7845). */
  OGG_OPUS;

  /**
   * Recognizes a container from its first bytes. Raw PCM has no signature and is never detected.
   */
  public static Optional<AudioContainer> sniff(byte[] data) {
    if (data.length >= 12 && ascii(data, 0, "RIFF") && ascii(data, 8, "WAVE")) {
      return Optional.of(WAV);
    }
    if (data.length >= 4 && ascii(data, 0, "fLaC")) {
      return Optional.of(FLAC);
    }
    if (data.length >= 4 && ascii(data, 0, "OggS")) {
      return Optional.of(OggOpusDecoder.isOpus(data) ? OGG_OPUS : OGG_VORBIS);
    }
    if (data.length >= 3 && ascii(data, 0, "ID3")) {
      return Optional.of(MP3);
    }
    // An MPEG audio frame header: 11 sync bits, a valid version/layer III, and a bitrate index
    // that is neither free-format (0) nor invalid (15).
    if (data.length >= 4
        && (data[0] & 0xff) == 0xff
        && (data[1] & 0xe0) == 0xe0
        && (data[1] & 0x06) == 0x02
        && (data[1] & 0x18) != 0x08
        && ((data[2] & 0xf0) >> 4) != 0x0f
        && (data[2] & 0xf0) != 0
        && (data[2] & 0x0c) != 0x0c) {
      return Optional.of(MP3);
    }
    return Optional.empty();
  }

  /**
   * Names a container the decoder recognizes but does not read (WebM/Matroska, MP4/M4A), so that a
   * refusal can say what was sent.
   */
  static Optional<String> unsupported(byte[] data) {
    if (data.length >= 4
        && (data[0] & 0xff) == 0x1a
        && (data[1] & 0xff) == 0x45
        && (data[2] & 0xff) == 0xdf
        && (data[3] & 0xff) == 0xa3) {
      return Optional.of("WebM/Matroska");
    }
    if (data.length >= 8 && ascii(data, 4, "ftyp")) {
      return Optional.of("MP4/M4A (AAC)");
    }
    return Optional.empty();
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
