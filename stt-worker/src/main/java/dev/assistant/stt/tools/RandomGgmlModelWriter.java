package dev.assistant.stt.tools;

import dev.assistant.common.numeric.Half;
import dev.assistant.stt.backend.GgmlModelValidator;
import dev.assistant.stt.backend.GgmlType;
import dev.assistant.stt.backend.WhisperHyperParameters;
import dev.assistant.stt.backend.WhisperTensorLayout;
import dev.assistant.stt.backend.WhisperTensorLayout.TensorSpec;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SplittableRandom;

/**
 * Writes a ggml Whisper model with random weights in the exact file format whisper.cpp loads: the
 * header, a real Slaney mel filter bank, a byte-level vocabulary whose first 256 tokens follow
 * GPT-2's byte order (so token 220 is {@code " "}) padded with pronounceable pseudo-words, and
 * every tensor of {@link WhisperTensorLayout} (F16 matrices and convolutions, F32 vectors).
 *
 * <p>No real model can be downloaded where the tests run; a generated one at real dimensions has
 * the real compute cost, which is what tests and benchmarks need. Transcripts of random weights are
 * gibberish. Output is a pure function of (dimensions, seed).
 *
 * <pre>
 * java -cp stt-worker.jar dev.assistant.stt.tools.RandomGgmlModelWriter \
 *     --size tiny|base|custom [--state 64 --heads 2 --layers 1] [--english] [--text-ctx 448] \
 *     [--seed 1] --out model.bin
 * </pre>
 */
public final class RandomGgmlModelWriter {
  /** Tokens stored for an English-only vocabulary (the rest of n_vocab are implied specials). */
  private static final int SPECIAL_TOKENS = 1608;

  private RandomGgmlModelWriter() {}

