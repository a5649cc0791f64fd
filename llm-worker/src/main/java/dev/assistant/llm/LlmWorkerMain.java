package dev.assistant.llm;

import dev.assistant.api.v1.Stage;
import dev.assistant.common.config.Config;
import dev.assistant.common.kafka.Topics;
import dev.assistant.common.worker.WorkerMain;
import dev.assistant.llm.backend.llava.LlavaModel;
import dev.assistant.llm.quant.QuantKernels;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The llm-worker process: configuration → LLaVA model → {@link LlmHandler} → the transactional
 * worker loop, until SIGTERM. Usage: {@code java -jar llm-worker-all.jar [--config file]}.
 */
public final class LlmWorkerMain {
  private LlmWorkerMain() {}

  public static void main(String[] args) {
    Config config = Config.fromArgs(args);
    LlmSettings settings = LlmSettings.from(config);
    if (settings.kernelThreads() > 0) {
      QuantKernels.setParallelism(settings.kernelThreads());
    }
    LlavaModel model = LlavaModel.load(settings.model());
    LlmMetrics metrics = new LlmMetrics(PrometheusRegistry.defaultRegistry, model);
    LlmHandler handler = new LlmHandler(model, settings, metrics);
    int status =
        WorkerMain.run(
            Stage.STAGE_LLM,
            Topics::llmRequests,
            Topics::llmTokens,
            handler,
            config,
            handler,
            model);
    System.exit(status);
  }
}
