package dev.assistant.cli.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Busy time of a stage, read from its own Prometheus metrics: {@code
 * assistant_stage_processing_seconds} (the time the stage's handler spent on its input records).
 * The difference of the sums over a run is the time the stage was busy during it, whatever the
 * client measured.
 */
final class StageCapacity {
  private static final Pattern SAMPLE =
      Pattern.compile(
          "^assistant_stage_processing_seconds_(sum|count)\\{[^}]*stage=\"([a-z]+)\"[^}]*\\}"
              + "\\s+([0-9.eE+-]+)");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Seconds and records a stage's handler has processed so far. */
  record Busy(double seconds, double records) {
    Busy minus(Busy before) {
      return new Busy(seconds - before.seconds, records - before.records);
    }
  }

  private StageCapacity() {}

  /** Reads one process's metrics page: stage → busy so far (usually one stage per process). */
  static Map<String, Busy> scrape(URI metrics) throws IOException, InterruptedException {
    String text =
        HTTP.send(
                HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Map<String, double[]> acc = new HashMap<>();
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (m.find()) {
        double[] v = acc.computeIfAbsent(m.group(2), k -> new double[2]);
        v[m.group(1).equals("sum") ? 0 : 1] += Double.parseDouble(m.group(3));
      }
    }
    Map<String, Busy> out = new HashMap<>();
    acc.forEach((stage, v) -> out.put(stage, new Busy(v[0], v[1])));
    return out;
  }

  /** Sums several processes' pages (several instances of a stage add up). */
  static Map<String, Busy> scrapeAll(Iterable<URI> pages) throws IOException, InterruptedException {
    Map<String, Busy> total = new HashMap<>();
    for (URI u : pages) {
      scrape(u)
          .forEach(
              (stage, b) ->
                  total.merge(
                      stage,
                      b,
                      (x, y) -> new Busy(x.seconds() + y.seconds(), x.records() + y.records())));
    }
    return total;
  }
}
