package dev.assistant.tts.audio;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads an Ogg Opus stream back in tests: header fields, flags, and decoded 48 kHz samples. */
public final class OggOpusTestDecoder {
  /**
   * @param inputRate the rate recorded in OpusHead
   * @param lastFlags header type flags of the final page
   * @param samples decoded audio at 48 kHz, pre-skip and end trimming applied
   */
  public record Decoded(int inputRate, int lastFlags, int pages, float[] samples) {}

  private OggOpusTestDecoder() {}

  /** Parses every page (checking CRCs) and decodes the packets with Concentus. */
  public static Decoded decode(byte[] ogg) throws OpusException {
    List<byte[]> packets = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(ogg).order(ByteOrder.LITTLE_ENDIAN);
    int flags = 0;
    int pages = 0;
    long endGranule = 0;
    ByteArrayOutputStream packet = new ByteArrayOutputStream();
    while (b.hasRemaining()) {
      int start = b.position();
      byte[] magic = new byte[4];
      b.get(magic);
      if (!"OggS".equals(new String(magic, StandardCharsets.US_ASCII))) {
        throw new IllegalArgumentException("no Ogg page at " + start);
      }
      b.get();
      flags = b.get();
      endGranule = b.getLong();
      b.getInt();
      b.getInt();
      int crc = b.getInt();
      int segments = b.get() & 0xff;
      int[] lacing = new int[segments];
      for (int i = 0; i < segments; i++) {
        lacing[i] = b.get() & 0xff;
      }
      for (int l : lacing) {
        byte[] part = new byte[l];
        b.get(part);
        packet.writeBytes(part);
        if (l < 255) {
          packets.add(packet.toByteArray());
          packet.reset();
        }
      }
      byte[] page = Arrays.copyOfRange(ogg, start, b.position());
      Arrays.fill(page, 22, 26, (byte) 0);
      if (OggPageWriter.crc(page) != crc) {
        throw new IllegalArgumentException("bad CRC on page " + pages);
      }
      pages++;
    }
    ByteBuffer head = ByteBuffer.wrap(packets.get(0)).order(ByteOrder.LITTLE_ENDIAN);
    if (!"OpusHead".equals(new String(packets.get(0), 0, 8, StandardCharsets.US_ASCII))) {
      throw new IllegalArgumentException("first packet is not OpusHead");
    }
    int preSkip = head.getShort(10) & 0xffff;
    int inputRate = head.getInt(12);
    OpusDecoder decoder = new OpusDecoder(48_000, 1);
    short[] frame = new short[5760];
    ByteArrayOutputStream pcm = new ByteArrayOutputStream();
    int decoded = 0;
    for (byte[] p : packets.subList(2, packets.size())) {
      int n = decoder.decode(p, 0, p.length, frame, 0, frame.length, false);
      for (int i = 0; i < n; i++) {
        pcm.write(frame[i] & 0xff);
        pcm.write(frame[i] >> 8);
      }
      decoded += n;
    }
    int end = (int) Math.min(decoded, endGranule);
    float[] samples = new float[Math.max(0, end - preSkip)];
    byte[] bytes = pcm.toByteArray();
    for (int i = 0; i < samples.length; i++) {
      int at = 2 * (i + preSkip);
      samples[i] = (short) ((bytes[at] & 0xff) | (bytes[at + 1] << 8)) / 32768f;
    }
    return new Decoded(inputRate, flags, pages, samples);
  }
}
