package dev.assistant.chaos;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * How long the partitions of killed workers stay without a live owner: from the kill until every
 * partition of the stage's input topic is assigned, in a stable group, to a member that is not one
 * of the killed incarnations (a survivor, or the killed instance restarted under its own ID).
 */
final class Takeover {
  private Takeover() {}

  /** The member IDs the named instances have now (their current incarnations). */
  static Set<String> memberIds(Admin admin, String group, Collection<String> instances)
      throws Exception {
    Set<String> ids = new HashSet<>();
    for (MemberDescription m : describe(admin, group).members()) {
      if (m.groupInstanceId().isPresent() && instances.contains(m.groupInstanceId().get())) {
        ids.add(m.consumerId());
      }
    }
    return ids;
  }

  /** Measures in the background; completes with seconds since {@code t0}, or -1 after a minute. */
  static CompletableFuture<Double> measure(
      Admin admin, String group, String topic, int partitions, Set<String> dead, long t0) {
    return CompletableFuture.supplyAsync(
        () -> {
          long end = t0 + TimeUnit.MINUTES.toNanos(3);
          while (System.nanoTime() < end) {
            try {
              ConsumerGroupDescription d = describe(admin, group);
              Set<TopicPartition> owned = new HashSet<>();
              if (d.groupState() == GroupState.STABLE) {
                for (MemberDescription m : d.members()) {
                  if (!dead.contains(m.consumerId())) {
                    m.assignment().topicPartitions().stream()
                        .filter(tp -> tp.topic().equals(topic))
                        .forEach(owned::add);
                  }
                }
              }
              if (owned.size() == partitions) {
                return (System.nanoTime() - t0) / 1e9;
              }
              Thread.sleep(100);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return -1.0;
            } catch (Exception e) {
              // the broker may be busy or restarting; ask again
            }
          }
          return -1.0;
        });
  }

  private static ConsumerGroupDescription describe(Admin admin, String group) throws Exception {
    Map<String, ConsumerGroupDescription> m =
        admin.describeConsumerGroups(Set.of(group)).all().get(10, TimeUnit.SECONDS);
    return m.get(group);
  }
}
