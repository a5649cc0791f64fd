package dev.assistant.deploy;

import dev.assistant.common.config.Config;
import dev.assistant.common.config.ConfigException;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.common.kafka.TopicProvisioner;
import dev.assistant.common.kafka.Topics;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;

/**
 * Creates the pipeline's missing topics on any cluster ({@code kafka.bootstrap.servers} plus {@code
 * kafka.security.protocol}, {@code kafka.sasl.*}, {@code kafka.ssl.*}), with the configured
 * partitions and limits. The Helm chart runs it as a pre-install/pre-upgrade hook.
 */
public final class ProvisionTopicsMain {
  private ProvisionTopicsMain() {}

  public static void main(String[] args) {
    try {
      Config config = Config.fromArgs(args);
      config.require("kafka.bootstrap.servers");
      try (Admin admin = Admin.create(new KafkaSettings(config).admin())) {
        List<String> created = new TopicProvisioner(Topics.from(config), config).ensureAll(admin);
        System.out.println(created.isEmpty() ? "all topics exist" : "created topics " + created);
      }
    } catch (ConfigException | IllegalStateException e) {
      System.err.println("provision-topics: " + e.getMessage());
      System.exit(1);
    }
  }
}
