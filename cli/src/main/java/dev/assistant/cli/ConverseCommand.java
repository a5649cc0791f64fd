package dev.assistant.cli;

import com.google.protobuf.ByteString;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.AudioEncoding;
import dev.assistant.api.v1.ConverseAudio;
import dev.assistant.api.v1.ConverseEnd;
import dev.assistant.api.v1.ConverseHeader;
import dev.assistant.api.v1.ConverseRequest;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.Image;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.cli.output.EventOutput;
import dev.assistant.cli.status.CliException;
import dev.assistant.cli.status.ExitCodes;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.TargetDataLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code assistant converse}: streams speech through {@code Converse} in small chunks, so partial
 * transcripts appear while the audio is still being "spoken" (at real time with {@code --realtime},
 * or live from the microphone with {@code --mic}).
 */
@Command(
    name = "converse",
    mixinStandardHelpOptions = true,
    description = "Stream speech (a file, or the microphone) and see the transcript grow.")
final class ConverseCommand implements Callable<Integer> {
  private static final int MIC_RATE = 16_000;

  @Mixin ClientOptions client;
  @Mixin OptionsMixin options;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--audio", paramLabel = "FILE", description = "Speech file to stream.")
    Path audio;

    @Option(names = "--mic", description = "Record from the default capture device.")
    boolean mic;
  }

  @Option(names = "--realtime", description = "Pace a WAV file at real time (as if spoken).")
  boolean realtime;

  @Option(
      names = "--seconds",
      defaultValue = "10",
      description = "Microphone recording length (default 10).")
  int micSeconds;

  @Option(names = "--image", paramLabel = "FILE", description = "A picture to talk about.")
  Path image;

  @Option(names = "--prompt", description = "Text sent along with the speech.")
  String prompt;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the spoken answer here (WAV).")
  Path out;

  @Override
  public Integer call() throws Exception {
    ConverseHeader.Builder header = ConverseHeader.newBuilder().setTenant(client.tenant());
    if (prompt != null) {
      header.setPrompt(prompt);
    }
    if (image != null) {
      header.setImage(
          Image.newBuilder().setData(ByteString.copyFrom(AskCommand.read(image, "--image"))));
    }
    RequestOptions.Builder o = options.toProto().setSkipSpeech(out == null);
    header.setOptions(o);

    AudioSource audioSource = source.mic ? microphone(header) : file(header);
    ManagedChannel channel = client.openChannel();
    try (EventOutput output = new EventOutput(System.out, System.err, client.json(), out, null);
        audioSource) {
      return stream(channel, header.build(), audioSource, output);
    } finally {
      ClientOptions.close(channel);
    }
  }

  private int stream(
      ManagedChannel channel, ConverseHeader header, AudioSource audio, EventOutput output)
      throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Object readyLock = new Object();
    AtomicReference<ClientCallStreamObserver<ConverseRequest>> requests = new AtomicReference<>();
    ClientResponseObserver<ConverseRequest, Event> responses =
        new ClientResponseObserver<>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<ConverseRequest> r) {
            requests.set(r);
            r.setOnReadyHandler(
                () -> {
                  synchronized (readyLock) {
                    readyLock.notifyAll();
                  }
                });
          }

          @Override
          public void onNext(Event e) {
            synchronized (output) {
              output.accept(e);
            }
          }

          @Override
          public void onError(Throwable t) {
            failure.set(t);
            done.countDown();
          }

          @Override
          public void onCompleted() {
            done.countDown();
          }
        };
    AssistantGrpc.AssistantStub stub = AssistantGrpc.newStub(channel);
    if (client.deadline() != null) {
      stub = stub.withDeadlineAfter(client.deadline().toMillis(), TimeUnit.MILLISECONDS);
    }
    stub.converse(responses);
    ClientCallStreamObserver<ConverseRequest> r = requests.get();
    r.onNext(ConverseRequest.newBuilder().setHeader(header).build());
    byte[] chunk;
    while (done.getCount() > 0 && (chunk = audio.next()) != null) {
      synchronized (readyLock) {
        while (!r.isReady() && done.getCount() > 0) {
          readyLock.wait(100); // flow control: never buffer a whole recording in memory
        }
      }
      r.onNext(
          ConverseRequest.newBuilder()
              .setAudio(ConverseAudio.newBuilder().setData(ByteString.copyFrom(chunk)))
              .build());
    }
    if (done.getCount() > 0) {
      r.onNext(ConverseRequest.newBuilder().setEnd(ConverseEnd.getDefaultInstance()).build());
      r.onCompleted();
    }
    done.await();
    Throwable t = failure.get();
    synchronized (output) {
      if (t instanceof StatusRuntimeException s && output.exitCode() == null) {
        throw s;
      }
      if (t != null && !(t instanceof StatusRuntimeException)) {
        throw new CliException(ExitCodes.SOFTWARE, t.toString(), t);
      }
      Integer code = output.exitCode();
      return code == null ? ExitCodes.OK : code;
    }
  }

  private AudioSource file(ConverseHeader.Builder header) throws IOException {
    byte[] head = new byte[64];
    int n;
    try (InputStream in = Files.newInputStream(source.audio)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (java.nio.file.NoSuchFileException e) {
      throw CliException.badInput("--audio: no such file: " + source.audio);
    }
    int chunkBytes = 16 * 1024;
    long pauseNanos = 0;
    if (realtime) {
      int byteRate = WavHeader.byteRate(head, n);
      if (byteRate <= 0) {
        throw CliException.badInput(
            "--realtime needs a WAV file: its byte rate sets the pace (" + source.audio + ")");
      }
      chunkBytes = Math.max(2, byteRate / 10); // 100 ms per chunk
      pauseNanos = TimeUnit.MILLISECONDS.toNanos(100);
    }
    header.setAudioEncoding(AudioEncoding.AUDIO_ENCODING_UNSPECIFIED);
    InputStream in = Files.newInputStream(source.audio);
    return new AudioSource.Paced(in, chunkBytes, pauseNanos);
  }

  private AudioSource microphone(ConverseHeader.Builder header) {
    AudioFormat format = new AudioFormat(MIC_RATE, 16, 1, true, false);
    TargetDataLine line;
    try {
      line = AudioSystem.getTargetDataLine(format);
      line.open(format);
    } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
      throw new CliException(
          ExitCodes.UNAVAILABLE,
          "--mic: no audio capture device available (" + e.getMessage() + "); use --audio FILE");
    }
    header
        .setAudioEncoding(AudioEncoding.AUDIO_ENCODING_PCM16)
        .setSampleRate(MIC_RATE)
        .setChannels(1);
    line.start();
    System.err.println("recording " + micSeconds + " s from the microphone…");
    return new AudioSource.Microphone(line, MIC_RATE * 2 / 10, (long) MIC_RATE * 2 * micSeconds);
  }
}
