package dev.assistant.gateway.grpc;

import dev.assistant.common.config.Config;
import java.time.Duration;

/**
 * Gateway behaviour from configuration.
 *
 * @param limits input limits
 * @param maxInflight open calls admitted at once ({@code gateway.max.inflight})
 * @param retryAfter hint given to refused clients ({@code gateway.retry.after})
 * @param ackTimeout how long Submit, Watch and Cancel wait for the coordinator
 * @param maxRequestTime deadline given to requests whose call has none
 * @param maxBufferedEvents events held for a client that is not reading
 * @param audioChunkBytes size of audio.chunks records
 * @param gapRepairAfter how long a gap in a call's event sequence may stay open before the events
 *     are re-read from the coordinator
 * @param converseIdleTimeout how long a Converse call may send nothing before its end
 */
public record GatewaySettings(
    Limits limits,
    int maxInflight,
    Duration retryAfter,
    Duration ackTimeout,
    Duration maxRequestTime,
    int maxBufferedEvents,
    int audioChunkBytes,
    Duration gapRepairAfter,
    Duration converseIdleTimeout) {

  public static GatewaySettings from(Config config) {
    return new GatewaySettings(
        Limits.from(config),
        config.getInt("gateway.max.inflight", 1000, 1, 1_000_000),
        config.getDuration("gateway.retry.after", Duration.ofSeconds(1)),
        config.getDuration("gateway.ack.timeout", Duration.ofSeconds(15)),
        config.getDuration("gateway.max.request.time", Duration.ofMinutes(30)),
        config.getInt("gateway.max.buffered.events", 10_000, 16, 10_000_000),
        (int) config.getBytes("gateway.audio.chunk.bytes", 256 * 1024),
        config.getDuration("gateway.gap.repair.after", Duration.ofSeconds(1)),
        config.getDuration("gateway.converse.idle.timeout", Duration.ofSeconds(30)));
  }
}
