package dev.assistant.gateway.web;

import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.ConverseHeader;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open turns of the playground, by turn ID. Bounded (each open turn may hold a thread for its
 * event stream), and swept: a turn whose end the page has read is forgotten, a turn nobody looks
 * after is abandoned after the idle timeout.
 */
final class TurnRegistry {
  private static final Logger log = LoggerFactory.getLogger(TurnRegistry.class);

  private final Map<String, Turn> turns = new ConcurrentHashMap<>();
  private final AssistantGrpc.AssistantStub api;
  private final int maxTurns;
  private final Duration idleTimeout;
  private final LongSupplier nanoClock;
  private final Consumer<String> cancelRequest;

  TurnRegistry(
      AssistantGrpc.AssistantStub api,
      int maxTurns,
      Duration idleTimeout,
      LongSupplier nanoClock,
      Consumer<String> cancelRequest) {
    this.api = api;
    this.maxTurns = maxTurns;
    this.idleTimeout = idleTimeout;
    this.nanoClock = nanoClock;
    this.cancelRequest = cancelRequest;
  }

  /** Starts a turn, unless {@code maxTurns} are open. */
  synchronized Turn start(ConverseHeader header) {
    if (turns.size() >= maxTurns) {
      sweep();
      if (turns.size() >= maxTurns) {
        throw new HttpError(
            429, "too many open turns (" + maxTurns + "); finish or cancel one and try again");
      }
    }
    String id = UUID.randomUUID().toString();
    Turn turn = Turn.start(id, api, header, nanoClock, cancelRequest);
    turns.put(id, turn);
    return turn;
  }

  Turn get(String id) {
    Turn t = turns.get(id);
    if (t == null) {
      throw new HttpError(404, "turn " + id + " is unknown or already finished");
    }
    return t;
  }

  void forget(Turn turn) {
    turns.remove(turn.id(), turn);
  }

  int size() {
    return turns.size();
  }

  /** Forgets delivered turns and abandons idle ones; returns how many were abandoned. */
  synchronized int sweep() {
    int abandoned = 0;
    for (Turn t : turns.values()) {
      if (t.delivered()) {
        forget(t);
      } else if (t.idle(idleTimeout)) {
        forget(t);
        if (!t.ended()) {
          log.info(
              "web turn {} (request {}) abandoned: idle for {}",
              t.id(),
              t.requestId().orElse("not yet accepted"),
              idleTimeout);
          t.abandon("the page went away: idle for " + idleTimeout, true);
          abandoned++;
        }
      }
    }
    return abandoned;
  }

  /** Abandons every turn (the front end is stopping). */
  synchronized void closeAll() {
    for (Turn t : turns.values()) {
      forget(t);
      if (!t.ended()) {
        t.abandon("the gateway is stopping", false);
      }
    }
  }
}
