package dev.assistant.tts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import dev.assistant.api.v1.Answer;
import dev.assistant.api.v1.AudioChunk;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.Stage;
import dev.assistant.audio.Pcm;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.TopicProvisioner;
import dev.assistant.common.kafka.Topics;
import dev.assistant.common.testing.KafkaTestCluster;
import dev.assistant.common.testing.TopicReader;
import dev.assistant.common.worker.StageWorker;
import dev.assistant.common.worker.WorkerSettings;
import dev.assistant.gateway.coordinator.CoordinatorRunner;
import dev.assistant.internal.v1.Reply;
import dev.assistant.internal.v1.RequestKind;
import dev.assistant.internal.v1.RequestRecord;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.internal.v1.TokenDelta;
import dev.assistant.internal.v1.TtsRequestRecord;
import dev.assistant.tts.backend.AudioChecks;
import dev.assistant.tts.backend.AudioClip;
import dev.assistant.tts.backend.freetts.FreeTtsBackend;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Speaking while the answer is still being written, on a real broker: the gateway's coordinator
 * (which splits the token stream into sentences) and the TTS worker with FreeTTS. A language model
 * is played by publishing token deltas to {@code llm.tokens} 100 ms apart; the first audio must be
 * readable (read_committed) on {@code audio.out} before the last token has been published.
 */
class TtsStreamingIT {
  private static final List<String> SENTENCES =
      List.of(
          "The sky looks blue because air scatters blue light.",
          "Sunsets look red for the same reason.",
          "Clouds are white because their droplets scatter every colour.");
  private static final String ID = "stream-1";
  private static final String ROUTE = "it";
  private static final long TOKEN_GAP_MS = 100;

  /** The answer as a model would stream it: one token per word, with its leading space. */
  private static List<String> tokens() {
    List<String> tokens = new ArrayList<>();
    String answer = String.join(" ", SENTENCES);
    for (String word : answer.split(" ")) {
      tokens.add(tokens.isEmpty() ? word : " " + word);
    }
    return tokens;
  }

  private static Timestamp now() {
    Instant t = Instant.now();
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  @Test
  void firstAudioArrivesBeforeTheLastTokenIsPublished() throws Exception {
    Config config =
        KafkaTestCluster.newConfig(
            Map.of(
                "worker.flush.interval",
                "10ms",
                "coordinator.state.dir",
                Files.createTempDirectory("tts-streaming-it").toString()));
    Topics topics = Topics.from(config);
    try (Admin admin = Admin.create(new KafkaSettings(config).admin())) {
      new TopicProvisioner(topics, config).ensureReplyTopic(admin, ROUTE);
    }
    WorkerSettings settings =
        WorkerSettings.from(
            config.with("worker.instance.id", "tts-streaming-it"),
            Stage.STAGE_TTS,
            topics.ttsRequests(),
            topics.audioOut(),
            topics.dlq(),
            topics.control());
    List<String> tokens = tokens();
    AtomicInteger published = new AtomicInteger();
    try (FreeTtsBackend tts = new FreeTtsBackend(FreeTtsBackend.DEFAULT_VOICE);
        StageWorker<TtsRequestRecord> worker =
            new StageWorker<>(
                    settings,
                    new KafkaSettings(config),
                    TtsWorkerMain.handler(tts, config),
                    id -> false)
                .start();
        CoordinatorRunner coordinator =
            new CoordinatorRunner(config, topics, "coordinator-it").start();
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(new KafkaSettings(config).idempotentProducer());
        var audioOut = new TopicReader<>(config, topics.audioOut(), StageOutput.parser());
        var replies = new TopicReader<>(config, topics.repliesFor(ROUTE), Reply.parser())) {
      assertTrue(coordinator.awaitRunning(Duration.ofSeconds(90)), "coordinator running");

      RequestRecord request =
          RequestRecord.newBuilder()
              .setRequestId(ID)
              .setKind(RequestKind.REQUEST_KIND_ASK)
              .setPrompt("Why is the sky blue?")
              .setReplyRoute(ROUTE)
              .setAcceptedAt(now())
              .build();
      producer.send(new ProducerRecord<>(topics.requests(), ID, request.toByteArray())).get();

      CompletableFuture<Long> lastTokenPublished =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  long at = 0;
                  for (int i = 0; i < tokens.size(); i++) {
                    StageOutput token =
                        StageOutput.newBuilder()
                            .setRequestId(ID)
                            .setStage(Stage.STAGE_LLM)
                            .setSeq(i)
                            .setToken(
                                TokenDelta.newBuilder().setText(tokens.get(i)).setTokenCount(1))
                            .build();
                    producer
                        .send(new ProducerRecord<>(topics.llmTokens(), ID, token.toByteArray()))
                        .get();
                    at = System.nanoTime();
                    published.incrementAndGet();
                    Thread.sleep(TOKEN_GAP_MS);
                  }
                  StageOutput answer =
                      StageOutput.newBuilder()
                          .setRequestId(ID)
                          .setStage(Stage.STAGE_LLM)
                          .setSeq(tokens.size())
                          .setLast(true)
                          .setAnswer(
                              Answer.newBuilder()
                                  .setText(String.join(" ", SENTENCES))
                                  .setFinishReason("stop"))
                          .build();
                  producer
                      .send(new ProducerRecord<>(topics.llmTokens(), ID, answer.toByteArray()))
                      .get();
                  return at;
                } catch (Exception e) {
                  throw new IllegalStateException("publishing tokens failed", e);
                }
              });

