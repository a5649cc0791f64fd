package dev.assistant.audio;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.Page;
import com.jcraft.jogg.StreamState;
import com.jcraft.jogg.SyncState;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;

/**
 * Opus in Ogg (RFC 7845), what browsers' MediaRecorder and most voice apps produce: pages are read
 * with JOrbis's Ogg layer, packets decoded at 48 kHz by Concentus (a pure-Java port of libopus).
 * The header's pre-skip is cut from the start and the last page's granule position marks the exact
 * end, so the output has the encoder's input length; the header's output gain is applied. Mono and
 * stereo streams (channel mapping family 0, and family 1 with up to two channels) are read;
 * surround mappings are refused by name.
 */
final class OggOpusDecoder {
  private static final int RATE = 48_000;
  private static final int MAX_FRAME = 5760; // 120 ms at 48 kHz, the longest Opus packet

  private OggOpusDecoder() {}

  /** Whether the first Ogg packet of {@code data} is an Opus identification header. */
  static boolean isOpus(byte[] data) {
    if (data.length < 28 || !ascii(data, 0, "OggS")) {
      return false;
    }
    int body = 27 + (data[26] & 0xff);
    return body + 8 <= data.length && ascii(data, body, "OpusHead");
  }

  static DecodedAudio decode(byte[] data, MonoSink sink) throws InvalidAudioException {
    SyncState sync = new SyncState();
    StreamState stream = new StreamState();
    Page page = new Page();
    Packet packet = new Packet();
    sync.init();
    OpusDecoder decoder = null;
    int channels = 0;
    long preSkip = 0;
    long end = Long.MAX_VALUE;
    float gain = 1f;
    short[] pcm = new short[0];
    float[] block = new float[0];
    int headers = 0;
    long position = 0; // decoded samples per channel, pre-skip included (granule units)
    boolean started = false;
    int offset = 0;
    boolean endOfStream = false;
    while (!endOfStream) {
      int result = sync.pageout(page);
      if (result == 0) {
        if (offset >= data.length) {
          break;
        }
        int n = Math.min(16_384, data.length - offset);
        int at = sync.buffer(n);
        System.arraycopy(data, offset, sync.data, at, n);
        sync.wrote(n);
        offset += n;
        continue;
      }
      if (result < 0) {
        if (headers < 2) {
          throw new InvalidAudioException("Ogg Opus: corrupt header pages");
        }
        continue;
      }
      if (!started) {
        stream.init(page.serialno());
        started = true;
      }
      if (stream.pagein(page) < 0) {
        continue; // a page of another logical stream
      }
      int packetResult;
      while ((packetResult = stream.packetout(packet)) != 0) {
        if (packetResult < 0) {
          continue; // a gap in the data
        }
        if (headers == 0) {
          Header head = Header.parse(packet);
          channels = head.channels;
          preSkip = head.preSkip;
          gain = (float) Math.pow(10, head.gainQ8 / (20.0 * 256));
          try {
            decoder = new OpusDecoder(RATE, channels);
          } catch (OpusException e) {
            throw new InvalidAudioException("Ogg Opus: " + e.getMessage(), e);
          }
          sink.format(RATE, channels);
          long last = lastGranule(data, page.serialno());
          if (last > preSkip) {
            end = last;
            sink.expect(last - preSkip);
          }
          pcm = new short[MAX_FRAME * channels];
          block = new float[MAX_FRAME * channels];
          headers++;
          continue;
        }
        if (headers == 1) {
          headers++; // OpusTags: nothing the transcript needs
          continue;
        }
        int n;
        try {
          n =
              decoder.decode(
                  packet.packet_base, packet.packet, packet.bytes, pcm, 0, MAX_FRAME, false);
        } catch (OpusException | RuntimeException e) {
          throw new InvalidAudioException("Ogg Opus: corrupt packet (" + e.getMessage() + ")", e);
        }
        int from = (int) Math.max(0, Math.min(n, preSkip - position));
        int to = (int) Math.max(from, Math.min(n, end - position));
        if (to > from) {
          for (int i = from * channels, j = 0; i < to * channels; i++, j++) {
            block[j] = pcm[i] * gain / 32768f;
          }
          sink.interleaved(block, 0, to - from);
        }
        position += n;
      }
      endOfStream = page.eos() != 0;
    }
    if (headers < 2) {
      throw new InvalidAudioException("Ogg Opus: missing headers (truncated?)");
    }
    return sink.finish(AudioContainer.OGG_OPUS);
  }

  /** The identification header (RFC 7845 section 5.1). */
  private record Header(int channels, int preSkip, int gainQ8) {
    static Header parse(Packet p) throws InvalidAudioException {
      byte[] b = p.packet_base;
      int o = p.packet;
      if (p.bytes < 19 || !ascii(b, o, "OpusHead")) {
        throw new InvalidAudioException("Ogg Opus: no OpusHead header");
      }
      if ((b[o + 8] & 0xf0) != 0) {
        throw new InvalidAudioException("Ogg Opus: unsupported version " + (b[o + 8] & 0xff));
      }
      int channels = b[o + 9] & 0xff;
      int preSkip = Pcm.readShortLe(b, o + 10);
      int gain = (short) Pcm.readShortLe(b, o + 16);
      int family = b[o + 18] & 0xff;
      if (channels < 1 || channels > 2 || (family != 0 && family != 1)) {
        throw new InvalidAudioException(
            "Ogg Opus: "
                + channels
                + " channels with mapping family "
                + family
                + " (surround) are not supported; send mono or stereo");
      }
      if (family == 1 && (p.bytes < 21 + channels || (b[o + 19] & 0xff) != 1)) {
        throw new InvalidAudioException("Ogg Opus: multistream layout is not supported");
      }
      return new Header(channels, preSkip, gain);
    }
  }

  /** Granule position of the last page of stream {@code serial}, or -1. */
  private static long lastGranule(byte[] data, int serial) {
    for (int p = data.length - 27; p >= 0; p--) {
      if (data[p] == 'O'
          && ascii(data, p, "OggS")
          && data[p + 4] == 0
          && Pcm.readIntLe(data, p + 14) == serial) {
        return (Pcm.readIntLe(data, p + 6) & 0xffff_ffffL)
            | ((long) Pcm.readIntLe(data, p + 10) << 32);
      }
    }
    return -1;
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
