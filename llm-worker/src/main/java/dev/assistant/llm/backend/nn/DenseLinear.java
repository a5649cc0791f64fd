package dev.assistant.llm.backend.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.assistant.llm.quant.QuantKernels;

/**
 * A linear layer whose weight lives on the engine in fp32 or fp16, stored as {@code W[out][in]}.
 *
 * <p>A few rows (a continuous-batching decode step, a short prompt: 2 to {@link #FEW_ROWS}) are
 * multiplied as {@code (W · xᵀ)ᵀ}: the BLAS then walks W as the large left operand, which on this
 * CPU measured 2–2.5× faster for 4–64 rows than {@code x · Wᵀ}, where the library repacks all of W
 * on every call. Many rows (image features: 577 × 1024 → 4096) are 1.6× faster as {@code x · Wᵀ}.
 * One row is a matrix-vector product either way.
 *
 * <p>On the CPU, W is also split by output rows into one block per kernel thread ({@link
 * QuantKernels#parallelism()}) for single rows, and the blocks are multiplied at once from those
 * threads: the engine's BLAS runs a matrix-vector product on one core (measured 5632×2048: 3.1 ms
 * whole, 1.95 ms in two blocks), while its matrix products already use every core (two blocks were
 * no faster for 8 rows and 10% slower for 250). Blocks have at least {@link #MIN_BLOCK_ROWS} rows.
 */
public final class DenseLinear implements Linear {
  /** Up to this many rows, {@code (W · xᵀ)ᵀ}; see the class comment. */
  static final int FEW_ROWS = 64;

  /** Fewer output rows than this per block are not worth a thread. */
  static final int MIN_BLOCK_ROWS = 256;

  private final NDArray weight;

  /** {@code Wᵀ} as a view of {@link #weight}, made once: a view per call would pile up handles. */
  private final NDArray weightT;

  /** Transposed row blocks of {@link #weight} (views); just {@link #weightT} when not split. */
  private final NDArray[] blocksT;

  private final NDArray bias;
  private final int in;
  private final int out;

  private DenseLinear(NDArray weight, NDArray bias, int in, int out, int parts) {
    this.weight = weight;
    this.weightT = weight.transpose();
    this.blocksT = new NDArray[parts];
    for (int i = 0; i < parts; i++) {
      long r0 = (long) out * i / parts;
      long r1 = (long) out * (i + 1) / parts;
      blocksT[i] = parts == 1 ? weightT : weight.get(r0 + ":" + r1).transpose();
    }
    this.bias = bias;
    this.in = in;
    this.out = out;
  }

  /**
   * @param weight row-major {@code [out][in]}
   * @param bias {@code [out]} or null
   * @param storage FLOAT32 or FLOAT16
   */
  public static DenseLinear create(
      NDManager manager,
      float[] weight,
      int out,
      int in,
      float[] bias,
      DataType storage,
      DataType compute) {
    int parts =
        manager.getDevice().isGpu()
            ? 1
            : Math.max(1, Math.min(QuantKernels.parallelism(), out / MIN_BLOCK_ROWS));
    return create(manager, weight, out, in, bias, storage, compute, parts);
  }

  /** As above, with W split into {@code parts} row blocks multiplied in parallel. */
  static DenseLinear create(
      NDManager manager,
      float[] weight,
      int out,
      int in,
      float[] bias,
      DataType storage,
      DataType compute,
      int parts) {
    NDArray w = manager.create(weight, new Shape(out, in));
    if (storage != DataType.FLOAT32) {
      NDArray converted = w.toType(storage, false);
      w.close();
      w = converted;
    }
    NDArray b = null;
    if (bias != null) {
      b = manager.create(bias);
      if (compute != DataType.FLOAT32) {
        NDArray converted = b.toType(compute, false);
        b.close();
        b = converted;
      }
    }
    return new DenseLinear(w, b, in, out, parts);
  }

  @Override
  public int in() {
    return in;
  }

  @Override
  public int out() {
    return out;
  }

  @Override
  public NDArray forward(NDArray x) {
    DataType computeType = x.getDataType();
    NDArray xs = computeType == weight.getDataType() ? x : x.toType(weight.getDataType(), false);
    long rows = xs.getShape().get(0);
    NDArray y;
    if (rows == 1) {
      y = blocksT.length == 1 ? xs.matMul(weightT) : matVecInBlocks(xs);
    } else if (rows <= FEW_ROWS) {
      // The engine attaches a product to its left operand's manager, here the model's: move it
      // to the caller's, or every step's activations would live as long as the model.
      NDArray product = weight.matMul(xs.transpose());
      product.attach(x.getManager());
      y = product.transpose();
    } else {
      y = xs.matMul(weightT);
    }
    if (y.getDataType() != computeType) {
      y = y.toType(computeType, false);
    }
    return bias == null ? y : y.add(bias);
  }

  /** One row times each block of W, the blocks on the kernel threads at once. */
  private NDArray matVecInBlocks(NDArray row) {
    NDArray[] pieces = new NDArray[blocksT.length];
    QuantKernels.forEachPart(pieces.length, i -> pieces[i] = row.matMul(blocksT[i]));
    NDArray y = NDArrays.concat(new NDList(pieces), 1);
    for (NDArray piece : pieces) {
      piece.close();
    }
    return y;
  }

  @Override
  public long residentBytes() {
    return weight.getShape().size() * weight.getDataType().getNumOfBytes()
        + (bias == null ? 0 : bias.getShape().size() * bias.getDataType().getNumOfBytes());
  }

  @Override
  public void close() {
    for (NDArray block : blocksT) {
      if (block != weightT) {
        block.close();
      }
    }
    weightT.close();
    weight.close();
    if (bias != null) {
      bias.close();
    }
  }
}
