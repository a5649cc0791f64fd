package dev.assistant.llm;

import com.google.protobuf.Parser;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import dev.assistant.api.v1.Answer;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Turn;
import dev.assistant.api.v1.Usage;
import dev.assistant.common.worker.InvalidInputException;
import dev.assistant.common.worker.StageContext;
import dev.assistant.common.worker.StageHandler;
import dev.assistant.internal.v1.CatalogRecord;
import dev.assistant.internal.v1.LlmRequestRecord;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.internal.v1.TokenDelta;
import dev.assistant.llm.backend.ChatTurn;
import dev.assistant.llm.backend.GenerationRequest;
import dev.assistant.llm.backend.GenerationResult;
import dev.assistant.llm.backend.InvalidRequestException;
import dev.assistant.llm.backend.SamplingOptions;
import dev.assistant.llm.backend.VisionLanguageModel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka side of the language model: {@code llm.requests} in, {@code llm.tokens} out. The prompt is
 * the transcript and the typed prompt (with history and system prompt from the options); each piece
 * of text the detokenizer completes becomes one {@code token} output, then an {@code answer} with
 * finish reason and usage closes the stream ({@code last=true}).
 *
 * <p>Replays are deterministic: the seed defaults to one derived from the request ID and outputs
 * are cut at token boundaries (not on timers), so a restarted worker produces the same outputs with
 * the same sequence numbers and consumers drop those they have seen.
 *
 * <p>Thread-safety: stateless per request; safe for the worker's concurrent handler threads.
 */
public final class LlmHandler implements StageHandler<LlmRequestRecord>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LlmHandler.class);
  private static final Object DONE = new Object();

  private final VisionLanguageModel model;
  private final LlmSettings settings;
  private final LlmMetrics metrics;
  private final ExecutorService generators =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "llm-generate");
            t.setDaemon(true);
            return t;
          });

  public LlmHandler(VisionLanguageModel model, LlmSettings settings, LlmMetrics metrics) {
    this.model = model;
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public Parser<LlmRequestRecord> parser() {
    return LlmRequestRecord.parser();
  }

  @Override
  public Optional<Instant> deadline(LlmRequestRecord record) {
    return record.hasDeadline()
        ? Optional.of(Instant.ofEpochMilli(Timestamps.toMillis(record.getDeadline())))
        : Optional.empty();
  }

  @Override
  public CatalogRecord.Builder catalog() {
    return CatalogRecord.newBuilder()
        .setModel(
            settings.model().modelDir().toAbsolutePath().normalize().getFileName().toString());
  }

  @Override
  public boolean handle(LlmRequestRecord record, StageContext context) throws Exception {
    Prepared prepared = prepare(record, context);
    GenerationRequest request = prepared.request();
    AtomicBoolean cancelled = prepared.cancelled();
    LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    long start = System.nanoTime();
    CompletableFuture<GenerationResult> future =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return model.generate(request, (text, tokens) -> queue.add(delta(text, tokens)));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
              } finally {
                queue.add(DONE);
              }
            },
            generators);
    // Outputs are emitted on this (the worker's) thread, as the StageContext expects.
    while (true) {
      Object item = queue.poll(5, TimeUnit.MILLISECONDS);
      if (context.isCancelled()) {
        cancelled.set(true);
      }
      if (item == DONE) {
        break;
      }
      if (item != null) {
        context.emit(StageOutput.newBuilder().setToken((TokenDelta) item));
      }
    }
    GenerationResult result;
    try {
      result = future.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InvalidRequestException ire) {
        throw new InvalidInputException(ire.getMessage(), ire);
      }
      throw cause instanceof Exception ex ? ex : e;
    } finally {
      context.addProcessingTime(Duration.ofNanos(System.nanoTime() - start));
    }
    if (metrics != null) {
      metrics.record(result);
    }
    context.emit(StageOutput.newBuilder().setLast(true).setAnswer(answer(result)));
    LOG.info(
        "request {}: {} prompt + {} generated tokens, {}, ttft {} ms, {} tok/s",
        context.requestId(),
        result.promptTokens(),
        result.completionTokens(),
        result.finishReason().wireName(),
        result.timeToFirstToken().toMillis(),
        String.format("%.1f", result.tokensPerSecond()));
    return true;
  }

  /** The model's request and the cancellation flag that its supplier reads. */
  record Prepared(GenerationRequest request, AtomicBoolean cancelled) {}

  Prepared prepare(LlmRequestRecord record, StageContext context) throws InvalidInputException {
    RequestOptions o = record.getOptions();
    String text = userText(record);
    boolean image = !record.getImage().getData().isEmpty();
    if (text.isEmpty() && !image) {
      throw new InvalidInputException("llm: the request has no transcript, prompt or image");
    }
    if (text.isEmpty()) {
      text = settings.imagePrompt();
    }
    List<ChatTurn> history = new ArrayList<>();
    for (Turn t : o.getHistoryList()) {
      try {
        history.add(new ChatTurn(t.getRole(), t.getText()));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("llm: history: " + e.getMessage());
      }
    }
    SamplingOptions sampling;
    try {
      sampling = sampling(o, context.requestId());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("llm: options: " + e.getMessage());
    }
    AtomicBoolean cancelled = new AtomicBoolean();
    return new Prepared(
        new GenerationRequest(
            text,
            image ? Optional.of(record.getImage().getData().toByteArray()) : Optional.empty(),
            history,
            o.getSystemPrompt(),
            sampling,
            cancelled::get,
            deadline(record)),
        cancelled);
  }

  /** Transcript, then typed prompt, each when present. */
  static String userText(LlmRequestRecord r) {
    String transcript = r.getTranscript().strip();
    String prompt = r.getPrompt().strip();
    if (transcript.isEmpty()) {
      return prompt;
    }
    return prompt.isEmpty() ? transcript : transcript + "\n" + prompt;
  }

  SamplingOptions sampling(RequestOptions o, String requestId) {
    int max = o.getMaxTokens() > 0 ? o.getMaxTokens() : settings.defaultMaxTokens();
    if (max > settings.maxTokensLimit()) {
      throw new IllegalArgumentException(
          "max_tokens " + max + " exceeds the limit of " + settings.maxTokensLimit());
    }
    double topP = o.getTopP() > 0 ? o.getTopP() : 1;
    double penalty = o.getRepetitionPenalty() > 0 ? o.getRepetitionPenalty() : 1;
    long seed = o.hasSeed() ? o.getSeed() : seedFor(requestId);
    return new SamplingOptions(max, o.getTemperature(), o.getTopK(), topP, penalty, seed, Set.of());
  }

  /** A seed that depends only on the request ID, so a replay samples the same tokens. */
  static long seedFor(String requestId) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256").digest(requestId.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(h).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TokenDelta delta(String text, int tokens) {
    return TokenDelta.newBuilder().setText(text).setTokenCount(tokens).build();
  }

  static Answer answer(GenerationResult r) {
    return Answer.newBuilder()
        .setText(r.text())
        .setFinishReason(r.finishReason().wireName())
        .setUsage(
            Usage.newBuilder()
                .setPromptTokens(r.promptTokens())
                .setCompletionTokens(r.completionTokens())
                .setTimeToFirstToken(Durations.fromNanos(r.timeToFirstToken().toNanos()))
                .setTokensPerSecond(r.tokensPerSecond()))
        .build();
  }

  @Override
  public void close() {
    generators.shutdownNow();
  }
}
