package dev.assistant.tts.backend.freetts;

import com.sun.speech.freetts.Voice;
import com.sun.speech.freetts.en.us.cmu_us_kal.KevinVoiceDirectory;
import dev.assistant.tts.backend.AudioClip;
import dev.assistant.tts.backend.SynthesisRequest;
import dev.assistant.tts.backend.TextToSpeech;
import dev.assistant.tts.backend.VoiceInfo;
import dev.assistant.tts.backend.VoiceNotAvailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FreeTTS, the pure-Java default engine: English only, voices {@code kevin16} (16 kHz, the default)
 * and {@code kevin} (8 kHz), no native code and nothing to install.
 *
 * <p>The voice directory is instantiated directly rather than found through the global {@code
 * freetts.voices} system property, which FreeTTS otherwise needs to find any voice.
 *
 * <p>Thread-safety: safe for concurrent use. A FreeTTS voice keeps per-utterance state, so calls on
 * one voice are serialized; sentences are short (a few ms each warm), so one voice per worker keeps
 * up with the answer being generated.
 */
public final class FreeTtsBackend implements TextToSpeech {
  public static final String NAME = "freetts";
  public static final String DEFAULT_VOICE = "kevin16";

  private final Map<String, LoadedVoice> voices = new LinkedHashMap<>();
  private final List<VoiceInfo> infos;

  private static final class LoadedVoice {
    final Voice voice;
    final CollectingAudioPlayer player = new CollectingAudioPlayer();
    final float naturalRate;
    final int sampleRate;

    LoadedVoice(Voice voice) {
      this.voice = voice;
      voice.allocate();
      voice.setAudioPlayer(player);
      this.naturalRate = voice.getRate();
      // FreeTTS reports the sample rate only through the audio it produces; a warm-up sentence
      // also takes the first-call cost (lexicon, JIT) out of the first real request.
      if (!voice.speak("Ready.")) {
        throw new IllegalStateException("FreeTTS voice " + voice.getName() + " cannot speak");
      }
      player.takeSamples();
      this.sampleRate = player.sampleRate();
    }
  }

  /**
   * Loads the voices, {@code defaultVoice} first.
   *
   * @throws IllegalArgumentException when FreeTTS has no voice of that name
   */
  public FreeTtsBackend(String defaultVoice) {
    Map<String, Voice> available = new LinkedHashMap<>();
    for (Voice v : new KevinVoiceDirectory().getVoices()) {
      available.put(v.getName(), v);
    }
    if (!available.containsKey(defaultVoice)) {
      throw new IllegalArgumentException(
          "FreeTTS has no voice '" + defaultVoice + "'; available: " + available.keySet());
    }
    List<String> order = new ArrayList<>(List.of(defaultVoice));
    available.keySet().stream().filter(n -> !n.equals(defaultVoice)).forEach(order::add);
    List<VoiceInfo> list = new ArrayList<>();
    for (String name : order) {
      LoadedVoice loaded = new LoadedVoice(available.get(name));
      voices.put(name, loaded);
      list.add(new VoiceInfo(name, "en-us", loaded.sampleRate, 1));
    }
    this.infos = List.copyOf(list);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<VoiceInfo> voices() {
    return infos;
  }

  @Override
  public AudioClip synthesize(SynthesisRequest request)
      throws VoiceNotAvailableException, IOException {
    VoiceInfo info = resolveVoice(request);
    if (request.speaker() != 0) {
      throw new VoiceNotAvailableException(
          "FreeTTS voices have one speaker; got " + request.speaker());
    }
    LoadedVoice loaded = voices.get(info.name());
    if (request.text().isBlank()) {
      return new AudioClip(new float[0], loaded.sampleRate);
    }
    synchronized (loaded) {
      loaded.player.takeSamples(); // drop leftovers of a failed call
      loaded.voice.setRate(loaded.naturalRate * request.rate());
      boolean ok = loaded.voice.speak(request.text());
      float[] samples = loaded.player.takeSamples();
      if (!ok) {
        throw new IOException("FreeTTS failed to speak the sentence");
      }
      int rate = loaded.player.sampleRate() > 0 ? loaded.player.sampleRate() : loaded.sampleRate;
      return new AudioClip(samples, rate);
    }
  }

  @Override
  public void close() {
    for (LoadedVoice loaded : voices.values()) {
      synchronized (loaded) {
        if (loaded.voice.isLoaded()) {
          loaded.voice.deallocate();
        }
      }
    }
  }
}
