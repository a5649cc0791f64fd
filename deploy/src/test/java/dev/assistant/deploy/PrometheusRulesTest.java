package dev.assistant.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules and scrape configuration pass promtool (Debian package {@code prometheus}):
 * {@code check rules}, {@code check config} and the alerts' unit tests ({@code test rules
 * alerts-test.yml}), through deploy/prometheus/check.sh. Without promtool it fails in CI and is
 * skipped elsewhere.
 */
class PrometheusRulesTest {
  @Test
  void promtoolAcceptsRulesConfigAndAlertTests() throws Exception {
    boolean installed =
        Files.isExecutable(Path.of("/usr/bin/promtool"))
            || Files.isExecutable(Path.of("/usr/local/bin/promtool"));
    if (!installed && "true".equals(System.getenv("CI"))) {
      fail("promtool missing in CI (Debian package prometheus, listed in .ci/run)");
    }
    assumeTrue(installed, "promtool not installed (apt-get install prometheus)");
    Path script = MonitoredMetrics.ROOT.resolve("deploy/prometheus/check.sh");
    Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "promtool finished");
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("SUCCESS"), out);
  }
}
