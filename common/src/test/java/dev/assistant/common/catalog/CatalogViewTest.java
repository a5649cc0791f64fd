package dev.assistant.common.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.assistant.api.v1.Stage;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.KafkaSettings;
import dev.assistant.internal.v1.CatalogRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogViewTest {
  @Test
  void entriesAreKeptPerInstanceAndWithdrawnByTombstones() {
    try (CatalogView view =
        new CatalogView(
            new KafkaSettings(Config.empty().with("kafka.bootstrap.servers", "127.0.0.1:1")),
            "catalog")) {
      CatalogRecord a =
          CatalogRecord.newBuilder().setStage(Stage.STAGE_TTS).setInstanceId("a").build();
      CatalogRecord b =
          CatalogRecord.newBuilder().setStage(Stage.STAGE_TTS).setInstanceId("b").build();
      view.apply(CatalogView.key(Stage.STAGE_TTS, "a"), a.toByteArray());
      view.apply(CatalogView.key(Stage.STAGE_TTS, "b"), b.toByteArray());
      view.apply(CatalogView.key(Stage.STAGE_TTS, "b"), b.toByteArray()); // restarted: same key
      view.apply("stage_stt/x", new byte[] {(byte) 0xff}); // malformed: skipped
      assertEquals(2, view.entries(Stage.STAGE_TTS).size());
      assertEquals(List.of(), view.entries(Stage.STAGE_STT));
      view.apply(CatalogView.key(Stage.STAGE_TTS, "a"), null);
      assertEquals(List.of(b), view.entries(Stage.STAGE_TTS));
    }
  }
}
