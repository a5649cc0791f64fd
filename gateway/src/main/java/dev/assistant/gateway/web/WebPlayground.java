package dev.assistant.gateway.web;

import com.sun.net.httpserver.HttpServer;
import dev.assistant.api.v1.AssistantGrpc;
import dev.assistant.api.v1.CancelRequest;
import dev.assistant.api.v1.CancelResponse;
import dev.assistant.common.config.Config;
import dev.assistant.gateway.FrontEnd;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web playground: a page to talk to the assistant from a browser, and the small HTTP API it
 * uses, served by the JDK's HTTP server. Every turn is a Converse call on the gateway's own gRPC
 * API (through the in-process channel), so the browser's requests take the path of any gRPC client.
 */
public final class WebPlayground implements FrontEnd {
  private static final Logger log = LoggerFactory.getLogger(WebPlayground.class);

  /** Starts the playground unless {@code gateway.web.enabled=false}. */
  public static final class Factory implements FrontEnd.Factory {
    @Override
    public FrontEnd start(Config config, Channel api) throws IOException {
      WebSettings settings = WebSettings.from(config);
      return settings.enabled() ? WebPlayground.start(settings, api) : null;
    }
  }

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final ScheduledExecutorService sweeper;
  private final TurnRegistry turns;

  private WebPlayground(
      HttpServer server,
      ThreadPoolExecutor executor,
      ScheduledExecutorService sweeper,
      TurnRegistry turns) {
    this.server = server;
    this.executor = executor;
    this.sweeper = sweeper;
    this.turns = turns;
  }

  public static WebPlayground start(WebSettings settings, Channel channel) throws IOException {
    AssistantGrpc.AssistantStub async = AssistantGrpc.newStub(channel);
    TurnRegistry turns =
        new TurnRegistry(
            async,
            settings.maxTurns(),
            settings.idleTimeout(),
            System::nanoTime,
            id -> cancelQuietly(async, id));
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 0);
    } catch (IOException e) {
      throw new IOException(
          "web playground: cannot listen on "
              + settings.host()
              + ":"
              + settings.port()
              + " ("
              + e.getMessage()
              + "); set gateway.web.port (0 picks a free port) or gateway.web.enabled=false",
          e);
    }
    // Bounded: an open event stream holds a thread, and a burst beyond the queue is refused
    // (the connection is closed) instead of piling up.
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            settings.threads(),
            settings.threads(),
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(settings.threads() * 4),
            named("web-http-"));
    executor.allowCoreThreadTimeOut(true);
    server.setExecutor(executor);
    server.createContext(
        "/api/turns", new TurnApi(turns, AssistantGrpc.newBlockingStub(channel), settings));
    server.createContext("/", new StaticFiles());
    server.start();
    ScheduledExecutorService sweeper =
        Executors.newSingleThreadScheduledExecutor(named("web-sweeper-"));
    long every = sweepInterval(settings).toMillis();
    sweeper.scheduleWithFixedDelay(
        () -> {
          try {
            turns.sweep();
          } catch (RuntimeException e) {
            log.warn("web playground: sweeping idle turns failed", e);
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
    return new WebPlayground(server, executor, sweeper, turns);
  }

  /** Cancel sent on the page's behalf (it asked before the request ID was known, or went away). */
  private static void cancelQuietly(AssistantGrpc.AssistantStub api, String requestId) {
    api.withDeadlineAfter(10, TimeUnit.SECONDS)
        .cancel(
            CancelRequest.newBuilder().setRequestId(requestId).build(),
            new StreamObserver<>() {
              @Override
              public void onNext(CancelResponse value) {}

              @Override
              public void onError(Throwable t) {
                log.info("web playground: cancel of {} failed: {}", requestId, t.toString());
              }

              @Override
              public void onCompleted() {}
            });
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The bound port (the configured one, or the one picked for port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The page's address. */
  public String url() {
    String host = server.getAddress().getHostString();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port() + "/";
  }

  /** Turns open now (started and not yet delivered or abandoned). */
  int openTurns() {
    return turns.size();
  }

  @Override
  public String describe() {
    return "web playground at " + url();
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    turns.closeAll();
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Duration sweepInterval(WebSettings s) {
    return Duration.ofMillis(Math.max(250, Math.min(5_000, s.idleTimeout().toMillis() / 4)));
  }
}
