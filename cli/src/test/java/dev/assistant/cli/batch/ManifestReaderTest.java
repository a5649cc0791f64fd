package dev.assistant.cli.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestReaderTest {
  @TempDir Path dir;

  private List<ManifestEntry> readAll(Path file) throws Exception {
    List<ManifestEntry> all = new ArrayList<>();
    try (ManifestReader r = ManifestReader.open(file)) {
      ManifestEntry e;
      while ((e = r.next()) != null) {
        all.add(e);
      }
    }
    return all;
  }

  @Test
  void readsJsonLinesWithOptionsMetadataAndPerLineErrors() throws Exception {
    Path m =
        Files.writeString(
            dir.resolve("m.jsonl"),
            """
            {"id":"a1","audio":"clips/a.wav","prompt":"hi","max_tokens":8,"speaker":"ann","reference_transcript":"hello"}
            {"image":"pics/b.png","options":{"voice":"kal16","skip_speech":"true"}}

            not json
            {"id":"c","max_tokens":"many","prompt":"x"}
            {"options":{"colour":"red"},"prompt":"x"}
            ["an","array"]
            {"speaker":"nobody"}
            """);
    List<ManifestEntry> e = readAll(m);
    assertEquals(7, e.size());
    BatchItem a = e.get(0).item();
    assertEquals("a1", a.id());
    assertEquals(dir.resolve("clips/a.wav"), a.audio());
    assertEquals(8, a.options().maxTokens());
    assertEquals("ann", a.meta().get("speaker").asText());
    assertEquals("hello", a.referenceTranscript());
    assertEquals("m.jsonl:1", a.source());
    BatchItem b = e.get(1).item();
    assertEquals("kal16", b.options().voice());
    assertTrue(b.options().skipSpeech());
    assertNull(b.id());
    assertEquals("m.jsonl:4", e.get(2).source()); // blank line 3 skipped, numbering kept
    assertTrue(e.get(2).error().startsWith("not valid JSON"));
    assertTrue(e.get(3).error().contains("max_tokens"), e.get(3).error());
    assertTrue(e.get(4).error().contains("options.colour: unknown option"), e.get(4).error());
    assertTrue(e.get(5).error().contains("JSON object"));
    assertTrue(e.get(6).error().contains("no input"));
  }

  @Test
  void readsCsvWithQuotedCommasQuotesAndLineBreaks() throws Exception {
    Path m =
        Files.writeString(
            dir.resolve("m.csv"),
            "id,audio,prompt,reference_answer,voice\r\n"
                + "1,a.wav,\"Hello, \"\"world\"\"\",\"two\nlines\",\r\n"
                + "2,,just text,,kal16\n"
                + "3,b.wav\n");
    List<ManifestEntry> e = readAll(m);
    assertEquals(3, e.size());
    BatchItem one = e.get(0).item();
    assertEquals("Hello, \"world\"", one.prompt());
    assertEquals("two\nlines", one.referenceAnswer());
    assertNull(one.options().voice()); // empty cell = not given
    BatchItem two = e.get(1).item();
    assertNull(two.audio());
    assertEquals("kal16", two.options().voice());
    assertEquals("m.csv:4", e.get(1).source()); // the quoted line break counted
    assertFalse(e.get(2).isOk());
    assertTrue(e.get(2).error().contains("expected 5 columns"));
  }

  @Test
  void countsRecordsWithoutHoldingThem() throws Exception {
    Path m =
        Files.writeString(dir.resolve("n.jsonl"), "{\"prompt\":\"a\"}\n\n{\"prompt\":\"b\"}\n");
    assertEquals(2, ManifestReader.count(m));
    Path c = Files.writeString(dir.resolve("n.csv"), "prompt\na\nb\nc\n");
    assertEquals(3, ManifestReader.count(c));
  }

  @Test
  void readsAFolderPairingPicturesAndSidecarsByStem() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.write(in.resolve("q1.wav"), new byte[] {1});
    Files.write(in.resolve("q1.png"), new byte[] {2});
    Files.writeString(in.resolve("q1.txt"), "What is this?\n");
    Files.writeString(in.resolve("q1.ref.txt"), "what is this");
    Files.write(in.resolve("lonely.jpg"), new byte[] {3});
    Files.writeString(in.resolve("notes.md"), "ignored");
    List<BatchItem> items = new ArrayList<>();
    try (DirectorySource s = DirectorySource.open(in)) {
      ManifestEntry e;
      while ((e = s.next()) != null) {
        items.add(e.item());
      }
    }
    assertEquals(2, items.size());
    assertEquals(2, DirectorySource.count(in));
    BatchItem q1 = items.stream().filter(i -> i.audio() != null).findFirst().orElseThrow();
    assertEquals(in.resolve("q1.png"), q1.image());
    assertEquals("What is this?", q1.prompt());
    assertEquals("what is this", q1.referenceTranscript());
    BatchItem lonely = items.stream().filter(i -> i.audio() == null).findFirst().orElseThrow();
    assertEquals(in.resolve("lonely.jpg"), lonely.image());
  }
}
