package dev.assistant.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
  private final RestartPolicy defaults = RestartPolicy.from(Config.empty());

  @Test
  void delaysDoubleFromOneSecondUpToThirty() {
    long[] expected = {1, 2, 4, 8, 16, 30, 30};
    for (int attempt = 1; attempt <= expected.length; attempt++) {
      assertEquals(Duration.ofSeconds(expected[attempt - 1]), defaults.delay(attempt));
    }
    assertEquals(Duration.ofSeconds(30), defaults.delay(1000));
  }

  @Test
  void aProcessThatStayedUpLongEnoughStartsOverAtTheFirstDelay() {
    assertEquals(4, defaults.nextAttempt(3, Duration.ofSeconds(5)));
    assertEquals(1, defaults.nextAttempt(3, Duration.ofSeconds(60)));
    assertEquals(1, defaults.nextAttempt(0, Duration.ZERO));
  }

  @Test
  void configurableAndValidated() {
    RestartPolicy p =
        RestartPolicy.from(
            Config.of(
                Map.of(
                    "launcher.restart.backoff", "100ms",
                    "launcher.restart.max.backoff", "250ms",
                    "launcher.restart.reset.after", "2s")));
    assertEquals(Duration.ofMillis(200), p.delay(2));
    assertEquals(Duration.ofMillis(250), p.delay(3));
    assertThrows(
        ConfigException.class,
        () ->
            RestartPolicy.from(
                Config.of(
                    Map.of(
                        "launcher.restart.backoff", "2s", "launcher.restart.max.backoff", "1s"))));
  }

  @Test
  void delaysReadAsAPersonWouldWriteThem() {
    assertEquals("250 ms", RestartPolicy.describe(Duration.ofMillis(250)));
    assertEquals("2 s", RestartPolicy.describe(Duration.ofSeconds(2)));
    assertEquals("1.5 s", RestartPolicy.describe(Duration.ofMillis(1500)));
  }
}