  /** Writes the model atomically (a temporary file renamed into place). */
  public static Path write(Path out, WhisperHyperParameters hp, long seed) throws IOException {
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, out.getFileName().toString(), ".tmp");
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
      write(os, hp, seed);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return Files.move(
        tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Writes the model to a stream. */
  public static void write(OutputStream out, WhisperHyperParameters hp, long seed)
      throws IOException {
    if (hp.baseFtype() != 1) {
      throw new IllegalArgumentException("only F16 models are generated");
    }
    LittleEndian le = new LittleEndian(out);
    le.int32(GgmlModelValidator.MAGIC);
    for (int v :
        new int[] {
          hp.nVocab(),
          hp.nAudioCtx(),
          hp.nAudioState(),
          hp.nAudioHead(),
          hp.nAudioLayer(),
          hp.nTextCtx(),
          hp.nTextState(),
          hp.nTextHead(),
          hp.nTextLayer(),
          hp.nMels(),
          hp.ftype()
        }) {
      le.int32(v);
    }
    float[][] mel = MelFilterBank.slaney(hp.nMels(), WhisperHyperParameters.N_FFT_BINS, 16_000);
    le.int32(hp.nMels());
    le.int32(WhisperHyperParameters.N_FFT_BINS);
    for (float[] row : mel) {
      for (float f : row) {
        le.float32(f);
      }
    }
    SplittableRandom random = new SplittableRandom(seed);
    // Real files store the byte-level BPE tokens only (50256 English, 50257 multilingual);
    // whisper.cpp derives the special tokens from n_vocab.
    int tokens =
        WhisperHyperParameters.VOCAB_ENGLISH - SPECIAL_TOKENS + (hp.multilingual() ? 1 : 0);
    le.int32(tokens);
    for (int i = 0; i < tokens; i++) {
      byte[] token = token(i, random);
      le.int32(token.length);
      le.bytes(token);
    }
    for (TensorSpec spec : WhisperTensorLayout.tensors(hp)) {
      writeTensor(le, spec, spec.type(GgmlType.F16), random);
    }
    le.flush();
  }

  /** Byte-level BPE: ids 0..255 are the 256 bytes in GPT-2 order; later ids are pseudo-words. */
  static byte[] token(int id, SplittableRandom random) {
    if (id < 256) {
      return new byte[] {(byte) gpt2Byte(id)};
    }
    String consonants = "bcdfghklmnprstvwz";
    String vowels = "aeiou";
    int syllables = 1 + random.nextInt(3);
    StringBuilder sb = new StringBuilder(random.nextInt(4) == 0 ? "" : " ");
    for (int s = 0; s < syllables; s++) {
      sb.append(consonants.charAt(random.nextInt(consonants.length())));
      sb.append(vowels.charAt(random.nextInt(vowels.length())));
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * GPT-2 lists printable bytes first ('!'..'~', '¡'..'¬', '®'..'ÿ': ids 0..187), then the others
   * in increasing order (ids 188..255), which puts the space byte at id 220.
   */
  static int gpt2Byte(int id) {
    int printable = 0;
    for (int b = 0; b < 256; b++) {
      if (isPrintable(b) && printable++ == id) {
        return b;
      }
    }
    int other = 188;
    for (int b = 0; b < 256; b++) {
      if (!isPrintable(b) && other++ == id) {
        return b;
      }
    }
    throw new IllegalArgumentException("byte token id out of range: " + id);
  }

  private static boolean isPrintable(int b) {
    return (b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  }

  private static void writeTensor(
      LittleEndian le, TensorSpec spec, GgmlType type, SplittableRandom random) throws IOException {
    byte[] name = spec.name().getBytes(StandardCharsets.US_ASCII);
    le.int32(spec.dims().length);
    le.int32(name.length);
    le.int32(type.id());
    for (long d : spec.dims()) {
      le.int32((int) d);
    }
    le.bytes(name);
    String n = spec.name();
    boolean norm =
        n.endsWith("_ln.weight") || n.endsWith("ln_post.weight") || n.equals("decoder.ln.weight");
    boolean zero = n.endsWith(".bias");
    // Fan-in scaling keeps activations of the random network in a sane range at any width.
    double fanIn = spec.dims()[0] * (spec.dims().length == 3 ? spec.dims()[1] : 1);
    double scale =
        n.contains("positional_embedding") || n.contains("token_embedding")
            ? 0.1
            : 1.0 / Math.sqrt(fanIn);
    long count = spec.elements();
    for (long i = 0; i < count; i++) {
      float v =
          norm ? 1f : zero ? 0f : (float) ((random.nextDouble() * 2 - 1) * scale * Math.sqrt(3));
      if (type == GgmlType.F16) {
        le.int16(Half.floatToF16(v));
      } else {
        le.float32(v);
      }
    }
  }

  public static void main(String[] args) throws IOException {
    String size = "tiny";
    boolean english = false;
    int textCtx = WhisperHyperParameters.MAX_TEXT_CTX;
    int state = 64;
    int heads = 2;
    int layers = 1;
    long seed = 1;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--size":
          size = args[++i];
          break;
        case "--english":
          english = true;
          break;
        case "--text-ctx":
          textCtx = Integer.parseInt(args[++i]);
          break;
        case "--state":
          state = Integer.parseInt(args[++i]);
          break;
        case "--heads":
          heads = Integer.parseInt(args[++i]);
          break;
        case "--layers":
          layers = Integer.parseInt(args[++i]);
          break;
        case "--seed":
          seed = Long.parseLong(args[++i]);
          break;
        case "--out":
          out = Path.of(args[++i]);
          break;
        default:
          usage("unknown argument " + a);
      }
    }
    if (out == null) {
      usage("--out is required");
    }
    WhisperHyperParameters hp;
    switch (size) {
      case "tiny":
        hp = WhisperHyperParameters.tiny(english, textCtx);
        break;
      case "base":
        hp = WhisperHyperParameters.base(english, textCtx);
        break;
      case "custom":
        hp = WhisperHyperParameters.of(english, state, heads, layers, textCtx);
        break;
      default:
        usage("--size must be tiny, base or custom");
        return;
    }
    write(out, hp, seed);
    System.out.println(GgmlModelValidator.validate(out).describe() + " written to " + out);
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println(
        "usage: RandomGgmlModelWriter --size tiny|base|custom [--state N --heads N --layers N]"
            + " [--english] [--text-ctx N] [--seed N] --out FILE");
    System.exit(2);
  }

  /** Buffered little-endian output. */
  private static final class LittleEndian {
    private final OutputStream out;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    LittleEndian(OutputStream out) {
      this.out = out;
    }

    void int32(int v) throws IOException {
      room(4);
      buf.putInt(v);
    }

    void int16(short v) throws IOException {
      room(2);
      buf.putShort(v);
    }

    void float32(float v) throws IOException {
      room(4);
      buf.putFloat(v);
    }

    void bytes(byte[] b) throws IOException {
      flush();
      out.write(b);
    }

    void flush() throws IOException {
      out.write(buf.array(), 0, buf.position());
      buf.clear();
    }

    private void room(int n) throws IOException {
      if (buf.remaining() < n) {
        flush();
      }
    }
  }
}
