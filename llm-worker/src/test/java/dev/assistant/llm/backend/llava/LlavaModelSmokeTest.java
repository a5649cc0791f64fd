package dev.assistant.llm.backend.llava;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.llm.TestModels;
import dev.assistant.llm.backend.FinishReason;
import dev.assistant.llm.backend.GenerationRequest;
import dev.assistant.llm.backend.GenerationResult;
import dev.assistant.llm.backend.SamplingOptions;
import dev.assistant.llm.backend.nn.WeightFormat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlavaModelSmokeTest {
  @Test
  void generatesStreamedTextFromTinyCheckpoint() throws Exception {
    try (LlavaModel model = TestModels.load(TestModels.tiny(), WeightFormat.FP32)) {
      List<String> deltas = new ArrayList<>();
      GenerationResult r =
          model.generate(
              GenerationRequest.text("Hello there", SamplingOptions.greedy(12)),
              (t, n) -> deltas.add(t));
      System.out.println(model.describe() + " -> " + r + " deltas " + deltas);
      assertEquals(FinishReason.LENGTH, r.finishReason());
      assertEquals(12, r.completionTokens());
      assertEquals(String.join("", deltas), r.text());
      assertTrue(r.promptTokens() > 3);
    }
  }
}
