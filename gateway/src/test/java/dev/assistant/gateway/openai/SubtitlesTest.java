package dev.assistant.gateway.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Duration;
import dev.assistant.api.v1.Segment;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubtitlesTest {
  private static Segment segment(long startMs, long endMs, String text) {
    return Segment.newBuilder()
        .setStart(duration(startMs))
        .setEnd(duration(endMs))
        .setText(text)
        .build();
  }

  private static Duration duration(long ms) {
    return Duration.newBuilder()
        .setSeconds(ms / 1000)
        .setNanos((int) (ms % 1000) * 1_000_000)
        .build();
  }

  private final List<Segment> segments =
      List.of(segment(0, 2_500, " Hello there."), segment(3_723_004, 3_725_999, "Line\none"));

  @Test
  void srtNumbersCuesFromOneWithCommaMilliseconds() {
    assertEquals(
        "1\n00:00:00,000 --> 00:00:02,500\nHello there.\n\n"
            + "2\n01:02:03,004 --> 01:02:05,999\nLine\none\n\n",
        Subtitles.srt(segments));
  }

  @Test
  void vttHasItsHeaderDotMillisecondsAndNoBlankLinesInsideACue() {
    assertEquals(
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello there.\n\n"
            + "01:02:03.004 --> 01:02:05.999\nLine one\n\n",
        Subtitles.vtt(segments));
  }

  @Test
  void timesRoundToTheNearestMillisecond() {
    Duration d = Duration.newBuilder().setSeconds(59).setNanos(999_600_000).build();
    assertEquals("00:01:00,000", Subtitles.time(d, ','));
    assertEquals("", Subtitles.srt(List.of()));
  }
}
