package dev.assistant.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.common.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleTest {
  @Test
  void parsesCountsPerServiceByNameOrModule() {
    assertEquals(
        Map.of(StackService.STT, 2, StackService.LLM, 3, StackService.GATEWAY, 1),
        Scale.parse("stt=2, llm-worker=3,gateway=1"));
  }

  @Test
  void emptyMeansOneOfEach() {
    assertTrue(Scale.parse("").isEmpty());
    assertTrue(Scale.parse(" ").isEmpty());
    assertTrue(Scale.parse(null).isEmpty());
  }

  @Test
  void rejectsWhatIsNotServiceEqualsPositiveCount() {
    for (String bad :
        new String[] {"stt", "stt=0", "stt=-1", "stt=x", "asr=2", "stt=2,stt=3", "stt=17"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> Scale.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("launcher.scale"), e.getMessage());
    }
  }
}
