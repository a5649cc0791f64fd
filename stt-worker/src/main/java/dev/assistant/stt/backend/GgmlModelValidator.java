package dev.assistant.stt.backend;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a whole ggml Whisper model file in Java and checks it before whisper.cpp sees it.
 *
 * <p>whisper.cpp 1.7.1 trusts its input: a truncated header, zero heads, absurd dimensions, a
 * missing {@code " "} token or F32 convolutions abort or crash the process, sometimes only later
 * inside {@code whisper_full}, and a file cut off before the tensors loads as an empty model. So
 * every field is checked here: header ranges, heads dividing the state, the 80 or 128 x 201 mel
 * filter bank, the vocabulary (count, token lengths, token 220 = {@code " "}), and every tensor's
 * name, shape, type and size against {@link WhisperTensorLayout}, up to the exact file size.
 *
 * <p>Tensor values are read too: a file with the right layout but NaN, infinite or absurdly large
 * weights loads fine and then turns every transcription into garbage or negative timestamps while
 * the worker looks healthy. F32 and F16 values must be finite and within the F16 range; the F16
 * scales of quantized blocks must be finite. This reads the whole file once (about a second per
 * gigabyte), a small price at start.
 *
 * <p>Stateless and thread-safe.
 */
public final class GgmlModelValidator {
  /** "ggml" as a little-endian int32. */
  public static final int MAGIC = 0x67676d6c;

  /** Id of the single-space token in Whisper's byte-level BPE vocabulary. */
  public static final int SPACE_TOKEN = 220;

  private static final int MAX_TOKEN_BYTES = 1024;
  private static final int MAX_NAME_BYTES = 256;

  private GgmlModelValidator() {}

