package dev.assistant.cli;

import com.google.protobuf.ByteString;
import dev.assistant.api.v1.AskRequest;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.AudioInput;
import dev.assistant.api.v1.Image;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.cli.output.EventOutput;
import dev.assistant.cli.status.CliException;
import dev.assistant.cli.status.ExitCodes;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code assistant ask}: one request with its whole input, the answer streamed back. */
@Command(
    name = "ask",
    mixinStandardHelpOptions = true,
    description =
        "Ask once (speech, picture and/or text); prints the transcript, the answer as it"
            + " is generated and the per-stage timings, and writes the spoken answer to a WAV.")
final class AskCommand implements Callable<Integer> {
  @Mixin ClientOptions client;
  @Mixin OptionsMixin options;

  @Option(
      names = "--audio",
      paramLabel = "FILE|-",
      description = "Speech (WAV, FLAC, MP3, Ogg); - reads stdin.")
  String audio;

  @Option(names = "--image", paramLabel = "FILE", description = "A PNG, JPEG or WebP picture.")
  Path image;

  @Option(names = "--prompt", description = "Text prompt (with or instead of speech).")
  String prompt;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the spoken answer here (WAV).")
  Path out;

  @Option(
      names = "--spectrogram",
      paramLabel = "DIR",
      description = "Write a PNG per spoken sentence here.")
  Path spectrogramDir;

  @Option(
      names = "--id",
      description = "Request ID; asking again with it replays the first answer.")
  String id;

  @Override
  public Integer call() throws IOException {
    if (audio == null && image == null && prompt == null) {
      throw new CliException(ExitCodes.USAGE, "give at least one of --audio, --image, --prompt");
    }
    options.requireSpeechFor(audio != null, "--audio");
    AskRequest.Builder request = AskRequest.newBuilder().setTenant(client.tenant());
    if (id != null) {
      request.setRequestId(id);
    }
    if (prompt != null) {
      request.setPrompt(prompt);
    }
    if (audio != null) {
      byte[] bytes = audio.equals("-") ? System.in.readAllBytes() : read(Path.of(audio), "--audio");
      request.setAudio(AudioInput.newBuilder().setData(ByteString.copyFrom(bytes)));
    }
    if (image != null) {
      request.setImage(Image.newBuilder().setData(ByteString.copyFrom(read(image, "--image"))));
    }
    RequestOptions.Builder o = options.toProto();
    // Nothing would hear the speech: do not spend the synthesizer on it.
    o.setSkipSpeech(out == null && spectrogramDir == null);
    o.setSpectrogram(spectrogramDir != null);
    request.setOptions(o);

    ManagedChannel channel = client.openChannel();
    try (EventOutput output =
        new EventOutput(System.out, System.err, client.json(), out, spectrogramDir)) {
      AssistantGrpc.AssistantBlockingStub stub = AssistantGrpc.newBlockingStub(channel);
      if (client.deadline() != null) {
        stub = stub.withDeadlineAfter(client.deadline().toMillis(), TimeUnit.MILLISECONDS);
      }
      return EventStreams.drain(stub.ask(request.build()), output);
    } finally {
      ClientOptions.close(channel);
    }
  }

  static byte[] read(Path file, String option) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw CliException.badInput(option + ": no such file: " + file);
    } catch (IOException e) {
      throw CliException.badInput(option + ": cannot read " + file + ": " + e.getMessage());
    }
  }
}
