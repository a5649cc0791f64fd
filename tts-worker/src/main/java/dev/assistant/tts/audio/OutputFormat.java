package dev.assistant.tts.audio;

/** How synthesized audio is delivered. */
public enum OutputFormat {
  /** Raw little-endian signed 16-bit mono PCM. */
  PCM16,
  /** A complete WAV file per sentence: canonical 44-byte header + PCM16 mono. */
  WAV,
  /** A complete Ogg Opus stream per sentence. */
  OGG_OPUS
}
