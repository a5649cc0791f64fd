package dev.assistant.deploy;

import com.sun.net.httpserver.HttpServer;
import dev.assistant.common.config.Config;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Test double for a service process, run by the launcher in place of a real main class. Its role
 * (stt, llm, tts, gateway) comes from the launcher's {@code -Ddev.assistant.role}; {@code
 * fake.behaviour.<role>} picks: {@code serve} (default: health endpoint up, like a ready service),
 * {@code exit} (fails at start-up with a message), {@code hang} (never gets ready), {@code
 * crash-on-restart} (serves the first time, then fails at every start: a crash loop). On SIGTERM it
 * appends its instance name ({@code -Ddev.assistant.instance}) to {@code fake.stop.log}, so a test
 * can check the stop order.
 */
public final class FakeService {
  private FakeService() {}

  public static void main(String[] args) throws Exception {
    Config config = Config.fromArgs(args);
    String role = System.getProperty("dev.assistant.role");
    String instance = System.getProperty("dev.assistant.instance");
    String behaviour = config.getString("fake.behaviour." + role, "serve");
    Path stopLog = Path.of(config.require("fake.stop.log"));
    System.out.println(
        "fake "
            + instance
            + " starting, instance id "
            + config.getString("worker.instance.id", "-")
            + ", bootstrap "
            + config.require("kafka.bootstrap.servers"));
    switch (behaviour) {
      case "exit" -> {
        System.out.println("fake failure: cannot load the model");
        System.exit(3);
      }
      case "crash-on-restart" -> {
        Path started = stopLog.resolveSibling(instance + ".started");
        if (Files.exists(started)) {
          System.out.println("fake failure: crashing at start-up again");
          System.exit(5);
        }
        Files.writeString(started, "");
      }
      case "hang" -> Thread.sleep(Long.MAX_VALUE);
      default -> {}
    }
    AutoCloseable http = httpHealth(config.getInt(role + ".metrics.port", 0));
    AutoCloseable grpc =
        role.equals("gateway") ? grpcHealth(config.getInt(StackService.GRPC_PORT_KEY, 0)) : null;
    AutoCloseable server =
        () -> {
          if (grpc != null) {
            grpc.close();
          }
          http.close();
        };
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                    Files.writeString(
                        stopLog,
                        instance + "\n",
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                    // Holds the stop for a moment: a launcher that does not wait for each
                    // process to end would let the next one log first.
                    Thread.sleep(200);
                  } catch (Exception e) {
                    e.printStackTrace();
                  }
                }));
    Thread.sleep(Long.MAX_VALUE);
  }

  private static AutoCloseable grpcHealth(int port) throws IOException {
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .addService(new HealthStatusManager().getHealthService())
            .build()
            .start();
    return server::shutdownNow;
  }

  private static AutoCloseable httpHealth(int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = "ok\n".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return () -> server.stop(0);
  }
}
