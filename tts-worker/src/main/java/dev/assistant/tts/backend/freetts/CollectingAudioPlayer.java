package dev.assistant.tts.backend.freetts;

import com.sun.speech.freetts.audio.AudioPlayer;
import java.io.ByteArrayOutputStream;
import javax.sound.sampled.AudioFormat;

/**
 * A FreeTTS audio sink that keeps the samples in memory instead of playing them: the worker never
 * touches a sound device. Not thread-safe; owned by one voice, used under its lock.
 */
final class CollectingAudioPlayer implements AudioPlayer {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private AudioFormat format;
  private float volume = 1f;

  /** Returns the samples collected since the last call as floats, and forgets them. */
  float[] takeSamples() {
    byte[] raw = bytes.toByteArray();
    bytes.reset();
    if (format == null || raw.length == 0) {
      return new float[0];
    }
    if (format.getSampleSizeInBits() != 16
        || format.getChannels() != 1
        || format.getEncoding() != AudioFormat.Encoding.PCM_SIGNED) {
      throw new IllegalStateException("unexpected FreeTTS audio format " + format);
    }
    boolean bigEndian = format.isBigEndian();
    float[] out = new float[raw.length / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = bigEndian ? raw[2 * i] : raw[2 * i + 1];
      int lo = bigEndian ? raw[2 * i + 1] : raw[2 * i];
      out[i] = (short) ((hi << 8) | (lo & 0xff)) / 32768f;
    }
    return out;
  }

  int sampleRate() {
    return format == null ? 0 : Math.round(format.getSampleRate());
  }

  @Override
  public void setAudioFormat(AudioFormat format) {
    this.format = format;
  }

  @Override
  public AudioFormat getAudioFormat() {
    return format;
  }

  @Override
  public void pause() {}

  @Override
  public void resume() {}

  @Override
  public void reset() {}

  @Override
  public boolean drain() {
    return true;
  }

  @Override
  public void begin(int size) {}

  @Override
  public boolean end() {
    return true;
  }

  @Override
  public void cancel() {}

  @Override
  public void close() {}

  @Override
  public float getVolume() {
    return volume;
  }

  @Override
  public void setVolume(float volume) {
    this.volume = volume;
  }

  @Override
  public long getTime() {
    return 0;
  }

  @Override
  public void resetTime() {}

  @Override
  public void startFirstSampleTimer() {}

  @Override
  public boolean write(byte[] audioData) {
    return write(audioData, 0, audioData.length);
  }

  @Override
  public boolean write(byte[] audioData, int offset, int size) {
    bytes.write(audioData, offset, size);
    return true;
  }

  @Override
  public void showMetrics() {}
}
