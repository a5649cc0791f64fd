package dev.assistant.gateway;

import dev.assistant.common.config.Config;
import dev.assistant.common.metrics.MetricsServer;
import dev.assistant.gateway.grpc.Limits;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;

/** Starts a gateway: {@code java -jar gateway-all.jar [--config file]}. */
public final class GatewayMain {
  private GatewayMain() {}

  public static void main(String[] args) throws Exception {
    Config config = Config.fromArgs(args);
    String host = config.getString("gateway.host", "0.0.0.0");
    int port = config.getInt("gateway.port", 50051, 0, 65535);
    int maxMessage =
        (int)
            Math.min(
                Integer.MAX_VALUE,
                config.getBytes(
                    "gateway.max.message.bytes", Limits.from(config).transportMessageBytes()));
    MetricsServer metrics = MetricsServer.start(config.getInt("gateway.metrics.port", 9400));
    Gateway gateway =
        new Gateway(
                config,
                NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                    .maxInboundMessageSize(maxMessage))
            .start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  gateway.close();
                  metrics.close();
                },
                "gateway-shutdown"));
    Thread.currentThread().join();
  }
}
