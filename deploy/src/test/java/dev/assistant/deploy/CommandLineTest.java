package dev.assistant.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.assistant.common.config.ConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineTest {
  static final Map<String, String> FLAGS =
      Map.of("port", "broker.port", "no-topics", "broker.create.topics=false");

  @Test
  void wordsFlagsAndSwitches() {
    CommandLine c =
        CommandLine.parse(new String[] {"start", "--port", "19092", "--no-topics"}, FLAGS);
    assertEquals(List.of("start"), c.words);
    assertEquals("19092", c.config().require("broker.port"));
    assertEquals("false", c.config().require("broker.create.topics"));
  }

  @Test
  void inlineValuesAndErrors() {
    assertEquals(
        "1", CommandLine.parse(new String[] {"--port=1"}, FLAGS).overrides.get("broker.port"));
    assertThrows(ConfigException.class, () -> CommandLine.parse(new String[] {"--what"}, FLAGS));
    assertThrows(ConfigException.class, () -> CommandLine.parse(new String[] {"--port"}, FLAGS));
  }
}
