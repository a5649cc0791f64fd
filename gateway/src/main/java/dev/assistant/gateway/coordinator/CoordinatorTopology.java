package dev.assistant.gateway.coordinator;

import dev.assistant.common.kafka.ProtoSerde;
import dev.assistant.common.kafka.Topics;
import dev.assistant.internal.v1.CoordinatorState;
import dev.assistant.internal.v1.Reply;
import dev.assistant.internal.v1.ResultRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.Stores;

/**
 * The coordinator: one Kafka Streams sub-topology over every topic that carries a request's
 * progress. All topics are keyed by request ID and equally partitioned, so one task sees every
 * record of a request, in order, next to that request's state.
 *
 * <pre>
 * requests ─┐                        ┌─► audio.chunks   (inline audio of unary requests)
 * transcripts ┤                       ├─► llm.requests   (request ⋈ final transcript)
 * llm.tokens ─┼─► RequestCoordinator ─┼─► tts.requests   (answer split into sentences)
 * audio.out ──┤   [state, events]     ├─► replies.&lt;gw&gt; (every event, to the owning gateway)
 * control ────┤                       └─► results        (one final record per request)
 * routes ─────┘
 * </pre>
 */
public final class CoordinatorTopology {
  static final String STATE_STORE = "request-state";
  static final String EVENT_STORE = "request-events";
  static final String DEADLINE_STORE = "request-deadlines";
  static final String PROCESSOR = "coordinator";
  static final String SINK_AUDIO = "sink-audio-chunks";
  static final String SINK_LLM = "sink-llm-requests";
  static final String SINK_TTS = "sink-tts-requests";
  static final String SINK_RESULTS = "sink-results";
  static final String SINK_REPLIES = "sink-replies";

  private CoordinatorTopology() {}

  /** Builds the topology; no I/O happens here. */
  public static Topology build(Topics topics, CoordinatorSettings settings) {
    Topology t = new Topology();
    String[] sources = {
      topics.requests(),
      topics.transcripts(),
      topics.llmTokens(),
      topics.audioOut(),
      topics.control(),
      topics.routes()
    };
    for (String topic : sources) {
      t.addSource("source-" + topic, new StringDeserializer(), new ByteArrayDeserializer(), topic);
    }
    String[] sourceNames = new String[sources.length];
    for (int i = 0; i < sources.length; i++) {
      sourceNames[i] = "source-" + sources[i];
    }
    t.addProcessor(PROCESSOR, () -> new RequestCoordinator(topics, settings), sourceNames);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(STATE_STORE),
            Serdes.String(),
            ProtoSerde.of(CoordinatorState.parser())),
        PROCESSOR);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(EVENT_STORE), Serdes.String(), Serdes.ByteArray()),
        PROCESSOR);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(DEADLINE_STORE), Serdes.String(), Serdes.String()),
        PROCESSOR);
    t.addSink(
        SINK_AUDIO,
        topics.audioChunks(),
        new StringSerializer(),
        new ByteArraySerializer(),
        PROCESSOR);
    t.addSink(
        SINK_LLM,
        topics.llmRequests(),
        new StringSerializer(),
        new ByteArraySerializer(),
        PROCESSOR);
    t.addSink(
        SINK_TTS,
        topics.ttsRequests(),
        new StringSerializer(),
        new ByteArraySerializer(),
        PROCESSOR);
    t.addSink(
        SINK_RESULTS,
        topics.results(),
        new StringSerializer(),
        ProtoSerde.of(ResultRecord.parser()).serializer(),
        PROCESSOR);
    TopicNameExtractor<String, RoutedReply> replyTopic =
        (key, value, context) -> topics.repliesFor(value.route());
    Serializer<RoutedReply> replySerializer = (topic, value) -> value.reply().toByteArray();
    t.addSink(SINK_REPLIES, replyTopic, new StringSerializer(), replySerializer, PROCESSOR);
    return t;
  }

  /** A reply and the gateway it goes to. */
  record RoutedReply(String route, Reply reply) {}
}
