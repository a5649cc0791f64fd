package dev.assistant.tts.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.jaredmdobson.concentus.OpusDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OggOpusEncoderTest {
  private final OggOpusEncoder encoder = new OggOpusEncoder(24_000);

  /** A vowel-like tone sweep: 150 Hz fundamental with harmonics. */
  private static float[] voiceLike(int rate, double seconds) {
    float[] s = new float[(int) (rate * seconds)];
    for (int i = 0; i < s.length; i++) {
      double t = i / (double) rate;
      double f0 = 140 + 40 * Math.sin(2 * Math.PI * 2 * t);
      double v = 0;
      for (int h = 1; h <= 8; h++) {
        v += Math.sin(2 * Math.PI * f0 * h * t) / h;
      }
      s[i] = (float) (0.25 * v);
    }
    return s;
  }

  record Page(int flags, long granule, int serial, int sequence, List<byte[]> packets) {}

  static List<Page> parse(byte[] ogg) {
    List<Page> pages = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(ogg).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      int start = b.position();
      byte[] magic = new byte[4];
      b.get(magic);
      assertEquals("OggS", new String(magic, StandardCharsets.US_ASCII));
      assertEquals(0, b.get());
      int flags = b.get();
      long granule = b.getLong();
      int serial = b.getInt();
      int sequence = b.getInt();
      int crc = b.getInt();
      int nSegments = b.get() & 0xff;
      int[] lacing = new int[nSegments];
      int body = 0;
      for (int i = 0; i < nSegments; i++) {
        lacing[i] = b.get() & 0xff;
        body += lacing[i];
      }
      List<byte[]> packets = new ArrayList<>();
      ByteArrayOutputStream packet = new ByteArrayOutputStream();
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
      assertEquals(OggPageWriter.crc(page), crc, "page CRC");
      assertTrue(body >= 0);
      pages.add(new Page(flags, granule, serial, sequence, packets));
    }
    return pages;
  }

  @Test
  void writesAValidOggOpusStreamThatDecodesBackToTheSignal() throws Exception {
    float[] input = voiceLike(16_000, 1.3);
    byte[] ogg = encoder.encode(input, 16_000, 1234);
    List<Page> pages = parse(ogg);
    assertEquals(OggPageWriter.BEGIN_OF_STREAM, pages.get(0).flags());
    assertEquals(
        "OpusHead", new String(pages.get(0).packets().get(0), 0, 8, StandardCharsets.US_ASCII));
    assertEquals(
        "OpusTags", new String(pages.get(1).packets().get(0), 0, 8, StandardCharsets.US_ASCII));
    Page last = pages.get(pages.size() - 1);
    assertEquals(OggPageWriter.END_OF_STREAM, last.flags());
    ByteBuffer head = ByteBuffer.wrap(pages.get(0).packets().get(0)).order(ByteOrder.LITTLE_ENDIAN);
    int preSkip = head.getShort(10) & 0xffff;
    assertEquals(16_000, head.getInt(12));
    assertEquals(preSkip + input.length * 3L, last.granule(), "end granule marks the exact end");
    for (int i = 0; i < pages.size(); i++) {
      assertEquals(1234, pages.get(i).serial());
      assertEquals(i, pages.get(i).sequence());
    }

    OpusDecoder decoder = new OpusDecoder(16_000, 1);
    short[] frame = new short[5760];
    List<Short> decoded = new ArrayList<>();
    for (Page p : pages.subList(2, pages.size())) {
      for (byte[] packet : p.packets()) {
        int n = decoder.decode(packet, 0, packet.length, frame, 0, frame.length, false);
        for (int i = 0; i < n; i++) {
          decoded.add(frame[i]);
        }
      }
    }
    int skip = preSkip / 3;
    double dot = 0;
    double inEnergy = 0;
    double outEnergy = 0;
    for (int i = 0; i < input.length; i++) {
      double out = decoded.get(i + skip) / 32768.0;
      dot += out * input[i];
      inEnergy += input[i] * (double) input[i];
      outEnergy += out * out;
    }
    double correlation = dot / Math.sqrt(inEnergy * outEnergy);
    assertTrue(correlation > 0.9, "decoded audio correlates with the input: " + correlation);
    assertTrue(ogg.length < input.length * 2 / 4, "compressed well below PCM16: " + ogg.length);
  }

  @Test
  void streamsPagesAsTheyAreProducedStartingWithOneFrame() {
    float[] input = voiceLike(16_000, 2.5);
    List<byte[]> parts = new ArrayList<>();
    List<Boolean> ends = new ArrayList<>();
    encoder.encode(
        input,
        16_000,
        42,
        (bytes, end) -> {
          parts.add(bytes);
          ends.add(end);
        });
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    parts.forEach(whole::writeBytes);
    assertArrayEquals(encoder.encode(input, 16_000, 42), whole.toByteArray());

    List<Page> first = parse(parts.get(0));
    assertEquals(3, first.size(), "OpusHead, OpusTags and the first audio page");
    assertEquals(1, first.get(2).packets().size(), "the first audio page holds one 20 ms frame");
    assertEquals(320L * 3, first.get(2).granule(), "granule counts the decoded 48 kHz samples");
    int frames = 0;
    for (int i = 1; i < parts.size(); i++) {
      List<Page> pages = parse(parts.get(i));
      assertEquals(1, pages.size(), "every later part is exactly one page");
      int packets = pages.get(0).packets().size();
      frames += packets;
      if (i < parts.size() - 1) {
        assertEquals(OggOpusEncoder.framesOnPage(i), packets, "page " + i);
      } else {
        assertTrue(packets <= OggOpusEncoder.framesOnPage(i));
        assertEquals(OggPageWriter.END_OF_STREAM, pages.get(0).flags());
      }
    }
    assertTrue(frames + 1 >= input.length / 320, "all frames delivered: " + frames);
    assertTrue(ends.subList(0, ends.size() - 1).stream().noneMatch(e -> e));
    assertTrue(ends.get(ends.size() - 1));
    assertTrue(parts.size() <= 10, "2.5 s of speech in a handful of parts: " + parts.size());
  }

  @Test
  void pageScheduleDoublesUpToTheCapAndTheBoundHolds() {
    assertEquals(List.of(1, 2, 4, 8, 16, 32, 40, 40), pageSchedule(8));
    for (int rate : new int[] {8_000, 16_000, 22_050, 48_000}) {
      for (double seconds : new double[] {0, 0.01, 0.5, 3.7}) {
        float[] noise = new float[(int) (rate * seconds)];
        java.util.Random random = new java.util.Random(rate);
        for (int i = 0; i < noise.length; i++) {
          noise[i] = (float) random.nextGaussian() * 0.5f;
        }
        int[] parts = {0};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new OggOpusEncoder(256_000)
            .encode(
                noise,
                rate,
                1,
                (bytes, end) -> {
                  parts[0]++;
                  out.writeBytes(bytes);
                });
        OggOpusEncoder.StreamBound bound = OggOpusEncoder.bound(noise.length, rate);
        assertTrue(bound.parts() >= parts[0], rate + " Hz " + seconds + " s: parts");
        assertTrue(bound.bytes() >= out.size(), rate + " Hz " + seconds + " s: bytes");
        assertTrue(bound.parts() <= parts[0] + 2, "the bound is close: " + bound);
      }
    }
  }

  private static List<Integer> pageSchedule(int pages) {
    List<Integer> schedule = new ArrayList<>();
    for (int i = 0; i < pages; i++) {
      schedule.add(OggOpusEncoder.framesOnPage(i));
    }
    return schedule;
  }

  @Test
  void encodesHostileSignalsWithoutFailing() {
    java.util.Random random = new java.util.Random(1);
    for (int rate : new int[] {8_000, 16_000, 22_050, 24_000, 44_100, 48_000}) {
      int n = rate / 2;
      float[] noise = new float[n];
      float[] square = new float[n];
      float[] clicks = new float[n];
      for (int i = 0; i < n; i++) {
        noise[i] = (float) (random.nextGaussian() * 0.5);
        square[i] = (i / 40) % 2 == 0 ? 1f : -1f;
        clicks[i] = i % 997 == 0 ? 1f : 0f;
      }
      for (float[] signal : List.of(noise, square, clicks, new float[n], voiceLike(rate, 0.5))) {
        assertTrue(parse(encoder.encode(signal, rate, 5)).size() >= 3);
      }
    }
  }

  @Test
  void sameInputAndSerialGiveIdenticalBytes() {
    float[] input = voiceLike(22_050, 0.5);
    assertArrayEquals(encoder.encode(input, 22_050, 7), encoder.encode(input, 22_050, 7));
  }

  @Test
  void resamplesRatesOpusCannotCarryAndRecordsTheOriginalRate() {
    byte[] ogg = encoder.encode(voiceLike(22_050, 0.4), 22_050, 1);
    List<Page> pages = parse(ogg);
    ByteBuffer head = ByteBuffer.wrap(pages.get(0).packets().get(0)).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(22_050, head.getInt(12));
  }

  @Test
  void emptyInputStillMakesACompleteStream() {
    List<Page> pages = parse(encoder.encode(new float[0], 16_000, 1));
    assertEquals(OggPageWriter.END_OF_STREAM, pages.get(pages.size() - 1).flags());
  }

  /** opusinfo (Debian opus-tools) checks the stream against the specification. */
  @Test
  void opusinfoAcceptsTheStream(@TempDir Path dir) throws Exception {
    boolean available = Files.isExecutable(Path.of("/usr/bin/opusinfo"));
    if ("true".equals(System.getenv("CI"))) {
      assertTrue(available, "opusinfo (apt package opus-tools) is required in CI");
    }
    assumeTrue(available, "opusinfo not installed (apt-get install opus-tools)");
    Path file = dir.resolve("speech.opus");
    Files.write(file, encoder.encode(voiceLike(48_000, 1.0), 48_000, 99));
    Process p = new ProcessBuilder("opusinfo", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(!out.contains("WARNING") && !out.contains("ERROR"), out);
    assertTrue(out.contains("Playback length: 0m:01.000s"), out);
  }
}
