package dev.assistant.llm.backend.llava;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.assistant.llm.backend.ChatTurn;
import dev.assistant.llm.backend.GenerationRequest;
import dev.assistant.llm.backend.GenerationResult;
import dev.assistant.llm.backend.InvalidRequestException;
import dev.assistant.llm.backend.TokenListener;
import dev.assistant.llm.backend.VisionLanguageModel;
import dev.assistant.llm.backend.batch.BatchScheduler;
import dev.assistant.llm.backend.batch.Sequence;
import dev.assistant.llm.backend.config.LlavaConfig;
import dev.assistant.llm.backend.image.ImageDecoder;
import dev.assistant.llm.backend.image.ImagePreprocessor;
import dev.assistant.llm.backend.image.PreprocessorConfig;
import dev.assistant.llm.backend.nn.LayerFactory;
import dev.assistant.llm.backend.nn.LlavaNetwork;
import dev.assistant.llm.backend.safetensors.Checkpoint;
import dev.assistant.llm.backend.sampling.TokenSampler;
import dev.assistant.llm.backend.text.ChatTemplate;
import dev.assistant.llm.backend.text.LlavaTokenizer;
import dev.assistant.llm.backend.text.PromptEncoder;
import dev.assistant.llm.backend.text.RenderedPrompt;
import dev.assistant.llm.backend.text.StreamingDetokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LLaVA-1.5 ({@code LlavaForConditionalGeneration}) on DJL's PyTorch engine: chat template →
 * tokenizer with {@code <image>} expanded to the image's patch positions → CLIP vision tower →
 * projector → image features spliced into the token embeddings → Llama decoder with KV cache,
 * continuously batched across concurrent requests.
 *
 * <p>Thread-safety: thread-safe. Prompt building, image decoding and the vision tower run on the
 * caller's thread; prefill and decode steps run on the scheduler thread.
 */
public final class LlavaModel implements VisionLanguageModel {
  private static final Logger LOG = LoggerFactory.getLogger(LlavaModel.class);

  private final LlavaOptions options;
  private final LlavaConfig config;
  private final NDManager manager;
  private final LlavaTokenizer tokenizer;
  private final ChatTemplate template;
  private final ImagePreprocessor preprocessor;
  private final LlavaNetwork network;
  private final BatchScheduler scheduler;
  private final int contextLength;
  private final Device device;

  private LlavaModel(
      LlavaOptions options,
      LlavaConfig config,
      NDManager manager,
      LlavaTokenizer tokenizer,
      ChatTemplate template,
      ImagePreprocessor preprocessor,
      LlavaNetwork network,
      Device device) {
    this.options = options;
    this.config = config;
    this.manager = manager;
    this.tokenizer = tokenizer;
    this.template = template;
    this.preprocessor = preprocessor;
    this.network = network;
    this.device = device;
    this.contextLength =
        options.contextLength() > 0
            ? Math.min(options.contextLength(), config.text().maxPositions())
            : config.text().maxPositions();
    this.scheduler =
        new BatchScheduler(network.decoder(), manager, options.maxBatch(), options.kvBudgetBytes());
  }

  /** Loads the checkpoint in {@code options.modelDir()}; configuration errors name the file. */
  public static LlavaModel load(LlavaOptions options) {
    LlavaConfig config = LlavaConfig.load(options.modelDir());
    PreprocessorConfig pre =
        PreprocessorConfig.load(options.modelDir(), config.vision().imageSize());
    ChatTemplate template = ChatTemplate.load(options.modelDir());
    Engine engine = Engine.getEngine("PyTorch");
    Device device = selectDevice(engine, options.device());
    DataType compute = device.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
    LlavaTokenizer tokenizer = LlavaTokenizer.load(options.modelDir());
    NDManager manager = engine.newBaseManager(device);
    long start = System.nanoTime();
    try (Checkpoint ckpt = Checkpoint.open(options.modelDir())) {
      LayerFactory factory =
          new LayerFactory(manager, options.format(), compute, options.quantBlockSize());
      LlavaNetwork network = LlavaNetwork.load(ckpt, config, factory);
      LlavaModel model =
          new LlavaModel(
              options,
              config,
              manager,
              tokenizer,
              template,
              new ImagePreprocessor(pre, config.vision().imageSize()),
              network,
              device);
      LOG.info("loaded {} in {} ms", model.describe(), (System.nanoTime() - start) / 1_000_000);
      return model;
    } catch (RuntimeException e) {
      manager.close();
      tokenizer.close();
      throw e;
    }
  }

