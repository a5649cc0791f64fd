package dev.assistant.stt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Stage;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.Topics;
import dev.assistant.common.testing.KafkaTestCluster;
import dev.assistant.common.testing.TopicReader;
import dev.assistant.common.worker.StageWorker;
import dev.assistant.common.worker.WorkerSettings;
import dev.assistant.internal.v1.AudioChunkRecord;
import dev.assistant.internal.v1.DeadLetter;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.stt.backend.TinyModels;
import dev.assistant.stt.backend.WhisperJniSpeechToText;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Audio chunks in through a real broker, partial and final transcripts out, bad audio to the DLQ.
 */
class SttWorkerIT {

  @Test
  void transcribesChunkedAudioAndDeadLettersCorruptAudioWhileStillServing() throws Exception {
    Config config =
        KafkaTestCluster.newConfig(
            Map.of(
                "stt.model.path", TinyModels.multilingual().toString(),
                "stt.threads", "1",
                "stt.window.seconds", "10",
                "worker.concurrency", "2"));
    Topics t = Topics.from(config);
    try (WhisperJniSpeechToText backend =
            WhisperJniSpeechToText.open(SttWorkerMain.whisperOptions(config));
        StageWorker<AudioChunkRecord> worker =
            new StageWorker<>(
                    WorkerSettings.from(
                        config,
                        Stage.STAGE_STT,
                        t.audioChunks(),
                        t.transcripts(),
                        t.dlq(),
                        t.control()),
                    new KafkaSettings(config),
                    SttWorkerMain.handler(backend, config),
                    id -> false)
                .start();
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(new KafkaSettings(config).idempotentProducer());
        TopicReader<StageOutput> transcripts =
            new TopicReader<>(config, t.transcripts(), StageOutput.parser());
        TopicReader<DeadLetter> dlq = new TopicReader<>(config, t.dlq(), DeadLetter.parser())) {
      RequestOptions en = RequestOptions.newBuilder().setLanguage("en").build();
      send(producer, t, SttHandlerTest.chunks("good-1", SttHandlerTest.wav(14), 100_000, en));
      byte[] corrupt = "RIFF\0\0\0\0WAVEfmt garbage that is not a wave file".getBytes();
      send(producer, t, SttHandlerTest.chunks("corrupt", corrupt, 1 << 20, en));
      send(producer, t, SttHandlerTest.chunks("good-2", SttHandlerTest.wav(2), 30_000, en));
      producer.flush();

      List<StageOutput> out =
          transcripts.readUntil(
              l ->
                  l.stream().filter(o -> o.getLast() && !o.hasError()).count() == 2
                      && l.stream().anyMatch(StageOutput::hasError),
              Duration.ofSeconds(120));
      List<StageOutput> good1 =
          out.stream().filter(o -> o.getRequestId().equals("good-1")).toList();
      assertTrue(good1.size() >= 2, "a partial then the final: " + good1.size());
      assertTrue(!good1.get(0).getTranscript().getFinal());
      StageOutput final1 = good1.get(good1.size() - 1);
      assertTrue(final1.getTranscript().getFinal() && final1.getLast());
      assertEquals(14.0, final1.getTranscript().getAudioSeconds(), 1e-6);
      assertEquals("en", final1.getTranscript().getLanguage());
      for (int i = 0; i < good1.size(); i++) {
        assertEquals(i, good1.get(i).getSeq(), "sequence numbers without gaps");
      }
      assertTrue(
          out.stream().anyMatch(o -> o.getRequestId().equals("good-2") && o.getLast()),
          "the worker keeps serving after a bad request");

      StageOutput error = out.stream().filter(StageOutput::hasError).findFirst().orElseThrow();
      assertEquals("corrupt", error.getRequestId());
      assertEquals(Status.Code.INVALID_ARGUMENT.value(), error.getError().getCode());
      List<DeadLetter> dead = dlq.readUntil(l -> !l.isEmpty(), Duration.ofSeconds(30));
      assertEquals("corrupt", dead.get(0).getRequestId());
      assertTrue(dead.get(0).getReason().startsWith("audio: WAV"), dead.get(0).getReason());
    }
  }

  private static void send(
      KafkaProducer<String, byte[]> producer, Topics t, List<AudioChunkRecord> chunks) {
    for (AudioChunkRecord c : chunks) {
      producer.send(new ProducerRecord<>(t.audioChunks(), c.getRequestId(), c.toByteArray()));
    }
  }
}
