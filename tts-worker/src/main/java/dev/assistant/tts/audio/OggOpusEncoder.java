package dev.assistant.tts.audio;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes mono audio as a complete Ogg Opus stream (RFC 7845) with the pure-Java Concentus encoder:
 * an {@code OpusHead} page, an {@code OpusTags} page, then 20 ms packets. The last page's granule
 * position marks the exact end, so decoders drop the padding of the final frame.
 *
 * <p>The encoder runs in CELT-only (restricted low-delay) mode: Concentus 1.0.2's SILK path trips
 * its own fixed-point overflow assertions on some clean voiced signals, while CELT encodes speech
 * well at 24 kbit/s and passed every signal tried (speech, tones, noise, clipping, silence).
 *
 * <p>Opus runs at 8, 12, 16, 24 or 48 kHz; other rates are resampled to the next of these up (22.05
 * kHz to 24 kHz, 44.1 kHz to 48 kHz), block by block as frames are encoded. The header records the
 * original rate, which players may use for output. Output is deterministic: the same samples and
 * serial number give the same bytes (replays of a request produce identical chunks).
 *
 * <p>The stream can be taken page by page as it is produced ({@link #encode(float[], int, int,
 * EncodedAudioSink)}), so the first audio leaves after one 20 ms frame has been encoded.
 *
 * <p>Thread-safe: each call uses its own encoder.
 */
public final class OggOpusEncoder {
  private static final int[] OPUS_RATES = {8_000, 12_000, 16_000, 24_000, 48_000};
  private static final String VENDOR = "assistant tts-worker (Concentus)";
  private static final int MAX_PACKET = 1_275;

  /**
   * Most 20 ms frames on one page (0.8 s): even 40 packets of the largest size (6 lacing values
   * each) fit the 255 lacing values of a page, so a page never has to be cut early.
   */
  static final int MAX_FRAMES_PER_PAGE = 40;

  /** Page header (27) plus a full lacing table (255). */
  private static final int PAGE_OVERHEAD_MAX = 27 + 255;

  /** Both header pages: page overheads, OpusHead (19) and OpusTags with the vendor string. */
  private static final int HEADER_PAGES_MAX_BYTES = 2 * PAGE_OVERHEAD_MAX + 19 + 16 + 64;

  private final int bitrate;

  /**
   * @param bitrate bits per second, 6 000 to 256 000 (24 000 is clear speech)
   */
  public OggOpusEncoder(int bitrate) {
    if (bitrate < 6_000 || bitrate > 256_000) {
      throw new IllegalArgumentException("Opus bitrate " + bitrate + " outside [6000, 256000]");
    }
    this.bitrate = bitrate;
  }