  static Device selectDevice(Engine engine, String choice) {
    boolean gpu = engine.getGpuCount() > 0;
    return switch (choice) {
      case "cpu" -> Device.cpu();
      case "gpu" -> {
        if (!gpu) {
          throw new IllegalStateException("llm.device=gpu but the PyTorch engine sees no GPU");
        }
        yield Device.gpu();
      }
      default -> gpu ? Device.gpu() : Device.cpu();
    };
  }

  public LlavaConfig config() {
    return config;
  }

  public LlavaTokenizer tokenizer() {
    return tokenizer;
  }

  public LlavaNetwork network() {
    return network;
  }

  public NDManager manager() {
    return manager;
  }

  /** Bytes of all weights held (quantized codes and scales, or dense arrays). */
  public long residentWeightBytes() {
    return network.residentBytes();
  }

  public int activeSequences() {
    return scheduler.activeSequences();
  }

  public long kvBytesInUse() {
    return scheduler.kvBytesInUse();
  }

  @Override
  public String describe() {
    return String.format(
        "LLaVA (Llama %d layers × %d, CLIP %d layers × %d @ %d px) %s on %s, %.1f MiB of weights",
        config.text().numLayers(),
        config.text().hiddenSize(),
        config.vision().numLayers(),
        config.vision().hiddenSize(),
        config.vision().imageSize(),
        options.format(),
        device,
        residentWeightBytes() / 1048576.0);
  }

  /** The prompt text after the chat template, before {@code <image>} expansion. */
  public String promptText(GenerationRequest request) {
    return renderedPrompt(request).text();
  }

  /** The prompt after the chat template, with where the request's own texts are in it. */
  RenderedPrompt renderedPrompt(GenerationRequest request) {
    List<ChatTurn> history = new ArrayList<>();
    for (ChatTurn t : request.history()) {
      history.add(new ChatTurn(t.role(), stripPlaceholder(t.text())));
    }
    String prompt = stripPlaceholder(request.prompt());
    boolean image = request.image().isPresent();
    Optional<RenderedPrompt> located =
        template.renderLocated(request.systemPrompt(), history, prompt, image);
    if (located.isPresent() || options.userSpecialTokens()) {
      return located.orElseGet(
          () ->
              new RenderedPrompt(
                  template.render(request.systemPrompt(), history, prompt, image), List.of()));
    }
    // The template rewrites the texts, so they cannot be found in its output: take control
    // tokens out of them instead.
    List<ChatTurn> cleaned = new ArrayList<>();
    history.forEach(t -> cleaned.add(new ChatTurn(t.role(), withoutAddedTokens(t.text()))));
    return new RenderedPrompt(
        template.render(
            withoutAddedTokens(request.systemPrompt()), cleaned, withoutAddedTokens(prompt), image),
        List.of());
  }

  private String withoutAddedTokens(String text) {
    String out = text;
    for (String token : tokenizer.addedTokens().keySet()) {
      out = out.replace(token, "");
    }
    return out;
  }

  /** Users cannot inject image placeholders: only the template places them. */
  private static String stripPlaceholder(String text) {
    return text.replace(ChatTemplate.IMAGE, "");
  }

