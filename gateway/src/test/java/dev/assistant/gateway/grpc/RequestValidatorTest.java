package dev.assistant.gateway.grpc;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.assistant.api.v1.AudioEncoding;
import dev.assistant.api.v1.AudioInput;
import dev.assistant.api.v1.Image;
import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Turn;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RequestValidatorTest {
  private final RequestValidator v =
      new RequestValidator(new Limits(100, 1000, 64_000, 1.0, 256, 4));

  private static String reason(Executable e) {
    StatusRuntimeException ex = assertThrows(StatusRuntimeException.class, e);
    assertEquals(Status.Code.INVALID_ARGUMENT, ex.getStatus().getCode());
    return ex.getStatus().getDescription();
  }

  private static Image image(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return Image.newBuilder().setData(ByteString.copyFrom(bytes)).build();
  }

  @Test
  void imagesAreCheckedBySizeAndMagicBytes() {
    assertDoesNotThrow(() -> v.image(image(0x89, 'P', 'N', 'G', 13, 10, 26, 10)));
    assertDoesNotThrow(() -> v.image(image(0xff, 0xd8, 0xff, 0)));
    assertDoesNotThrow(() -> v.image(image('R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P')));
    assertEquals(
        "image: not a PNG, JPEG or WebP file",
        reason(() -> v.image(image('G', 'I', 'F', '8', '9', 'a'))));
    assertEquals("image: data is empty", reason(() -> v.image(image())));
    assertTrue(
        reason(
                () ->
                    v.image(
                        Image.newBuilder().setData(ByteString.copyFrom(new byte[1001])).build()))
            .contains("exceeds the limit of 1000"));
  }

  @Test
  void audioIsCheckedByFormatSizeAndDuration() {
    AudioInput.Builder pcm =
        AudioInput.newBuilder()
            .setEncoding(AudioEncoding.AUDIO_ENCODING_PCM16)
            .setSampleRate(16000)
            .setChannels(1);
    assertDoesNotThrow(() -> v.audio(pcm.setData(ByteString.copyFrom(new byte[32000])).build()));
    assertTrue(
        reason(() -> v.audio(pcm.setData(ByteString.copyFrom(new byte[32002])).build()))
            .contains("exceeds the limit of 1 s"));
    assertTrue(
        reason(() -> v.audio(pcm.setData(ByteString.copyFrom(new byte[3])).build()))
            .contains("whole number of frames"));
    assertTrue(
        reason(
                () ->
                    v.audio(pcm.setSampleRate(0).setData(ByteString.copyFrom(new byte[4])).build()))
            .contains("sample_rate"));
    assertTrue(
        reason(
                () ->
                    v.audio(
                        AudioInput.newBuilder()
                            .setData(ByteString.copyFromUtf8("hello world, not audio"))
                            .build()))
            .contains("is not WAV, FLAC, MP3 or Ogg Vorbis"));
    assertTrue(
        reason(
                () ->
                    v.audio(
                        AudioInput.newBuilder()
                            .setEncoding(AudioEncoding.AUDIO_ENCODING_FLAC)
                            .setData(ByteString.copyFromUtf8("OggS...."))
                            .build()))
            .contains("is not FLAC"));
    assertDoesNotThrow(
        () ->
            v.audio(AudioInput.newBuilder().setData(ByteString.copyFromUtf8("fLaC....")).build()));
    assertTrue(
        reason(
                () ->
                    v.audio(
                        AudioInput.newBuilder()
                            .setData(ByteString.copyFrom(new byte[64_001]))
                            .build()))
            .contains("exceeds the limit"));
  }

  private static ByteString wav(int rate, int channels, int bits, int dataBytes) {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(44 + dataBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + dataBytes).put("WAVE".getBytes());
    b.put("fmt ".getBytes())
        .putInt(16)
        .putShort((short) 1)
        .putShort((short) channels)
        .putInt(rate)
        .putInt(rate * channels * bits / 8)
        .putShort((short) (channels * bits / 8))
        .putShort((short) bits);
    b.put("data".getBytes()).putInt(dataBytes);
    return ByteString.copyFrom(b.array());
  }

  @Test
  void wavDurationIsReadFromTheHeader() {
    assertEquals(0.5, RequestValidator.wavSeconds(wav(8000, 2, 16, 16000)).getAsDouble(), 1e-9);
    assertDoesNotThrow(
        () -> v.audio(AudioInput.newBuilder().setData(wav(8000, 1, 16, 16000)).build()));
    assertTrue(
        reason(() -> v.audio(AudioInput.newBuilder().setData(wav(8000, 1, 8, 16000)).build()))
            .contains("2.0 s exceeds the limit of 1 s"));
    assertTrue(RequestValidator.wavSeconds(ByteString.copyFromUtf8("RIFF....WAVEjunk")).isEmpty());
  }

  @Test
  void optionsOutsideTheirRangesAreNamed() {
    assertDoesNotThrow(() -> v.options(RequestOptions.getDefaultInstance()));
    assertTrue(
        reason(() -> v.options(RequestOptions.newBuilder().setTemperature(2.5f).build()))
            .startsWith("options.temperature"));
    assertTrue(
        reason(() -> v.options(RequestOptions.newBuilder().setTopP(Float.NaN).build()))
            .startsWith("options.top_p"));
    assertTrue(
        reason(() -> v.options(RequestOptions.newBuilder().setMaxTokens(257).build()))
            .startsWith("options.max_tokens"));
    assertTrue(
        reason(() -> v.options(RequestOptions.newBuilder().setLanguage("english").build()))
            .startsWith("options.language"));
    assertTrue(
        reason(() -> v.options(RequestOptions.newBuilder().setSpeakingRate(9).build()))
            .startsWith("options.speaking_rate"));
    assertTrue(
        reason(() -> v.options(RequestOptions.newBuilder().setOutputSampleRate(4000).build()))
            .startsWith("options.output_sample_rate"));
    assertTrue(
        reason(() -> v.options(RequestOptions.newBuilder().setVoice("../etc/passwd").build()))
            .startsWith("options.voice"));
    assertTrue(
        reason(
                () ->
                    v.options(
                        RequestOptions.newBuilder()
                            .addHistory(Turn.newBuilder().setRole("system"))
                            .build()))
            .contains("role"));
    assertTrue(
        reason(() -> v.options(RequestOptions.newBuilder().setSpeechTaskValue(9).build()))
            .contains("unknown enum"));
  }

  @Test
  void numbersInReasonsPrintAsTheirFieldsType() {
    assertEquals(
        "options.max_tokens: -1 is outside [0, 256]",
        reason(() -> v.options(RequestOptions.newBuilder().setMaxTokens(-1).build())));
    assertEquals(
        "options.output_sample_rate: 4000 is outside [8000, 48000]",
        reason(() -> v.options(RequestOptions.newBuilder().setOutputSampleRate(4000).build())));
    assertEquals(
        "options.top_p: 1.1 is outside [0, 1]",
        reason(() -> v.options(RequestOptions.newBuilder().setTopP(1.1f).build())));
    assertEquals(
        "options.speaking_rate: 0.1 is outside [0.25, 4]",
        reason(() -> v.options(RequestOptions.newBuilder().setSpeakingRate(0.1f).build())));
  }

  @Test
  void recognizerOptionsWithoutAudioAreRefused() {
    assertDoesNotThrow(
        () ->
            v.speechOptionsNeedAudio(
                RequestOptions.newBuilder().setLanguage("de").build(), /* hasAudio= */ true));
    assertDoesNotThrow(
        () ->
            v.speechOptionsNeedAudio(
                RequestOptions.newBuilder().setSpeechLanguage("de").setMaxTokens(5).build(),
                false));
    assertTrue(
        reason(
                () ->
                    v.speechOptionsNeedAudio(
                        RequestOptions.newBuilder().setLanguage("de").build(), false))
            .startsWith("options.language: applies to speech recognition"));
    assertTrue(
        reason(
                () ->
                    v.speechOptionsNeedAudio(
                        RequestOptions.newBuilder().setBeamSize(3).build(), false))
            .startsWith("options.beam_size"));
  }

  @Test
  void singleStageModesNeedExactlyTheirInput() {
    RequestOptions transcribe = RequestOptions.newBuilder().setSkipAnswer(true).build();
    RequestOptions speak = RequestOptions.newBuilder().setSpeakPrompt(true).build();
    assertDoesNotThrow(() -> v.stages(transcribe, true, false, ""));
    assertDoesNotThrow(() -> v.stages(speak, false, false, "Say this."));
    assertTrue(reason(() -> v.stages(transcribe, false, false, "")).contains("needs audio"));
    assertTrue(reason(() -> v.stages(transcribe, true, true, "")).contains("skip_answer"));
    assertTrue(reason(() -> v.stages(speak, false, false, " ")).contains("needs a prompt"));
    assertTrue(reason(() -> v.stages(speak, true, false, "x")).contains("no audio or image"));
    assertTrue(
        reason(() -> v.stages(speak.toBuilder().setSkipSpeech(true).build(), false, false, "x"))
            .contains("skip_speech"));
    assertTrue(
        reason(() -> v.stages(speak.toBuilder().setSkipAnswer(true).build(), true, false, "x"))
            .contains("exclude each other"));
  }

  @Test
  void requestIdsAndPromptsAreBounded() {
    assertDoesNotThrow(() -> v.requestId("batch-2026.11:23_x"));
    assertTrue(reason(() -> v.requestId("has space")).startsWith("request_id"));
    assertTrue(reason(() -> v.requestId("x".repeat(129))).startsWith("request_id"));
    assertTrue(
        reason(() -> v.prompt("y".repeat(101)))
            .contains("101 characters exceeds the limit of 100"));
  }
}
