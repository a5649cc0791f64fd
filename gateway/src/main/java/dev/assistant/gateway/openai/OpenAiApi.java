package dev.assistant.gateway.openai;

import com.sun.net.httpserver.HttpServer;
import dev.assistant.common.config.Config;
import dev.assistant.gateway.FrontEnd;
import io.grpc.Channel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The OpenAI-compatible HTTP API: models, transcriptions, translations, chat completions and speech
 * on the JDK's HTTP server. Each endpoint is a client of the gateway's own gRPC API through the
 * channel it is given, so a request here takes the very path of a gRPC request.
 */
public final class OpenAiApi implements FrontEnd {
  private final HttpServer server;
  private final ExecutorService executor;
  private final OpenAiSettings settings;

  private OpenAiApi(HttpServer server, ExecutorService executor, OpenAiSettings settings) {
    this.server = server;
    this.executor = executor;
    this.settings = settings;
  }

  /** Starts it from configuration; null when {@code gateway.openai.enabled=false}. */
  public static OpenAiApi start(Config config, Channel api) throws IOException {
    OpenAiSettings settings = OpenAiSettings.from(config);
    if (!settings.enabled()) {
      return null;
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 0);
    } catch (IOException e) {
      throw new IOException(
          "OpenAI-compatible API: cannot listen on "
              + settings.host()
              + ":"
              + settings.port()
              + " ("
              + e.getMessage()
              + "); set gateway.openai.port (0: any free port) or gateway.openai.enabled=false",
          e);
    }
    server.createContext("/", new NotFoundEndpoint(settings));
    server.createContext("/v1/models", new ModelsEndpoint(settings));
    server.createContext(
        "/v1/audio/transcriptions", new TranscriptionEndpoint(settings, api, false));
    server.createContext("/v1/audio/translations", new TranscriptionEndpoint(settings, api, true));
    server.createContext("/v1/chat/completions", new ChatCompletionsEndpoint(settings, api));
    server.createContext("/v1/audio/speech", new SpeechEndpoint(settings, api));
    // A streaming response holds its thread until the last byte, so the pool bounds the requests
    // served at once; more wait for a thread.
    ExecutorService executor = Executors.newFixedThreadPool(settings.threads(), threads());
    server.setExecutor(executor);
    server.start();
    return new OpenAiApi(server, executor, settings);
  }

  private static ThreadFactory threads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "openai-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The bound port (the configured one, or the one picked for port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The base URL clients are configured with, ending in {@code /v1}. */
  public String baseUrl() {
    String host = server.getAddress().getHostString();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port() + "/v1";
  }

  @Override
  public String describe() {
    return "OpenAI-compatible API on "
        + baseUrl()
        + (settings.apiKeys().isEmpty() ? " (no API key required)" : " (API key required)")
        + "; models "
        + settings.models().all();
  }

  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Registered in {@link FrontEnd.Factory#all()}. */
  public static final class Factory implements FrontEnd.Factory {
    @Override
    public FrontEnd start(Config config, Channel api) throws IOException {
      return OpenAiApi.start(config, api);
    }
  }
}
