package dev.assistant.gateway;

import dev.assistant.common.config.Config;
import io.grpc.Channel;
import java.io.IOException;
import java.util.List;

/**
 * A door into the assistant besides the gRPC port (an HTTP API, a web page). A front end is a
 * client of the gateway's own gRPC API over an in-process channel, so every request it makes takes
 * exactly the path of a gRPC request: validation, admission, topics, coordinator.
 */
public interface FrontEnd extends AutoCloseable {

  /** One line for the log: what it serves and where. */
  String describe();

  /** Stops serving. */
  @Override
  void close();

  /** Starts a kind of front end from configuration. */
  interface Factory {
    /**
     * @return the started front end, or null when configuration turns it off
     */
    FrontEnd start(Config config, Channel api) throws IOException;

    /** Every kind the gateway starts, in order. */
    static List<Factory> all() {
      return List.of(
          new dev.assistant.gateway.openai.OpenAiApi.Factory(),
          new dev.assistant.gateway.web.WebPlayground.Factory());
    }
  }
}
