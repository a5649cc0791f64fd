package dev.assistant.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.common.config.Config;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PlaygroundTest {
  private static final ServiceInstance GATEWAY_1 =
      ServiceInstance.of(StackService.GATEWAY, 1, 9400, 50051);
  private static final ServiceInstance GATEWAY_2 =
      ServiceInstance.of(StackService.GATEWAY, 2, 9400, 50051);

  @Test
  void gatewayInstanceKServesOnTheBasePortPlusKMinusOne() {
    Config config = Config.empty();
    assertEquals(OptionalInt.of(8080), Playground.port(config, GATEWAY_1));
    assertEquals(OptionalInt.of(8081), Playground.port(config, GATEWAY_2));
    assertEquals(Optional.of("http://127.0.0.1:8081/"), Playground.url(config, GATEWAY_2));
    assertEquals(
        OptionalInt.of(9001),
        Playground.port(Config.of(Map.of("gateway.web.port", "9000")), GATEWAY_2));
  }

  @Test
  void workersDisabledPlaygroundsAndFreePortsHaveNoAddress() {
    assertTrue(
        Playground.port(Config.empty(), ServiceInstance.of(StackService.LLM, 1, 9402, 50051))
            .isEmpty());
    Config off = Config.of(Map.of("gateway.web.enabled", "false"));
    assertTrue(Playground.port(off, GATEWAY_1).isEmpty());
    Config free = Config.of(Map.of("gateway.web.port", "0"));
    assertEquals(OptionalInt.of(0), Playground.port(free, GATEWAY_2), "each gets a free port");
    assertTrue(Playground.url(free, GATEWAY_2).isEmpty(), "unknown in advance");
  }

  @Test
  void wildcardBindAddressIsReachedThroughLoopback() {
    Config any = Config.of(Map.of("gateway.web.host", "0.0.0.0"));
    assertEquals(Optional.of("http://127.0.0.1:8080/"), Playground.url(any, GATEWAY_1));
  }
}