  /** Validates the file; throws {@link InvalidModelException} saying what is wrong. */
  public static GgmlModelInfo validate(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new InvalidModelException("model file " + path + " does not exist");
    }
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      return validate(path, new Reader(channel));
    } catch (EOFException e) {
      throw new InvalidModelException(path + ": truncated (" + e.getMessage() + ")");
    }
  }

  private static GgmlModelInfo validate(Path path, Reader in) throws IOException {
    String where = path.toString();
    if (in.size < 4 + 11 * 4) {
      throw new InvalidModelException(where + ": too small to be a ggml model (" + in.size + " B)");
    }
    int magic = in.int32("magic");
    if (magic != MAGIC) {
      throw new InvalidModelException(
          where + ": bad magic 0x" + Integer.toHexString(magic) + " (not a ggml Whisper model)");
    }
    WhisperHyperParameters hp =
        new WhisperHyperParameters(
            in.int32("n_vocab"),
            in.int32("n_audio_ctx"),
            in.int32("n_audio_state"),
            in.int32("n_audio_head"),
            in.int32("n_audio_layer"),
            in.int32("n_text_ctx"),
            in.int32("n_text_state"),
            in.int32("n_text_head"),
            in.int32("n_text_layer"),
            in.int32("n_mels"),
            in.int32("ftype"));
    GgmlType weightType = checkHeader(where, hp);
    checkMelFilters(where, in, hp);
    int tokens = checkVocabulary(where, in, hp);
    int tensors = checkTensors(where, in, hp, weightType);
    return new GgmlModelInfo(path, hp, weightType, tokens, tensors, in.size);
  }

  static GgmlType checkHeader(String where, WhisperHyperParameters hp)
      throws InvalidModelException {
    range(
        where,
        "n_vocab",
        hp.nVocab(),
        WhisperHyperParameters.VOCAB_ENGLISH,
        WhisperHyperParameters.VOCAB_V3);
    range(
        where,
        "n_audio_ctx",
        hp.nAudioCtx(),
        WhisperHyperParameters.AUDIO_CTX,
        WhisperHyperParameters.AUDIO_CTX);
    range(where, "n_audio_state", hp.nAudioState(), 1, 8192);
    range(where, "n_audio_head", hp.nAudioHead(), 1, 256);
    range(where, "n_audio_layer", hp.nAudioLayer(), 1, 128);
    range(where, "n_text_ctx", hp.nTextCtx(), 16, WhisperHyperParameters.MAX_TEXT_CTX);
    range(where, "n_text_state", hp.nTextState(), 1, 8192);
    range(where, "n_text_head", hp.nTextHead(), 1, 256);
    range(where, "n_text_layer", hp.nTextLayer(), 1, 128);
    if (hp.nMels() != 80 && hp.nMels() != 128) {
      throw new InvalidModelException(where + ": n_mels=" + hp.nMels() + " (expected 80 or 128)");
    }
    if (hp.nAudioState() % hp.nAudioHead() != 0 || hp.nTextState() % hp.nTextHead() != 0) {
      throw new InvalidModelException(where + ": attention heads do not divide the state size");
    }
    if (hp.nAudioState() != hp.nTextState()) {
      throw new InvalidModelException(
          where + ": encoder and decoder states differ (cross-attention needs them equal)");
    }
    if (hp.ftype() < 0 || hp.ftype() / 1000 > 2) {
      throw new InvalidModelException(where + ": unknown ftype " + hp.ftype());
    }
    if (hp.baseFtype() == 0) {
      throw new InvalidModelException(
          where
              + ": F32 models are not supported (whisper.cpp needs F16 convolutions); convert to F16");
    }
    GgmlType weightType =
        GgmlType.weightTypeOfFtype(hp.baseFtype())
            .orElseThrow(
                () -> new InvalidModelException(where + ": unsupported ftype " + hp.ftype()));
    if (weightType.blockElements() > 1 && hp.nAudioState() % weightType.blockElements() != 0) {
      throw new InvalidModelException(
          where
              + ": state "
              + hp.nAudioState()
              + " is not a multiple of the "
              + weightType
              + " block");
    }
    return weightType;
  }

  private static void checkMelFilters(String where, Reader in, WhisperHyperParameters hp)
      throws IOException {
    int nMel = in.int32("mel filter rows");
    int nFft = in.int32("mel filter columns");
    if (nMel != hp.nMels() || nFft != WhisperHyperParameters.N_FFT_BINS) {
      throw new InvalidModelException(
          where + ": mel filters are " + nMel + "x" + nFft + ", expected " + hp.nMels() + "x201");
    }
    for (int i = 0; i < nMel * nFft; i++) {
      float f = Float.intBitsToFloat(in.int32("mel filters"));
      if (!Float.isFinite(f)) {
        throw new InvalidModelException(where + ": mel filter bank holds a non-finite value");
      }
    }
  }

  private static int checkVocabulary(String where, Reader in, WhisperHyperParameters hp)
      throws IOException {
    int count = in.int32("vocabulary size");
    if (count <= SPACE_TOKEN || count > hp.nVocab()) {
      throw new InvalidModelException(
          where
              + ": vocabulary of "
              + count
              + " tokens (expected "
              + (SPACE_TOKEN + 1)
              + ".."
              + hp.nVocab()
              + ")");
    }
    for (int i = 0; i < count; i++) {
      int length = in.int32("token length");
      if (length < 0 || length > MAX_TOKEN_BYTES) {
        throw new InvalidModelException(where + ": token " + i + " has length " + length);
      }
      byte[] token = in.bytes(length, "token " + i);
      if (i == SPACE_TOKEN && !(length == 1 && token[0] == ' ')) {
        throw new InvalidModelException(
            where + ": token 220 must be \" \" (whisper.cpp needs the space token)");
      }
    }
    return count;
  }

  private static int checkTensors(
      String where, Reader in, WhisperHyperParameters hp, GgmlType weightType) throws IOException {
    List<WhisperTensorLayout.TensorSpec> specs = WhisperTensorLayout.tensors(hp);
    Map<String, WhisperTensorLayout.TensorSpec> expected = new HashMap<>();
    specs.forEach(s -> expected.put(s.name(), s));
    int seen = 0;
    while (in.position < in.size) {
      int nDims = in.int32("tensor dimension count");
      int nameLength = in.int32("tensor name length");
      int typeId = in.int32("tensor type");
      if (nDims < 1 || nDims > 3) {
        throw new InvalidModelException(where + ": tensor with " + nDims + " dimensions");
      }
      if (nameLength < 1 || nameLength > MAX_NAME_BYTES) {
        throw new InvalidModelException(where + ": tensor name length " + nameLength);
      }
      long[] dims = new long[nDims];
      for (int d = 0; d < nDims; d++) {
        dims[d] = in.int32("tensor dimension");
        if (dims[d] < 1) {
          throw new InvalidModelException(where + ": tensor dimension " + dims[d]);
        }
      }
      String name = new String(in.bytes(nameLength, "tensor name"), StandardCharsets.US_ASCII);
      WhisperTensorLayout.TensorSpec spec = expected.remove(name);
      if (spec == null) {
        throw new InvalidModelException(where + ": unexpected or repeated tensor '" + name + "'");
      }
      if (!sameShape(dims, spec.dims())) {
        throw new InvalidModelException(
            where
                + ": tensor '"
                + name
                + "' has shape "
                + java.util.Arrays.toString(dims)
                + ", expected "
                + java.util.Arrays.toString(spec.dims()));
      }
      GgmlType want = spec.type(weightType);
      GgmlType type =
          GgmlType.byId(typeId)
              .orElseThrow(
                  () ->
                      new InvalidModelException(
                          where + ": tensor '" + name + "' has unknown type " + typeId));
      if (type != want) {
        throw new InvalidModelException(
            where + ": tensor '" + name + "' is " + type + ", expected " + want);
      }
      checkValues(where, name, type, spec.elements(), in);
      seen++;
    }
    if (!expected.isEmpty()) {
      throw new InvalidModelException(
          where
              + ": "
              + expected.size()
              + " tensors missing (file truncated?), e.g. '"
              + expected.keySet().iterator().next()
              + "'");
    }
    return seen;
  }

  /** Largest finite F16 value: no trained Whisper weight comes near it. */
  static final float MAX_WEIGHT = 65504f;

  private static void checkValues(
      String where, String name, GgmlType type, long elements, Reader in) throws IOException {
    String what = "data of tensor '" + name + "'";
    long bytes = type.bytes(elements);
    if (in.position + bytes > in.size) {
      in.skip(bytes, what); // reports the truncation
    }
    if (type == GgmlType.F32) {
      for (long i = 0; i < elements; i++) {
        float v = Float.intBitsToFloat(in.int32(what));
        if (!(Math.abs(v) <= MAX_WEIGHT)) {
          throw badValue(where, name, i, String.valueOf(v));
        }
      }
      return;
    }
    int step = type == GgmlType.F16 ? 2 : type.blockBytes();
    byte[] block = new byte[step];
    for (long i = 0; i < bytes / step; i++) {
      in.read(block, what);
      for (int h = 0; h < type.scaleCount(); h++) {
        if (nonFiniteHalf(block, 2 * h)) {
          throw badValue(
              where,
              name,
              i,
              type == GgmlType.F16 ? "a non-finite F16" : "a non-finite block scale");
        }
      }
    }
  }

  /** An F16 with all exponent bits set is infinite or NaN. */
  private static boolean nonFiniteHalf(byte[] data, int offset) {
    int bits = (data[offset] & 0xff) | (data[offset + 1] & 0xff) << 8;
    return (bits & 0x7c00) == 0x7c00;
  }

  private static InvalidModelException badValue(
      String where, String tensor, long index, String value) {
    return new InvalidModelException(
        where
            + ": tensor '"
            + tensor
            + "' holds "
            + value
            + " at element block "
            + index
            + " (weights must be finite and within ±"
            + (int) MAX_WEIGHT
            + ")");
  }

  /** Trailing size-1 dimensions are equivalent (ggml pads shapes with ones). */
  private static boolean sameShape(long[] a, long[] b) {
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      long x = i < a.length ? a[i] : 1;
      long y = i < b.length ? b[i] : 1;
      if (x != y) {
        return false;
      }
    }
    return true;
  }

  private static void range(String where, String field, int value, int min, int max)
      throws InvalidModelException {
    if (value < min || value > max) {
      throw new InvalidModelException(
          where + ": " + field + "=" + value + " is outside [" + min + ", " + max + "]");
    }
  }

  /** Little-endian reads with an exact position, through a small buffer. */
  private static final class Reader {
    private final FileChannel channel;
    private final long size;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long position;

    Reader(FileChannel channel) throws IOException {
      this.channel = channel;
      this.size = channel.size();
      buffer.limit(0);
    }

    int int32(String what) throws IOException {
      fill(4, what);
      position += 4;
      return buffer.getInt();
    }

    byte[] bytes(int n, String what) throws IOException {
      if (position + n > size) {
        throw new EOFException("at " + what);
      }
      byte[] out = new byte[n];
      read(out, what);
      return out;
    }

    void read(byte[] out, String what) throws IOException {
      fill(out.length, what);
      buffer.get(out);
      position += out.length;
    }

    void skip(long n, String what) throws IOException {
      if (position + n > size) {
        throw new EOFException(
            "in " + what + ": needs " + n + " bytes, " + (size - position) + " left");
      }
      position += n;
      buffer.limit(0);
    }

    private void fill(int n, String what) throws IOException {
      if (buffer.remaining() >= n) {
        return;
      }
      if (position + n > size) {
        throw new EOFException("at " + what);
      }
      buffer.clear();
      channel.position(position);
      while (buffer.position() < n) {
        if (channel.read(buffer) < 0) {
          throw new EOFException("at " + what);
        }
      }
      buffer.flip();
    }
  }
}
