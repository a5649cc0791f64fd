package dev.assistant.gateway.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assistant.api.v1.AskRequest;
import dev.assistant.api.v1.AudioEncoding;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatRequestTest {
  private static JsonNode json(String s) throws Exception {
    return Endpoint.JSON.readTree(s.replace('\'', '"'));
  }

  @Test
  void mapsMessagesToSystemPromptHistoryPromptAndImage() throws Exception {
    ChatRequest r =
        ChatRequest.parse(
            json(
                "{'model':'m','max_completion_tokens':7,'temperature':0.5,'top_p':0.9,'seed':42,"
                    + "'stream':true,'stream_options':{'include_usage':true},'stop':['END'],"
                    + "'messages':[{'role':'system','content':'Be brief.'},"
                    + "{'role':'user','content':'Hi'},"
                    + "{'role':'assistant','content':[{'type':'text','text':'Hello!'}]},"
                    + "{'role':'user','content':[{'type':'text','text':'What is this?'},"
                    + "{'type':'image_url','image_url':{'url':'data:image/png;base64,iVBORw0KGgo='}}]}]}"));
    AskRequest ask = r.ask();
    assertEquals("What is this?", ask.getPrompt());
    assertEquals("Be brief.", ask.getOptions().getSystemPrompt());
    assertEquals(2, ask.getOptions().getHistoryCount());
    assertEquals("user", ask.getOptions().getHistory(0).getRole());
    assertEquals("Hello!", ask.getOptions().getHistory(1).getText());
    assertEquals("image/png", ask.getImage().getMimeType());
    assertEquals(8, ask.getImage().getData().size());
    assertEquals(7, ask.getOptions().getMaxTokens());
    assertEquals(0.5f, ask.getOptions().getTemperature());
    assertEquals(42L, ask.getOptions().getSeed());
    assertTrue(ask.getOptions().getSkipSpeech());
    assertTrue(r.stream() && r.includeUsage());
    assertEquals(List.of("END"), r.stops());
    assertEquals("m", r.model());
  }

  @Test
  void inputAudioRunsTheRecognizerFirst() throws Exception {
    ChatRequest r =
        ChatRequest.parse(
            json(
                "{'max_tokens':3,'messages':[{'role':'user','content':["
                    + "{'type':'input_audio','input_audio':{'data':'UklGRg==','format':'wav'}}]}]}"));
    assertEquals(AudioEncoding.AUDIO_ENCODING_WAV, r.ask().getAudio().getEncoding());
    assertEquals(4, r.ask().getAudio().getData().size());
    assertEquals("", r.ask().getPrompt());
    assertFalse(r.stream());
  }

  private static ApiError refused(String body) {
    return assertThrows(ApiError.class, () -> ChatRequest.parse(json(body)));
  }

  @Test
  void refusesWhatThePipelineCannotDoNamingTheField() {
    assertEquals("messages", refused("{'messages':[]}").param());
    assertEquals("n", refused("{'n':2,'messages':[{'role':'user','content':'x'}]}").param());
    assertEquals(
        "tools",
        refused("{'tools':[{'type':'function'}],'messages':[{'role':'user','content':'x'}]}")
            .param());
    assertEquals(
        "temperature",
        refused("{'temperature':3,'messages':[{'role':'user','content':'x'}]}").param());
    assertTrue(
        refused("{'messages':[{'role':'user','content':'x'},{'role':'assistant','content':'y'}]}")
            .getMessage()
            .contains("last message"));
    assertTrue(
        refused(
                "{'messages':[{'role':'user','content':[{'type':'image_url','image_url':"
                    + "{'url':'data:image/png;base64,AAAA'}}]},{'role':'user','content':'x'}]}")
            .getMessage()
            .contains("only accepted in the last user message"));
    assertTrue(
        refused(
                "{'messages':[{'role':'user','content':[{'type':'input_audio','input_audio':"
                    + "{'data':'AAAA','format':'flac'}}]}]}")
            .getMessage()
            .contains("wav or mp3"));
    assertEquals(
        "messages[0].role", refused("{'messages':[{'role':'tool','content':'x'}]}").param());
  }
}
