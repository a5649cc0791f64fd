package dev.assistant.gateway.web;

import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import java.time.Duration;

/**
 * Settings of the web playground's HTTP door.
 *
 * @param enabled {@code gateway.web.enabled}: serve the playground at all
 * @param host {@code gateway.web.host}: bind address (loopback by default: a development page)
 * @param port {@code gateway.web.port}: 0 picks a free port
 * @param threads {@code gateway.web.threads}: request threads; an open event stream holds one
 * @param maxTurns {@code gateway.web.max.turns}: turns open at once, so streams cannot take every
 *     thread
 * @param maxBodyBytes {@code gateway.web.max.body.bytes}: largest request body (a turn with its
 *     image in base64)
 * @param idleTimeout {@code gateway.web.idle.timeout}: a turn nobody reads, or whose recording
 *     stopped sending audio, is closed after this long
 * @param keepAlive {@code gateway.web.keepalive}: comment lines on a quiet event stream, so proxies
 *     and the server notice a page that went away
 */
public record WebSettings(
    boolean enabled,
    String host,
    int port,
    int threads,
    int maxTurns,
    long maxBodyBytes,
    Duration idleTimeout,
    Duration keepAlive) {

  public WebSettings {
    if (threads < 2) {
      throw new ConfigException("gateway.web.threads must be at least 2");
    }
    if (maxTurns < 1 || maxTurns >= threads) {
      throw new ConfigException(
          "gateway.web.max.turns must be in [1, gateway.web.threads): each open turn's event"
              + " stream holds a thread, and the others need one to start and feed turns");
    }
    if (maxBodyBytes < 1024) {
      throw new ConfigException("gateway.web.max.body.bytes must be at least 1 KiB");
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new ConfigException("gateway.web.idle.timeout must be positive");
    }
    if (keepAlive.isNegative() || keepAlive.isZero()) {
      throw new ConfigException("gateway.web.keepalive must be positive");
    }
  }

  public static WebSettings from(Config config) {
    return new WebSettings(
        config.getBoolean("gateway.web.enabled", true),
        config.getString("gateway.web.host", "127.0.0.1"),
        config.getInt("gateway.web.port", 8080, 0, 65535),
        config.getInt("gateway.web.threads", 64, 2, 4096),
        config.getInt("gateway.web.max.turns", 32, 1, 4096),
        config.getBytes("gateway.web.max.body.bytes", 16L << 20),
        config.getDuration("gateway.web.idle.timeout", Duration.ofSeconds(60)),
        config.getDuration("gateway.web.keepalive", Duration.ofSeconds(15)));
  }
}
