package dev.assistant.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.api.v1.AudioChunk;
import dev.assistant.api.v1.Event;
import dev.assistant.api.v1.OutputAudioFormat;
import dev.assistant.api.v1.Stage;
import dev.assistant.api.v1.StageTiming;
import dev.assistant.api.v1.Transcript;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Structural checks on a request's event stream. Random model weights make the words gibberish, so
 * these check structure, order and consistency, never wording.
 */
final class EventChecks {
  private EventChecks() {}

  /**
   * One request, sequence numbers 1..n without gaps, {@code accepted} first and exactly one
   * terminal event ({@code completed} or {@code error}), last.
   */
  static void wellFormed(List<Event> events) {
    assertFalse(events.isEmpty(), "no events");
    String id = events.get(0).getRequestId();
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      assertEquals(
          i + 1, e.getSequence(), "sequence numbers run 1..n without gaps: " + kinds(events));
      assertEquals(id, e.getRequestId(), "events of one request only");
    }
    assertTrue(events.get(0).hasAccepted(), "accepted comes first: " + kinds(events));
    long terminal = events.stream().filter(e -> e.hasCompleted() || e.hasError()).count();
    assertEquals(1, terminal, "exactly one terminal event: " + kinds(events));
    Event last = events.get(events.size() - 1);
    assertTrue(last.hasCompleted() || last.hasError(), "terminal event last: " + kinds(events));
  }

  /** A completed stream; the completion names exactly {@code stages} with timings. */
  static void completedWithTimings(List<Event> events, Set<Stage> stages) {
    Event last = events.get(events.size() - 1);
    assertTrue(last.hasCompleted(), "completed: " + kinds(events) + " " + last);
    Set<Stage> timed = EnumSet.noneOf(Stage.class);
    for (StageTiming t : last.getCompleted().getTimingsList()) {
      timed.add(t.getStage());
      assertTrue(
          t.getProcessing().getSeconds() >= 0 && t.getProcessing().getNanos() >= 0,
          "non-negative processing time: " + t);
    }
    assertEquals(stages, timed, "stages with timings");
    assertTrue(
        last.getCompleted().getTotal().getSeconds() > 0
            || last.getCompleted().getTotal().getNanos() > 0,
        "total time is set");
  }

  /**
   * Transcripts: at least one, all partial ones before exactly one final one, which is the last
   * transcript, comes before any answer text and reports the language.
   */
  static Transcript transcripts(List<Event> events, int minPartials) {
    List<Event> transcripts = events.stream().filter(Event::hasTranscript).toList();
    assertFalse(transcripts.isEmpty(), "transcripts: " + kinds(events));
    long finals = transcripts.stream().filter(e -> e.getTranscript().getFinal()).count();
    assertEquals(1, finals, "exactly one final transcript: " + kinds(events));
    Event finalEvent = transcripts.get(transcripts.size() - 1);
    assertTrue(finalEvent.getTranscript().getFinal(), "the final transcript comes last");
    assertTrue(
        transcripts.size() - 1 >= minPartials,
        "at least " + minPartials + " partial transcripts: " + kinds(events));
    for (Event e : transcripts) {
      assertEquals(Stage.STAGE_STT, e.getStage());
    }
    Transcript t = finalEvent.getTranscript();
    assertFalse(t.getLanguage().isEmpty(), "the final transcript reports the language");
    assertTrue(t.getAudioSeconds() > 0, "audio seconds: " + t.getAudioSeconds());
    int firstAnswer = firstIndex(events, e -> e.hasAnswerDelta() || e.hasAnswer());
    assertTrue(
        firstAnswer < 0 || events.indexOf(finalEvent) < firstAnswer,
        "the answer starts after the final transcript: " + kinds(events));
    return t;
  }

  /** Answer deltas, then exactly one answer whose text is their concatenation. */
  static String answer(List<Event> events) {
    List<Event> answers = events.stream().filter(Event::hasAnswer).toList();
    assertEquals(1, answers.size(), "exactly one answer: " + kinds(events));
    Event answer = answers.get(0);
    StringBuilder streamed = new StringBuilder();
    int tokens = 0;
    for (Event e : events) {
      if (e.hasAnswerDelta()) {
        assertTrue(e.getSequence() < answer.getSequence(), "deltas come before the answer");
        assertEquals(Stage.STAGE_LLM, e.getStage());
        streamed.append(e.getAnswerDelta().getText());
        tokens += e.getAnswerDelta().getTokenCount();
      }
    }
    String text = answer.getAnswer().getText();
    assertFalse(text.isEmpty(), "the answer has text");
    assertEquals(text, streamed.toString(), "deltas concatenate to the final answer");
    // Tokens that never complete a character (a trailing partial UTF-8 byte sequence) produce no
    // delta, so the deltas may cover fewer tokens than were generated, never more.
    int generated = answer.getAnswer().getUsage().getCompletionTokens();
    assertTrue(tokens > 0 && tokens <= generated, tokens + " streamed of " + generated + " tokens");
    assertTrue(answer.getAnswer().getUsage().getPromptTokens() > 0, "prompt tokens");
    assertTrue(
        Set.of("stop", "length").contains(answer.getAnswer().getFinishReason()),
        "finish reason: " + answer.getAnswer().getFinishReason());
    return text;
  }

  /**
   * Audio: every chunk in {@code format} at {@code sampleRate}, sentence indexes non-decreasing,
   * chunk indexes 0.. within a sentence, one {@code last_in_sentence} per sentence, exactly one
   * {@code last} (on the final chunk), some audio bytes, and every spoken sentence is part of the
   * answer, in order. Returns the sentence indexes.
   */
  static Set<Integer> audio(
      List<Event> events, OutputAudioFormat format, int sampleRate, String answerText) {
    List<AudioChunk> chunks = events.stream().filter(Event::hasAudio).map(Event::getAudio).toList();
    assertFalse(chunks.isEmpty(), "audio chunks: " + kinds(events));
    int previousSentence = -1;
    int expectedChunk = 0;
    long bytes = 0;
    List<String> spoken = new java.util.ArrayList<>();
    for (AudioChunk c : chunks) {
      assertEquals(format, c.getFormat(), "format");
      assertEquals(sampleRate, c.getSampleRate(), "sample rate");
      assertTrue(c.getSentenceIndex() >= previousSentence, "sentence indexes never go back");
      if (c.getSentenceIndex() != previousSentence) {
        expectedChunk = 0;
        previousSentence = c.getSentenceIndex();
        spoken.add(c.getText());
      }
      assertEquals(expectedChunk++, c.getChunkIndex(), "chunk indexes run 0.. per sentence");
      if (format == OutputAudioFormat.OUTPUT_AUDIO_FORMAT_WAV && c.getChunkIndex() == 0) {
        assertEquals(
            "RIFF", c.getData().substring(0, 4).toString(StandardCharsets.US_ASCII), "WAV header");
      }
      if (format == OutputAudioFormat.OUTPUT_AUDIO_FORMAT_PCM16) {
        assertEquals(0, c.getData().size() % 2, "PCM16 chunks hold whole samples");
      }
      bytes += c.getData().size();
    }
    assertTrue(bytes > 1000, "some audio was synthesized: " + bytes + " bytes");
    assertEquals(1, chunks.stream().filter(AudioChunk::getLast).count(), "exactly one last chunk");
    assertTrue(chunks.get(chunks.size() - 1).getLast(), "the last chunk is flagged last");
    Set<Integer> sentences =
        chunks.stream()
            .map(AudioChunk::getSentenceIndex)
            .collect(Collectors.toCollection(TreeSet::new));
    for (int s : sentences) {
      assertEquals(
          1,
          chunks.stream().filter(c -> c.getSentenceIndex() == s && c.getLastInSentence()).count(),
          "one last_in_sentence for sentence " + s);
    }
    // Sentences are spoken in answer order; one that normalizes to nothing (symbols only) is
    // skipped by the synthesizer, so the spoken text is an in-order selection of the answer.
    String answer = squeeze(answerText);
    int from = 0;
    for (String sentence : spoken) {
      int at = answer.indexOf(squeeze(sentence), from);
      assertTrue(at >= 0, "sentence '" + sentence + "' is part of the answer, in order");
      from = at + squeeze(sentence).length();
    }
    int firstDelta = firstIndex(events, Event::hasAnswerDelta);
    int firstAudio = firstIndex(events, Event::hasAudio);
    assertTrue(firstDelta < firstAudio, "audio follows answer text: " + kinds(events));
    return sentences;
  }

  private static String squeeze(String s) {
    return s.replaceAll("\\s+", "");
  }

  static int firstIndex(List<Event> events, java.util.function.Predicate<Event> p) {
    for (int i = 0; i < events.size(); i++) {
      if (p.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }

  static List<String> kinds(List<Event> events) {
    return events.stream().map(e -> e.getPayloadCase().name()).toList();
  }
}
