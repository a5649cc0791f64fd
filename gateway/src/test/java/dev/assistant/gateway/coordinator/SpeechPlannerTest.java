package dev.assistant.gateway.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.api.v1.RequestOptions;
import dev.assistant.api.v1.Transcript;
import dev.assistant.internal.v1.CoordinatorState;
import dev.assistant.internal.v1.RequestRecord;
import dev.assistant.internal.v1.TtsRequestRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpeechPlannerTest {
  private static CoordinatorState.Builder state(RequestOptions.Builder options) {
    return CoordinatorState.newBuilder()
        .setRequest(RequestRecord.newBuilder().setRequestId("r").setOptions(options));
  }

  @Test
  void completeSentencesAreSpokenAtOnceAndTheRestWaits() {
    CoordinatorState.Builder s = state(RequestOptions.newBuilder().setVoice("amy"));
    List<TtsRequestRecord> first = SpeechPlanner.sentences(s, "Hello there. How a", false);
    assertEquals(1, first.size());
    assertEquals("Hello there.", first.get(0).getText().strip());
    assertEquals(0, first.get(0).getSentenceIndex());
    assertFalse(first.get(0).getLast());
    assertEquals("amy", first.get(0).getOptions().getVoice());
    assertEquals("How a", s.getPendingText().strip());

    List<TtsRequestRecord> rest = SpeechPlanner.sentences(s, s.getPendingText() + "re you?", true);
    assertEquals(1, rest.size());
    assertEquals("How are you?", rest.get(0).getText().strip());
    assertEquals(1, rest.get(0).getSentenceIndex());
    assertTrue(rest.get(0).getLast());
    assertEquals(2, s.getNextSentence());
  }

  @Test
  void aFinishedAnswerWithNothingLeftStillEndsTheAudioWithAnEmptyLastRecord() {
    CoordinatorState.Builder s = state(RequestOptions.newBuilder());
    List<TtsRequestRecord> end = SpeechPlanner.sentences(s, "", true);
    assertEquals(1, end.size());
    assertEquals("", end.get(0).getText());
    assertTrue(end.get(0).getLast());
  }

  @Test
  void theLanguageIsTheAskedOneElseTheRecognizedOne() {
    CoordinatorState.Builder asked = state(RequestOptions.newBuilder().setSpeechLanguage("de"));
    asked.setTranscript(Transcript.newBuilder().setLanguage("fr"));
    assertEquals("de", SpeechPlanner.sentences(asked, "Ja.", true).get(0).getLanguage());
    CoordinatorState.Builder heard = state(RequestOptions.newBuilder());
    heard.setTranscript(Transcript.newBuilder().setLanguage("fr"));
    assertEquals("fr", SpeechPlanner.sentences(heard, "Oui.", true).get(0).getLanguage());
  }

  @Test
  void nothingIsSpokenWhenSpeechIsSkipped() {
    CoordinatorState.Builder s = state(RequestOptions.newBuilder().setSkipSpeech(true));
    assertEquals(List.of(), SpeechPlanner.sentences(s, "One. Two.", true));
  }
}
