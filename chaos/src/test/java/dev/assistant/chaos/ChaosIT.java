package dev.assistant.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.chaos.RequestLedger.Entry;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.Topics;
import dev.assistant.deploy.LocalStack;
import dev.assistant.deploy.RunningInstance;
import dev.assistant.deploy.StackOptions;
import dev.assistant.deploy.StackService;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * The fault model, checked on real processes: the launcher starts a KRaft broker, two gateways and
 * two processes of each stage (real backends on small generated models), a steady stream of {@code
 * Submit} and {@code Converse} calls runs through both gateways, and in turn one worker of each
 * stage is killed with SIGKILL, then both workers of one stage; an llm worker is restarted
 * gracefully; the broker is killed; one gateway is restarted and the other killed while clients
 * stream. The launcher's supervisor brings every killed process back.
 *
 * <p>Then it counts what clients received: every request has exactly one terminal event, every
 * stream a client read is gap-free without duplicates, every valid request completed, {@code
 * results} (read_committed) has exactly one record per request, and the dead-letter topic holds
 * exactly the invalid inputs, each once. Figures (recovery after each fault) are printed.
 */
class ChaosIT {
  private static final Path ROOT = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath();
  private static final Duration READY = Duration.ofMinutes(3);
  // New requests a second: enough that every fault meets requests in flight on every stage, few
  // enough that two cores running nine JVMs and a broker keep up between faults.
  private static final double RATE = 1.5;
  private static final int PARTITIONS = 4;
  private static final double MAX_TAKEOVER_SECONDS = 25;

  /**
   * The faults, in order: a description, then the processes to SIGKILL ({@code +name}: restart
   * gracefully with SIGTERM instead).
   */
  private static final String[][] FAULTS = {
    {"kill -9 stt-1 (stt-2 runs on)", "stt-1"},
    {"kill -9 llm-2 (llm-1 runs on)", "llm-2"},
    {"kill -9 tts-1 (tts-2 runs on)", "tts-1"},
    {"kill -9 llm-1 and llm-2 (no llm left)", "llm-1", "llm-2"},
    {"restart llm-1 (SIGTERM, graceful)", "+llm-1"},
    {"kill -9 the broker", LocalStack.BROKER},
    {"restart gateway-1 (clients resume)", "+gateway-1"},
    {"kill -9 gateway-2 (clients resume)", "gateway-2"},
  };

  /** One injected fault and how the system came through it. */
  private record FaultReport(
      String fault,
      int inFlight,
      double takeoverSeconds,
      double backSeconds,
      double drainedSeconds,
      int sentMeanwhile) {

    /** Whether another worker of the stage was running to take the partitions over. */
    boolean survivors() {
      return !fault.contains("no llm left");
    }
  }

