package dev.assistant.gateway.grpc;

import dev.assistant.api.v1.AudioEncoding;
import dev.assistant.api.v1.AudioInput;
import dev.assistant.api.v1.Image;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Turn;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.regex.Pattern;

/**
 * Checks requests before anything is published: sizes, formats by their magic bytes, option ranges.
 * Every failure is INVALID_ARGUMENT naming the field and the reason.
 */
public final class RequestValidator {
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern LANGUAGE = Pattern.compile("auto|[a-z]{2,3}(-[A-Za-z]{2,4})?");
  private static final Pattern VOICE = Pattern.compile("[A-Za-z0-9_.+-]{1,64}");

  private final Limits limits;

  public RequestValidator(Limits limits) {
    this.limits = limits;
  }

  static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  public void requestId(String id) {
    if (!REQUEST_ID.matcher(id).matches()) {
      throw invalid("request_id: must be 1-128 characters of [A-Za-z0-9._:-]");
    }
  }

  public void prompt(String prompt) {
    if (prompt.length() > limits.promptChars()) {
      throw invalid(
          "prompt: "
              + prompt.length()
              + " characters exceeds the limit of "
              + limits.promptChars());
    }
  }

  public void image(Image image) {
    byte[] head = image.getData().substring(0, Math.min(16, image.getData().size())).toByteArray();
    if (image.getData().isEmpty()) {
      throw invalid("image: data is empty");
    }
    if (image.getData().size() > limits.imageBytes()) {
      throw invalid(
          "image: "
              + image.getData().size()
              + " bytes exceeds the limit of "
              + limits.imageBytes());
    }
    if (!isPng(head) && !isJpeg(head) && !isWebp(head)) {
      throw invalid("image: not a PNG, JPEG or WebP file");
    }
  }

  /** Whole audio of a unary request. */
  public void audio(AudioInput audio) {
    if (audio.getData().isEmpty()) {
      throw invalid("audio: data is empty");
    }
    if (audio.getData().size() > limits.audioBytes()) {
      throw invalid(
          "audio: "
              + audio.getData().size()
              + " bytes exceeds the limit of "
              + limits.audioBytes());
    }
    audioFormat(audio.getEncoding(), audio.getSampleRate(), audio.getChannels());
    byte[] head = audio.getData().substring(0, Math.min(16, audio.getData().size())).toByteArray();
    if (audio.getEncoding() == AudioEncoding.AUDIO_ENCODING_PCM16) {
      int frame = 2 * audio.getChannels();
      if (audio.getData().size() % frame != 0) {
        throw invalid("audio: PCM16 data length is not a whole number of frames");
      }
      pcmSeconds(audio.getData().size(), audio.getSampleRate(), audio.getChannels());
    } else if (isWav(head)
        && (audio.getEncoding() == AudioEncoding.AUDIO_ENCODING_WAV
            || audio.getEncoding() == AudioEncoding.AUDIO_ENCODING_UNSPECIFIED)) {
      wavSeconds(audio.getData()).ifPresent(s -> checkSeconds(s));
    } else if (!matchesEncoding(audio.getEncoding(), head)) {
      throw invalid(
          "audio: data is not "
              + (audio.getEncoding() == AudioEncoding.AUDIO_ENCODING_UNSPECIFIED
                  ? "WAV, FLAC, MP3 or Ogg Vorbis"
                  : audio.getEncoding().name().substring("AUDIO_ENCODING_".length())));
    }
  }

  /** Declared format of streamed or unary audio. */
  public void audioFormat(AudioEncoding encoding, int sampleRate, int channels) {
    if (encoding == AudioEncoding.UNRECOGNIZED) {
      throw invalid("audio: unknown encoding");
    }
    if (encoding == AudioEncoding.AUDIO_ENCODING_PCM16) {
      if (sampleRate < 8000 || sampleRate > 192_000) {
        throw invalid("audio: PCM16 needs sample_rate in [8000, 192000], got " + sampleRate);
      }
      if (channels < 1 || channels > 8) {
        throw invalid("audio: PCM16 needs channels in [1, 8], got " + channels);
      }
    }
  }

  /** Running total of streamed audio. */
  public void streamedAudio(long bytes, AudioEncoding encoding, int sampleRate, int channels) {
    if (bytes > limits.audioBytes()) {
      throw invalid("audio: more than the limit of " + limits.audioBytes() + " bytes");
    }
    if (encoding == AudioEncoding.AUDIO_ENCODING_PCM16) {
      pcmSeconds(bytes, sampleRate, channels);
    }
  }

