package dev.assistant.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerOptionsTest {
  @TempDir Path dir;

  Path classpathFile() throws Exception {
    Path jar = dir.resolve("kafka_2.13-4.3.1.jar");
    Path other = dir.resolve("kafka-clients-4.3.1.jar");
    for (Path p : new Path[] {jar, other}) {
      if (!Files.exists(p)) {
        Files.createFile(p);
      }
    }
    return Files.writeString(dir.resolve("broker.classpath"), jar + File.pathSeparator + other);
  }

  Config config(Map<String, String> extra) throws Exception {
    Map<String, String> m = new HashMap<>(extra);
    m.put("broker.classpath.file", classpathFile().toString());
    return Config.of(m);
  }

  @Test
  void defaultsToLoopback9092WithControllerOnTheNextPort() throws Exception {
    BrokerOptions o = BrokerOptions.from(config(Map.of()), dir.resolve("data"));
    assertEquals("127.0.0.1:9092", o.bootstrapServers());
    assertEquals(9093, o.controllerPort());
    assertEquals(dir.resolve("data").toAbsolutePath(), o.dataDir());
    assertEquals(o.dataDir().resolve("broker.log"), o.logFile());
    assertEquals(2, o.classpath().size());
    assertEquals(64L << 20, o.maxRecordBytes());
  }

  @Test
  void portsAndDataDirComeFromConfig() throws Exception {
    BrokerOptions o =
        BrokerOptions.from(
            config(Map.of("broker.port", "29092", "broker.data.dir", dir.resolve("d").toString())),
            dir);
    assertEquals(29093, o.controllerPort());
    assertEquals(dir.resolve("d").toAbsolutePath(), o.dataDir());
  }

  @Test
  void rejectsClashingPortsBadHeapAndHugeRecords() throws Exception {
    assertThrows(
        ConfigException.class,
        () ->
            BrokerOptions.from(
                config(Map.of("broker.port", "9092", "broker.controller.port", "9092")), dir));
    assertThrows(
        ConfigException.class,
        () -> BrokerOptions.from(config(Map.of("broker.heap", "lots")), dir));
    assertThrows(
        ConfigException.class,
        () -> BrokerOptions.from(config(Map.of("topics.max.message.bytes", "4GiB")), dir));
  }

  @Test
  void missingClasspathFileSaysHowToBuildIt() {
    Config c = Config.of(Map.of("broker.classpath.file", dir.resolve("nope").toString()));
    ConfigException e = assertThrows(ConfigException.class, () -> BrokerOptions.from(c, dir));
    assertTrue(e.getMessage().contains("mvn"), e.getMessage());
  }

  @Test
  void classpathWithoutTheBrokerJarOrWithAMissingJarIsRejected() throws Exception {
    Path clients = Files.createFile(dir.resolve("kafka-clients-4.3.1.jar"));
    Files.deleteIfExists(dir.resolve("kafka_2.13-4.3.1.jar"));
    assertThrows(ConfigException.class, () -> BrokerClasspath.parse(clients.toString(), "test"));
    assertThrows(
        ConfigException.class,
        () -> BrokerClasspath.parse(dir.resolve("kafka_2.13-4.3.1.jar").toString(), "test"));
  }
}
