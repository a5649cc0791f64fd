package dev.assistant.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @TempDir Path dir;

  @Test
  void environmentOverridesTheFileAndSystemPropertiesOverrideBoth() throws Exception {
    Path file = dir.resolve("a.properties");
    Files.writeString(
        file, "kafka.bootstrap.servers=file:1\nworker.concurrency=2\nstt.model.path=/m\n");
    Properties sys = new Properties();
    sys.setProperty("worker.concurrency", "7");
    Config c =
        Config.load(
            Optional.of(file),
            Map.of("ASSISTANT_KAFKA_BOOTSTRAP_SERVERS", "env:2", "PATH", "/bin"),
            sys);
    assertEquals("env:2", c.require("kafka.bootstrap.servers"));
    assertEquals(7, c.getInt("worker.concurrency", 1));
    assertEquals("/m", c.require("stt.model.path"));
    assertTrue(c.get("path").isEmpty(), "only ASSISTANT_* variables are read");
  }

  @Test
  void environmentNamesMapToDottedKeys() {
    assertEquals("kafka.bootstrap.servers", Config.envToKey("ASSISTANT_KAFKA_BOOTSTRAP_SERVERS"));
    assertEquals("llm.model-dir", Config.envToKey("ASSISTANT_LLM_MODEL__DIR"));
  }

  @Test
  void badValuesNameTheKey() {
    Config c =
        Config.of(
            Map.of(
                "a.int", "x", "a.dur", "soon", "a.bytes", "-1", "a.bool", "maybe", "a.range", "0"));
    assertTrue(
        assertThrows(ConfigException.class, () -> c.getInt("a.int", 1))
            .getMessage()
            .contains("a.int='x'"));
    assertTrue(
        assertThrows(ConfigException.class, () -> c.getDuration("a.dur", Duration.ZERO))
            .getMessage()
            .contains("a.dur"));
    assertTrue(
        assertThrows(ConfigException.class, () -> c.getBytes("a.bytes", 1))
            .getMessage()
            .contains("a.bytes"));
    assertTrue(
        assertThrows(ConfigException.class, () -> c.getBoolean("a.bool", true))
            .getMessage()
            .contains("a.bool"));
    assertTrue(
        assertThrows(ConfigException.class, () -> c.getInt("a.range", 1, 1, 4))
            .getMessage()
            .contains("out of range"));
    assertTrue(
        assertThrows(ConfigException.class, () -> c.require("missing.key"))
            .getMessage()
            .contains("missing.key"));
    assertThrows(
        ConfigException.class,
        () -> Config.load(Optional.of(dir.resolve("nope")), Map.of(), new Properties()));
  }

  @Test
  void parsesUnits() {
    Config c =
        Config.of(
            Map.of(
                "d1",
                "250ms",
                "d2",
                "1.5s",
                "d3",
                "PT2M",
                "b1",
                "256KiB",
                "b2",
                "16MiB",
                "l",
                " a, b ,,c "));
    assertEquals(Duration.ofMillis(250), c.getDuration("d1", null));
    assertEquals(Duration.ofMillis(1500), c.getDuration("d2", null));
    assertEquals(Duration.ofMinutes(2), c.getDuration("d3", null));
    assertEquals(256 * 1024, c.getBytes("b1", 0));
    assertEquals(16L << 20, c.getBytes("b2", 0));
    assertEquals(List.of("a", "b", "c"), c.getList("l", List.of()));
  }
}
