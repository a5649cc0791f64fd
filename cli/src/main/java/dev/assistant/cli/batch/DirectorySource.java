package dev.assistant.cli.batch;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.assistant.cli.status.CliException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * A folder as batch input. Each audio file is an item; a picture with the same stem goes with it
 * ({@code q1.wav} + {@code q1.png}); a picture with no audio of its stem is an item of its own.
 * Optional sidecars by stem: {@code q1.txt} (prompt), {@code q1.ref.txt} (reference transcript),
 * {@code q1.answer.txt} (reference answer). The folder is read as a stream, in no particular order:
 * IDs come from content, so order does not matter for resuming.
 */
public final class DirectorySource implements ItemSource {
  static final List<String> AUDIO = List.of("wav", "flac", "mp3", "ogg");
  static final List<String> IMAGES = List.of("png", "jpg", "jpeg", "webp");

  private final Path dir;
  private final DirectoryStream<Path> stream;
  private final Iterator<Path> files;

  private DirectorySource(Path dir) throws IOException {
    this.dir = dir;
    this.stream = Files.newDirectoryStream(dir, Files::isRegularFile);
    this.files = stream.iterator();
  }

  public static DirectorySource open(Path dir) {
    try {
      return new DirectorySource(dir);
    } catch (IOException e) {
      throw CliException.badInput("cannot list " + dir + ": " + e.getMessage());
    }
  }

  /** Items in a folder (for progress and ETA). */
  public static long count(Path dir) {
    long n = 0;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, Files::isRegularFile)) {
      for (Path p : s) {
        if (isItem(dir, p)) {
          n++;
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return n;
  }

  @Override
  public ManifestEntry next() {
    while (files.hasNext()) {
      Path p = files.next();
      if (isItem(dir, p)) {
        return entry(p);
      }
    }
    return null;
  }

  private static boolean isItem(Path dir, Path p) {
    String ext = extension(p);
    if (AUDIO.contains(ext)) {
      return true;
    }
    // A picture is its own item only when no audio file shares its stem.
    return IMAGES.contains(ext) && withStem(dir, stem(p), AUDIO) == null;
  }

  private ManifestEntry entry(Path p) {
    String stem = stem(p);
    boolean isAudio = AUDIO.contains(extension(p));
    Path audio = isAudio ? p : null;
    Path image = isAudio ? withStem(dir, stem, IMAGES) : p;
    String source = p.getFileName().toString();
    try {
      BatchItem item =
          new BatchItem(
              source,
              source,
              null,
              audio,
              image,
              sidecar(stem + ".txt"),
              ItemOptions.NONE,
              sidecar(stem + ".ref.txt"),
              sidecar(stem + ".answer.txt"),
              JsonNodeFactory.instance.objectNode());
      return ManifestEntry.ok(item);
    } catch (IOException e) {
      return ManifestEntry.bad(source, source, "cannot read a sidecar: " + e.getMessage());
    }
  }

  private String sidecar(String name) throws IOException {
    Path f = dir.resolve(name);
    return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8).strip() : null;
  }

  private static Path withStem(Path dir, String stem, List<String> extensions) {
    for (String e : extensions) {
      for (String x : new String[] {e, e.toUpperCase(Locale.ROOT)}) {
        Path f = dir.resolve(stem + "." + x);
        if (Files.isRegularFile(f)) {
          return f;
        }
      }
    }
    return null;
  }

  static String stem(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot < 0 ? n : n.substring(0, dot);
  }

  static String extension(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() throws IOException {
    stream.close();
  }
}
