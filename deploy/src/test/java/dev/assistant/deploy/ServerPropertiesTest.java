package dev.assistant.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ServerPropertiesTest {
  static BrokerOptions options(long maxRecordBytes) {
    return new BrokerOptions(
        "127.0.0.1",
        19092,
        19093,
        Path.of("/data/broker"),
        Path.of("/data/broker.log"),
        List.of(Path.of("/x/kafka_2.13-4.3.1.jar")),
        maxRecordBytes,
        "512m",
        Duration.ofSeconds(30),
        Duration.ofSeconds(10));
  }

  @Test
  void singleNodeCombinedModeWithLoopbackListeners() {
    Map<String, String> p = ServerProperties.of(options(64L << 20));
    assertEquals("broker,controller", p.get("process.roles"));
    assertEquals("1", p.get("node.id"));
    assertEquals("127.0.0.1:19093", p.get("controller.quorum.bootstrap.servers"));
    assertEquals("PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093", p.get("listeners"));
    assertEquals(p.get("listeners"), p.get("advertised.listeners"));
    assertEquals("CONTROLLER", p.get("controller.listener.names"));
    assertEquals(Path.of("/data/broker/kraft-logs").toString(), p.get("log.dirs"));
    assertEquals("false", p.get("auto.create.topics.enable"));
    assertEquals("0", p.get("group.initial.rebalance.delay.ms"));
  }

  @Test
  void internalTopicsNeedOnlyOneReplica() {
    Map<String, String> p = ServerProperties.of(options(1 << 20));
    for (String key :
        List.of(
            "offsets.topic.replication.factor",
            "transaction.state.log.replication.factor",
            "transaction.state.log.min.isr",
            "share.coordinator.state.topic.replication.factor",
            "share.coordinator.state.topic.min.isr")) {
      assertEquals("1", p.get(key), key);
    }
  }

  @Test
  void largestRecordFitsInAMessageAndARequest() {
    long max = 200L << 20;
    Map<String, String> p = ServerProperties.of(options(max));
    assertTrue(Long.parseLong(p.get("message.max.bytes")) > max);
    assertTrue(
        Long.parseLong(p.get("socket.request.max.bytes"))
            > Long.parseLong(p.get("message.max.bytes")));
    Map<String, String> small = ServerProperties.of(options(1 << 20));
    assertEquals(String.valueOf(100L << 20), small.get("socket.request.max.bytes"));
  }

  @Test
  void renderedFileLoadsBackAsTheSameSettings() throws Exception {
    BrokerOptions o = options(8 << 20);
    Properties loaded = new Properties();
    loaded.load(new StringReader(ServerProperties.render(o)));
    Properties expected = new Properties();
    expected.putAll(ServerProperties.of(o));
    assertEquals(expected, loaded);
  }
}
