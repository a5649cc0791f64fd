package dev.assistant.cli.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestIdsTest {
  @TempDir Path dir;

  private static final ItemOptions EIGHT_TOKENS =
      new ItemOptions(null, null, 8, null, null, null, null);

  @Test
  void contentIdIsStableAndChangesWithAnyInput() {
    byte[] audio = {1, 2, 3};
    String id = RequestIds.fromContent("", audio, null, "hi", EIGHT_TOKENS);
    assertEquals(id, RequestIds.fromContent("", new byte[] {1, 2, 3}, null, "hi", EIGHT_TOKENS));
    assertTrue(RequestIds.VALID.matcher(id).matches(), id);
    assertEquals("item-", id.substring(0, 5));
    assertNotEquals(id, RequestIds.fromContent("", new byte[] {1, 2, 4}, null, "hi", EIGHT_TOKENS));
    assertNotEquals(id, RequestIds.fromContent("", audio, new byte[0], "hi", EIGHT_TOKENS));
    assertNotEquals(id, RequestIds.fromContent("", audio, null, "hi!", EIGHT_TOKENS));
    assertNotEquals(id, RequestIds.fromContent("", audio, null, "hi", ItemOptions.NONE));
    assertNotEquals(id, RequestIds.fromContent("p-", audio, null, "hi", EIGHT_TOKENS));
    // Fields cannot bleed into each other: a prompt and an absent prompt differ.
    assertNotEquals(
        RequestIds.fromContent("", null, null, null, ItemOptions.NONE),
        RequestIds.fromContent("", null, null, "null", ItemOptions.NONE));
  }

  @Test
  void manifestIdWinsAndIsChecked() {
    assertEquals("run7-a1", RequestIds.fromManifest("run7-", "a1"));
    assertThrows(IllegalArgumentException.class, () -> RequestIds.fromManifest("", "has space"));
    assertThrows(
        IllegalArgumentException.class, () -> RequestIds.fromManifest("", "x".repeat(129)));
  }

  @Test
  void preparedIdDoesNotDependOnWhereTheFileLives() throws Exception {
    byte[] wav = {9, 9, 9};
    Path a = Files.write(dir.resolve("a.wav"), wav);
    Path b = Files.write(Files.createDirectories(dir.resolve("moved")).resolve("renamed.wav"), wav);
    ItemPreparer p = new ItemPreparer("", ItemOptions.NONE, "");
    String idA = p.prepare(ManifestEntry.ok(item(a, "raw a"))).id();
    String idB = p.prepare(ManifestEntry.ok(item(b, "raw b"))).id();
    assertEquals(idA, idB);
  }

  @Test
  void missingFileGivesAStableErrorId() {
    ItemPreparer p = new ItemPreparer("", ItemOptions.NONE, "");
    PreparedItem one =
        p.prepare(ManifestEntry.ok(item(dir.resolve("gone.wav"), "{\"audio\":\"gone.wav\"}")));
    PreparedItem two =
        p.prepare(ManifestEntry.ok(item(dir.resolve("gone.wav"), "{\"audio\":\"gone.wav\"}")));
    assertTrue(one.error().contains("no such file"), one.error());
    assertEquals(one.id(), two.id());
    assertTrue(one.id().startsWith("bad-"));
  }

  private static BatchItem item(Path audio, String raw) {
    return new BatchItem(
        "m:1",
        raw,
        null,
        audio,
        null,
        null,
        ItemOptions.NONE,
        null,
        null,
        JsonNodeFactory.instance.objectNode());
  }
}