  private void pcmSeconds(long bytes, int sampleRate, int channels) {
    checkSeconds(bytes / (2.0 * channels * sampleRate));
  }

  /**
   * Duration of a WAV file from its header, so an over-long file is refused before it is published.
   * Empty when the header does not say (a malformed file is left to the recognizer, which reports
   * precisely what is wrong).
   */
  static java.util.OptionalDouble wavSeconds(com.google.protobuf.ByteString wav) {
    java.nio.ByteBuffer b = wav.asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int pos = 12;
    int channels = 0;
    int rate = 0;
    int bits = 0;
    while (pos + 8 <= b.limit()) {
      int id = b.getInt(pos);
      long size = b.getInt(pos + 4) & 0xffffffffL;
      if (id == 0x20746d66 && pos + 24 <= b.limit()) { // "fmt "
        channels = b.getShort(pos + 10) & 0xffff;
        rate = b.getInt(pos + 12);
        bits = b.getShort(pos + 22) & 0xffff;
      } else if (id == 0x61746164) { // "data"
        if (channels <= 0 || rate <= 0 || bits <= 0) {
          return java.util.OptionalDouble.empty();
        }
        long available = b.limit() - (pos + 8L);
        long bytes = size == 0 || size == 0xffffffffL ? available : Math.min(size, available);
        return java.util.OptionalDouble.of(bytes / ((double) channels * ((bits + 7) / 8) * rate));
      }
      pos += 8 + size + (size & 1);
    }
    return java.util.OptionalDouble.empty();
  }

  private void checkSeconds(double seconds) {
    if (seconds > limits.audioSeconds()) {
      throw invalid(
          String.format(
              "audio: %.1f s exceeds the limit of %.0f s", seconds, limits.audioSeconds()));
    }
  }

  /**
   * Recognizer options mean nothing without speech: refused rather than silently ignored, so a
   * client that meant to send audio learns it did not.
   */
  public void speechOptionsNeedAudio(RequestOptions o, boolean hasAudio) {
    if (hasAudio) {
      return;
    }
    String field =
        !o.getLanguage().isEmpty()
            ? "options.language"
            : o.getSpeechTask() != dev.assistant.api.v1.SpeechTask.SPEECH_TASK_UNSPECIFIED
                ? "options.speech_task"
                : !o.getInitialPrompt().isEmpty()
                    ? "options.initial_prompt"
                    : o.getBeamSize() != 0
                        ? "options.beam_size"
                        : o.getSttTemperature() != 0 ? "options.stt_temperature" : null;
    if (field != null) {
      throw invalid(
          field
              + ": applies to speech recognition, but the request has no audio"
              + " (the spoken answer's language is options.speech_language)");
    }
  }

  public void options(RequestOptions o) {
    if (!o.getLanguage().isEmpty() && !LANGUAGE.matcher(o.getLanguage()).matches()) {
      throw invalid("options.language: '" + o.getLanguage() + "' is not a language code");
    }
    if (!o.getSpeechLanguage().isEmpty() && !LANGUAGE.matcher(o.getSpeechLanguage()).matches()) {
      throw invalid(
          "options.speech_language: '" + o.getSpeechLanguage() + "' is not a language code");
    }
    range("options.beam_size", o.getBeamSize(), 0, 16);
    range("options.stt_temperature", o.getSttTemperature(), 0, 1);
    range("options.max_tokens", o.getMaxTokens(), 0, limits.maxTokens());
    range("options.temperature", o.getTemperature(), 0, 2);
    range("options.top_p", o.getTopP(), 0, 1);
    range("options.top_k", o.getTopK(), 0, 1000);
    range("options.repetition_penalty", o.getRepetitionPenalty(), 0, 10);
    range("options.speaker", o.getSpeaker(), 0, 10_000);
    if (o.getSpeakingRate() != 0) {
      range("options.speaking_rate", o.getSpeakingRate(), 0.25, 4);
    }
    if (o.getOutputSampleRate() != 0) {
      range("options.output_sample_rate", o.getOutputSampleRate(), 8000, 48_000);
    }
    if (!o.getVoice().isEmpty() && !VOICE.matcher(o.getVoice()).matches()) {
      throw invalid("options.voice: must be 1-64 characters of [A-Za-z0-9_.+-]");
    }
    if (o.getSpeechTask() == dev.assistant.api.v1.SpeechTask.UNRECOGNIZED
        || o.getOutputFormat() == dev.assistant.api.v1.OutputAudioFormat.UNRECOGNIZED) {
      throw invalid("options: unknown enum value");
    }
    prompt(o.getSystemPrompt());
    prompt(o.getInitialPrompt());
    if (o.getHistoryCount() > limits.historyTurns()) {
      throw invalid("options.history: more than " + limits.historyTurns() + " turns");
    }
    long historyChars = 0;
    for (Turn t : o.getHistoryList()) {
      if (!t.getRole().equals("user") && !t.getRole().equals("assistant")) {
        throw invalid(
            "options.history: role must be 'user' or 'assistant', got '" + t.getRole() + "'");
      }
      historyChars += t.getText().length();
    }
    if (historyChars > 4L * limits.promptChars()) {
      throw invalid("options.history: " + historyChars + " characters is too long");
    }
  }

