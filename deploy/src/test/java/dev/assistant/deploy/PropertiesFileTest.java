package dev.assistant.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropertiesFileTest {
  @TempDir Path dir;

  @Test
  void awkwardValuesSurviveARoundTrip() throws Exception {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("kafka.sasl.jaas.config", "org.Foo required username=\"a\" password=\"p#=:!\";");
    values.put("path.windows", "C:\\models\\whisper");
    values.put("leading.space", "  padded");
    values.put("unicode", "Grüße — 你好");
    values.put("multi.line", "one\ntwo");
    values.put("key with=odd:chars", "#not a comment");
    Path file = dir.resolve("x.properties");
    PropertiesFile.write(file, "header line one\nline two", values);
    Properties loaded = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      loaded.load(in);
    }
    assertEquals(values.size(), loaded.size());
    values.forEach((k, v) -> assertEquals(v, loaded.getProperty(k), k));
    assertTrue(Files.readString(file).startsWith("# header line one\n# line two\n"));
  }
}
