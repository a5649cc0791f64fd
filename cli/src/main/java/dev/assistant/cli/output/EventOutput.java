package dev.assistant.cli.output;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.assistant.api.v1.AudioChunk;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.OutputAudioFormat;
import dev.assistant.cli.status.CliException;
import dev.assistant.cli.status.ExitCodes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code ask}, {@code converse} and {@code watch} do with each event: print it (for people, or
 * as one JSON line), write the spoken answer to a WAV as its chunks arrive and spectrograms to a
 * folder. Remembers the terminal event so the command can exit with its status.
 */
public final class EventOutput implements AutoCloseable {
  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().omittingInsignificantWhitespace();

  private final PrintStream out;
  private final PrintStream err;
  private final boolean json;
  private final LiveLine live;
  private final Path audioPath;
  private final Path spectrogramDir;
  private WavFileWriter wav;
  private boolean answerOpen;
  private Event terminal;
  private String requestId = "";

  public EventOutput(
      PrintStream out, PrintStream err, boolean json, Path audioPath, Path spectrogramDir) {
    this.out = out;
    this.err = err;
    this.json = json;
    this.live = new LiveLine(out, LiveLine.isTerminal());
    this.audioPath = audioPath;
    this.spectrogramDir = spectrogramDir;
  }

  public void accept(Event e) {
    requestId = e.getRequestId();
    try {
      saveFiles(e);
    } catch (IOException x) {
      throw new CliException(ExitCodes.IO_ERROR, "cannot write output: " + x.getMessage(), x);
    }
    if (json) {
      try {
        out.println(JSON.print(e));
      } catch (InvalidProtocolBufferException x) {
        throw new IllegalStateException(x);
      }
    } else {
      printForPeople(e);
    }
    if (e.hasCompleted() || e.hasError()) {
      terminal = e;
    }
    out.flush();
  }

  private void saveFiles(Event e) throws IOException {
    if (e.hasAudio() && audioPath != null) {
      AudioChunk a = e.getAudio();
      if (a.getFormat() != OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16
          && a.getFormat() != OutputAudioFormat.OUTPUT_AUDIO_FORMAT_UNSPECIFIED) {
        throw new IOException("expected PCM16 audio, got " + a.getFormat());
      }
      if (wav == null) {
        wav = new WavFileWriter(audioPath);
      }
      wav.append(a.getData().toByteArray(), a.getSampleRate());
    }
    if (e.hasSpectrogram() && spectrogramDir != null) {
      Files.createDirectories(spectrogramDir);
      Files.write(
          spectrogramDir.resolve(
              String.format(
                  Locale.ROOT, "sentence-%03d.png", e.getSpectrogram().getSentenceIndex())),
          e.getSpectrogram().getPng().toByteArray());
    }
  }

  private void printForPeople(Event e) {
    switch (e.getPayloadCase()) {
      case ACCEPTED ->
          err.println(
              "request "
                  + e.getRequestId()
                  + (e.getAccepted().getDuplicate()
                      ? " (already known: replaying its events)"
                      : ""));
      case TRANSCRIPT -> {
        var t = e.getTranscript();
        if (t.getFinal()) {
          live.finish(
              String.format(
                  Locale.ROOT,
                  "you said: %s  [%s, %.1f s]",
                  t.getText().strip(),
                  t.getLanguage().isEmpty() ? "?" : t.getLanguage(),
                  t.getAudioSeconds()));
        } else {
          live.show("hearing: " + t.getText().strip());
        }
      }
      case ANSWER_DELTA -> {
        if (!answerOpen) {
          live.clear();
          out.print("answer: ");
          answerOpen = true;
        }
        out.print(e.getAnswerDelta().getText());
      }
      case ANSWER -> {
        var a = e.getAnswer();
        if (!answerOpen) {
          out.print("answer: " + a.getText());
        }
        answerOpen = false;
        out.println();
        out.printf(
            Locale.ROOT,
            "  finish: %s, %d prompt + %d answer tokens, first token after %s, %.1f tokens/s%n",
            a.getFinishReason(),
            a.getUsage().getPromptTokens(),
            a.getUsage().getCompletionTokens(),
            Durations.human(a.getUsage().getTimeToFirstToken()),
            a.getUsage().getTokensPerSecond());
      }
      case AUDIO, SPECTROGRAM -> {
        // written to files as they arrive; summarized at the end
      }
      case COMPLETED -> {
        live.clear();
        if (wav != null) {
          out.printf(
              Locale.ROOT,
              "audio: %s (%.1f s at %d Hz)%n",
              wav.path(),
              wav.seconds(),
              wav.sampleRate());
        }
        out.println("timings: " + Durations.timings(e.getCompleted()));
      }
      case ERROR -> {
        live.clear();
        if (answerOpen) {
          out.println();
          answerOpen = false;
        }
        var x = e.getError();
        err.println(
            "error: "
                + io.grpc.Status.fromCodeValue(x.getCode()).getCode()
                + " ("
                + Durations.stageName(x.getStage())
                + "): "
                + x.getMessage());
      }
      default -> {}
    }
  }

  /** The completed or error event, once seen. */
  public Event terminal() {
    return terminal;
  }

  public String requestId() {
    return requestId;
  }

  /** 0 after completed, the error's code after an error event; null when neither arrived. */
  public Integer exitCode() {
    if (terminal == null) {
      return null;
    }
    return terminal.hasCompleted() ? ExitCodes.OK : ExitCodes.ofCode(terminal.getError().getCode());
  }

  @Override
  public void close() throws IOException {
    live.clear();
    if (wav != null) {
      wav.close();
    }
  }
}