  /**
   * The single-stage modes: transcription only needs speech and nothing else to answer; synthesis
   * only needs text to speak and nothing a recognizer or the language model would consume.
   */
  public void stages(RequestOptions o, boolean hasAudio, boolean hasImage, String prompt) {
    if (o.getSkipAnswer() && o.getSpeakPrompt()) {
      throw invalid("options: skip_answer and speak_prompt exclude each other");
    }
    if (o.getSkipAnswer() && (!hasAudio || hasImage || !prompt.isEmpty())) {
      throw invalid("options.skip_answer: needs audio and no prompt or image");
    }
    if (o.getSpeakPrompt()) {
      if (prompt.isBlank()) {
        throw invalid("options.speak_prompt: needs a prompt to speak");
      }
      if (hasAudio || hasImage) {
        throw invalid("options.speak_prompt: takes no audio or image");
      }
      if (o.getSkipSpeech()) {
        throw invalid("options.speak_prompt: skip_speech would leave nothing to do");
      }
    }
  }

  private static void range(String field, long v, long min, long max) {
    if (v < min || v > max) {
      throw invalid(field + ": " + v + " is outside [" + min + ", " + max + "]");
    }
  }

  /** Float fields print as the float they are (0.1, not 0.10000000149011612). */
  private static void range(String field, float v, double min, double max) {
    if (Float.isNaN(v) || v < min || v > max) {
      throw invalid(field + ": " + v + " is outside [" + fmt(min) + ", " + fmt(max) + "]");
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  static boolean isPng(byte[] h) {
    return h.length >= 8 && (h[0] & 0xff) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G';
  }

  static boolean isJpeg(byte[] h) {
    return h.length >= 3 && (h[0] & 0xff) == 0xff && (h[1] & 0xff) == 0xd8 && (h[2] & 0xff) == 0xff;
  }

  static boolean isWebp(byte[] h) {
    return h.length >= 12
        && h[0] == 'R'
        && h[1] == 'I'
        && h[2] == 'F'
        && h[3] == 'F'
        && h[8] == 'W'
        && h[9] == 'E'
        && h[10] == 'B'
        && h[11] == 'P';
  }

  static boolean isWav(byte[] h) {
    return h.length >= 12
        && h[0] == 'R'
        && h[1] == 'I'
        && h[2] == 'F'
        && h[3] == 'F'
        && h[8] == 'W'
        && h[9] == 'A'
        && h[10] == 'V'
        && h[11] == 'E';
  }

  private static boolean matchesEncoding(AudioEncoding e, byte[] h) {
    boolean wav = isWav(h);
    boolean flac = h.length >= 4 && h[0] == 'f' && h[1] == 'L' && h[2] == 'a' && h[3] == 'C';
    boolean ogg = h.length >= 4 && h[0] == 'O' && h[1] == 'g' && h[2] == 'g' && h[3] == 'S';
    boolean mp3 =
        h.length >= 3
            && ((h[0] == 'I' && h[1] == 'D' && h[2] == '3')
                || ((h[0] & 0xff) == 0xff && (h[1] & 0xe0) == 0xe0));
    return switch (e) {
      case AUDIO_ENCODING_WAV -> wav;
      case AUDIO_ENCODING_FLAC -> flac;
      case AUDIO_ENCODING_OGG_VORBIS -> ogg;
      case AUDIO_ENCODING_MP3 -> mp3;
      case AUDIO_ENCODING_UNSPECIFIED -> wav || flac || ogg || mp3;
      default -> true;
    };
  }
}
