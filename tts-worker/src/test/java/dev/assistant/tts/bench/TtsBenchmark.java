package dev.assistant.tts.bench;

import dev.assistant.api.v1.RequestOptions;
import dev.assistant.common.config.Config;
import dev.assistant.common.worker.StageContext;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.internal.v1.TtsRequestRecord;
import dev.assistant.tts.TtsHandler;
import dev.assistant.tts.TtsWorkerMain;
import dev.assistant.tts.backend.AudioClip;
import dev.assistant.tts.backend.SynthesisRequest;
import dev.assistant.tts.backend.TextToSpeech;
import dev.assistant.tts.backend.TextToSpeechRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Prints, per backend, the time from taking a sentence to emitting its first audio chunk (through
 * the real handler: normalization, synthesis, encoding, chunking) and the real-time factor of
 * synthesis. Each figure is the minimum and the median over repeated runs.
 *
 * <p>Run: {@code mvn -q -pl tts-worker test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.assistant.tts.bench.TtsBenchmark -Dexec.args="freetts espeak"}
 */
public final class TtsBenchmark {
  private static final List<String> SENTENCES =
      List.of(
          "The weather is nice today.",
          "Please open the door for me, and close the window when you leave.",
          "The train leaves at 3:30 pm from platform 4.",
          "It costs $5.99, which is about 20% less than last year.",
          "Doctor Smith will see you in ten minutes.",
          "Thank you for your help.");
  private static final int ROUNDS = 7;

  public static void main(String[] args) throws Exception {
    List<String> backends = args.length == 0 ? List.of("freetts", "espeak") : Arrays.asList(args);
    System.out.printf(
        Locale.ROOT,
        "%-8s %-7s %12s %12s %10s %10s%n",
        "backend",
        "format",
        "TTFA min ms",
        "TTFA med ms",
        "RTF min",
        "RTF med");
    for (String name : backends) {
      Config config = Config.of(Map.of("tts.backend", name));
      try (TextToSpeech tts = new TextToSpeechRegistry().create(config)) {
        TtsHandler handler = TtsWorkerMain.handler(tts, config);
        for (String format : List.of("PCM16", "OGG")) {
          RequestOptions options =
              RequestOptions.newBuilder()
                  .setOutputFormat(
                      format.equals("OGG")
                          ? dev.assistant.api.v1.OutputAudioFormat.OUTPUT_AUDIO_FORMAT_OGG
                          : dev.assistant.api.v1.OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16)
                  .build();
          List<Double> ttfa = new ArrayList<>();
          List<Double> rtf = new ArrayList<>();
          for (int round = 0; round < ROUNDS + 1; round++) {
            for (String sentence : SENTENCES) {
              TimingContext context = new TimingContext();
              TtsRequestRecord record =
                  TtsRequestRecord.newBuilder()
                      .setRequestId("bench")
                      .setText(sentence)
                      .setOptions(options)
                      .build();
              context.start = System.nanoTime();
              handler.handle(record, context);
              if (round > 0) { // round 0 warms up
                ttfa.add((context.firstEmit - context.start) / 1e6);
              }
            }
            if (round > 0 && format.equals("PCM16")) {
              for (String sentence : SENTENCES) {
                long t0 = System.nanoTime();
                AudioClip clip = tts.synthesize(SynthesisRequest.of(sentence));
                rtf.add((System.nanoTime() - t0) / 1e9 / clip.seconds());
              }
            }
          }
          System.out.printf(
              Locale.ROOT,
              "%-8s %-7s %12.1f %12.1f %10s %10s%n",
              name,
              format,
              min(ttfa),
              median(ttfa),
              rtf.isEmpty() ? "-" : String.format(Locale.ROOT, "%.4f", min(rtf)),
              rtf.isEmpty() ? "-" : String.format(Locale.ROOT, "%.4f", median(rtf)));
        }
      } catch (IllegalStateException e) {
        System.out.printf(Locale.ROOT, "%-8s unavailable: %s%n", name, e.getMessage());
      }
    }
  }

  private static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[sorted.length / 2];
  }

  /** Records when the first output of a sentence is emitted. */
  private static final class TimingContext implements StageContext {
    long start;
    long firstEmit;

    @Override
    public String requestId() {
      return "bench";
    }

    @Override
    public int attempt() {
      return 1;
    }

    @Override
    public Optional<Instant> deadline() {
      return Optional.empty();
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public void emit(StageOutput.Builder output) {
      if (firstEmit == 0) {
        firstEmit = System.nanoTime();
      }
    }

    @Override
    public void addProcessingTime(Duration duration) {}

    @Override
    public Duration queueTime() {
      return Duration.ZERO;
    }
  }
}
