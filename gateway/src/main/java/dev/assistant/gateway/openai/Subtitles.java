package dev.assistant.gateway.openai;

import dev.assistant.api.v1.Segment;
import java.util.List;

/** SubRip (.srt) and WebVTT renderings of transcript segments, as the transcription API returns. */
final class Subtitles {
  private Subtitles() {}

  static String srt(List<Segment> segments) {
    StringBuilder out = new StringBuilder();
    int index = 1;
    for (Segment s : segments) {
      out.append(index++).append('\n');
      out.append(time(s.getStart(), ',')).append(" --> ").append(time(s.getEnd(), ','));
      out.append('\n').append(s.getText().strip()).append("\n\n");
    }
    return out.toString();
  }

  static String vtt(List<Segment> segments) {
    StringBuilder out = new StringBuilder("WEBVTT\n\n");
    for (Segment s : segments) {
      out.append(time(s.getStart(), '.')).append(" --> ").append(time(s.getEnd(), '.'));
      // A blank line ends a cue, so a segment's own line breaks are folded.
      out.append('\n').append(s.getText().strip().replaceAll("\\R+", " ")).append("\n\n");
    }
    return out.toString();
  }

  /** {@code HH:MM:SS,mmm} (SRT) or {@code HH:MM:SS.mmm} (WebVTT), rounded to milliseconds. */
  static String time(com.google.protobuf.Duration d, char separator) {
    long ms = Math.max(0, Math.round(d.getSeconds() * 1000.0 + d.getNanos() / 1_000_000.0));
    return String.format(
        java.util.Locale.ROOT,
        "%02d:%02d:%02d%c%03d",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        separator,
        ms % 1000);
  }

  static double seconds(com.google.protobuf.Duration d) {
    return d.getSeconds() + d.getNanos() / 1e9;
  }
}