  @Test
  void nothingIsLostSkippedOrDuplicatedWhenProcessesAreKilledUnderLoad() throws Exception {
    // Kept after the run (target/ is cleaned by the build): the services' logs explain a failure.
    Path runDir =
        Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chaos-run-")
            .toAbsolutePath();
    System.out.println("chaos run directory (logs of every process): " + runDir.toAbsolutePath());
    Config config = Config.of(settings(runDir));
    Topics topics = Topics.from(config);
    RequestLedger ledger = new RequestLedger();
    List<FaultReport> reports = new ArrayList<>();
    long sent;
    Map<String, Integer> restarts;
    try (LocalStack stack = LocalStack.start(config, StackOptions.from(config, ROOT));
        Admin admin =
            Admin.create(
                Map.<String, Object>of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
      List<ManagedChannel> channels = new ArrayList<>();
      // Index k-1 is gateway-k: the faults name gateways by instance.
      for (RunningInstance i :
          stack.instances().stream()
              .sorted(java.util.Comparator.comparing(RunningInstance::name))
              .toList()) {
        if (i.stage() == StackService.GATEWAY) {
          channels.add(
              NettyChannelBuilder.forAddress("127.0.0.1", i.grpcPort().getAsInt())
                  .usePlaintext()
                  .build());
        }
      }
      assertEquals(2, channels.size(), "two gateways");
      try (LoadGenerator load = new LoadGenerator(channels, ledger, 24)) {
        load.start(RATE);
        Thread.sleep(10_000);
        for (String[] fault : FAULTS) {
          String[] names = java.util.Arrays.copyOfRange(fault, 1, fault.length);
          reports.add(inject(stack, admin, topics, ledger, load, fault[0], names));
        }
        load.stopSending();
        boolean drained = load.awaitAllFinished(Duration.ofMinutes(3));
        sent = load.sent();
        restarts = stack.restartCounts();
        channels.forEach(ManagedChannel::shutdownNow);
        report(reports, ledger, sent, restarts);
        assertTrue(drained, ledger.unfinished() + " requests never reached a terminal event");
        assertEquals(0, load.harnessErrors(), "the load generator itself failed (see stderr)");
        for (FaultReport r : reports) {
          // Where another worker of the stage runs, it owns the partitions within seconds (the
          // session timeout), not after the 45 s a client's default session lasts.
          if (r.survivors() && !Double.isNaN(r.takeoverSeconds())) {
            assertTrue(
                r.takeoverSeconds() >= 0 && r.takeoverSeconds() < MAX_TAKEOVER_SECONDS,
                r.fault() + ": takeover took " + r.takeoverSeconds() + " s");
          }
        }
      }
      checkClients(ledger);
      checkTopics(stack.bootstrapServers(), topics, ledger);
    }
  }

  /**
   * Injects one fault: SIGKILL of each named process, or a graceful restart for names starting with
   * '+'. Waits until the processes are back and every request that was open at the fault ended.
   */
  private static FaultReport inject(
      LocalStack stack,
      Admin admin,
      Topics topics,
      RequestLedger ledger,
      LoadGenerator load,
      String fault,
      String... names)
      throws Exception {
    awaitRequestsInFlight(ledger, names);
    List<Entry> open = ledger.entries().stream().filter(e -> !e.finished()).toList();
    long sentBefore = load.sent();
    // A worker stage: measure how long its partitions have no live owner.
    List<String> instances = java.util.Arrays.stream(names).map(n -> n.replace("+", "")).toList();
    String stage = instances.get(0).replaceAll("-\\d+$", "");
    String input =
        switch (stage) {
          case "stt" -> topics.audioChunks();
          case "llm" -> topics.llmRequests();
          case "tts" -> topics.ttsRequests();
          default -> null;
        };
    String group = stage + "-worker";
    Set<String> dead = input == null ? Set.of() : Takeover.memberIds(admin, group, instances);
    long t0 = System.nanoTime();
    CompletableFuture<Double> takeover =
        input == null
            ? CompletableFuture.completedFuture(Double.NaN)
            : Takeover.measure(admin, group, input, PARTITIONS, dead, t0);
    for (String n : names) {
      if (n.startsWith("+")) {
        stack.restart(n.substring(1));
      } else {
        stack.kill9(n);
      }
    }
    for (String n : names) {
      stack.awaitReady(n.replace("+", ""), READY);
    }
    double back = (System.nanoTime() - t0) / 1e9;
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (open.stream().anyMatch(e -> !e.finished()) && System.nanoTime() < end) {
      Thread.sleep(100);
    }
    double drained =
        open.stream().mapToLong(Entry::finishedNanos).map(t -> t == 0 ? end : t).max().orElse(t0);
    drained = Math.max(0, (drained - t0) / 1e9);
    Thread.sleep(5_000); // steady load between faults
    return new FaultReport(
        fault,
        open.size(),
        takeover.get(3, TimeUnit.MINUTES),
        back,
        drained,
        (int) (load.sent() - sentBefore));
  }

  /**
   * Waits until the fault will meet requests in flight: a few of them, and for a gateway, one whose
   * client reads it from that gateway (so that the kill really cuts a stream).
   */
  private static void awaitRequestsInFlight(RequestLedger ledger, String... names)
      throws InterruptedException {
    int gateway = -1;
    for (String n : names) {
      if (n.replace("+", "").startsWith("gateway-")) {
        gateway = Integer.parseInt(n.replaceAll("\\D", "")) - 1;
      }
    }
    int onGateway = gateway;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < end) {
      List<Entry> open = ledger.entries().stream().filter(e -> !e.finished()).toList();
      if (open.size() >= 3
          && (onGateway < 0 || open.stream().anyMatch(e -> e.gateway == onGateway))) {
        return;
      }
      Thread.sleep(20);
    }
  }

  private static void report(
      List<FaultReport> reports, RequestLedger ledger, long sent, Map<String, Integer> restarts) {
    StringBuilder b = new StringBuilder("\n=== chaos: faults under load ===\n");
    b.append(
        String.format(
            Locale.ROOT,
            "%-42s %9s %13s %12s %24s %6s%n",
            "fault",
            "in flight",
            "takeover (s)",
            "back up (s)",
            "in-flight all ended (s)",
            "sent"));
    for (FaultReport r : reports) {
      b.append(
          String.format(
              Locale.ROOT,
              "%-42s %9d %13s %12.1f %24.1f %6d%n",
              r.fault(),
              r.inFlight(),
              Double.isNaN(r.takeoverSeconds())
                  ? "-"
                  : String.format(Locale.ROOT, "%.1f", r.takeoverSeconds()),
              r.backSeconds(),
              r.drainedSeconds(),
              r.sentMeanwhile()));
    }
    Map<RequestLedger.Kind, Long> kinds =
        ledger.entries().stream()
            .collect(Collectors.groupingBy(e -> e.kind, TreeMap::new, Collectors.counting()));
    long resumed = ledger.entries().stream().filter(e -> e.streams() > 1).count();
    b.append(
        String.format(
            Locale.ROOT,
            "requests sent %d, followed %d %s, resumed with Watch %d, refused with a status %s%n",
            sent,
            ledger.entries().size(),
            kinds,
            resumed,
            ledger.refusals()));
    b.append("restarts by the launcher: ").append(restarts).append('\n');
    System.out.println(b);
  }

