package dev.assistant.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assistant.cli.eval.Bleu;
import dev.assistant.cli.eval.ChrF;
import dev.assistant.cli.eval.CorpusScores;
import dev.assistant.cli.eval.WordErrorRate;
import dev.assistant.cli.status.CliException;
import dev.assistant.cli.status.ExitCodes;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code assistant eval}: scores a batch's results against the references in its manifest — WER of
 * transcripts, corpus BLEU and chrF of answers — overall and per group. Reads the file as a stream.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Score results.jsonl: WER of transcript vs reference_transcript; corpus BLEU (sacreBLEU"
          + " 13a, 4-gram) and chrF (char 6-grams, beta 2) of answer vs reference_answer.",
      "WER normalization: NFKC, lower case, punctuation and symbols removed (apostrophes inside"
          + " words kept), numbers compared as written."
    })
final class EvalCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(paramLabel = "RESULTS", description = "A results.jsonl written by batch.")
  Path results;

  @Option(
      names = "--by",
      paramLabel = "FIELD",
      description =
          "Also score per value of a field (e.g. meta.speaker, options.language,"
              + " transcript.language).")
  String by;

  @Option(names = "--json", description = "Print the summary as JSON.")
  boolean json;

  @Option(
      names = "--per-item",
      paramLabel = "FILE",
      description = "Per-item scores (JSONL); default: scores.jsonl next to RESULTS.")
  Path perItem;

  @Option(
      names = "--smooth",
      defaultValue = "exp",
      description = "BLEU smoothing as in sacreBLEU: exp (its default), none, floor.")
  String smooth;

  @Override
  public Integer call() throws IOException {
    Bleu.Smoothing smoothing;
    try {
      smoothing = Bleu.Smoothing.valueOf(smooth.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, "--smooth: one of exp, none, floor");
    }
    ChrF chrf = ChrF.standard();
    CorpusScores all = new CorpusScores(chrf, smoothing);
    Map<String, CorpusScores> groups = new TreeMap<>();
    Path perItemFile =
        perItem != null ? perItem : results.toAbsolutePath().resolveSibling("scores.jsonl");
    long unreadable = 0;
    try (BufferedReader in = Files.newBufferedReader(results, StandardCharsets.UTF_8);
        BufferedWriter scores = Files.newBufferedWriter(perItemFile, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode r;
        try {
          r = JSON.readTree(line);
        } catch (IOException e) {
          unreadable++;
          continue;
        }
        CorpusScores group = null;
        if (by != null) {
          String key = field(r, by);
          group =
              groups.computeIfAbsent(
                  key == null ? "(none)" : key, k -> new CorpusScores(chrf, smoothing));
        }
        ObjectNode item = JSON.createObjectNode().put("id", r.path("id").asText());
        if (!"ok".equals(r.path("status").asText())) {
          all.failed();
          if (group != null) {
            group.failed();
          }
          item.put("status", "error");
          scores.write(item.toString());
          scores.newLine();
          continue;
        }
        all.ok();
        if (group != null) {
          group.ok();
        }
        item.put("status", "ok");
        if (r.hasNonNull("reference_transcript")) {
          WordErrorRate.Counts c =
              WordErrorRate.counts(
                  r.path("transcript").path("text").asText(""),
                  r.get("reference_transcript").asText());
          all.transcript(c);
          if (group != null) {
            group.transcript(c);
          }
          item.put("word_edits", c.edits()).put("reference_words", c.referenceWords());
          putNumber(item, "wer", c.rate());
        }
        if (r.hasNonNull("reference_answer")) {
          String hyp = r.path("answer").asText("");
          String ref = r.get("reference_answer").asText();
          Bleu.Stats b = Bleu.sentence(hyp, List.of(ref));
          long[] c = chrf.sentence(hyp, List.of(ref));
          all.answer(b, c);
          if (group != null) {
            group.answer(b, c);
          }
          double[] s = CorpusScores.itemAnswer(hyp, ref, chrf, smoothing);
          item.put("bleu", s[0]).put("chrf", s[1]);
        }
        scores.write(item.toString());
        scores.newLine();
      }
    } catch (NoSuchFileException e) {
      throw CliException.badInput("no such results file: " + results);
    }
    if (json) {
      ObjectNode out = summary(all);
      if (by != null) {
        ObjectNode g = out.putObject("by").putObject(by);
        groups.forEach((k, v) -> g.set(k, summary(v)));
      }
      out.put("per_item", perItemFile.toString());
      out.put("unreadable_lines", unreadable);
      System.out.println(out);
    } else {
      System.out.print(table(all, groups));
      System.out.println("per-item scores: " + perItemFile);
      if (unreadable > 0) {
        System.out.println("skipped " + unreadable + " unreadable lines");
      }
    }
    return ExitCodes.OK;
  }

  private static String field(JsonNode r, String path) {
    JsonNode n = r;
    for (String part : path.split("\\.")) {
      n = n.path(part);
    }
    return n.isMissingNode() || n.isNull() ? null : n.asText();
  }

  private static ObjectNode summary(CorpusScores s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("items", s.items()).put("failed", s.failedItems());
    n.put("transcripts_scored", s.werItems());
    n.put("word_edits", s.werCounts().edits())
        .put("reference_words", s.werCounts().referenceWords());
    putNumber(n, "wer", s.wer());
    n.put("answers_scored", s.answerItems());
    putNumber(n, "bleu", s.bleu());
    putNumber(n, "chrf", s.chrf());
    return n;
  }

  private static void putNumber(ObjectNode n, String key, double v) {
    if (Double.isNaN(v)) {
      n.putNull(key);
    } else {
      n.put(key, v);
    }
  }

  private String table(CorpusScores all, Map<String, CorpusScores> groups) {
    StringBuilder b = new StringBuilder();
    String fmt = "%-24s %7s %7s %9s %8s %8s %8s%n";
    b.append(
        String.format(
            Locale.ROOT,
            fmt,
            by == null ? "" : by,
            "items",
            "failed",
            "WER",
            "scored",
            "BLEU",
            "chrF"));
    groups.forEach((k, v) -> b.append(row(fmt, k, v)));
    b.append(row(fmt, "all", all));
    return b.toString();
  }

  private static String row(String fmt, String name, CorpusScores s) {
    return String.format(
        Locale.ROOT,
        fmt,
        name.length() > 24 ? name.substring(0, 23) + "…" : name,
        s.items(),
        s.failedItems(),
        Double.isNaN(s.wer()) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * s.wer()),
        s.answerItems(),
        Double.isNaN(s.bleu()) ? "-" : String.format(Locale.ROOT, "%.2f", s.bleu()),
        Double.isNaN(s.chrf()) ? "-" : String.format(Locale.ROOT, "%.2f", s.chrf()));
  }
}
