package dev.assistant.cli;

import dev.assistant.cli.batch.BatchRunner;
import dev.assistant.cli.batch.DirectorySource;
import dev.assistant.cli.batch.ItemOptions;
import dev.assistant.cli.batch.ItemSource;
import dev.assistant.cli.batch.ManifestReader;
import dev.assistant.cli.output.LiveLine;
import dev.assistant.cli.status.CliException;
import dev.assistant.cli.status.ExitCodes;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code assistant batch}: many requests from a manifest or a folder, resumable. Running the same
 * command again after a crash, Ctrl-C or kill -9 finishes the job: done items are skipped, items in
 * flight are resubmitted (a no-op on the server) and watched to their end.
 */
@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    description = {
      "Process a manifest (JSONL or CSV) or a folder of audio/images; resumable.",
      "Manifest fields: id, audio, image, prompt, reference_transcript, reference_answer,"
          + " language, voice, max_tokens, system_prompt, skip_speech, speech_language,"
          + " temperature (or these under \"options\"); other fields are kept as metadata.",
      "Output: DIR/results.jsonl (one line per item), DIR/audio/ID.wav."
    })
final class BatchCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "INPUT", description = "Manifest file (.jsonl or .csv) or a folder.")
  Path input;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Option(
      names = "--parallel",
      defaultValue = "16",
      description = "Items in flight at once (default ${DEFAULT-VALUE}).")
  int parallel;

  @Option(
      names = "--id-prefix",
      defaultValue = "",
      description = "Prefix for every request ID (keeps different batches' manifest IDs apart).")
  String idPrefix;

  @Option(names = "--voice", description = "Default voice (an item's own wins).")
  String voice;

  @Option(names = "--language", description = "Default spoken language (an item's own wins).")
  String language;

  @Option(names = "--max-tokens", description = "Default answer length (an item's own wins).")
  Integer maxTokens;

  @Option(names = "--no-audio", description = "Do not synthesize or save spoken answers.")
  boolean noAudio;

  @Option(
      names = "--give-up-after",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description = "How long one item may keep retrying an unreachable gateway (default 10m).")
  Duration giveUpAfter;

  @Option(
      names = "--progress-every",
      defaultValue = "5",
      description = "Seconds between progress lines when not on a terminal (default 5).")
  long progressSeconds;

  @Override
  public Integer call() throws Exception {
    if (parallel < 1 || parallel > 1000) {
      throw new CliException(ExitCodes.USAGE, "--parallel must be between 1 and 1000");
    }
    if (maxTokens != null && maxTokens < 0) {
      throw new CliException(ExitCodes.USAGE, "--max-tokens must be 0 or more");
    }
    boolean folder = Files.isDirectory(input);
    if (!folder && !Files.isRegularFile(input)) {
      throw CliException.badInput("no such manifest or folder: " + input);
    }
    ItemOptions defaults =
        new ItemOptions(language, voice, maxTokens, null, noAudio ? true : null, null, null);
    BatchRunner.Settings settings =
        new BatchRunner.Settings(
            out,
            parallel,
            idPrefix,
            client.tenant(),
            defaults,
            !noAudio,
            client.deadline(),
            giveUpAfter,
            LiveLine.isTerminal(),
            Math.max(1, progressSeconds));
    long expected = folder ? DirectorySource.count(input) : ManifestReader.count(input);
    ManagedChannel channel = client.openChannel();
    try (ItemSource source = folder ? DirectorySource.open(input) : ManifestReader.open(input)) {
      BatchRunner.Summary s = new BatchRunner(settings, channel, System.err).run(source, expected);
      if (client.json()) {
        System.out.println(s.toJson());
      } else {
        System.out.println(s.forPeople());
      }
      return s.failed() > 0 ? ExitCodes.ITEMS_FAILED : ExitCodes.OK;
    } finally {
      ClientOptions.close(channel);
    }
  }
}
