package dev.assistant.tts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.api.v1.AudioChunk;
import dev.assistant.api.v1.OutputAudioFormat;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Stage;
import dev.assistant.audio.Pcm;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.Topics;
import dev.assistant.common.testing.KafkaTestCluster;
import dev.assistant.common.testing.TopicReader;
import dev.assistant.common.worker.StageWorker;
import dev.assistant.common.worker.WorkerSettings;
import dev.assistant.internal.v1.DeadLetter;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.internal.v1.TtsRequestRecord;
import dev.assistant.tts.audio.OggOpusTestDecoder;
import dev.assistant.tts.backend.AudioChecks;
import dev.assistant.tts.backend.AudioClip;
import dev.assistant.tts.backend.freetts.FreeTtsBackend;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TTS worker on a real broker with the real FreeTTS backend and the shared transactional loop:
 * sentences in on {@code tts.requests}, ordered audio chunks out on {@code audio.out}, invalid
 * requests dead-lettered without stopping the worker.
 */
class TtsWorkerIT {
  private static final List<String> SENTENCES =
      List.of(
          "The weather is nice today.", "Please open the door for me.", "Thank you for your help.");

  private static Config config;
  private static Topics topics;
  private static FreeTtsBackend tts;
  private static StageWorker<TtsRequestRecord> worker;
  private static KafkaProducer<String, byte[]> producer;

  @BeforeAll
  static void start() {
    config =
        KafkaTestCluster.newConfig(
            Map.of("worker.flush.interval", "10ms", "tts.chunk.bytes", "8192"));
    topics = Topics.from(config);
    tts = new FreeTtsBackend(FreeTtsBackend.DEFAULT_VOICE);
    WorkerSettings settings =
        WorkerSettings.from(
            config.with("worker.instance.id", "tts-it").with("worker.concurrency", "2"),
            Stage.STAGE_TTS,
            topics.ttsRequests(),
            topics.audioOut(),
            topics.dlq(),
            topics.control());
    worker =
        new StageWorker<>(
                settings,
                new KafkaSettings(config),
                TtsWorkerMain.handler(tts, config),
                id -> false)
            .start();
    producer = new KafkaProducer<>(new KafkaSettings(config).idempotentProducer());
  }

  @AfterAll
  static void stop() {
    producer.close();
    worker.close();
    tts.close();
  }

  private static void sendSentences(String id, RequestOptions options) {
    for (int i = 0; i < SENTENCES.size(); i++) {
      TtsRequestRecord r =
          TtsRequestRecord.newBuilder()
              .setRequestId(id)
              .setSentenceIndex(i)
              .setText(SENTENCES.get(i))
              .setLast(i == SENTENCES.size() - 1)
              .setOptions(options)
              .build();
      producer.send(new ProducerRecord<>(topics.ttsRequests(), id, r.toByteArray()));
    }
    producer.flush();
  }

  private static List<StageOutput> outputsOf(List<StageOutput> all, String id) {
    return all.stream().filter(o -> o.getRequestId().equals(id)).toList();
  }

  private static boolean finished(List<StageOutput> all, String id) {
    return all.stream().anyMatch(o -> o.getRequestId().equals(id) && o.getLast());
  }

  /**
   * Checks the order and flags of one request's chunks (in arrival order) and returns each
   * sentence's bytes.
   */
  private static byte[][] assertOrderedSentences(List<StageOutput> outs, OutputAudioFormat format) {
    ByteArrayOutputStream[] sentences = new ByteArrayOutputStream[SENTENCES.size()];
    int sentence = 0;
    int chunk = 0;
    for (int i = 0; i < outs.size(); i++) {
      StageOutput o = outs.get(i);
      AudioChunk c = o.getAudio();
      assertTrue(o.hasAudio(), "only audio: " + o);
      assertEquals(Stage.STAGE_TTS, o.getStage());
      assertEquals(format, c.getFormat());
      assertEquals(sentence, c.getSentenceIndex(), "sentences in order");
      assertEquals(chunk, c.getChunkIndex(), "chunks in order");
      assertEquals(sentence * TtsHandler.SEQUENCE_STRIDE + chunk, o.getSeq());
      assertEquals(chunk == 0 ? SENTENCES.get(sentence) : "", c.getText());
      boolean lastOfAll = i == outs.size() - 1;
      assertEquals(lastOfAll, o.getLast(), "only the final output is last");
      assertEquals(lastOfAll, c.getLast());
      if (sentences[sentence] == null) {
        sentences[sentence] = new ByteArrayOutputStream();
      }
      sentences[sentence].writeBytes(c.getData().toByteArray());
      if (c.getLastInSentence()) {
        sentence++;
        chunk = 0;
      } else {
        chunk++;
      }
    }
    assertEquals(SENTENCES.size(), sentence, "every sentence ended with last_in_sentence");
    return Arrays.stream(sentences).map(ByteArrayOutputStream::toByteArray).toArray(byte[][]::new);
  }