      List<StageOutput> first = audioOut.readUntil(l -> !l.isEmpty(), Duration.ofSeconds(60));
      long firstAudioAt = System.nanoTime();
      int tokensBeforeFirstAudio = published.get();
      assertFalse(first.isEmpty(), "no audio at all");
      long lastTokenAt = lastTokenPublished.get(60, TimeUnit.SECONDS);
      System.out.printf(
          "first audio read %d ms before the last token was published (%d of %d tokens out)%n",
          (lastTokenAt - firstAudioAt) / 1_000_000, tokensBeforeFirstAudio, tokens.size());
      assertTrue(
          firstAudioAt < lastTokenAt,
          "first audio "
              + (lastTokenAt - firstAudioAt) / 1_000_000
              + " ms before the last token; "
              + tokensBeforeFirstAudio
              + " of "
              + tokens.size()
              + " tokens published by then");
      assertEquals(0, first.get(0).getAudio().getSentenceIndex());
      assertEquals(SENTENCES.get(0), first.get(0).getAudio().getText());

      List<StageOutput> all =
          audioOut.readUntil(
              l -> l.stream().anyMatch(StageOutput::getLast), Duration.ofSeconds(60));
      assertOrderedSpeech(all);

      List<Reply> events =
          replies.readUntil(
              l -> l.stream().anyMatch(r -> r.getEvent().hasCompleted()), Duration.ofSeconds(60));
      int firstAudioEvent = indexOf(events, Event::hasAudio);
      int answerEvent = indexOf(events, Event::hasAnswer);
      assertTrue(
          firstAudioEvent >= 0 && firstAudioEvent < answerEvent,
          "the client hears the first sentence before the answer is complete: audio at "
              + firstAudioEvent
              + ", answer at "
              + answerEvent);
    }
  }

  private static int indexOf(List<Reply> replies, java.util.function.Predicate<Event> kind) {
    for (int i = 0; i < replies.size(); i++) {
      if (replies.get(i).hasEvent() && kind.test(replies.get(i).getEvent())) {
        return i;
      }
    }
    return -1;
  }

  /** Sentence by sentence, chunk by chunk, last flag only at the very end, and real speech. */
  private static void assertOrderedSpeech(List<StageOutput> all) {
    int sentence = 0;
    int chunk = 0;
    ByteArrayOutputStream pcm = new ByteArrayOutputStream();
    for (int i = 0; i < all.size(); i++) {
      StageOutput o = all.get(i);
      assertEquals(ID, o.getRequestId());
      assertTrue(o.hasAudio(), "audio only: " + o);
      AudioChunk c = o.getAudio();
      assertEquals(sentence, c.getSentenceIndex(), "sentences in order");
      assertEquals(chunk, c.getChunkIndex(), "chunks in order");
      if (chunk == 0) {
        assertEquals(SENTENCES.get(sentence), c.getText());
      }
      boolean lastOfAll = i == all.size() - 1;
      assertEquals(lastOfAll, o.getLast());
      assertEquals(lastOfAll, c.getLast());
      pcm.writeBytes(c.getData().toByteArray());
      if (c.getLastInSentence()) {
        sentence++;
        chunk = 0;
      } else {
        chunk++;
      }
    }
    assertEquals(SENTENCES.size(), sentence, "every sentence was spoken");
    AudioChecks.assertSpeechLike(
        new AudioClip(Pcm.fromPcm16(pcm.toByteArray()), 16_000), 16_000, 4, 15);
  }
}
