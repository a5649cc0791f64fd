package dev.assistant.stt.backend;

import io.github.givimad.whisperjni.WhisperJNI;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process-wide facts about the whisper-jni native library.
 *
 * <p>whisper-jni 1.7.1 keeps contexts and states in global {@code std::map}s without locking, so a
 * create or free while another thread looks up its state is a data race in native code. {@link
 * #LOCK} serializes them: creating and freeing take the write lock, transcription the read lock.
 *
 * <p>whisper.cpp reports the auto-detected language only in its log. The log callback runs on the
 * thread that called into whisper.cpp, so a per-thread capture attributes each line to its call.
 */
final class NativeWhisper {
  private static final Logger LOG = LoggerFactory.getLogger("whisper.cpp");

  static final ReadWriteLock LOCK = new ReentrantReadWriteLock();

  private static final ThreadLocal<List<String>> CAPTURE = new ThreadLocal<>();
  private static boolean loaded;

  private NativeWhisper() {}

  static synchronized void load() throws IOException {
    if (loaded) {
      return;
    }
    WhisperJNI.loadLibrary(line -> LOG.debug("whisper-jni: {}", line));
    WhisperJNI.setLibraryLogger(NativeWhisper::onLog);
    loaded = true;
  }

  private static void onLog(String line) {
    List<String> sink = CAPTURE.get();
    if (sink != null) {
      sink.add(line);
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug(line.strip());
    }
  }

  /** Starts collecting this thread's native log lines. */
  static void startCapture() {
    CAPTURE.set(new ArrayList<>());
  }

  /** Stops collecting and returns the lines seen since {@link #startCapture()}. */
  static List<String> stopCapture() {
    List<String> lines = CAPTURE.get();
    CAPTURE.remove();
    return lines == null ? List.of() : lines;
  }
}
