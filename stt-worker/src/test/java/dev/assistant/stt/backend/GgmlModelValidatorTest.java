package dev.assistant.stt.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad files are rejected in Java; nothing here loads the native library. */
class GgmlModelValidatorTest {
  @TempDir Path dir;

  private static final int HEADER = 4;
  private static final int HPARAMS_END = HEADER + 11 * 4;

  @Test
  void acceptsGeneratedEnglishAndMultilingualModels() throws IOException {
    GgmlModelInfo en = GgmlModelValidator.validate(TinyModels.english());
    GgmlModelInfo multi = GgmlModelValidator.validate(TinyModels.multilingual());
    assertFalse(en.multilingual());
    assertTrue(multi.multilingual());
    assertEquals(50256, en.vocabularyTokens());
    assertEquals(50257, multi.vocabularyTokens());
    assertEquals(WhisperTensorLayout.tensors(TinyModels.dims(true)).size(), en.tensors());
    assertEquals(GgmlType.F16, en.weightType());
  }

  @Test
  void rejectsWrongMagic() throws IOException {
    byte[] b = model();
    b[0] = 'x';
    assertRejected(b, "bad magic");
  }

  @Test
  void rejectsTruncatedHeader() throws IOException {
    assertRejected(Arrays.copyOf(model(), 30), "too small");
  }

  @Test
  void rejectsFileCutBeforeTheTensors() throws IOException {
    byte[] b = model();
    int vocabEnd = tensorStart(b);
    assertRejected(Arrays.copyOf(b, vocabEnd), "tensors missing");
  }

  @Test
  void rejectsFileCutInsideTensorData() throws IOException {
    byte[] b = model();
    assertRejected(Arrays.copyOf(b, b.length - 1000), "truncated");
  }

  @Test
  void rejectsTrailingGarbage() throws IOException {
    byte[] b = model();
    assertRejected(Arrays.copyOf(b, b.length + 12), "");
  }

  @Test
  void rejectsZeroHeads() throws IOException {
    assertRejected(withHparam(3, 0), "n_audio_head=0");
  }

  @Test
  void rejectsHeadsNotDividingTheState() throws IOException {
    assertRejected(withHparam(7, 3), "heads do not divide");
  }

  @Test
  void rejectsF32Models() throws IOException {
    assertRejected(withHparam(10, 0), "F32 models are not supported");
  }

  @Test
  void rejectsAbsurdMelFilterDimensions() throws IOException {
    byte[] b = model();
    le(b).putInt(HPARAMS_END, 4000);
    assertRejected(b, "mel filters");
  }

  @Test
  void rejectsHugeVocabularyCountWithoutAllocating() throws IOException {
    byte[] b = model();
    le(b).putInt(vocabStart(), 2_000_000_000);
    assertRejected(b, "vocabulary of 2000000000");
  }

  @Test
  void rejectsMissingSpaceToken() throws IOException {
    byte[] b = model();
    int p = vocabStart() + 4;
    for (int i = 0; i < 220; i++) {
      p += 4 + le(b).getInt(p);
    }
    b[p + 4] = '_';
    assertRejected(b, "token 220");
  }

  @Test
  void rejectsF32Convolution() throws IOException {
    byte[] b = model();
    int p = tensorOffset(b, "encoder.conv1.weight");
    le(b).putInt(p + 8, 0); // type F16 -> F32 (the size then no longer matches either)
    assertRejected(b, "is F32, expected F16");
  }

  @Test
  void rejectsNonFiniteF16Weight() throws IOException {
    byte[] b = model();
    int data = tensorData(b, "encoder.conv1.weight");
    le(b).putShort(data + 2 * 7, (short) 0x7e00); // F16 NaN
    assertRejected(b, "tensor 'encoder.conv1.weight' holds a non-finite F16 at element block 7");
  }

