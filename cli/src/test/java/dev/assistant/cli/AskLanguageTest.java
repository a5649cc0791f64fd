package dev.assistant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.cli.status.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code --language} names the language of the speech sent; without {@code --audio} the command
 * line refuses it itself (nothing is sent: the target here is a port nobody listens on) and points
 * at the option that sets the spoken answer's language.
 */
class AskLanguageTest {
  @Test
  void languageWithoutSpeechIsRefusedBeforeSending() {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit =
          AssistantCli.run(
              "ask", "--prompt", "Bonjour.", "--language", "fr", "--target", "127.0.0.1:1");
    } finally {
      System.setErr(saved);
    }
    String message = err.toString(StandardCharsets.UTF_8);
    assertEquals(ExitCodes.USAGE, exit, message);
    assertTrue(message.contains("--language"), message);
    assertTrue(message.contains("--speech-language"), message);
  }
}
