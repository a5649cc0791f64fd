package dev.assistant.gateway;

import dev.assistant.common.catalog.CatalogView;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.TopicProvisioner;
import dev.assistant.common.kafka.Topics;
import dev.assistant.gateway.coordinator.CoordinatorRunner;
import dev.assistant.gateway.grpc.Admission;
import dev.assistant.gateway.grpc.AssistantService;
import dev.assistant.gateway.grpc.CatalogCheck;
import dev.assistant.gateway.grpc.GatewaySettings;
import dev.assistant.gateway.kafka.ReplyListener;
import dev.assistant.gateway.kafka.RequestPublisher;
import dev.assistant.gateway.kafka.StageLagMonitor;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway instance: its reply topic and listener, the request publisher, the coordinator
 * member, admission control and the gRPC server (API, health, reflection). {@link #start()} returns
 * once it serves; {@link #close()} stops accepting calls, then shuts the rest down.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final Config config;
  private final ServerBuilder<?> serverBuilder;
  private final String id;
  private final HealthStatusManager health = new HealthStatusManager();
  private RequestPublisher publisher;
  private ReplyListener replies;
  private CoordinatorRunner coordinator;
  private StageLagMonitor lag;
  private CatalogView catalog;
  private Server server;
  private Server localServer;
  private ManagedChannel localChannel;
  private final List<FrontEnd> frontEnds = new ArrayList<>();

  /**
   * @param config configuration
   * @param serverBuilder where to serve (a Netty port in production, in-process in tests)
   */
  public Gateway(Config config, ServerBuilder<?> serverBuilder) {
    this.config = config;
    this.serverBuilder = serverBuilder;
    this.id = config.getString("gateway.id", defaultId(config));
  }

  private static String defaultId(Config config) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "gateway";
    }
    return (host + "-" + config.getInt("gateway.port", 50051))
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9._-]", "-");
  }

  public String id() {
    return id;
  }

  public Gateway start() throws IOException, InterruptedException {
    Topics topics = Topics.from(config);
    KafkaSettings kafka = new KafkaSettings(config);
    try (Admin admin = Admin.create(kafka.admin())) {
      TopicProvisioner provisioner = new TopicProvisioner(topics, config);
      if (config.getBoolean("topics.create", true)) {
        provisioner.ensureAll(admin);
      }
      provisioner.ensureReplyTopic(admin, id);
    }
    publisher = new RequestPublisher(kafka, topics, id);
    CatalogCheck catalogCheck = CatalogCheck.none();
    if (config.getBoolean("gateway.catalog.enabled", true)) {
      catalog = new CatalogView(kafka, topics.catalog()).start();
      catalogCheck = new CatalogCheck(catalog::entries);
    }
    replies = new ReplyListener(kafka, topics.repliesFor(id), id).start();
    if (config.getBoolean("gateway.coordinator.enabled", true)) {
      coordinator = new CoordinatorRunner(config, topics, id).start();
      if (!coordinator.awaitRunning(Duration.ofSeconds(120))) {
        throw new IllegalStateException("coordinator did not start: " + coordinator.state());
      }
    }
    GatewaySettings settings = GatewaySettings.from(config);
    Admission admission;
    if (config.getBoolean("gateway.admission.lag.enabled", true)) {
      lag = new StageLagMonitor(config, kafka, topics);
      admission = new Admission(settings.maxInflight(), lag::overloaded, settings.retryAfter());
    } else {
      admission =
          new Admission(settings.maxInflight(), java.util.Optional::empty, settings.retryAfter());
    }
    ServerServiceDefinition api =
        ServerInterceptors.intercept(
            new AssistantService(id, publisher, replies, admission, settings, catalogCheck),
            new dev.assistant.gateway.grpc.CallMetricsInterceptor());
    server =
        serverBuilder
            .addService(api)
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .build()
            .start();
    // The HTTP front ends are clients of this very service (same validation, admission, topics
    // and metrics as gRPC callers), reached without a network hop.
    String localName = "gateway-" + id + "-" + System.identityHashCode(this);
    localServer =
        InProcessServerBuilder.forName(localName)
            .maxInboundMessageSize(Integer.MAX_VALUE)
            .addService(api)
            .build()
            .start();
    localChannel =
        InProcessChannelBuilder.forName(localName).maxInboundMessageSize(Integer.MAX_VALUE).build();
    for (FrontEnd.Factory factory : FrontEnd.Factory.all()) {
      FrontEnd frontEnd = factory.start(config, localChannel);
      if (frontEnd != null) {
        frontEnds.add(frontEnd);
        log.info("gateway {}: {}", id, frontEnd.describe());
      }
    }
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus("assistant.api.v1.Assistant", ServingStatus.SERVING);
    log.info("gateway {} serving (reply topic {})", id, topics.repliesFor(id));
    return this;
  }

  /** The bound port (for servers on a real port). */
  public int port() {
    return server.getPort();
  }

  /** A channel to this gateway's own API that does not leave the process. */
  public ManagedChannel localChannel() {
    return localChannel;
  }

  /** The front ends started beside the gRPC server. */
  public List<FrontEnd> frontEnds() {
    return List.copyOf(frontEnds);
  }

  @Override
  public void close() {
    log.info("gateway {} stopping: open calls get up to 10 s to finish", id);
    health.enterTerminalState();
    for (FrontEnd frontEnd : frontEnds) {
      try {
        frontEnd.close();
      } catch (Exception e) {
        log.warn("error closing {}", frontEnd.describe(), e);
      }
    }
    if (localChannel != null) {
      localChannel.shutdownNow();
    }
    if (localServer != null) {
      localServer.shutdownNow();
    }
    if (server != null) {
      server.shutdown();
      try {
        server.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server.shutdownNow();
    }
    for (AutoCloseable c : new AutoCloseable[] {lag, catalog, coordinator, replies, publisher}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        log.warn("error closing {}", c, e);
      }
    }
    log.info("gateway {} stopped", id);
  }
}
