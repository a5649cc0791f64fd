package dev.assistant.tts.backend.piper;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a Piper voice that ONNX Runtime really runs: a {@code .onnx} graph with the signature of
 * Piper's VITS export (inputs {@code input} [1, n] phoneme IDs, {@code input_lengths} [1], {@code
 * scales} [noise, length, noise_w], {@code sid} [1] when there are several speakers; output {@code
 * output} [1, 1, 1, samples]) and its {@code .onnx.json}. No voice can be downloaded here.
 *
 * <p>The graph renders each phoneme ID as {@code round(256 × length_scale)} samples of a sine whose
 * pitch grows with the ID and with the speaker, so the audio length follows the phoneme count and
 * the rate, and speakers differ, the way they do for a real voice. It is not speech.
 */
public final class TinyPiperVoice {
  static final int SAMPLE_RATE = 16_000;
  static final int SAMPLES_PER_PHONEME = 256;

  private TinyPiperVoice() {}

  /** Writes {@code name.onnx} and {@code name.onnx.json} into dir. */
  public static void write(Path dir, String name, int speakers) throws IOException {
    Files.write(dir.resolve(name + ".onnx"), model(speakers));
    Files.writeString(dir.resolve(name + ".onnx.json"), config(speakers), StandardCharsets.UTF_8);
  }

  /**
   * The voice config. Every code point espeak-ng's IPA output uses for English (Latin, IPA
   * extensions, stress and length marks, combining diacritics) gets an ID, so no phoneme is
   * dropped; 0, 1 and 2 are Piper's pad, start and end symbols.
   */
  static String config(int speakers) {
    StringBuilder map = new StringBuilder("\"_\":[0],\"^\":[1],\"$\":[2]");
    int id = 3;
    for (int cp = 0x20; cp < 0x370; cp++) {
      if (cp == '_' || cp == '^' || cp == '$' || cp == '"' || cp == '\\' || cp == 0x7f) {
        continue;
      }
      if (cp >= 0x80 && cp < 0xa0) {
        continue; // C1 controls
      }
      map.append(",\"").appendCodePoint(cp).append("\":[").append(id++).append(']');
    }
    return "{\"audio\":{\"sample_rate\":"
        + SAMPLE_RATE
        + ",\"quality\":\"x_low\"},\"espeak\":{\"voice\":\"en-us\"},"
        + "\"language\":{\"code\":\"en_US\"},\"phoneme_type\":\"espeak\",\"num_speakers\":"
        + speakers
        + ",\"speaker_id_map\":{},"
        + "\"inference\":{\"noise_scale\":0.667,\"length_scale\":1.0,\"noise_w\":0.8},"
        + "\"phoneme_id_map\":{"
        + map
        + "}}";
  }

  // ONNX protobuf field numbers (onnx.proto3) and enum values used below.
  private static final int FLOAT = 1;
  private static final int INT64 = 7;
  private static final int ATTR_INT = 2;

