package dev.assistant.cli.batch;

import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.AudioChunk;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.SubmitRequest;
import dev.assistant.api.v1.SubmitResponse;
import dev.assistant.api.v1.WatchRequest;
import dev.assistant.cli.output.Durations;
import dev.assistant.cli.output.WavFileWriter;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Runs one item to its end: Submit (idempotent on the item's ID, so a rerun's resubmit of an item
 * already in flight starts nothing new), then Watch from the first event to the terminal one,
 * resuming after the last seen sequence when the stream breaks. Audio chunks go to a {@code .part}
 * file renamed into place at the end, so a finished item's audio is always complete.
 */
final class ItemRunner {
  private static final long SUBMIT_TIMEOUT_MS = 60_000;
  private static final int MAX_NOT_FOUND = 5;

  private final Channel channel;
  private final Backoff backoff;
  private final Path outDir;
  private final boolean writeAudio;
  private final Duration jobTimeout;
  private final Duration giveUpAfter;

  ItemRunner(
      Channel channel,
      Backoff backoff,
      Path outDir,
      boolean writeAudio,
      Duration jobTimeout,
      Duration giveUpAfter) {
    this.channel = channel;
    this.backoff = backoff;
    this.outDir = outDir;
    this.writeAudio = writeAudio;
    this.jobTimeout = jobTimeout;
    this.giveUpAfter = giveUpAfter;
  }

  /** The item's result line, once the server reported its terminal event (or refused it). */
  ResultJson run(PreparedItem p) throws InterruptedException, IOException {
    long start = System.nanoTime();
    ResultJson result = new ResultJson(p);
    SubmitResponse submitted;
    try {
      submitted = submit(p, start);
    } catch (StatusRuntimeException e) {
      return result.error(
          e.getStatus().getCode().value(), "gateway", describe(e.getStatus()), elapsedMs(start));
    }
    result.duplicate(submitted.getDuplicate());
    return watch(p, result, start);
  }

  private SubmitResponse submit(PreparedItem p, long start) throws InterruptedException {
    SubmitRequest.Builder s = SubmitRequest.newBuilder().setRequest(p.request());
    if (jobTimeout != null) {
      s.setTimeout(
          com.google.protobuf.Duration.newBuilder()
              .setSeconds(jobTimeout.getSeconds())
              .setNanos(jobTimeout.getNano()));
    }
    for (int attempt = 0; ; attempt++) {
      backoff.awaitTurn();
      try {
        return AssistantGrpc.newBlockingStub(channel)
            .withDeadlineAfter(SUBMIT_TIMEOUT_MS, TimeUnit.MILLISECONDS)
            .submit(s.build());
      } catch (StatusRuntimeException e) {
        retryOrThrow(e, attempt, start);
      }
    }
  }

  private void retryOrThrow(StatusRuntimeException e, int attempt, long start)
      throws InterruptedException {
    Status.Code code = e.getStatus().getCode();
    if (!Backoff.isTransient(code) || elapsedMs(start) > giveUpAfter.toMillis()) {
      throw e;
    }
    if (code == Status.Code.RESOURCE_EXHAUSTED) {
      Thread.sleep(backoff.onRefused(e, attempt).toMillis());
    } else {
      Thread.sleep(Math.min(10_000, 250L << Math.min(attempt, 6)));
    }
  }

  private ResultJson watch(PreparedItem p, ResultJson result, long start)
      throws InterruptedException, IOException {
    Path audioPart = outDir.resolve("audio").resolve(p.id() + ".wav.part");
    WavFileWriter wav = null;
    long nextSequence = 1;
    int notFound = 0;
    try {
      for (int attempt = 0; ; attempt++) {
        try {
          Iterator<Event> events =
              AssistantGrpc.newBlockingStub(channel)
                  .watch(
                      WatchRequest.newBuilder()
                          .setRequestId(p.id())
                          .setFromSequence(nextSequence)
                          .build());
          while (events.hasNext()) {
            Event e = events.next();
            if (e.getSequence() < nextSequence) {
              continue; // already handled before the stream broke
            }
            nextSequence = e.getSequence() + 1;
            switch (e.getPayloadCase()) {
              case TRANSCRIPT -> {
                if (e.getTranscript().getFinal()) {
                  result.transcript(e.getTranscript());
                }
              }
              case ANSWER -> result.answer(e.getAnswer());
              case AUDIO -> {
                if (writeAudio) {
                  if (wav == null) {
                    wav = new WavFileWriter(audioPart);
                  }
                  AudioChunk a = e.getAudio();
                  wav.append(a.getData().toByteArray(), a.getSampleRate());
                }
              }
              case COMPLETED -> {
                if (wav != null) {
                  wav.close();
                  Path done = outDir.resolve("audio").resolve(p.id() + ".wav");
                  Files.move(audioPart, done, StandardCopyOption.REPLACE_EXISTING);
                  result.audioFile("audio/" + p.id() + ".wav", wav.seconds());
                  wav = null;
                }
                return result.completed(e.getCompleted(), elapsedMs(start));
              }
              case ERROR -> {
                var x = e.getError();
                return result.error(
                    x.getCode(),
                    Durations.stageName(x.getStage()),
                    x.getMessage(),
                    elapsedMs(start));
              }
              default -> {}
            }
          }
          // The stream ended without a terminal event (gateway going away): resume.
          Thread.sleep(Math.min(5_000, 100L << Math.min(attempt, 5)));
        } catch (StatusRuntimeException e) {
          Status.Code code = e.getStatus().getCode();
          if (code == Status.Code.NOT_FOUND && ++notFound <= MAX_NOT_FOUND && nextSequence == 1) {
            Thread.sleep(500L * notFound); // accepted but not yet visible to this gateway
            continue;
          }
          if (!Backoff.isTransient(code) || elapsedMs(start) > giveUpAfter.toMillis()) {
            return result.error(code.value(), "gateway", describe(e.getStatus()), elapsedMs(start));
          }
          Thread.sleep(Math.min(10_000, 250L << Math.min(attempt, 6)));
        }
      }
    } finally {
      if (wav != null) {
        wav.close();
      }
    }
  }

  private static String describe(Status s) {
    return s.getDescription() == null ? s.getCode().name() : s.getDescription();
  }

  private static long elapsedMs(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
