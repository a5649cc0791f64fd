package dev.assistant.deploy.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image tarballs Jib built (profile {@code images}, which CI runs): each image's own config has
 * the entrypoint, user and ports the chart relies on (ChartImagesTest checks the chart against the
 * same Jib configuration), and its layers hold what that entrypoint needs: the Java runtime, its
 * loader and libraries, the service's jar, a passwd entry for the user and /tmp.
 */
class ImageIT {
  static final Path TARGET = Path.of(System.getProperty("repo.root", ".."), "deploy", "target");
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyImageRunsWhatTheChartExpects() throws Exception {
    assumeTrue(Boolean.getBoolean("images.built"), "images not built (mvn -Pimages ... package)");
    for (var e : JibImages.read().entrySet()) {
      JibImages.Image expected = e.getValue();
      Path tar = TARGET.resolve("jib-" + e.getKey() + ".tar");
      assertTrue(Files.isRegularFile(tar), tar + " built");
      Image image = Image.read(tar);
      String n = expected.name();
      JsonNode config = image.config.get("config");
      List<String> entrypoint = new ArrayList<>();
      config.get("Entrypoint").forEach(a -> entrypoint.add(a.asText()));
      assertEquals(expected.entrypoint(), entrypoint, n);
      assertEquals("65532:65532", config.get("User").asText(), n);
      for (int port : expected.ports()) {
        assertTrue(config.at("/ExposedPorts").has(port + "/tcp"), n + " exposes " + port);
      }
      List<String> env = new ArrayList<>();
      config.get("Env").forEach(v -> env.add(v.asText()));
      assertTrue(env.contains("PATH=/opt/java/bin"), n + " " + env);
      assertTrue(env.contains("DJL_CACHE_DIR=/tmp/djl"), n + " " + env);

      TarEntries.Entry java = image.entry("opt/java/bin/java");
      assertEquals(0755, java.mode() & 0777, n + ": java is executable");
      assertTrue(image.files.containsKey("lib64/ld-linux-x86-64.so.2"), n + " has its loader");
      assertTrue(image.files.containsKey("lib/x86_64-linux-gnu/libc.so.6"), n + " has libc");
      assertTrue(image.files.containsKey("opt/java/lib/server/libjvm.so"), n);
      assertTrue(image.files.containsKey("opt/java/lib/libjli.so"), n);
      assertTrue(image.entry("tmp").isDirectory(), n + " has /tmp");
      assertTrue(image.passwd.contains(":65532:65532:"), n + " names user 65532");
      // The jar the entrypoint runs is the module's shaded jar, byte for byte in size.
      String jarPath = expected.jar().substring(1);
      TarEntries.Entry jar = image.entry(jarPath);
      String module =
          Path.of(jarPath).getFileName().toString().replace("-0.1.0-SNAPSHOT-all.jar", "");
      Path built =
          Path.of(System.getProperty("repo.root", ".."), module, "target")
              .resolve(Path.of(jarPath).getFileName());
      // (Only when the tarball was made from that jar: a later build rewrites the jar.)
      if (Files.getLastModifiedTime(built).compareTo(Files.getLastModifiedTime(tar)) <= 0) {
        assertEquals(Files.size(built), jar.size(), n + " holds " + built);
      }
      assertTrue(jar.size() > 1_000_000, n + " holds a shaded jar");
      assertTrue(
          image.files.keySet().stream().noneMatch(f -> f.startsWith("app/")),
          n + ": nothing of the deploy module's own classes under /app");
    }
  }

