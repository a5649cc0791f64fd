package dev.assistant.cli;

import dev.assistant.api.v1.Event;
import dev.assistant.cli.output.EventOutput;
import dev.assistant.cli.status.ExitCodes;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;

/**
 * Drains a server stream of events into an {@link EventOutput} and turns the end into an exit code.
 */
final class EventStreams {
  private EventStreams() {}

  static int drain(Iterator<Event> events, EventOutput output) {
    try {
      while (events.hasNext()) {
        output.accept(events.next());
      }
    } catch (StatusRuntimeException e) {
      // After an error event the call ends with that same status: it was already printed.
      if (output.exitCode() == null) {
        throw e;
      }
    }
    Integer code = output.exitCode();
    return code == null ? ExitCodes.OK : code;
  }
}
