package dev.assistant.llm.backend.nn;

import ai.djl.ndarray.NDArray;

/**
 * {@code y = x·Wᵀ + b} for a weight {@code W[out][in]}, like {@code torch.nn.Linear}.
 *
 * <p>Thread-safety: implementations are safe for concurrent {@link #forward} calls.
 */
public interface Linear extends AutoCloseable {
  int in();

  int out();

  /**
   * @param x {@code [n, in]} in the compute dtype
   * @return {@code [n, out]}, attached to {@code x}'s manager
   */
  NDArray forward(NDArray x);

  /** Bytes of weights held (codes and scales for quantized layers). */
  long residentBytes();

  @Override
  void close();
}
