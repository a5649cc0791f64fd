package dev.assistant.gateway.coordinator;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Timestamps;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.Stage;
import dev.assistant.internal.v1.ControlAck;
import dev.assistant.internal.v1.CoordinatorState;
import dev.assistant.internal.v1.Reply;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of every request: numbered without gaps, kept in a store for replay until the request
 * is forgotten, and routed to the gateway that owns the call. Also the acknowledgements of control
 * and route records, which travel on the same reply topics.
 */
final class EventLog {
  private static final Logger log = LoggerFactory.getLogger(EventLog.class);

  private final KeyValueStore<String, byte[]> events;
  private final RecordForwarder out;

  EventLog(KeyValueStore<String, byte[]> events, RecordForwarder out) {
    this.events = events;
    this.out = out;
  }

  /** Numbers an event, stores it for replay and routes it to the owning gateway. */
  void emit(CoordinatorState.Builder state, Stage stage, Event.Builder event) {
    String id = state.getRequest().getRequestId();
    long seq = state.getNextSequence();
    state.setNextSequence(seq + 1);
    Event e =
        event.setRequestId(id).setSequence(seq).setStage(stage).setTime(Timestamps.now()).build();
    events.put(eventKey(id, seq), e.toByteArray());
    reply(state.getRoute(), id, e);
  }

  /**
   * Sends the stored events from {@code from} on to the request's route.
   *
   * @param toRepeatedAsk the receiver asked again with the same ID: its Accepted says duplicate, as
   *     the API promises (the stored event, and what Watch replays, keep the original)
   */
  void replay(CoordinatorState state, long from, boolean toRepeatedAsk) {
    String id = state.getRequest().getRequestId();
    try (KeyValueIterator<String, byte[]> it =
        events.range(eventKey(id, from), eventKey(id, Long.MAX_VALUE))) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        try {
          Event event = Event.parseFrom(kv.value);
          if (toRepeatedAsk && event.hasAccepted()) {
            event =
                event.toBuilder()
                    .setAccepted(event.getAccepted().toBuilder().setDuplicate(true))
                    .build();
          }
          reply(state.getRoute(), id, event);
        } catch (InvalidProtocolBufferException e) {
          log.error("corrupt stored event {}", kv.key);
        }
      }
    }
  }

  /** Forgets every stored event of a request. */
  void forget(String id) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        events.range(eventKey(id, 0), eventKey(id, Long.MAX_VALUE))) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(events::delete);
  }

  void reply(String route, String id, Event event) {
    if (route.isEmpty()) {
      return; // batch submissions nobody watches
    }
    out.forward(
        CoordinatorTopology.SINK_REPLIES,
        id,
        new CoordinatorTopology.RoutedReply(route, Reply.newBuilder().setEvent(event).build()));
  }

  /** Acknowledges a control or route record for a request the coordinator knows. */
  void ack(String route, String id, String correlation, CoordinatorState state) {
    ack(route, id, correlation, true, !state.getFinished(), state.getNextSequence() - 1);
  }

  void ack(
      String route,
      String id,
      String correlation,
      boolean found,
      boolean running,
      long lastSequence) {
    if (route.isEmpty()) {
      return;
    }
    out.forward(
        CoordinatorTopology.SINK_REPLIES,
        id,
        new CoordinatorTopology.RoutedReply(
            route,
            Reply.newBuilder()
                .setAck(
                    ControlAck.newBuilder()
                        .setRequestId(id)
                        .setCorrelationId(correlation)
                        .setFound(found)
                        .setWasRunning(running)
                        .setLastSequence(Math.max(0, lastSequence)))
                .build()));
  }

  /** Event store key: request ID, a separator below any ID character, zero-padded sequence. */
  static String eventKey(String id, long seq) {
    // Hand-padded: String.format costs a locale lookup per call, and this runs once per event.
    String digits = Long.toString(seq);
    StringBuilder key = new StringBuilder(id.length() + 20).append(id).append('\u0001');
    for (int i = digits.length(); i < 19; i++) {
      key.append('0');
    }
    return key.append(digits).toString();
  }
}