  static byte[] model(int speakers) {
    Pb graph = new Pb().str(2, "tiny_piper");
    // phoneme IDs as floats, one row per phoneme: [1, n, 1]
    graph.node("Cast", attrInt("to", FLOAT), "input", "ids_f");
    graph.node("Unsqueeze", null, "ids_f", "axis2", "ids_col");
    // samples per phoneme = round(256 × scales[1])
    graph.node("Gather", null, "scales", "one_i", "length_scale");
    graph.node("Mul", null, "length_scale", "per_phoneme", "reps_f");
    graph.node("Round", null, "reps_f", "reps_r");
    graph.node("Cast", attrInt("to", INT64), "reps_r", "reps");
    graph.node("Unsqueeze", null, "reps", "axis0", "reps_1");
    graph.node("Concat", attrInt("axis", 0), "ones_2", "reps_1", "tile_by");
    graph.node("Tile", null, "ids_col", "tile_by", "held"); // [1, n, reps]
    graph.node("Range", null, "zero_f", "reps_r", "one_f", "ramp"); // [reps]
    graph.node("Mul", null, "held", "ramp", "phase");
    String step = "step";
    if (speakers > 1) {
      graph.node("Cast", attrInt("to", FLOAT), "sid", "sid_f");
      graph.node("Mul", null, "sid_f", "speaker_step", "sid_step");
      graph.node("Add", null, "base_step", "sid_step", step);
    } else {
      graph.node("Identity", null, "base_step", step);
    }
    graph.node("Mul", null, "phase", step, "angle");
    graph.node("Sin", null, "angle", "wave");
    graph.node("Mul", null, "wave", "amplitude", "quiet");
    graph.node("Reshape", null, "quiet", "out_shape", "output");

    graph.msg(5, scalarFloat("per_phoneme", SAMPLES_PER_PHONEME));
    graph.msg(5, scalarFloat("zero_f", 0f));
    graph.msg(5, scalarFloat("one_f", 1f));
    graph.msg(5, scalarFloat("base_step", 0.002f));
    graph.msg(5, floats("speaker_step", 0.0007f));
    graph.msg(5, scalarFloat("amplitude", 0.3f));
    graph.msg(5, scalarLong("one_i", 1));
    graph.msg(5, longs("axis0", 0));
    graph.msg(5, longs("axis2", 2));
    graph.msg(5, longs("ones_2", 1, 1));
    graph.msg(5, longs("out_shape", 1, 1, 1, -1));

    graph.msg(11, valueInfo("input", INT64, "1", "phonemes"));
    graph.msg(11, valueInfo("input_lengths", INT64, "1"));
    graph.msg(11, valueInfo("scales", FLOAT, "3"));
    if (speakers > 1) {
      graph.msg(11, valueInfo("sid", INT64, "1"));
    }
    graph.msg(12, valueInfo("output", FLOAT, "1", "1", "1", "samples"));

    return new Pb()
        .i64(1, 8) // ir_version
        .str(2, "dev.assistant tests")
        .msg(7, graph)
        .msg(8, new Pb().str(1, "").i64(2, 13)) // opset_import: default domain, opset 13
        .toByteArray();
  }

  private static Pb attrInt(String name, long value) {
    return new Pb().str(1, name).i64(3, value).i64(20, ATTR_INT);
  }

  private static Pb scalarFloat(String name, float v) {
    return tensor(name, FLOAT, new long[0], le(4).putFloat(v).array());
  }

  private static Pb floats(String name, float... v) {
    ByteBuffer b = le(4 * v.length);
    for (float f : v) {
      b.putFloat(f);
    }
    return tensor(name, FLOAT, new long[] {v.length}, b.array());
  }

  private static Pb scalarLong(String name, long v) {
    return tensor(name, INT64, new long[0], le(8).putLong(v).array());
  }

  private static Pb longs(String name, long... v) {
    ByteBuffer b = le(8 * v.length);
    for (long l : v) {
      b.putLong(l);
    }
    return tensor(name, INT64, new long[] {v.length}, b.array());
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static Pb tensor(String name, int type, long[] dims, byte[] raw) {
    Pb t = new Pb();
    for (long d : dims) {
      t.i64(1, d);
    }
    return t.i64(2, type).str(8, name).bytes(9, raw);
  }

  /** A tensor value description; a dimension is a number or a symbolic name. */
  private static Pb valueInfo(String name, int type, String... dims) {
    Pb shape = new Pb();
    for (String d : dims) {
      Pb dim = d.chars().allMatch(Character::isDigit) ? new Pb().i64(1, Long.parseLong(d)) : null;
      shape.msg(1, dim != null ? dim : new Pb().str(2, d));
    }
    Pb tensorType = new Pb().i64(1, type).msg(2, shape);
    return new Pb().str(1, name).msg(2, new Pb().msg(1, tensorType));
  }

  /** Just enough of a protobuf writer for ONNX's messages. */
  private static final class Pb {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    Pb i64(int field, long v) {
      return io(() -> out.writeInt64(field, v));
    }

    Pb str(int field, String s) {
      return io(() -> out.writeString(field, s));
    }

    Pb bytes(int field, byte[] b) {
      return io(() -> out.writeByteArray(field, b));
    }

    Pb msg(int field, Pb m) {
      return bytes(field, m.toByteArray());
    }

    /** A NodeProto: inputs, then the output last. */
    Pb node(String op, Pb attribute, String... names) {
      Pb n = new Pb();
      for (int i = 0; i < names.length - 1; i++) {
        n.str(1, names[i]);
      }
      n.str(2, names[names.length - 1]).str(3, names[names.length - 1] + "_node").str(4, op);
      if (attribute != null) {
        n.msg(5, attribute);
      }
      return msg(1, n);
    }

    byte[] toByteArray() {
      io(out::flush);
      return bytes.toByteArray();
    }

    private Pb io(IoAction a) {
      try {
        a.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    private interface IoAction {
      void run() throws IOException;
    }
  }
}