  /**
   * Each image's entrypoint, run from the image's own files (layers unpacked, chroot, /proc mounted
   * as in a container) as the image's user with only the image's environment, starts its service:
   * the main class parses its arguments and refuses the unknown one. Needs root (chroot, mount);
   * skipped elsewhere. The full services were also run this way by hand against a broker
   * (docs/deploy.md).
   */
  @Test
  void everyEntrypointStartsFromTheImageAlone(@TempDir Path dir) throws Exception {
    assumeTrue(Boolean.getBoolean("images.built"), "images not built (mvn -Pimages ... package)");
    assumeTrue("root".equals(System.getProperty("user.name")), "chroot needs root");
    for (var e : JibImages.read().entrySet()) {
      Path tar = TARGET.resolve("jib-" + e.getKey() + ".tar");
      Path root = Files.createDirectories(dir.resolve(e.getKey()));
      Image image = Image.read(tar);
      assertEquals(0, run(dir, "tar", "-xf", tar.toString(), "-C", root.toString()));
      for (String layer : image.layers) {
        assertEquals(
            0, run(dir, "tar", "-xzf", root.resolve(layer).toString(), "-C", root.toString()));
      }
      Path proc = Files.createDirectories(root.resolve("proc"));
      assumeTrue(run(dir, "mount", "-t", "proc", "proc", proc.toString()) == 0, "mount refused");
      try {
        List<String> command = new ArrayList<>(List.of("env", "-i"));
        image.config.at("/config/Env").forEach(v -> command.add(v.asText()));
        command.addAll(List.of(chroot(), "--userspec=65532:65532", root.toString()));
        image.config.at("/config/Entrypoint").forEach(a -> command.add(a.asText()));
        command.add("--image-check");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), e.getKey());
        assertTrue(
            out.contains("unknown argument '--image-check'"),
            e.getKey() + " did not start its main class:\n" + out);
      } finally {
        run(dir, "umount", proc.toString());
      }
      run(dir, "rm", "-rf", root.toString());
    }
  }

  /** Runs a host tool; its output (tar's notes on extended headers) is not needed. */
  private static int run(Path dir, String... command) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    return p.waitFor();
  }

  /** chroot by its path: the command runs under {@code env -i}, without the host's PATH. */
  private static String chroot() {
    for (String candidate : List.of("/usr/sbin/chroot", "/sbin/chroot", "/usr/bin/chroot")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new AssertionError("no chroot on this machine");
  }

  /** One image tarball: its config and the union of its layers' files. */
  static final class Image {
    JsonNode config;
    final List<String> layers = new ArrayList<>();
    final Map<String, TarEntries.Entry> files = new HashMap<>();
    String passwd = "";

    static Image read(Path tarball) throws IOException {
      Map<String, byte[]> small = new HashMap<>();
      Image image = new Image();
      List<String> layerNames = new ArrayList<>();
      // Pass 1: manifest and config (small files at the top level of the tarball).
      try (InputStream in = new BufferedInputStream(Files.newInputStream(tarball))) {
        TarEntries.read(
            in,
            (entry, content) -> {
              if (entry.name().endsWith(".json")) {
                small.put(entry.name(), content.readAllBytes());
              }
            });
      }
      JsonNode manifest = JSON.readTree(small.get("manifest.json")).get(0);
      image.config = JSON.readTree(small.get(manifest.get("Config").asText()));
      manifest.get("Layers").forEach(l -> layerNames.add(l.asText()));
      image.layers.addAll(layerNames);
      // Pass 2: every layer's entries.
      try (InputStream in = new BufferedInputStream(Files.newInputStream(tarball))) {
        TarEntries.read(
            in,
            (entry, content) -> {
              if (layerNames.contains(entry.name())) {
                TarEntries.read(
                    new GZIPInputStream(content, 1 << 16),
                    (file, data) -> {
                      image.files.put(file.name().replaceFirst("/$", ""), file);
                      if (file.name().equals("etc/passwd")) {
                        image.passwd = new String(data.readAllBytes(), StandardCharsets.UTF_8);
                      }
                    });
              }
            });
      }
      return image;
    }

    TarEntries.Entry entry(String path) {
      TarEntries.Entry e = files.get(path);
      if (e == null) {
        throw new AssertionError("no " + path + " in the image");
      }
      return e;
    }
  }
}
