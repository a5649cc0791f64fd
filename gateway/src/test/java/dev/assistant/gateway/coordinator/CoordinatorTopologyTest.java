package dev.assistant.gateway.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.assistant.api.v1.Answer;
import dev.assistant.api.v1.AudioChunk;
import dev.assistant.api.v1.AudioInput;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Stage;
import dev.assistant.api.v1.Transcript;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.Topics;
import dev.assistant.internal.v1.AudioChunkRecord;
import dev.assistant.internal.v1.ControlRecord;
import dev.assistant.internal.v1.LlmRequestRecord;
import dev.assistant.internal.v1.Reply;
import dev.assistant.internal.v1.RequestKind;
import dev.assistant.internal.v1.RequestRecord;
import dev.assistant.internal.v1.ResultRecord;
import dev.assistant.internal.v1.RouteRecord;
import dev.assistant.internal.v1.StageError;
import dev.assistant.internal.v1.StageOutput;
import dev.assistant.internal.v1.TokenDelta;
import dev.assistant.internal.v1.TtsRequestRecord;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The coordinator's state machine, driven without a broker. */
class CoordinatorTopologyTest {
  private final Topics topics = Topics.from(Config.empty());
  private TopologyTestDriver driver;
  private final Map<String, TestInputTopic<String, byte[]>> in = new java.util.HashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "coordinator-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("coord").toString());
    driver =
        new TopologyTestDriver(
            CoordinatorTopology.build(topics, CoordinatorSettings.from(Config.empty())), p);
    for (String t :
        List.of(
            topics.requests(),
            topics.transcripts(),
            topics.llmTokens(),
            topics.audioOut(),
            topics.control(),
            topics.routes())) {
      in.put(t, driver.createInputTopic(t, new StringSerializer(), new ByteArraySerializer()));
    }
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  private TestOutputTopic<String, byte[]> out(String topic) {
    return driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private List<Event> events(String gateway) throws Exception {
    List<Event> events = new java.util.ArrayList<>();
    for (byte[] v : out(topics.repliesFor(gateway)).readValuesToList()) {
      Reply r = Reply.parseFrom(v);
      if (r.hasEvent()) {
        events.add(r.getEvent());
      }
    }
    return events;
  }

  private void send(String topic, String id, com.google.protobuf.MessageLite.Builder m) {
    in.get(topic).pipeInput(id, m.build().toByteArray());
  }

  private void send(String topic, String id, com.google.protobuf.MessageLite m) {
    in.get(topic).pipeInput(id, m.toByteArray());
  }

  private static RequestRecord.Builder request(String id) {
    return RequestRecord.newBuilder()
        .setRequestId(id)
        .setKind(RequestKind.REQUEST_KIND_ASK)
        .setReplyRoute("gw1")
        .setAcceptedAt(Timestamp.newBuilder().setSeconds(1_700_000_000));
  }

  private static StageOutput.Builder output(String id, Stage stage, int seq) {
    return StageOutput.newBuilder().setRequestId(id).setStage(stage).setSeq(seq);
  }

  @Test
  void joinsTheRequestWithItsFinalTranscriptOnly() throws Exception {
    byte[] audio = new byte[600_000];
    audio[0] = 'R';
    send(
        topics.requests(),
        "r1",
        request("r1")
            .setPrompt("and?")
            .setAudio(AudioInput.newBuilder().setData(ByteString.copyFrom(audio))));
    List<AudioChunkRecord> chunks = new java.util.ArrayList<>();
    for (byte[] v : out(topics.audioChunks()).readValuesToList()) {
      chunks.add(AudioChunkRecord.parseFrom(v));
    }
    assertEquals(3, chunks.size(), "600 kB cut into 256 KiB records");
    assertTrue(chunks.get(0).hasOptions());
    assertTrue(chunks.get(2).getLast());
    assertEquals(3, chunks.get(2).getTotalChunks());
    var llm = out(topics.llmRequests());
    send(
        topics.transcripts(),
        "r1",
        output("r1", Stage.STAGE_STT, 0).setTranscript(Transcript.newBuilder().setText("hel")));
    assertTrue(llm.isEmpty(), "a partial transcript does not start the answer");
    send(
        topics.transcripts(),
        "r1",
        output("r1", Stage.STAGE_STT, 1)
            .setLast(true)
            .setTranscript(
                Transcript.newBuilder().setFinal(true).setText("hello").setLanguage("de")));
    LlmRequestRecord joined = LlmRequestRecord.parseFrom(llm.readValue());
    assertEquals("hello", joined.getTranscript());
    assertEquals("and?", joined.getPrompt());
    assertEquals("de", joined.getLanguage());
    List<Event> events = events("gw1");
    assertEquals(List.of(1L, 2L, 3L), events.stream().map(Event::getSequence).toList());
    assertTrue(events.get(0).hasAccepted());
  }

  @Test
  void splitsTheAnswerIntoSentencesAndDropsReplayedOutputs() throws Exception {
    send(topics.requests(), "r2", request("r2").setPrompt("hi"));
    var tts = out(topics.ttsRequests());
    String[] tokens = {"Dr. Smith", " paid $3", ".50 today.", " Then", " he left"};
    int seq = 0;
    for (String t : tokens) {
      send(
          topics.llmTokens(),
          "r2",
          output("r2", Stage.STAGE_LLM, seq++).setToken(TokenDelta.newBuilder().setText(t)));
    }
    // A restarted worker replays the first two tokens: they must not appear again.
    send(
        topics.llmTokens(),
        "r2",
        output("r2", Stage.STAGE_LLM, 0).setToken(TokenDelta.newBuilder().setText("Dr. Smith")));
    send(
        topics.llmTokens(),
        "r2",
        output("r2", Stage.STAGE_LLM, 1).setToken(TokenDelta.newBuilder().setText(" paid $3")));
    List<TtsRequestRecord> sentences = new java.util.ArrayList<>();
    for (byte[] v : tts.readValuesToList()) {
      sentences.add(TtsRequestRecord.parseFrom(v));
    }
    assertEquals(1, sentences.size());
    assertEquals("Dr. Smith paid $3.50 today.", sentences.get(0).getText());
    assertFalse(sentences.get(0).getLast());
    send(
        topics.llmTokens(),
        "r2",
        output("r2", Stage.STAGE_LLM, seq)
            .setLast(true)
            .setAnswer(Answer.newBuilder().setText("...")));
    TtsRequestRecord last = TtsRequestRecord.parseFrom(tts.readValue());
    assertEquals("Then he left", last.getText());
    assertTrue(last.getLast());
    assertEquals(1, last.getSentenceIndex());
    long deltas = events("gw1").stream().filter(Event::hasAnswerDelta).count();
    assertEquals(5, deltas, "replayed tokens are dropped");
  }

  @Test
  void lastAudioCompletesTheRequestAndWritesOneResult() throws Exception {
    send(
        topics.requests(),
        "r3",
        request("r3").setPrompt("x").setOptions(RequestOptions.getDefaultInstance()));
    send(
        topics.llmTokens(),
        "r3",
        output("r3", Stage.STAGE_LLM, 0).setToken(TokenDelta.newBuilder().setText("Fine.")));
    send(
        topics.llmTokens(),
        "r3",
        output("r3", Stage.STAGE_LLM, 1)
            .setLast(true)
            .setAnswer(Answer.newBuilder().setText("Fine.")));
    send(
        topics.audioOut(),
        "r3",
        output("r3", Stage.STAGE_TTS, 0)
            .setLast(true)
            .setAudio(
                AudioChunk.newBuilder().setLast(true).setData(ByteString.copyFromUtf8("pcm"))));
    List<Event> events = events("gw1");
    assertTrue(events.get(events.size() - 1).hasCompleted());
    List<byte[]> results = out(topics.results()).readValuesToList();
    assertEquals(1, results.size());
    ResultRecord r = ResultRecord.parseFrom(results.get(0));
    assertEquals("Fine.", r.getAnswer().getText());
    assertEquals(3, r.getAudioBytes());
    // Outputs after the end (a late replay) change nothing.
    send(
        topics.audioOut(),
        "r3",
        output("r3", Stage.STAGE_TTS, 5).setAudio(AudioChunk.newBuilder().setLast(true)));
    assertTrue(out(topics.results()).isEmpty());
  }

  @Test
  void transcriptionOnlyEndsWithTheFinalTranscriptAndNeverAsksTheLanguageModel() throws Exception {
    send(
        topics.requests(),
        "t1",
        request("t1")
            .setOptions(RequestOptions.newBuilder().setSkipAnswer(true).setSkipSpeech(true))
            .setAudio(AudioInput.newBuilder().setData(ByteString.copyFromUtf8("RIFF...."))));
    var llm = out(topics.llmRequests());
    send(
        topics.transcripts(),
        "t1",
        output("t1", Stage.STAGE_STT, 0)
            .setLast(true)
            .setTranscript(Transcript.newBuilder().setFinal(true).setText("")));
    assertTrue(llm.isEmpty(), "no answer is generated");
    List<Event> events = events("gw1");
    assertTrue(events.get(1).getTranscript().getFinal());
    assertTrue(
        events.get(2).hasCompleted(), "an empty transcript is a result here: " + events.get(2));
    ResultRecord r = ResultRecord.parseFrom(out(topics.results()).readValue());
    assertEquals(0, r.getStatusCode());
    assertFalse(r.hasAnswer());
  }

  @Test
  void synthesisOnlySpeaksThePromptSentenceBySentenceWithoutTheLanguageModel() throws Exception {
    send(
        topics.requests(),
        "s1",
        request("s1")
            .setPrompt("Good morning. How are you")
            .setOptions(RequestOptions.newBuilder().setSpeakPrompt(true).setVoice("kevin16")));
    assertTrue(out(topics.llmRequests()).isEmpty(), "the language model does not run");
    List<TtsRequestRecord> sentences = new java.util.ArrayList<>();
    for (byte[] v : out(topics.ttsRequests()).readValuesToList()) {
      sentences.add(TtsRequestRecord.parseFrom(v));
    }
    assertEquals(
        List.of("Good morning.", "How are you"),
        sentences.stream().map(TtsRequestRecord::getText).toList());
    assertEquals(List.of(0, 1), sentences.stream().map(t -> t.getSentenceIndex()).toList());
    assertTrue(sentences.get(1).getLast());
    assertEquals("kevin16", sentences.get(0).getOptions().getVoice());
    send(
        topics.audioOut(),
        "s1",
        output("s1", Stage.STAGE_TTS, 0)
            .setLast(true)
            .setAudio(
                AudioChunk.newBuilder().setLast(true).setData(ByteString.copyFromUtf8("pcm"))));
    List<Event> events = events("gw1");
    assertTrue(events.get(events.size() - 1).hasCompleted());
  }

  @Test
  void stageErrorsCancellationAndUnknownIdsEndWithTheRightStatus() throws Exception {
    send(topics.requests(), "r4", request("r4").setPrompt("x"));
    send(
        topics.llmTokens(),
        "r4",
        output("r4", Stage.STAGE_LLM, 0)
            .setLast(true)
            .setError(StageError.newBuilder().setCode(3).setMessage("llm: image too large")));
    Event error = events("gw1").get(1);
    assertEquals(3, error.getError().getCode());
    assertEquals(Stage.STAGE_LLM, error.getError().getStage());

    send(topics.requests(), "r5", request("r5").setPrompt("x"));
    send(
        topics.control(),
        "r5",
        ControlRecord.newBuilder()
            .setRequestId("r5")
            .setCancelled(true)
            .setReplyRoute("gw1")
            .setCorrelationId("c1")
            .build());
    List<Event> e5 = events("gw1");
    assertEquals(1, e5.get(e5.size() - 1).getError().getCode(), "CANCELLED");

    send(
        topics.routes(),
        "nope",
        RouteRecord.newBuilder()
            .setRequestId("nope")
            .setReplyRoute("gw2")
            .setCorrelationId("c2")
            .build());
    Reply ack = Reply.parseFrom(out(topics.repliesFor("gw2")).readValue());
    assertFalse(ack.getAck().getFound());
    assertEquals("c2", ack.getAck().getCorrelationId());
  }

  @Test
  void aTranscriptThatOvertakesItsRequestIsAppliedWhenTheRequestArrives() throws Exception {
    // A streamed-audio request: its transcript can be fetched before the request record.
    send(
        topics.transcripts(),
        "r7",
        output("r7", Stage.STAGE_STT, 0)
            .setLast(true)
            .setTranscript(Transcript.newBuilder().setFinal(true).setText("early words")));
    var llm = out(topics.llmRequests());
    assertTrue(llm.isEmpty());
    assertTrue(events("gw1").isEmpty(), "nothing is routed before the request is known");

    send(topics.requests(), "r7", request("r7").setAudioStreamed(true));
    assertEquals("early words", LlmRequestRecord.parseFrom(llm.readValue()).getTranscript());
    List<Event> events = events("gw1");
    assertTrue(events.get(0).hasAccepted());
    assertEquals("early words", events.get(1).getTranscript().getText());
    assertEquals(List.of(1L, 2L), events.stream().map(Event::getSequence).toList());
  }

  @Test
  void aCancelThatOvertakesItsRequestCancelsItOnArrival() throws Exception {
    send(
        topics.control(),
        "r8",
        ControlRecord.newBuilder()
            .setRequestId("r8")
            .setCancelled(true)
            .setReplyRoute("gw3")
            .setCorrelationId("c8")
            .build());
    assertFalse(Reply.parseFrom(out(topics.repliesFor("gw3")).readValue()).getAck().getFound());

    send(topics.requests(), "r8", request("r8").setPrompt("never answered"));
    assertTrue(out(topics.llmRequests()).isEmpty(), "a cancelled request does not reach the model");
    List<Event> events = events("gw1");
    assertEquals(1, events.get(events.size() - 1).getError().getCode(), "CANCELLED");
  }

  @Test
  void eventKeysSortBySequence() {
    assertEquals("r\u00010000000000000000042", RequestCoordinator.eventKey("r", 42));
    assertTrue(
        RequestCoordinator.eventKey("r", 9).compareTo(RequestCoordinator.eventKey("r", 10)) < 0);
    assertEquals(20, RequestCoordinator.eventKey("", Long.MAX_VALUE).length());
  }

  @Test
  void askingAgainWithTheSameIdReplaysTheEventsMarkedDuplicate() throws Exception {
    send(topics.requests(), "r12", request("r12").setPrompt("x"));
    send(
        topics.llmTokens(),
        "r12",
        output("r12", Stage.STAGE_LLM, 0).setToken(TokenDelta.newBuilder().setText("a")));
    List<Event> first = events("gw1");
    assertFalse(first.get(0).getAccepted().getDuplicate());
    send(topics.requests(), "r12", request("r12").setPrompt("x").setReplyRoute("gw2"));
    List<Event> again = events("gw2");
    assertEquals(first.size(), again.size());
    assertTrue(again.get(0).getAccepted().getDuplicate(), "the repeated Ask is told so");
    assertEquals(
        first.get(0).getAccepted().getAcceptedAt(), again.get(0).getAccepted().getAcceptedAt());
    assertEquals(first.subList(1, first.size()), again.subList(1, again.size()));
    // A later Watch from the start sees the stored, original Accepted.
    send(
        topics.routes(),
        "r12",
        RouteRecord.newBuilder()
            .setRequestId("r12")
            .setReplyRoute("gw3")
            .setFromSequence(1)
            .build());
    assertFalse(events("gw3").get(0).getAccepted().getDuplicate());
  }

  @Test
  void watchReplaysStoredEventsToTheNewGateway() throws Exception {
    send(topics.requests(), "r6", request("r6").setPrompt("x"));
    send(
        topics.llmTokens(),
        "r6",
        output("r6", Stage.STAGE_LLM, 0).setToken(TokenDelta.newBuilder().setText("a")));
    send(
        topics.llmTokens(),
        "r6",
        output("r6", Stage.STAGE_LLM, 1).setToken(TokenDelta.newBuilder().setText("b")));
    List<Event> first = events("gw1");
    send(
        topics.routes(),
        "r6",
        RouteRecord.newBuilder()
            .setRequestId("r6")
            .setReplyRoute("gw2")
            .setFromSequence(2)
            .build());
    List<Event> replayed = events("gw2");
    assertEquals(first.subList(1, 3), replayed);
    send(
        topics.llmTokens(),
        "r6",
        output("r6", Stage.STAGE_LLM, 2).setToken(TokenDelta.newBuilder().setText("c")));
    assertEquals(
        4, events("gw2").get(0).getSequence(), "new events follow the call to its new gateway");
    assertTrue(events("gw1").isEmpty());
  }

  @Test
  void anExpiryReportedByATakeoverWorkerEndsTheRequestAlthoughItsSequenceWasUsed()
      throws Exception {
    send(topics.requests(), "t1", request("t1").setPrompt("x"));
    for (int seq = 0; seq < 6; seq++) {
      send(
          topics.llmTokens(),
          "t1",
          output("t1", Stage.STAGE_LLM, seq).setToken(TokenDelta.newBuilder().setText("w" + seq)));
    }
    // The worker that took the partition over starts the request again from sequence 0 and finds
    // its deadline passed: its error carries a sequence number the dead worker already used.
    send(
        topics.llmTokens(),
        "t1",
        output("t1", Stage.STAGE_LLM, 0)
            .setLast(true)
            .setError(StageError.newBuilder().setCode(4).setMessage("deadline passed")));
    List<Event> events = events("gw1");
    assertEquals(8, events.size());
    Event last = events.get(7);
    assertEquals(4, last.getError().getCode(), "DEADLINE_EXCEEDED ends the request");
    assertEquals(8, last.getSequence());
    List<byte[]> results = out(topics.results()).readValuesToList();
    assertEquals(1, results.size());
    assertEquals(4, ResultRecord.parseFrom(results.get(0)).getStatusCode());

    // A replay of the same error, or anything later, changes nothing.
    send(
        topics.llmTokens(),
        "t1",
        output("t1", Stage.STAGE_LLM, 0)
            .setLast(true)
            .setError(StageError.newBuilder().setCode(4).setMessage("deadline passed")));
    assertTrue(events("gw1").isEmpty());
    assertTrue(out(topics.results()).isEmpty());
  }

  @Test
  void aRequestNoStageFinishesEndsWithOneDeadlineErrorAfterItsDeadline() throws Exception {
    java.time.Instant deadline = java.time.Instant.now().plusSeconds(5);
    send(
        topics.requests(),
        "t2",
        request("t2")
            .setPrompt("x")
            .setDeadline(
                Timestamp.newBuilder()
                    .setSeconds(deadline.getEpochSecond())
                    .setNanos(deadline.getNano())));
    send(
        topics.llmTokens(),
        "t2",
        output("t2", Stage.STAGE_LLM, 0).setToken(TokenDelta.newBuilder().setText("half")));
    assertEquals(2, events("gw1").size());
    driver.advanceWallClockTime(java.time.Duration.ofSeconds(3));
    assertTrue(events("gw1").isEmpty(), "not before the deadline");
    driver.advanceWallClockTime(java.time.Duration.ofSeconds(5));
    List<Event> events = events("gw1");
    assertEquals(1, events.size());
    assertEquals(4, events.get(0).getError().getCode());
    assertEquals(Stage.STAGE_LLM, events.get(0).getError().getStage());
    assertTrue(events.get(0).getError().getMessage().contains("llm"));
    assertEquals(3, events.get(0).getSequence());
    assertEquals(1, out(topics.results()).readValuesToList().size());

    driver.advanceWallClockTime(java.time.Duration.ofSeconds(5));
    send(
        topics.llmTokens(),
        "t2",
        output("t2", Stage.STAGE_LLM, 1).setToken(TokenDelta.newBuilder().setText("late")));
    assertTrue(events("gw1").isEmpty(), "exactly one terminal event");
    assertTrue(out(topics.results()).isEmpty());
  }

  @Test
  void aRouteAcknowledgementTellsWhetherTheRequestRunsAndItsLastSequence() throws Exception {
    send(topics.requests(), "t3", request("t3").setPrompt("x"));
    send(
        topics.llmTokens(),
        "t3",
        output("t3", Stage.STAGE_LLM, 0)
            .setLast(true)
            .setError(StageError.newBuilder().setCode(13).setMessage("broken")));
    assertEquals(2, events("gw1").size());
    send(
        topics.routes(),
        "t3",
        RouteRecord.newBuilder()
            .setRequestId("t3")
            .setReplyRoute("gw9")
            .setFromSequence(7)
            .setCorrelationId("c9")
            .build());
    List<byte[]> replies = out(topics.repliesFor("gw9")).readValuesToList();
    assertEquals(1, replies.size(), "an acknowledgement and no events past the end");
    var ack = Reply.parseFrom(replies.get(0)).getAck();
    assertTrue(ack.getFound());
    assertFalse(ack.getWasRunning());
    assertEquals(2, ack.getLastSequence());
  }
}