  @Test
  void sentencesBecomeOrderedSpeechInEveryFormat() throws Exception {
    sendSentences("pcm", RequestOptions.getDefaultInstance());
    sendSentences(
        "wav",
        RequestOptions.newBuilder()
            .setOutputFormat(OutputAudioFormat.OUTPUT_AUDIO_FORMAT_WAV)
            .setOutputSampleRate(8_000)
            .build());
    sendSentences(
        "ogg",
        RequestOptions.newBuilder()
            .setOutputFormat(OutputAudioFormat.OUTPUT_AUDIO_FORMAT_OGG)
            .build());
    List<StageOutput> all;
    try (var reader = new TopicReader<>(config, topics.audioOut(), StageOutput.parser())) {
      all =
          reader.readUntil(
              l -> finished(l, "pcm") && finished(l, "wav") && finished(l, "ogg"),
              Duration.ofSeconds(90));
    }

    List<StageOutput> pcm = outputsOf(all, "pcm");
    assertTrue(pcm.size() > SENTENCES.size(), "8 KiB chunks split the sentences: " + pcm.size());
    for (byte[] sentence :
        assertOrderedSentences(pcm, OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16)) {
      AudioChecks.assertSpeechLike(new AudioClip(Pcm.fromPcm16(sentence), 16_000), 16_000, 0.8, 5);
    }
    assertTrue(pcm.stream().allMatch(o -> o.getAudio().getSampleRate() == 16_000));

    List<StageOutput> wav = outputsOf(all, "wav");
    for (byte[] file : assertOrderedSentences(wav, OutputAudioFormat.OUTPUT_AUDIO_FORMAT_WAV)) {
      ByteBuffer header = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
      assertEquals("RIFF", new String(file, 0, 4, StandardCharsets.US_ASCII));
      assertEquals(8_000, header.getInt(24), "WAV sample rate");
      assertEquals(file.length - 44, header.getInt(40), "WAV data size");
      float[] samples = Pcm.fromPcm16(Arrays.copyOfRange(file, 44, file.length));
      AudioChecks.assertSpeechLike(new AudioClip(samples, 8_000), 8_000, 0.8, 5);
    }
    assertTrue(wav.stream().allMatch(o -> o.getAudio().getSampleRate() == 8_000));

    List<StageOutput> ogg = outputsOf(all, "ogg");
    assertTrue(ogg.size() >= 3 * 4, "Ogg Opus leaves page by page: " + ogg.size());
    for (byte[] stream : assertOrderedSentences(ogg, OutputAudioFormat.OUTPUT_AUDIO_FORMAT_OGG)) {
      OggOpusTestDecoder.Decoded decoded = OggOpusTestDecoder.decode(stream);
      assertEquals(16_000, decoded.inputRate(), "OpusHead records the voice's rate");
      assertEquals(0x04, decoded.lastFlags(), "each sentence is a complete stream");
      AudioChecks.assertSpeechLike(new AudioClip(decoded.samples(), 48_000), 48_000, 0.8, 5);
    }
  }

  @Test
  void invalidRequestsAreDeadLetteredAndTheWorkerKeepsServing() throws Exception {
    TtsRequestRecord unknownVoice =
        TtsRequestRecord.newBuilder()
            .setRequestId("bad-voice")
            .setText("Who is speaking?")
            .setLast(true)
            .setOptions(RequestOptions.newBuilder().setVoice("nobody"))
            .build();
    TtsRequestRecord badRate =
        TtsRequestRecord.newBuilder()
            .setRequestId("bad-rate")
            .setText("Far too fast.")
            .setLast(true)
            .setOptions(RequestOptions.newBuilder().setSpeakingRate(9f))
            .build();
    TtsRequestRecord after =
        TtsRequestRecord.newBuilder()
            .setRequestId("after")
            .setText("Still speaking.")
            .setLast(true)
            .build();
    for (TtsRequestRecord r : List.of(unknownVoice, badRate, after)) {
      producer.send(new ProducerRecord<>(topics.ttsRequests(), r.getRequestId(), r.toByteArray()));
    }
    producer.flush();

    try (var dlq = new TopicReader<>(config, topics.dlq(), DeadLetter.parser());
        var audio = new TopicReader<>(config, topics.audioOut(), StageOutput.parser())) {
      List<DeadLetter> dead = dlq.readUntil(l -> l.size() >= 2, Duration.ofSeconds(60));
      assertEquals(2, dead.size(), "exactly the two invalid requests: " + dead);
      for (DeadLetter d : dead) {
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), d.getCode());
        assertEquals(Stage.STAGE_TTS, d.getStage());
        assertEquals(topics.ttsRequests(), d.getTopic());
        assertEquals(1, d.getAttempts(), "invalid input is not retried");
        assertFalse(d.getValue().isEmpty(), "the original record is kept");
      }
      DeadLetter voice =
          dead.stream().filter(d -> d.getRequestId().equals("bad-voice")).findFirst().orElseThrow();
      assertTrue(voice.getReason().contains("nobody"), voice.getReason());

      List<StageOutput> outs =
          audio.readUntil(
              l -> finished(l, "after") && finished(l, "bad-voice") && finished(l, "bad-rate"),
              Duration.ofSeconds(60));
      for (String id : List.of("bad-voice", "bad-rate")) {
        List<StageOutput> errors = outputsOf(outs, id);
        assertEquals(1, errors.size(), id + ": one error output, no audio");
        assertTrue(errors.get(0).hasError());
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), errors.get(0).getError().getCode());
        assertTrue(errors.get(0).getLast());
      }
      List<StageOutput> spoken = outputsOf(outs, "after");
      assertTrue(spoken.stream().allMatch(StageOutput::hasAudio));
      ByteArrayOutputStream pcm = new ByteArrayOutputStream();
      spoken.forEach(o -> pcm.writeBytes(o.getAudio().getData().toByteArray()));
      AudioChecks.assertSpeechLike(
          new AudioClip(Pcm.fromPcm16(pcm.toByteArray()), 16_000), 16_000, 0.5, 4);
    }
  }
}
