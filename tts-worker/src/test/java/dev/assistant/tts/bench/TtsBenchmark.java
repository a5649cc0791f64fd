package dev.assistant.tts.bench;

import dev.assistant.api.v1.OutputAudioFormat;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.common.config.Config;
import dev.assistant.common.testing.RecordingContext;
import dev.assistant.internal.v1.TtsRequestRecord;
import dev.assistant.tts.TtsHandler;
import dev.assistant.tts.TtsWorkerMain;
import dev.assistant.tts.backend.AudioClip;
import dev.assistant.tts.backend.SynthesisRequest;
import dev.assistant.tts.backend.TextToSpeech;
import dev.assistant.tts.backend.TextToSpeechRegistry;
import dev.assistant.tts.backend.piper.TinyPiperVoice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints, per backend and output format, the time from taking a sentence to emitting its first
 * audio chunk (TTFA, through the real handler: normalization, synthesis, resampling, encoding,
 * chunking) and to emitting its last one ("done"), and the real-time factor of synthesis. Each
 * figure is the minimum and the median over repeated runs.
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
  private static final List<OutputAudioFormat> FORMATS =
      List.of(
          OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16, OutputAudioFormat.OUTPUT_AUDIO_FORMAT_OGG);

  /**
   * {@code -Dtts.piper.voices.dir}, or else a generated voice: it measures Piper's own path
   * (phonemization, ONNX Runtime call, PCM conversion) around a network that costs next to nothing.
   */
  private static String piperVoices() throws java.io.IOException {
    String given = System.getProperty("tts.piper.voices.dir");
    if (given != null) {
      return given;
    }
    Path voices = Files.createTempDirectory("bench-piper");
    TinyPiperVoice.write(voices, "en_US-tiny-x_low", 1);
    return voices.toString();
  }

  public static void main(String[] args) throws Exception {
    List<String> backends = args.length == 0 ? List.of("freetts", "espeak") : Arrays.asList(args);
    System.out.printf(
        Locale.ROOT,
        "%-8s %-7s %12s %12s %12s %12s %10s %10s%n",
        "backend",
        "format",
        "TTFA min ms",
        "TTFA med ms",
        "done min ms",
        "done med ms",
        "RTF min",
        "RTF med");
    for (String name : backends) {
      Config config = Config.of(Map.of("tts.backend", name));
      if (name.equals("piper")) {
        config = config.with("tts.piper.voices.dir", piperVoices());
      }
      try (TextToSpeech tts = new TextToSpeechRegistry().create(config)) {
        TtsHandler handler = TtsWorkerMain.handler(tts, config);
        Map<OutputAudioFormat, List<Double>> ttfa = new EnumMap<>(OutputAudioFormat.class);
        Map<OutputAudioFormat, List<Double>> done = new EnumMap<>(OutputAudioFormat.class);
        List<Double> rtf = new ArrayList<>();
        for (int round = 0; round < ROUNDS + 1; round++) {
          for (String sentence : SENTENCES) {
            // Formats alternate per sentence, so load bursts on a shared machine hit all alike.
            for (OutputAudioFormat format : FORMATS) {
              RecordingContext context = new RecordingContext("bench");
              TtsRequestRecord record =
                  TtsRequestRecord.newBuilder()
                      .setRequestId("bench")
                      .setText(sentence)
                      .setOptions(RequestOptions.newBuilder().setOutputFormat(format))
                      .build();
              long start = System.nanoTime();
              handler.handle(record, context);
              if (round > 0) { // round 0 warms up
                ttfa.computeIfAbsent(format, f -> new ArrayList<>())
                    .add((context.firstEmitNanos() - start) / 1e6);
                done.computeIfAbsent(format, f -> new ArrayList<>())
                    .add((context.lastEmitNanos() - start) / 1e6);
              }
            }
            if (round > 0) {
              long t0 = System.nanoTime();
              AudioClip clip = tts.synthesize(SynthesisRequest.of(sentence));
              rtf.add((System.nanoTime() - t0) / 1e9 / clip.seconds());
            }
          }
        }
        for (OutputAudioFormat format : FORMATS) {
          boolean first = format == FORMATS.get(0);
          System.out.printf(
              Locale.ROOT,
              "%-8s %-7s %12.1f %12.1f %12.1f %12.1f %10s %10s%n",
              name,
              format.name().substring("OUTPUT_AUDIO_FORMAT_".length()),
              min(ttfa.get(format)),
              median(ttfa.get(format)),
              min(done.get(format)),
              median(done.get(format)),
              first ? String.format(Locale.ROOT, "%.4f", min(rtf)) : "-",
              first ? String.format(Locale.ROOT, "%.4f", median(rtf)) : "-");
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
}
