package dev.assistant.llm.backend.nn;

import ai.djl.ndarray.NDArray;

/** LLaVA's multimodal projector: linear → exact GELU → linear, vision features to text width. */
public final class Projector implements AutoCloseable {
  private final Linear first;
  private final Linear second;

  Projector(Linear first, Linear second) {
    this.first = first;
    this.second = second;
  }

  public NDArray forward(NDArray features) {
    return second.forward(Ops.gelu(first.forward(features)));
  }

  public long residentBytes() {
    return first.residentBytes() + second.residentBytes();
  }

  @Override
  public void close() {
    first.close();
    second.close();
  }
}
