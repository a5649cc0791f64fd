package dev.assistant.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.assistant.api.v1.Image;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Stage;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.Topics;
import dev.assistant.common.testing.KafkaTestCluster;
import dev.assistant.common.testing.TopicReader;
import dev.assistant.common.worker.StageWorker;
import dev.assistant.common.worker.WorkerSettings;
import dev.assistant.internal.v1.DeadLetter;
import dev.assistant.internal.v1.LlmRequestRecord;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.llm.backend.llava.LlavaModel;
import dev.assistant.llm.backend.llava.LlavaOptions;
import dev.assistant.llm.backend.nn.WeightFormat;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.awt.Color;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The llm-worker on a real broker: image + prompt in, ordered token stream and answer out. */
class LlmWorkerIT {

  private static void send(KafkaProducer<String, byte[]> p, String topic, LlmRequestRecord r) {
    p.send(new ProducerRecord<>(topic, r.getRequestId(), r.toByteArray()));
  }

  @Test
  void imageAndPromptInOrderedTokenStreamAndFinalAnswerOut() throws Exception {
    Config config = KafkaTestCluster.newConfig();
    Topics t = Topics.from(config);
    LlmSettings settings =
        new LlmSettings(
            LlavaOptions.defaults(TestModels.tiny())
                .withFormat(WeightFormat.NF4)
                .withDevice("cpu")
                .withKvBudget(256L << 20),
            24,
            256,
            "Describe this image.",
            0);
    WorkerSettings ws =
        WorkerSettings.from(
            config.with("worker.instance.id", "llm-it"),
            Stage.STAGE_LLM,
            t.llmRequests(),
            t.llmTokens(),
            t.dlq(),
            t.control());
    try (LlavaModel model = LlavaModel.load(settings.model());
        LlmHandler handler =
            new LlmHandler(model, settings, new LlmMetrics(new PrometheusRegistry(), model));
        var worker =
            new StageWorker<>(ws, new KafkaSettings(config), handler, id -> false).start();
        var producer =
            new KafkaProducer<String, byte[]>(new KafkaSettings(config).idempotentProducer());
        var tokens = new TopicReader<>(config, t.llmTokens(), StageOutput.parser());
        var dlq = new TopicReader<>(config, t.dlq(), DeadLetter.parser())) {
      byte[] png = TestModels.png(Color.ORANGE);
      send(
          producer,
          t.llmRequests(),
          LlmRequestRecord.newBuilder()
              .setRequestId("img-1")
              .setPrompt("What is in the picture?")
              .setImage(Image.newBuilder().setData(ByteString.copyFrom(png)))
              .setOptions(RequestOptions.newBuilder().setMaxTokens(10))
              .build());
      send(
          producer,
          t.llmRequests(),
          LlmRequestRecord.newBuilder()
              .setRequestId("bad-image")
              .setPrompt("and this?")
              .setImage(Image.newBuilder().setData(ByteString.copyFromUtf8("not an image")))
              .build());
      producer.flush();
      List<StageOutput> out =
          tokens.readUntil(
              l -> l.stream().anyMatch(o -> o.getLast() && o.getRequestId().equals("img-1")),
              Duration.ofSeconds(120));
      TreeMap<Integer, StageOutput> bySeq = new TreeMap<>();
      out.stream()
          .filter(o -> o.getRequestId().equals("img-1"))
          .forEach(o -> bySeq.putIfAbsent(o.getSeq(), o));
      int expected = 0;
      StringBuilder streamed = new StringBuilder();
      int tokenCount = 0;
      for (var e : bySeq.entrySet()) {
        assertEquals(expected++, e.getKey(), "sequence numbers without gaps");
        StageOutput o = e.getValue();
        assertEquals(Stage.STAGE_LLM, o.getStage());
        if (o.hasToken()) {
          assertFalse(o.getLast());
          streamed.append(o.getToken().getText());
          tokenCount += o.getToken().getTokenCount();
        }
      }
      StageOutput last = bySeq.lastEntry().getValue();
      assertTrue(last.getLast() && last.hasAnswer(), "the stream ends with the answer");
      assertEquals(streamed.toString(), last.getAnswer().getText());
      assertEquals("length", last.getAnswer().getFinishReason());
      assertEquals(10, last.getAnswer().getUsage().getCompletionTokens());
      assertEquals(10, tokenCount);
      assertTrue(last.getAnswer().getUsage().getPromptTokens() > model.config().imageTokens());
      assertTrue(bySeq.size() > 2, "tokens streamed before the answer");

      List<DeadLetter> dead = dlq.readUntil(l -> !l.isEmpty(), Duration.ofSeconds(60));
      assertEquals("bad-image", dead.get(0).getRequestId());
      assertTrue(dead.get(0).getReason().contains("image"), dead.get(0).getReason());
      assertTrue(worker.isRunning());
    }
  }
}
