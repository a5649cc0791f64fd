package dev.assistant.cli.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ItemPreparerTest {
  @TempDir Path dir;

  private static final ItemOptions FRENCH = new ItemOptions("fr", null, 4, null, null, null, null);

  private static ManifestEntry entry(Path audio, String prompt, ItemOptions own) {
    return ManifestEntry.ok(
        new BatchItem("m.jsonl:1", "{}", "a", audio, null, prompt, own, null, null, null));
  }

  @Test
  void batchLanguageGoesOnlyToItemsWithSpeech() throws Exception {
    Path wav = Files.write(dir.resolve("a.wav"), new byte[] {1, 2, 3});
    ItemPreparer preparer = new ItemPreparer("", FRENCH, "");

    PreparedItem spoken = preparer.prepare(entry(wav, null, ItemOptions.NONE));
    assertTrue(spoken.isOk(), spoken.error());
    assertEquals("fr", spoken.request().getOptions().getLanguage());

    PreparedItem text = preparer.prepare(entry(null, "Hello.", ItemOptions.NONE));
    assertTrue(text.isOk(), text.error());
    assertEquals(
        "", text.request().getOptions().getLanguage(), "no recognizer option without audio");
    assertEquals(4, text.request().getOptions().getMaxTokens(), "the other defaults still apply");
  }

  @Test
  void anItemsOwnLanguageIsSentAsWritten() {
    // The gateway then refuses the item, naming the field: the manifest said something wrong.
    ItemPreparer preparer = new ItemPreparer("", ItemOptions.NONE, "");
    PreparedItem text = preparer.prepare(entry(null, "Hello.", FRENCH));
    assertEquals("fr", text.request().getOptions().getLanguage());
  }
}