  /** Token IDs of a request's prompt, with {@code <image>} expanded to the image's positions. */
  public int[] promptTokens(GenerationRequest request) {
    RenderedPrompt prompt = renderedPrompt(request);
    if (prompt.text().startsWith(tokenizer.bosToken())) {
      // The tokenizer adds BOS itself; a template that also writes it would double it.
      prompt = prompt.dropFirst(tokenizer.bosToken().length());
    }
    int placeholders = countOccurrences(prompt.text(), ChatTemplate.IMAGE);
    int images = request.image().isPresent() ? 1 : 0;
    if (placeholders != images) {
      throw new InvalidRequestException(
          "the chat template placed "
              + placeholders
              + " image placeholders for "
              + images
              + " images");
    }
    return new PromptEncoder(tokenizer)
        .encode(prompt, ChatTemplate.IMAGE, config.imageTokens(), options.userSpecialTokens());
  }

  private static int countOccurrences(String s, String sub) {
    int n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
      n++;
    }
    return n;
  }

  /** Projected image features, {@code imageTokens × hidden} row-major. */
  public float[] encodeImage(byte[] image) {
    float[] pixels =
        preprocessor.process(
            ImageDecoder.decode(image, options.maxImageBytes(), options.maxImagePixels()));
    return encodePixels(pixels);
  }

  /** Projected features of preprocessed pixels. */
  public float[] encodePixels(float[] pixels) {
    try (NDManager step = manager.newSubManager()) {
      NDArray features = network.projector().forward(network.vision().encode(step, pixels));
      if (features.getDataType() != DataType.FLOAT32) {
        features = features.toType(DataType.FLOAT32, false);
      }
      return features.toFloatArray();
    }
  }

  /** Input embeddings of a prompt: token rows, with image rows at the image token positions. */
  public float[] promptEmbeddings(int[] ids, float[] imageFeatures) {
    float[] emb = network.decoder().embed(replaceImageTokens(ids));
    if (imageFeatures == null) {
      return emb;
    }
    int h = config.text().hiddenSize();
    int k = 0;
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == config.imageTokenId()) {
        System.arraycopy(imageFeatures, k * h, emb, i * h, h);
        k++;
      }
    }
    if (k * h != imageFeatures.length) {
      throw new InvalidRequestException(
          "prompt has " + k + " image positions but the image has " + imageFeatures.length / h);
    }
    return emb;
  }

  /**
   * Image token IDs may lie outside the embedding table's trained rows; their rows are replaced
   * anyway.
   */
  private int[] replaceImageTokens(int[] ids) {
    int[] copy = ids.clone();
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] == config.imageTokenId()) {
        copy[i] = 0;
      }
    }
    return copy;
  }

  @Override
  public GenerationResult generate(GenerationRequest request, TokenListener listener)
      throws InterruptedException {
    int[] ids = promptTokens(request);
    if (ids.length >= contextLength) {
      throw new InvalidRequestException(
          "prompt of " + ids.length + " tokens does not fit the context of " + contextLength);
    }
    float[] features = request.image().map(this::encodeImage).orElse(null);
    float[] embeddings = promptEmbeddings(ids, features);
    int capacity = Math.min(contextLength, ids.length + request.sampling().maxNewTokens());
    TokenSampler sampler = new TokenSampler(request.sampling(), config.text().vocabSize());
    for (int id : ids) {
      sampler.observe(id);
    }
    Sequence seq =
        new Sequence(
            embeddings,
            ids.length,
            capacity,
            request.sampling(),
            sampler,
            new StreamingDetokenizer(tokenizer),
            listener,
            request.cancelled(),
            request.deadline(),
            tokenizer.eosId() >= 0 ? tokenizer.eosId() : config.eosTokenId());
    try {
      scheduler.submit(seq);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage(), e);
    }
    try {
      return seq.result().get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("generation failed", cause);
    }
  }

  @Override
  public void close() {
    scheduler.close();
    network.close();
    manager.close();
    tokenizer.close();
  }
}
