package dev.assistant.llm.backend.safetensors;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.assistant.common.numeric.Half;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code .safetensors} file: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data. The whole header is
 * checked on open (offsets inside the file, sizes matching shapes) so that a damaged file fails
 * with a message instead of producing garbage weights.
 *
 * <p>Thread-safety: reads use positional channel reads, so concurrent reads are safe.
 */
public final class SafetensorsFile implements AutoCloseable {
  /** Headers larger than this are not plausible (real ones are a few hundred KiB). */
  static final long MAX_HEADER_BYTES = 100L << 20;

  /**
   * One 8 MiB read buffer per thread: a fresh direct buffer per tensor would only be freed by a
   * garbage collection, and hundreds of tensors would pile up gigabytes of native memory.
   */
  private static final ThreadLocal<ByteBuffer> READ_BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(8 << 20));

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;

  private SafetensorsFile(
      Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
  }

  public static SafetensorsFile open(Path path) {
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new CheckpointException("cannot open " + path + ": " + e.getMessage(), e);
    }
    try {
      long size = channel.size();
      if (size < 8) {
        throw new CheckpointException(path + ": too short for a safetensors file");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, lenBuf, 0);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || 8 + headerLen > size) {
        throw new CheckpointException(
            path + ": implausible header length " + headerLen + " for a file of " + size + " B");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      readFully(channel, header, 8);
      String json = new String(header.array(), StandardCharsets.UTF_8);
      long dataStart = 8 + headerLen;
      Map<String, TensorInfo> tensors = parseHeader(path, json, size - dataStart);
      return new SafetensorsFile(path, channel, dataStart, tensors);
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof CheckpointException ce) {
        throw ce;
      }
      throw new CheckpointException(path + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, TensorInfo> parseHeader(Path path, String json, long dataBytes) {
    JsonObject root;
    try {
      root = JsonParser.parseString(json).getAsJsonObject();
    } catch (RuntimeException e) {
      throw new CheckpointException(path + ": header is not a JSON object", e);
    }
    Map<String, TensorInfo> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : root.entrySet()) {
      String name = e.getKey();
      if (name.equals("__metadata__")) {
        continue;
      }
      JsonObject t = e.getValue().getAsJsonObject();
      TensorDType dtype = TensorDType.parse(t.get("dtype").getAsString(), name);
      JsonArray shapeJson = t.getAsJsonArray("shape");
      long[] shape = new long[shapeJson.size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = shapeJson.get(i).getAsLong();
        if (shape[i] < 0) {
          throw new CheckpointException(path + ": tensor " + name + " has a negative dimension");
        }
      }
      JsonArray offsets = t.getAsJsonArray("data_offsets");
      long begin = offsets.get(0).getAsLong();
      long end = offsets.get(1).getAsLong();
      TensorInfo info = new TensorInfo(name, dtype, shape, begin, end);
      long expected = Math.multiplyExact(info.elements(), dtype.bytes());
      if (begin < 0 || end < begin || end > dataBytes || end - begin != expected) {
        throw new CheckpointException(
            path
                + ": tensor "
                + info
                + " has data range ["
                + begin
                + ", "
                + end
                + ") but needs "
                + expected
                + " B inside "
                + dataBytes
                + " B of data");
      }
      out.put(name, info);
    }
    return Collections.unmodifiableMap(out);
  }

  public Path path() {
    return path;
  }

  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** Reads a floating-point tensor, converting F16/BF16 to fp32 in Java. */
  public float[] readFloats(TensorInfo info) {
    long n = info.elements();
    if (n > Integer.MAX_VALUE - 8) {
      throw new CheckpointException(path + ": tensor " + info + " is too large for one array");
    }
    if (info.dtype() == TensorDType.I64) {
      throw new CheckpointException(path + ": tensor " + info + " is not floating point");
    }
    float[] out = new float[(int) n];
    int elemBytes = info.dtype().bytes();
    int chunkElems = (8 << 20) / elemBytes;
    ByteBuffer buf = READ_BUFFER.get().clear().order(ByteOrder.LITTLE_ENDIAN);
    long pos = dataStart + info.begin();
    short[] halves = elemBytes == 2 ? new short[chunkElems] : null;
    int done = 0;
    try {
      while (done < n) {
        int count = (int) Math.min(chunkElems, n - done);
        buf.clear().limit(count * elemBytes);
        readFully(channel, buf, pos + (long) done * elemBytes);
        buf.flip();
        switch (info.dtype()) {
          case F32 -> buf.asFloatBuffer().get(out, done, count);
          case F16 -> {
            buf.asShortBuffer().get(halves, 0, count);
            Half.f16ToFloat(halves, 0, out, done, count);
          }
          case BF16 -> {
            buf.asShortBuffer().get(halves, 0, count);
            for (int i = 0; i < count; i++) {
              out[done + i] = Float.intBitsToFloat((halves[i] & 0xffff) << 16);
            }
          }
          default -> throw new IllegalStateException();
        }
        done += count;
      }
    } catch (IOException e) {
      throw new CheckpointException(path + ": cannot read tensor " + info.name(), e);
    }
    return out;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file at " + pos);
      }
      pos += n;
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Read-only file: nothing is lost when close fails.
    }
  }
}
