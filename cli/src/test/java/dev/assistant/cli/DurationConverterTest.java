package dev.assistant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.assistant.cli.status.ExitCodes;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  @Test
  void readsShortFormsAndIso() {
    assertEquals(Duration.ofMillis(250), DurationConverter.parse("250ms"));
    assertEquals(Duration.ofSeconds(30), DurationConverter.parse("30s"));
    assertEquals(Duration.ofMinutes(5), DurationConverter.parse("5m"));
    assertEquals(Duration.ofHours(2), DurationConverter.parse("2h"));
    assertEquals(Duration.ofSeconds(90), DurationConverter.parse("PT90S"));
    assertThrows(TypeConversionException.class, () -> DurationConverter.parse("soon"));
    assertThrows(TypeConversionException.class, () -> DurationConverter.parse("0s"));
  }

  @Test
  void badCommandLineExitsWithUsageCode() {
    assertEquals(ExitCodes.USAGE, AssistantCli.run("ask", "--max-tokens", "lots"));
    assertEquals(ExitCodes.USAGE, AssistantCli.run("ask"));
  }
}
