package dev.assistant.cli.output;

import com.google.protobuf.Duration;
import dev.assistant.api.v1.Completed;
import dev.assistant.api.v1.Stage;
import dev.assistant.api.v1.StageTiming;
import java.util.Locale;

/** Human-readable durations and stage names for terminal output. */
public final class Durations {
  private Durations() {}

  public static double millis(Duration d) {
    return d.getSeconds() * 1000.0 + d.getNanos() / 1e6;
  }

  public static String human(Duration d) {
    double ms = millis(d);
    return ms < 1000
        ? String.format(Locale.ROOT, "%.0f ms", ms)
        : String.format(Locale.ROOT, "%.2f s", ms / 1000);
  }

  /** "stt" for STAGE_STT. */
  public static String stageName(Stage stage) {
    String n = stage.name();
    return n.startsWith("STAGE_") ? n.substring(6).toLowerCase(Locale.ROOT) : n;
  }

  /** "stt: queued 12 ms, model 340 ms; llm: ...; total 1.20 s". */
  public static String timings(Completed c) {
    StringBuilder s = new StringBuilder();
    for (StageTiming t : c.getTimingsList()) {
      s.append(stageName(t.getStage()))
          .append(": queued ")
          .append(human(t.getQueued()))
          .append(", model ")
          .append(human(t.getProcessing()))
          .append("; ");
    }
    return s.append("total ").append(human(c.getTotal())).toString();
  }
}
