package dev.assistant.gateway.coordinator;

import dev.assistant.common.config.Config;
import java.time.Duration;

/**
 * How the coordinator behaves.
 *
 * @param retention how long a finished request's events stay replayable (Watch) and its ID
 *     deduplicated
 * @param maxAge a request still unfinished after this long fails with DEADLINE_EXCEEDED
 * @param purgeInterval how often expired state is swept
 * @param audioChunkBytes size of the audio.chunks records cut from unary requests' audio
 * @param deadlineGrace how long after its deadline an unfinished request is ended by the
 *     coordinator when no stage has reported the expiry
 * @param deadlineCheckInterval how often overdue requests are looked for
 */
public record CoordinatorSettings(
    Duration retention,
    Duration maxAge,
    Duration purgeInterval,
    int audioChunkBytes,
    Duration deadlineGrace,
    Duration deadlineCheckInterval) {

  public static CoordinatorSettings from(Config config) {
    return new CoordinatorSettings(
        config.getDuration("coordinator.retention", Duration.ofHours(1)),
        config.getDuration("coordinator.max.age", Duration.ofHours(2)),
        config.getDuration("coordinator.purge.interval", Duration.ofMinutes(1)),
        (int) config.getBytes("coordinator.audio.chunk.bytes", 256 * 1024),
        config.getDuration("coordinator.deadline.grace", Duration.ofSeconds(1)),
        config.getDuration("coordinator.deadline.check.interval", Duration.ofMillis(500)));
  }
}
