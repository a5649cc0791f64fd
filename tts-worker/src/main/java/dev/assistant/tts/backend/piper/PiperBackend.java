package dev.assistant.tts.backend.piper;

import dev.assistant.tts.backend.AudioClip;
import dev.assistant.tts.backend.SynthesisRequest;
import dev.assistant.tts.backend.TextToSpeech;
import dev.assistant.tts.backend.VoiceInfo;
import dev.assistant.tts.backend.VoiceNotAvailableException;
import io.github.givimad.piperjni.PiperJNI;
import io.github.givimad.piperjni.PiperVoice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Neural Piper voices through piper-jni (ONNX Runtime and espeak-ng phonemization bundled). Voices
 * are user-supplied {@code name.onnx} + {@code name.onnx.json} pairs in one directory; every pair
 * is validated in Java ({@link PiperVoiceFiles}) and the default voice is loaded at start, so a
 * missing or corrupt voice stops the worker with a clear message instead of failing a request.
 *
 * <p>piper-jni fixes the speaker and the length scale when a voice is loaded, so each (voice,
 * speaker, rate) combination is its own loaded instance, created on first use and kept (at most
 * {@link #MAX_LOADED}; the rate is rounded to 0.05 to bound them).
 *
 * <p>Thread-safety: safe for concurrent use; calls on one loaded instance are serialized.
 */
public final class PiperBackend implements TextToSpeech {
  public static final String NAME = "piper";
  static final int MAX_LOADED = 8;

  private final PiperJNI piper;
  private final Map<String, PiperVoiceFiles> files = new LinkedHashMap<>();
  private final List<VoiceInfo> voices;
  private final Map<String, PiperVoice> loaded = new LinkedHashMap<>();
  private final Path scratch;

  /**
   * @param dir directory with the voice files
   * @param defaultVoice voice to use when a request names none; empty for the first by name
   */
  public PiperBackend(Path dir, String defaultVoice) {
    List<String> names = voiceNames(dir);
    if (names.isEmpty()) {
      throw new IllegalStateException(
          "no Piper voices (*.onnx + *.onnx.json) in " + dir + "; set tts.piper.voices.dir");
    }
    String first = defaultVoice.isEmpty() ? names.get(0) : defaultVoice;
    if (!names.contains(first)) {
      throw new IllegalStateException(
          "Piper voice '" + first + "' not found in " + dir + "; found " + names);
    }
    List<VoiceInfo> infos = new ArrayList<>();
    for (String name :
        Stream.concat(Stream.of(first), names.stream().filter(n -> !n.equals(first))).toList()) {
      PiperVoiceFiles voice = PiperVoiceFiles.load(dir, name);
      files.put(name, voice);
      infos.add(voice.info());
    }
    this.voices = List.copyOf(infos);
    try {
      this.scratch = Files.createTempDirectory("piper-rates");
      this.piper = new PiperJNI();
      piper.initialize(true, false);
      instance(files.get(first), 0, 1f);
    } catch (IOException | RuntimeException e) {
      close();
      throw new IllegalStateException(
          "cannot load Piper voice '" + first + "': " + e.getMessage(), e);
    }
  }

  private static List<String> voiceNames(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "Piper voices directory " + dir + " does not exist (tts.piper.voices.dir)");
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".onnx"))
          .map(n -> n.substring(0, n.length() - ".onnx".length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private synchronized PiperVoice instance(PiperVoiceFiles voice, int speaker, float rate)
      throws IOException {
    float rounded = Math.round(rate * 20) / 20f;
    String key = voice.info().name() + "#" + speaker + "@" + rounded;
    PiperVoice v = loaded.get(key);
    if (v != null) {
      return v;
    }
    if (loaded.size() >= MAX_LOADED) {
      String eldest = loaded.keySet().iterator().next();
      PiperVoice old = loaded.remove(eldest);
      synchronized (old) {
        old.close();
      }
    }
    Path config = voice.config();
    if (rounded != 1f) {
      config = scratch.resolve(key.replaceAll("[^\\w.-]", "_") + ".onnx.json");
      Files.writeString(config, voice.withRate(rounded), StandardCharsets.UTF_8);
    }
    try {
      v = piper.loadVoice(voice.model(), config, speaker, false);
    } catch (PiperJNI.NotInitialized e) {
      throw new IOException("piper is not initialized", e);
    }
    loaded.put(key, v);
    return v;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<VoiceInfo> voices() {
    return voices;
  }

  @Override
  public AudioClip synthesize(SynthesisRequest request)
      throws VoiceNotAvailableException, IOException {
    VoiceInfo info = resolveVoice(request);
    if (request.speaker() >= info.speakers()) {
      throw new VoiceNotAvailableException(
          "Piper voice '"
              + info.name()
              + "' has "
              + info.speakers()
              + " speaker(s); got index "
              + request.speaker());
    }
    if (request.text().isBlank()) {
      return new AudioClip(new float[0], info.sampleRate());
    }
    PiperVoice voice = instance(files.get(info.name()), request.speaker(), request.rate());
    short[] pcm;
    synchronized (voice) {
      try {
        pcm = piper.textToAudio(voice, request.text());
      } catch (PiperJNI.NotInitialized e) {
        throw new IOException("piper is not initialized", e);
      }
    }
    return AudioClip.fromPcm16(pcm, voice.getSampleRate());
  }

  @Override
  public synchronized void close() {
    loaded.values().forEach(PiperVoice::close);
    loaded.clear();
    if (piper != null) {
      piper.close();
    }
  }
}