  @Test
  void rejectsHugeAndInfiniteF32Weights() throws IOException {
    byte[] huge = model();
    le(huge).putFloat(tensorData(huge, "encoder.conv2.bias") + 4 * 3, 1e30f);
    assertRejected(huge, "tensor 'encoder.conv2.bias' holds 1.0E30 at element block 3");
    byte[] inf = model();
    le(inf).putFloat(tensorData(inf, "encoder.conv2.bias"), Float.NEGATIVE_INFINITY);
    assertRejected(inf, "holds -Infinity");
  }

  @Test
  void acceptsTheLargestFiniteWeights() throws IOException {
    byte[] b = model();
    le(b).putFloat(tensorData(b, "encoder.conv2.bias"), -GgmlModelValidator.MAX_WEIGHT);
    le(b).putShort(tensorData(b, "encoder.conv1.weight"), (short) 0x7bff); // largest finite F16
    Path file = dir.resolve("edge.bin");
    Files.write(file, b);
    GgmlModelValidator.validate(file);
  }

  @Test
  void rejectsAbsurdTensorDimensionCount() throws IOException {
    byte[] b = model();
    le(b).putInt(tensorStart(b), 1000);
    assertRejected(b, "1000 dimensions");
  }

  @Test
  void rejectsNegativeNameLength() throws IOException {
    byte[] b = model();
    le(b).putInt(tensorStart(b) + 4, -5);
    assertRejected(b, "name length -5");
  }

  @Test
  void rejectsWrongTensorShape() throws IOException {
    byte[] b = model();
    int p = tensorOffset(b, "encoder.conv2.bias");
    le(b).putInt(p + 12 + 4, 63);
    assertRejected(b, "has shape");
  }

  @Test
  void rejectsMissingFile() {
    assertThrows(
        InvalidModelException.class, () -> GgmlModelValidator.validate(dir.resolve("none")));
  }

  private byte[] model() throws IOException {
    return Files.readAllBytes(TinyModels.english());
  }

  private byte[] withHparam(int index, int value) throws IOException {
    byte[] b = model();
    le(b).putInt(HEADER + index * 4, value);
    return b;
  }

  private void assertRejected(byte[] file, String reason) throws IOException {
    Path p = dir.resolve("bad.bin");
    Files.write(p, file);
    InvalidModelException e =
        assertThrows(InvalidModelException.class, () -> GgmlModelValidator.validate(p));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  private static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static int vocabStart() {
    return HPARAMS_END + 8 + 80 * 201 * 4;
  }

  private static int tensorStart(byte[] b) {
    int p = vocabStart();
    int count = le(b).getInt(p);
    p += 4;
    for (int i = 0; i < count; i++) {
      p += 4 + le(b).getInt(p);
    }
    return p;
  }

  /** Offset of the first value of the named tensor. */
  private static int tensorData(byte[] b, String name) {
    int p = tensorOffset(b, name);
    int dims = le(b).getInt(p);
    return p + 12 + 4 * dims + le(b).getInt(p + 4);
  }

  /** Offset of the header of the named tensor. */
  private static int tensorOffset(byte[] b, String name) {
    ByteBuffer bb = le(b);
    int p = tensorStart(b);
    GgmlType[] types = GgmlType.values();
    while (p < b.length) {
      int dims = bb.getInt(p);
      int len = bb.getInt(p + 4);
      int type = bb.getInt(p + 8);
      long elements = 1;
      for (int d = 0; d < dims; d++) {
        elements *= bb.getInt(p + 12 + 4 * d);
      }
      int nameAt = p + 12 + 4 * dims;
      String n = new String(b, nameAt, len, java.nio.charset.StandardCharsets.US_ASCII);
      if (n.equals(name)) {
        return p;
      }
      GgmlType t = GgmlType.byId(type).orElseThrow();
      p = nameAt + len + (int) t.bytes(elements);
    }
    throw new AssertionError("no tensor " + name + " " + types.length);
  }
}