  /** Encodes {@code samples} at {@code sampleRate} as one Ogg Opus stream with this serial. */
  public byte[] encode(float[] samples, int sampleRate, int serial) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    encode(samples, sampleRate, serial, (bytes, end) -> out.writeBytes(bytes));
    return out.toByteArray();
  }

  /**
   * Encodes {@code samples} at {@code sampleRate} as one Ogg Opus stream with this serial, handing
   * each page to {@code sink} as soon as it is complete. The two header pages travel with the first
   * audio page, which holds a single 20 ms packet, so the first part leaves after one frame has
   * been encoded rather than after the whole sentence. Page boundaries depend only on the number of
   * samples, so the parts are as deterministic as the bytes.
   */
  public void encode(float[] samples, int sampleRate, int serial, EncodedAudioSink sink) {
    int opusRate = opusRate(sampleRate);
    int frame = opusRate / 50; // 20 ms
    PcmFrames input = new PcmFrames(samples, sampleRate, opusRate, frame);
    OpusEncoder encoder;
    try {
      encoder = new OpusEncoder(opusRate, 1, OpusApplication.OPUS_APPLICATION_RESTRICTED_LOWDELAY);
    } catch (OpusException e) {
      throw new IllegalStateException("cannot create an Opus encoder at " + opusRate + " Hz", e);
    }
    encoder.setBitrate(bitrate);
    encoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
    encoder.setComplexity(5); // quality close to 10 at a fraction of the cost on 2 cores
    int toGranule = 48_000 / opusRate; // granule positions count 48 kHz samples
    int preSkip = encoder.getLookahead() * toGranule;

    OggPageWriter ogg = new OggPageWriter(serial);
    ogg.add(opusHead(preSkip, sampleRate));
    ogg.flush(0, OggPageWriter.BEGIN_OF_STREAM);
    ogg.add(opusTags());
    ogg.flush(0, 0);

    // The encoder delays its output by the lookahead: feed that much silence after the end.
    long frames = Math.max(1, (input.length() + encoder.getLookahead() + frame - 1) / frame);
    long endGranule = preSkip + input.length() * toGranule;
    short[] pcm = new short[frame];
    byte[] buffer = new byte[MAX_PACKET];
    int page = 0;
    int onPage = 0;
    for (long f = 0; f < frames; f++) {
      input.next(pcm);
      int length;
      try {
        length = encoder.encode(pcm, 0, frame, buffer, 0, buffer.length);
      } catch (OpusException | AssertionError e) {
        // Concentus checks fixed-point invariants with unconditional assertions; never let an
        // Error escape into the worker loop.
        throw new IllegalStateException("Opus encoding failed at frame " + f, e);
      }
      ogg.add(Arrays.copyOf(buffer, length));
      onPage++;
      if (f == frames - 1) {
        ogg.flush(endGranule, OggPageWriter.END_OF_STREAM);
        sink.accept(ogg.drain(), true);
      } else if (onPage == framesOnPage(page)) {
        // A page's granule position counts every sample decoded up to its last packet,
        // pre-skip included.
        ogg.flush((long) (f + 1) * frame * toGranule, 0);
        sink.accept(ogg.drain(), false);
        page++;
        onPage = 0;
      }
    }
  }

  /**
   * Frames on audio page {@code page} (from 0): 1, 2, 4, … up to {@link #MAX_FRAMES_PER_PAGE}. Each
   * page holds about as much audio as all pages before it together, so while encoding runs faster
   * than real time the next page is ready before a listener has played the previous ones, and a
   * sentence still needs only a handful of parts.
   */
  static int framesOnPage(int page) {
    return page >= 6 ? MAX_FRAMES_PER_PAGE : Math.min(1 << page, MAX_FRAMES_PER_PAGE);
  }

  /**
   * An upper bound on the parts and bytes of the stream for {@code sampleCount} samples at {@code
   * sampleRate}, known before encoding, so that absurdly long audio can be refused up front.
   */
  public static StreamBound bound(long sampleCount, int sampleRate) {
    int opusRate = opusRate(sampleRate);
    int frame = opusRate / 50;
    // Resampling may add a sample; the lookahead is shorter than one frame.
    long opusSamples = sampleCount * opusRate / sampleRate + 1 + frame;
    long frames = Math.max(1, (opusSamples + frame - 1) / frame);
    long pages = 0;
    for (long left = frames; left > 0; pages++) {
      left -= framesOnPage((int) Math.min(pages, Integer.MAX_VALUE));
    }
    long bytes = HEADER_PAGES_MAX_BYTES + pages * PAGE_OVERHEAD_MAX + frames * MAX_PACKET;
    return new StreamBound(pages, bytes);
  }

  /**
   * @param parts most calls of the sink
   * @param bytes most bytes in all
   */
  public record StreamBound(long parts, long bytes) {}

  /**
   * The rate the encoder runs at: the lowest Opus rate not below the audio's, so nothing audible is
   * lost and no more samples are made than needed (22.05 kHz voices are encoded at 24 kHz).
   */
  static int opusRate(int sampleRate) {
    return Arrays.stream(OPUS_RATES).filter(r -> r >= sampleRate).findFirst().orElse(48_000);
  }

  private static byte[] opusHead(int preSkip, int inputRate) {
    byte[] head = new byte[19];
    System.arraycopy("OpusHead".getBytes(StandardCharsets.US_ASCII), 0, head, 0, 8);
    head[8] = 1; // version
    head[9] = 1; // channels
    head[10] = (byte) preSkip;
    head[11] = (byte) (preSkip >>> 8);
    for (int i = 0; i < 4; i++) {
      head[12 + i] = (byte) (inputRate >>> (8 * i));
    }
    // output gain 0, channel mapping family 0 (mono/stereo without a mapping table)
    return head;
  }

  private static byte[] opusTags() {
    byte[] vendor = VENDOR.getBytes(StandardCharsets.UTF_8);
    byte[] tags = new byte[8 + 4 + vendor.length + 4];
    System.arraycopy("OpusTags".getBytes(StandardCharsets.US_ASCII), 0, tags, 0, 8);
    tags[8] = (byte) vendor.length;
    tags[9] = (byte) (vendor.length >>> 8);
    System.arraycopy(vendor, 0, tags, 12, vendor.length);
    return tags; // zero user comments
  }
}
