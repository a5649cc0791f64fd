package dev.assistant.deploy;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code server.properties} of a single-node KRaft broker that is also its own controller. */
public final class ServerProperties {
  /** The one node of the cluster. */
  static final int NODE_ID = 1;

  // The broker refuses requests larger than this; the pipeline's largest record must fit with its
  // batch header and the rest of a produce request.
  private static final long DEFAULT_SOCKET_REQUEST_MAX = 100L << 20;

  private ServerProperties() {}

  /** The settings, in the order they are written. */
  public static Map<String, String> of(BrokerOptions o) {
    String client = "PLAINTEXT://" + o.host() + ":" + o.port();
    String controller = "CONTROLLER://" + o.host() + ":" + o.controllerPort();
    long maxMessage = o.maxRecordBytes() + (64 << 10);
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.bootstrap.servers", o.host() + ":" + o.controllerPort());
    p.put("listeners", client + "," + controller);
    p.put("advertised.listeners", client + "," + controller);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    p.put("log.dirs", logDir(o).toString());
    // One node: every internal topic must be satisfiable by one replica, or consumer groups and
    // transactions wait forever for replicas that never come.
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("min.insync.replicas", "1");
    p.put("default.replication.factor", "1");
    // A rebalance delay only helps when many members join at once; locally it is pure latency.
    p.put("group.initial.rebalance.delay.ms", "0");
    // A killed worker's open transaction blocks read_committed readers of its partitions until
    // the broker aborts it: look for timed-out transactions every second, not every 10 s.
    p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    p.put("message.max.bytes", Long.toString(maxMessage));
    p.put(
        "socket.request.max.bytes",
        Long.toString(Math.max(DEFAULT_SOCKET_REQUEST_MAX, maxMessage + (1 << 20))));
    // Topics come from TopicProvisioner with their partition counts and limits, never by accident.
    p.put("auto.create.topics.enable", "false");
    return p;
  }

  /** The log directory (also the KRaft metadata directory) inside the data directory. */
  public static java.nio.file.Path logDir(BrokerOptions o) {
    return o.dataDir().resolve("kraft-logs");
  }

  /** The file text. */
  public static String render(BrokerOptions o) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "# Written by dev.assistant.deploy.LocalBroker at each start; edits are overwritten.\n");
    of(o).forEach((k, v) -> sb.append(k).append('=').append(escape(v)).append('\n'));
    return sb.toString();
  }

  // java.util.Properties syntax: backslashes and leading spaces would be mangled on load.
  private static String escape(String v) {
    return v.replace("\\", "\\\\");
  }
}
