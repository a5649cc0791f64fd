package dev.assistant.deploy;

import dev.assistant.common.config.Config;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where each gateway instance serves the web playground: the configured port plus index − 1, as
 * with gRPC ports, so that {@code --scale gateway=2} gives 8080 and 8081.
 */
final class Playground {
  static final String ENABLED_KEY = "gateway.web.enabled";
  static final String PORT_KEY = "gateway.web.port";
  static final String HOST_KEY = "gateway.web.host";
  static final int DEFAULT_PORT = 8080;

  private Playground() {}

  /** The instance's playground port (0: a free one, unknown in advance); empty when it has none. */
  static OptionalInt port(Config config, ServiceInstance instance) {
    if (!instance.isGateway() || !config.getBoolean(ENABLED_KEY, true)) {
      return OptionalInt.empty();
    }
    int base = config.getInt(PORT_KEY, DEFAULT_PORT, 0, 65535);
    return OptionalInt.of(base == 0 ? 0 : base + instance.index() - 1);
  }

  /** The page's address, when the port is known. */
  static Optional<String> url(Config config, ServiceInstance instance) {
    OptionalInt port = port(config, instance);
    if (port.isEmpty() || port.getAsInt() == 0) {
      return Optional.empty();
    }
    String host = StackOptions.probeHost(config.getString(HOST_KEY, StackOptions.LOOPBACK));
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return Optional.of("http://" + host + ":" + port.getAsInt() + "/");
  }
}
