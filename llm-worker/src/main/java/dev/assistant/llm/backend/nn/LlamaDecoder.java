package dev.assistant.llm.backend.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.assistant.llm.backend.config.TextConfig;
import java.util.List;

/**
 * The Llama language model over input embeddings, processing any mix of sequences in one pass: each
 * {@link Chunk} is some new positions of one sequence (a whole prompt at prefill, one token at
 * decode). Projections and MLPs run on all rows together, so the weights are read once per step
 * whatever the batch; attention runs per sequence against its own cache.
 *
 * <p>Thread-safety: {@link #forward} may run concurrently only on disjoint caches; the scheduler
 * calls it from one thread.
 */
public final class LlamaDecoder implements AutoCloseable {
  /**
   * New positions of one sequence: {@code length} rows of input embeddings ({@code length ×
   * hidden}).
   */
  public record Chunk(KvCache cache, float[] embeddings, int length) {}

  private final TextConfig config;
  private final EmbeddingTable embeddings;
  private final List<LlamaLayer> layers;
  private final NDArray finalNorm;
  private final Linear lmHead;
  private final Rope rope;
  private final DataType compute;

  LlamaDecoder(
      TextConfig config,
      EmbeddingTable embeddings,
      List<LlamaLayer> layers,
      NDArray finalNorm,
      Linear lmHead,
      DataType compute) {
    this.config = config;
    this.embeddings = embeddings;
    this.layers = List.copyOf(layers);
    this.finalNorm = finalNorm;
    this.lmHead = lmHead;
    this.rope = new Rope(config.rope(), config.headDim());
    this.compute = compute;
  }

  public TextConfig config() {
    return config;
  }

  public DataType computeType() {
    return compute;
  }

  /** Input embeddings of token IDs, row-major {@code ids.length × hidden}. */
  public float[] embed(int[] ids) {
    int h = config.hiddenSize();
    float[] out = new float[ids.length * h];
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= embeddings.rows()) {
        throw new IllegalArgumentException("token id " + ids[i] + " outside the embedding table");
      }
      embeddings.row(ids[i], out, i * h);
    }
    return out;
  }

  /** A cache sized for {@code capacity} positions. */
  public KvCache newCache(NDManager parent, int capacity) {
    return new KvCache(
        parent, config.numLayers(), config.numKvHeads(), config.headDim(), capacity, compute);
  }

  /** Bytes of a cache for {@code capacity} positions. */
  public long cacheBytes(int capacity) {
    return KvCache.bytesFor(
        config.numLayers(), config.numKvHeads(), config.headDim(), capacity, compute);
  }

  /**
   * Runs the chunks, appending their keys and values to their caches.
   *
   * @param allPositions false: logits of each chunk's last position ({@code chunks × vocab}); true:
   *     logits of every position ({@code rows × vocab})
   * @return fp32 logits, row-major
   */
  public float[] forward(NDManager step, List<Chunk> chunks, boolean allPositions) {
    int h = config.hiddenSize();
    int rows = 0;
    for (Chunk c : chunks) {
      rows += c.length();
    }
    float[] input = new float[rows * h];
    int[] positions = new int[rows];
    int r = 0;
    for (Chunk c : chunks) {
      if (c.embeddings().length != c.length() * h) {
        throw new IllegalArgumentException("chunk embeddings do not match its length");
      }
      System.arraycopy(c.embeddings(), 0, input, r * h, c.length() * h);
      for (int i = 0; i < c.length(); i++) {
        positions[r + i] = c.cache().length() + i;
      }
      r += c.length();
    }
    NDArray x = step.create(input, new Shape(rows, h));
    if (compute != DataType.FLOAT32) {
      x = x.toType(compute, false);
    }
    float[][] javaRope = rope.tables(positions);
    NDArray[] cs = rope.tables(step, javaRope, positions.length, compute);
    for (int l = 0; l < layers.size(); l++) {
      x = layers.get(l).forward(step, x, chunks, cs[0], cs[1], javaRope, l);
    }
    for (Chunk c : chunks) {
      c.cache().advance(c.length());
    }
    if (!allPositions) {
      NDList last = new NDList();
      int end = 0;
      for (Chunk c : chunks) {
        end += c.length();
        last.add(x.get((end - 1) + ":" + end));
      }
      x = last.size() == 1 ? last.get(0) : NDArrays.concat(last, 0);
    }
    NDArray logits = lmHead.forward(Ops.rmsNorm(x, finalNorm, (float) config.rmsNormEps()));
    if (logits.getDataType() != DataType.FLOAT32) {
      logits = logits.toType(DataType.FLOAT32, false);
    }
    return logits.toFloatArray();
  }

  /**
   * Weight bytes a decode step reads from memory: every layer and the LM head (an embedding lookup
   * reads one row). Tokens/s cannot exceed memory bandwidth divided by this.
   */
  public long streamedBytesPerToken() {
    long sum = lmHead.residentBytes();
    for (LlamaLayer l : layers) {
      sum += l.residentBytes();
    }
    return sum;
  }

  /** Bytes of all decoder weights (embeddings, layers, norm, LM head unless tied and shared). */
  public long residentBytes() {
    long sum =
        embeddings.residentBytes()
            + finalNorm.getShape().size() * finalNorm.getDataType().getNumOfBytes();
    for (LlamaLayer l : layers) {
      sum += l.residentBytes();
    }
    boolean sharedHead =
        lmHead instanceof QuantizedLinear q && embeddings.quantized() == q.weight();
    return sum + (sharedHead ? 0 : lmHead.residentBytes());
  }

  @Override
  public void close() {
    layers.forEach(LlamaLayer::close);
    finalNorm.close();
    lmHead.close();
  }
}
