package dev.assistant.tts.backend.espeak;

import dev.assistant.audio.DecodedAudio;
import dev.assistant.audio.InvalidAudioException;
import dev.assistant.audio.WavReader;
import dev.assistant.tts.backend.AudioClip;
import dev.assistant.tts.backend.SynthesisRequest;
import dev.assistant.tts.backend.TextToSpeech;
import dev.assistant.tts.backend.VoiceInfo;
import dev.assistant.tts.backend.VoiceNotAvailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * espeak-ng (Debian package {@code espeak-ng}), run as a child process per sentence: over 100
 * languages, chosen by the request's language tag ("de", "pt-br"). A crash of the engine cannot
 * take the worker down, and the text travels on stdin, never through a shell.
 *
 * <p>Voices are the language codes listed by {@code espeak-ng --voices}; the configured default
 * comes first. Output is 22.05 kHz PCM16 read from the WAV espeak-ng writes to stdout.
 *
 * <p>Thread-safety: safe for concurrent use; every call runs its own process.
 */
public final class EspeakBackend implements TextToSpeech {
  public static final String NAME = "espeak";

  /** espeak-ng's default speed in words per minute, i.e. rate 1.0. */
  static final int NATURAL_WPM = 175;

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Path executable;
  private final List<VoiceInfo> voices;

  /**
   * Lists the installed voices.
   *
   * @throws IllegalStateException when the executable is missing, does not run, lists no voice or
   *     lacks the default voice
   */
  public EspeakBackend(Path executable, String defaultVoice) {
    if (!Files.isExecutable(executable)) {
      throw new IllegalStateException(
          "espeak-ng not found at "
              + executable
              + "; install the Debian package espeak-ng or set tts.espeak.path");
    }
    this.executable = executable;
    List<VoiceInfo> listed = listVoices();
    List<VoiceInfo> ordered = new ArrayList<>();
    listed.stream().filter(v -> v.name().equalsIgnoreCase(defaultVoice)).forEach(ordered::add);
    if (ordered.isEmpty()) {
      throw new IllegalStateException(
          "espeak-ng has no voice '" + defaultVoice + "' (see espeak-ng --voices)");
    }
    listed.stream().filter(v -> !v.name().equalsIgnoreCase(defaultVoice)).forEach(ordered::add);
    this.voices = List.copyOf(ordered);
  }

  private List<VoiceInfo> listVoices() {
    String out;
    try {
      out =
          new String(
              run(List.of(executable.toString(), "--voices"), new byte[0]), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run " + executable + " --voices: " + e.getMessage(), e);
    }
    List<VoiceInfo> list = new ArrayList<>();
    for (String line : out.split("\n")) {
      String[] cols = line.trim().split("\\s+");
      // Pty Language Age/Gender VoiceName File Other Languages
      if (cols.length >= 5 && cols[0].matches("\\d+")) {
        list.add(new VoiceInfo(cols[1], cols[1], 22_050, 1));
      }
    }
    if (list.isEmpty()) {
      throw new IllegalStateException(executable + " --voices listed no voice");
    }
    return list;
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
    VoiceInfo voice = resolveVoice(request);
    if (request.speaker() != 0) {
      throw new VoiceNotAvailableException(
          "espeak-ng voices have one speaker; got " + request.speaker());
    }
    if (request.text().isBlank()) {
      return new AudioClip(new float[0], voice.sampleRate());
    }
    int wpm = Math.max(80, Math.min(450, Math.round(NATURAL_WPM * request.rate())));
    byte[] wav =
        run(
            List.of(
                executable.toString(), "--stdout", "-v", voice.name(), "-s", Integer.toString(wpm)),
            request.text().getBytes(StandardCharsets.UTF_8));
    try {
      DecodedAudio audio = WavReader.readMono(wav);
      return new AudioClip(audio.samples(), audio.sampleRate());
    } catch (InvalidAudioException e) {
      throw new IOException("espeak-ng produced unreadable audio: " + e.getMessage(), e);
    }
  }

  /** Runs the command with {@code stdin}, returns stdout; fails on a non-zero exit or timeout. */
  private static byte[] run(List<String> command, byte[] stdin) throws IOException {
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    CompletableFuture<byte[]> stdout =
        CompletableFuture.supplyAsync(
            () -> {
              try (InputStream in = process.getInputStream()) {
                return in.readAllBytes();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin);
    }
    try {
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException(command.get(0) + " timed out after " + TIMEOUT);
      }
      byte[] out = stdout.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (process.exitValue() != 0) {
        throw new IOException(command.get(0) + " exited with status " + process.exitValue());
      }
      return out;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + command.get(0), e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      process.destroyForcibly();
      throw new IOException("cannot read the output of " + command.get(0), e);
    }
  }

  @Override
  public void close() {}
}
