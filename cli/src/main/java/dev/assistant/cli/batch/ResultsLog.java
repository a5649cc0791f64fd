package dev.assistant.cli.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assistant.cli.status.CliException;
import dev.assistant.cli.status.ExitCodes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * {@code results.jsonl}: the record of what is finished, and the only state a rerun trusts. A line
 * is appended (and forced to disk) once per item, when its terminal event was seen; an item whose
 * ID is already in the file is never written again.
 *
 * <p>Crash safety: a kill can only cut the last line short (each line is one write of the whole
 * line). On open, a last line without its newline is cut off, so that item is simply done again; a
 * file that somehow holds an ID twice (two runs on one folder before the lock existed, a hand edit)
 * is rewritten with the first line of each ID. A lock file keeps two runs from sharing a folder.
 */
public final class ResultsLog implements AutoCloseable {
  public static final String FILE = "results.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path path;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final FileChannel out;
  private final LongSet done = new LongSet();
  private long failedBefore;
  private long repairedBytes;
  private long duplicatesRemoved;
  private long unreadableLines;

  /** Bytes appended since open (guarded by {@code this}). */
  private long appended;

  /** Of those, bytes known to be on disk (guarded by {@link #syncLock}). */
  private long synced;

  private final Object syncLock = new Object();

  private ResultsLog(Path dir) throws IOException {
    Files.createDirectories(dir);
    this.path = dir.resolve(FILE);
    this.lockChannel =
        FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      lockChannel.close();
      throw new CliException(
          ExitCodes.USAGE, "another batch is writing to " + dir + " (its .lock is held)");
    }
    this.lock = l;
    recover();
    this.out =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** Opens (and if needed repairs) the results in {@code dir}; holds the folder's lock. */
  public static ResultsLog open(Path dir) {
    try {
      return new ResultsLog(dir);
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.IO_ERROR, "cannot open " + dir.resolve(FILE) + ": " + e.getMessage(), e);
    }
  }

  private void recover() throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (FileChannel ch =
        FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long end = size;
      // Find the end of the last complete line.
      ByteBuffer one = ByteBuffer.allocate(1);
      while (end > 0) {
        one.clear();
        ch.read(one, end - 1);
        if (one.get(0) == '\n') {
          break;
        }
        end--;
      }
      if (end < size) {
        ch.truncate(end);
        ch.force(true);
        repairedBytes = size - end;
      }
    }
    boolean duplicates = false;
    try (BufferedReader r = reader()) {
      String line;
      while ((line = r.readLine()) != null) {
        String id = idOf(line);
        if (id == null) {
          unreadableLines++;
          continue;
        }
        if (!done.add(fingerprint(id))) {
          duplicates = true;
        } else if (isFailure(line)) {
          failedBefore++;
        }
      }
    }
    if (duplicates) {
      rewriteWithoutDuplicates();
    }
  }

  private void rewriteWithoutDuplicates() throws IOException {
    Path tmp = path.resolveSibling(FILE + ".dedup");
    LongSet seen = new LongSet();
    try (BufferedReader r = reader();
        var w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        String id = idOf(line);
        if (id != null && !seen.add(fingerprint(id))) {
          duplicatesRemoved++;
          continue;
        }
        w.write(line);
        w.write('\n');
      }
    }
    try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      c.force(true);
    }
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private BufferedReader reader() throws IOException {
    return new BufferedReader(
        new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8), 1 << 16);
  }

  private static String idOf(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      JsonNode id = n == null ? null : n.get("id");
      return id == null || !id.isTextual() ? null : id.asText();
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean isFailure(String line) {
    try {
      return !"ok".equals(JSON.readTree(line).path("status").asText());
    } catch (IOException e) {
      return false;
    }
  }

  /** 64 bits of SHA-256: two distinct IDs collide with probability about n²/2⁶⁵ (3e-8 at 1M). */
  static long fingerprint(String id) {
    byte[] h = RequestIds.sha256().digest(id.getBytes(StandardCharsets.UTF_8));
    return ByteBuffer.wrap(h).getLong();
  }

  public synchronized boolean isDone(String id) {
    return done.contains(fingerprint(id));
  }

  /**
   * Appends {@code line} for {@code id} unless the ID already has one; the line is on disk when
   * this returns true.
   *
   * <p>Group commit: the write is under the object's lock, the {@code fsync} after it under a
   * second one, and one {@code fsync} covers every line written before it started. Threads that
   * finish while another is syncing wait for it and then find their line already covered (or sync
   * everything written so far at once), so a batch is not held to one item per disk flush.
   */
  public boolean append(String id, String line) throws IOException {
    if (line.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("a result must be one line");
    }
    long end;
    synchronized (this) {
      long f = fingerprint(id);
      if (done.contains(f)) {
        return false;
      }
      ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        appended += out.write(b);
      }
      done.add(f);
      end = appended;
    }
    synchronized (syncLock) {
      if (synced < end) {
        long upTo;
        synchronized (this) {
          upTo = appended;
        }
        out.force(false);
        synced = upTo;
      }
    }
    return true;
  }

  public synchronized int doneCount() {
    return done.size();
  }

  public long failedBefore() {
    return failedBefore;
  }

  /** Bytes of a cut-off last line removed on open. */
  public long repairedBytes() {
    return repairedBytes;
  }

  public long duplicatesRemoved() {
    return duplicatesRemoved;
  }

  public long unreadableLines() {
    return unreadableLines;
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    out.close();
    lock.release();
    lockChannel.close();
  }
}