  private static void checkClients(RequestLedger ledger) {
    List<String> problems = new ArrayList<>();
    for (Entry e : ledger.entries()) {
      for (String p : e.problems()) {
        problems.add(
            String.format(
                Locale.ROOT,
                "%s (%s, %d streams, ended after %.1f s): %s",
                e.id,
                e.kind,
                e.streams(),
                e.finished() ? (e.finishedNanos() - e.startedNanos) / 1e9 : -1.0,
                p));
      }
    }
    assertTrue(
        problems.isEmpty(),
        problems.size() + " requests went wrong:\n" + String.join("\n", problems));
    assertTrue(ledger.entries().size() > 50, "the load ran: " + ledger.entries().size());
    java.util.concurrent.atomic.AtomicInteger door =
        ledger.refusals().get(LoadGenerator.DOOR_REFUSAL);
    assertTrue(
        door != null && door.get() > 0,
        "requests for a voice no worker has are refused at the door: " + ledger.refusals());
  }

  private static void checkTopics(String bootstrap, Topics topics, RequestLedger ledger) {
    Map<String, Integer> results = TopicCounts.byKey(bootstrap, topics.results());
    List<String> problems = new ArrayList<>();
    for (Entry e : ledger.entries()) {
      int n = results.getOrDefault(e.id, 0);
      if (n != 1) {
        problems.add(e.id + ": " + n + " results");
      }
    }
    results.forEach(
        (id, n) -> {
          if (n != 1) {
            problems.add(id + " (not followed by a client): " + n + " results");
          }
        });
    Map<String, Integer> dead = TopicCounts.byKey(bootstrap, topics.dlq());
    Set<String> invalid =
        ledger.entries().stream()
            .filter(e -> e.kind.invalid())
            .map(e -> e.id)
            .collect(Collectors.toSet());
    dead.forEach(
        (id, n) -> {
          if (!invalid.contains(id)) {
            problems.add(id + ": dead-lettered although its input was valid");
          }
        });
    for (String id : invalid) {
      if (dead.getOrDefault(id, 0) != 1) {
        problems.add(id + ": " + dead.getOrDefault(id, 0) + " dead letters (want 1)");
      }
    }
    System.out.printf(
        Locale.ROOT,
        "results: %d records for %d requests; dead letters: %d for %d invalid inputs%n",
        results.values().stream().mapToInt(Integer::intValue).sum(),
        results.size(),
        dead.values().stream().mapToInt(Integer::intValue).sum(),
        invalid.size());
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  private static Map<String, String> settings(Path runDir) throws IOException {
    Map<String, String> m = new HashMap<>();
    m.put("launcher.run.dir", runDir.toString());
    m.put("launcher.scale", "stt=2,llm=2,tts=2,gateway=2");
    m.put("launcher.start.timeout", "5m");
    m.put("broker.port", Integer.toString(freePort()));
    m.put("broker.controller.port", Integer.toString(freePort()));
    String classpath = System.getProperty("broker.classpath.file");
    if (classpath != null) {
      m.put("broker.classpath.file", classpath);
    }
    m.put(StackService.GRPC_PORT_KEY, Integer.toString(freePort()));
    m.put("gateway.web.port", Integer.toString(freePort()));
    for (StackService s : StackService.values()) {
      m.put(s.metricsPortKey(), Integer.toString(freePort()));
    }
    m.put("topics.partitions", Integer.toString(PARTITIONS));
    // Small models: the suite is about faults, not model speed. Whisper at 64 wide, one layer.
    m.put(
        "launcher.stt.random.model.args",
        "--size custom --state 64 --heads 2 --layers 1 --text-ctx 16 --seed 1 --out {out}");
    return m;
  }

  private static final java.util.Set<Integer> GIVEN_PORTS = new java.util.HashSet<>();

  /**
   * A port that is free now, drawn below the kernel's ephemeral range (32768 on Linux): a port from
   * that range, which binding port 0 hands out, can be taken as the local end of some outgoing
   * connection before the service meant for it binds it (a gateway then failed to start with
   * "Address already in use"). The ports a scaled instance derives (+1, +10) must be free too.
   */
  private static synchronized int freePort() throws IOException {
    for (int tries = 0; tries < 1000; tries++) {
      int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(20_000, 32_000);
      if (!GIVEN_PORTS.contains(port)
          && bindable(port)
          && bindable(port + 1)
          && bindable(port + 10)) {
        GIVEN_PORTS.add(port);
        return port;
      }
    }
    throw new IOException("no free port below the ephemeral range");
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
