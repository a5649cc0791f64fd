package dev.assistant.llm.backend.safetensors;

/** Element types of safetensors tensors that this engine reads or writes. */
public enum TensorDType {
  F32(4),
  F16(2),
  BF16(2),
  /** Integer buffers (e.g. {@code position_ids}); skipped when loading weights. */
  I64(8);

  private final int bytes;

  TensorDType(int bytes) {
    this.bytes = bytes;
  }

  public int bytes() {
    return bytes;
  }

  /** The safetensors spelling, or an error naming the unsupported type. */
  public static TensorDType parse(String name, String tensor) {
    for (TensorDType t : values()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new CheckpointException(
        "tensor " + tensor + " has unsupported dtype " + name + " (expected F32, F16 or BF16)");
  }
}
