package dev.assistant.llm.backend.safetensors;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.assistant.common.numeric.Half;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes one safetensors file. Tensors are declared up front (the header comes first) and their
 * data is produced one tensor at a time while writing, so no more than one tensor is in memory.
 */
public final class SafetensorsWriter {
  private record Pending(TensorInfo info, Supplier<float[]> data) {}

  private final Map<String, Pending> tensors = new LinkedHashMap<>();
  private long offset;

  /** Declares a tensor; {@code data} is called once, during {@link #write}. */
  public SafetensorsWriter add(
      String name, TensorDType dtype, long[] shape, Supplier<float[]> data) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    long bytes = n * dtype.bytes();
    tensors.put(
        name, new Pending(new TensorInfo(name, dtype, shape, offset, offset + bytes), data));
    offset += bytes;
    return this;
  }

  /** Total bytes of tensor data declared so far. */
  public long dataBytes() {
    return offset;
  }

  public void write(Path file) {
    JsonObject header = new JsonObject();
    JsonObject meta = new JsonObject();
    meta.addProperty("format", "pt");
    header.add("__metadata__", meta);
    for (Pending p : tensors.values()) {
      JsonObject t = new JsonObject();
      t.addProperty("dtype", p.info.dtype().name());
      JsonArray shape = new JsonArray();
      for (long d : p.info.shape()) {
        shape.add(d);
      }
      t.add("shape", shape);
      JsonArray offs = new JsonArray();
      offs.add(p.info.begin());
      offs.add(p.info.end());
      t.add("data_offsets", offs);
      header.add(p.info.name(), t);
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    // Pad the header with spaces so that tensor data starts 8-byte aligned, as the reference
    // writer does.
    int padded = (json.length + 7) / 8 * 8;
    byte[] headerBytes = new byte[padded];
    System.arraycopy(json, 0, headerBytes, 0, json.length);
    for (int i = json.length; i < padded; i++) {
      headerBytes[i] = ' ';
    }
    try (OutputStream out =
        new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(headerBytes);
      byte[] chunk = new byte[1 << 20];
      for (Pending p : tensors.values()) {
        float[] data = p.data.get();
        if (data.length != p.info.elements()) {
          throw new IllegalArgumentException(
              "tensor " + p.info + " got " + data.length + " values");
        }
        writeData(out, p.info.dtype(), data, chunk);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void writeData(OutputStream out, TensorDType dtype, float[] data, byte[] chunk)
      throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : data) {
      if (buf.remaining() < 4) {
        out.write(chunk, 0, buf.position());
        buf.clear();
      }
      switch (dtype) {
        case F32 -> buf.putFloat(v);
        case F16 -> buf.putShort(Half.floatToF16(v));
        case BF16 -> buf.putShort(Half.floatToBf16(v));
        default -> throw new IllegalArgumentException("cannot write " + dtype);
      }
    }
    out.write(chunk, 0, buf.position());
  }
}
