package dev.assistant.audio;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.Page;
import com.jcraft.jogg.StreamState;
import com.jcraft.jogg.SyncState;
import com.jcraft.jorbis.Block;
import com.jcraft.jorbis.Comment;
import com.jcraft.jorbis.DspState;
import com.jcraft.jorbis.Info;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.BitstreamException;
import javazoom.jl.decoder.Decoder;
import javazoom.jl.decoder.DecoderException;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.SampleBuffer;
import org.jflac.ChannelData;
import org.jflac.FLACDecoder;
import org.jflac.frame.Frame;
import org.jflac.metadata.StreamInfo;
import org.jflac.util.ByteData;

/**
 * Decodes encoded audio (WAV, raw PCM16, FLAC, MP3, Ogg Vorbis, Ogg Opus) to mono float samples at
 * one target rate, down-mixing by averaging channels and resampling with {@link Resampler} while
 * decoding, so memory grows with the output only and stops at the configured duration limit.
 *
 * <p>FLAC, MP3, Vorbis and Opus use pure-Java decoders (jflac, JLayer, JOrbis, Concentus). Anything
 * a decoder throws on malformed input, including runtime exceptions from deep inside a library,
 * becomes an {@link InvalidAudioException} naming the format.
 *
 * <p>Immutable and thread-safe.
 */
public final class AudioDecoder {
  /** Sample rate Whisper models expect. */
  public static final int WHISPER_RATE = 16_000;

  private static final int BLOCK_FRAMES = 8192;
  private static final String ACCEPTED = "WAV, FLAC, MP3, Ogg Vorbis or Ogg Opus";

  private final int targetRate;
  private final AudioLimits limits;

  public AudioDecoder(int targetRate, AudioLimits limits) {
    if (targetRate < 1000 || targetRate > 768_000) {
      throw new IllegalArgumentException("target rate out of range: " + targetRate);
    }
    this.targetRate = targetRate;
    this.limits = limits;
  }

  /**
   * Decodes a container file.
   *
   * @param container the declared format, or null to recognize it from the first bytes
   */
  public DecodedAudio decode(byte[] data, AudioContainer container) throws InvalidAudioException {
    checkSize(data);
    AudioContainer actual = container;
    if (actual == null) {
      Optional<String> refused = AudioContainer.unsupported(data);
      if (refused.isPresent()) {
        throw new InvalidAudioException(
            refused.get() + " audio is not supported; send " + ACCEPTED);
      }
      actual =
          AudioContainer.sniff(data)
              .orElseThrow(
                  () ->
                      new InvalidAudioException(
                          "unrecognized audio format (expected " + ACCEPTED + ")"));
    }
    if (actual == AudioContainer.PCM16) {
      throw new InvalidAudioException("PCM16 needs a declared sample rate and channel count");
    }
    try {
      switch (actual) {
        case WAV:
          return decodeWav(data, WavReader.parse(data), targetRate, limits);
        case FLAC:
          return decodeFlac(data);
        case MP3:
          return decodeMp3(data);
        case OGG_VORBIS:
        case OGG_OPUS:
          // Either declared Ogg encoding: the codec is what the first packet says.
          return OggOpusDecoder.isOpus(data)
              ? OggOpusDecoder.decode(data, new MonoSink(targetRate, limits))
              : decodeVorbis(data);
        default:
          throw new InvalidAudioException("unsupported audio format " + actual);
      }
    } catch (RuntimeException e) {
      throw new InvalidAudioException(actual + ": corrupt data (" + e + ")", e);
    }
  }

  /** Decodes raw little-endian signed 16-bit PCM with the given layout. */
  public DecodedAudio decodePcm16(byte[] data, int sampleRate, int channels)
      throws InvalidAudioException {
    checkSize(data);
    if (sampleRate <= 0 || channels <= 0) {
      throw new InvalidAudioException(
          "PCM16: sample rate and channel count are required, got "
              + sampleRate
              + " Hz x "
              + channels);
    }
    MonoSink sink = new MonoSink(targetRate, limits);
    sink.format(sampleRate, channels);
    int frameBytes = 2 * channels;
    if (data.length % frameBytes != 0) {
      throw new InvalidAudioException(
          "PCM16: "
              + data.length
              + " bytes is not a whole number of "
              + channels
              + "-channel frames");
    }
    WavFormat format = new WavFormat(sampleRate, channels, 16, false);
    sink.expect(data.length / frameBytes);
    feedInterleaved(data, 0, data.length / frameBytes, format, sink);
    return sink.finish(AudioContainer.PCM16);
  }

  private void checkSize(byte[] data) throws InvalidAudioException {
    if (data.length == 0) {
      throw new InvalidAudioException("audio is empty");
    }
    if (data.length > limits.maxInputBytes()) {
      throw new InvalidAudioException(
          "audio is "
              + data.length
              + " bytes, more than the limit of "
              + limits.maxInputBytes()
              + " bytes");
    }
  }

  static DecodedAudio decodeWav(
      byte[] data, WavReader.Layout layout, int targetRate, AudioLimits limits)
      throws InvalidAudioException {
    WavFormat format = layout.format();
    MonoSink sink = new MonoSink(targetRate, limits);
    sink.format(format.sampleRate(), format.channels());
    sink.expect(layout.frames());
    feedInterleaved(data, layout.dataOffset(), layout.frames(), format, sink);
    return sink.finish(AudioContainer.WAV);
  }

  private static void feedInterleaved(
      byte[] data, int offset, int frames, WavFormat format, MonoSink sink)
      throws InvalidAudioException {
    int channels = format.channels();
    int width = format.bitsPerSample() / 8;
    float[] block = new float[Math.min(frames, BLOCK_FRAMES) * channels];
    int p = offset;
    for (int done = 0; done < frames; ) {
      int n = Math.min(BLOCK_FRAMES, frames - done);
      for (int i = 0; i < n * channels; i++, p += width) {
        block[i] = Pcm.sampleAt(data, p, width, format.encoding());
      }
      sink.interleaved(block, 0, n);
      done += n;
    }
  }

  private DecodedAudio decodeFlac(byte[] data) throws InvalidAudioException {
    MonoSink sink = new MonoSink(targetRate, limits);
    try {
      FLACDecoder decoder = new FLACDecoder(new ByteArrayInputStream(data));
      StreamInfo info = decoder.readStreamInfo();
      if (info == null) {
        throw new InvalidAudioException("FLAC: no STREAMINFO block");
      }
      int bits = info.getBitsPerSample();
      if (bits < 4 || bits > 32) {
        throw new InvalidAudioException("FLAC: unsupported sample width " + bits + " bits");
      }
      sink.format(info.getSampleRate(), info.getChannels());
      sink.expect(info.getTotalSamples()); // 0 when the encoder did not know it
      float scale = (float) (1.0 / (1L << (bits - 1)));
      float[][] planes = new float[info.getChannels()][];
      int[] offsets = new int[info.getChannels()];
      ByteData scratch = null;
      int frames = 0;
      Frame frame;
      while ((frame = decoder.readNextFrame()) != null) {
        if (frame.header.channels != info.getChannels()) {
          throw new InvalidAudioException("FLAC: channel count changes mid-stream");
        }
        scratch = decoder.decodeFrame(frame, scratch); // undoes stereo decorrelation
        ChannelData[] channels = decoder.getChannelData();
        int n = frame.header.blockSize;
        for (int c = 0; c < planes.length; c++) {
          if (planes[c] == null || planes[c].length < n) {
            planes[c] = new float[n];
          }
          int[] src = channels[c].getOutput();
          for (int i = 0; i < n; i++) {
            planes[c][i] = src[i] * scale;
          }
        }
        sink.planar(planes, offsets, n);
        frames++;
      }
      if (frames == 0) {
        throw new InvalidAudioException("FLAC: no decodable frames (truncated or corrupt)");
      }
    } catch (IOException e) {
      throw new InvalidAudioException("FLAC: " + reason(e), e);
    }
    return sink.finish(AudioContainer.FLAC);
  }

  /**
   * Layer III through JLayer. A leading Xing/Info frame is not audio and is skipped; with a LAME
   * tag the encoder delay plus the decoder delay are cut from the start and the padding from the
   * end, so the output has exactly the source's samples at their original times.
   */
  private DecodedAudio decodeMp3(byte[] data) throws InvalidAudioException {
    MonoSink sink = new MonoSink(targetRate, limits);
    Mp3InfoFrame info = Mp3InfoFrame.find(data);
    boolean gapless = info != null && info.gapless();
    long skip = gapless ? info.skip() : 0;
    long end = gapless ? skip + info.originalSamples() : Long.MAX_VALUE;
    Bitstream stream = new Bitstream(new ByteArrayInputStream(data));
    Decoder decoder = new Decoder();
    float[] block = new float[0];
    int frames = 0;
    long position = 0; // decoded samples per channel since the first audio frame
    try {
      Header header;
      if (info != null && (header = stream.readFrame()) != null) {
        stream.closeFrame(); // the info frame itself
      }
      while ((header = stream.readFrame()) != null) {
        SampleBuffer out = (SampleBuffer) decoder.decodeFrame(header, stream);
        int channels = decoder.getOutputChannels();
        sink.format(decoder.getOutputFrequency(), channels);
        if (frames == 0 && info != null) {
          sink.expect(
              gapless ? info.originalSamples() : info.audioFrames() * info.samplesPerFrame());
        }
        short[] pcm = out.getBuffer();
        int n = out.getBufferLength() / channels;
        int from = (int) Math.max(0, Math.min(n, skip - position));
        int to = (int) Math.max(from, Math.min(n, end - position));
        if (to > from) {
          int samples = (to - from) * channels;
          if (block.length < samples) {
            block = new float[samples];
          }
          for (int i = 0, s = from * channels; i < samples; i++, s++) {
            block[i] = pcm[s] / 32768f;
          }
          sink.interleaved(block, 0, to - from);
        }
        position += n;
        stream.closeFrame();
        frames++;
      }
    } catch (BitstreamException | DecoderException e) {
      if (frames == 0) {
        throw new InvalidAudioException("MP3: " + reason(e), e);
      }
      // A damaged tail after good frames: keep what was decoded, like common players do.
    }
    if (frames == 0) {
      throw new InvalidAudioException("MP3: no MPEG audio frames found");
    }
    return sink.finish(AudioContainer.MP3);
  }

  private DecodedAudio decodeVorbis(byte[] data) throws InvalidAudioException {
    MonoSink sink = new MonoSink(targetRate, limits);
    SyncState sync = new SyncState();
    StreamState stream = new StreamState();
    Page page = new Page();
    Packet packet = new Packet();
    Info info = new Info();
    Comment comment = new Comment();
    DspState dsp = new DspState();
    Block block = new Block(dsp);
    sync.init();
    info.init();
    comment.init();
    float[][][] pcm = new float[1][][];
    int[] index = null;
    int headers = 0;
    boolean streamStarted = false;
    int position = 0;
    boolean endOfStream = false;
    while (!endOfStream) {
      int result = sync.pageout(page);
      if (result == 0) {
        if (position >= data.length) {
          break;
        }
        int n = Math.min(16_384, data.length - position);
        int at = sync.buffer(n);
        System.arraycopy(data, position, sync.data, at, n);
        sync.wrote(n);
        position += n;
        continue;
      }
      if (result < 0) {
        if (headers < 3) {
          throw new InvalidAudioException("Ogg: not an Ogg stream or corrupt header pages");
        }
        continue; // lost sync in the middle: the next page resynchronizes
      }
      if (!streamStarted) {
        stream.init(page.serialno());
        streamStarted = true;
      }
      if (stream.pagein(page) < 0) {
        if (headers < 3) {
          throw new InvalidAudioException("Ogg: corrupt header page");
        }
        continue; // a page of another logical stream
      }
      int packetResult;
      while ((packetResult = stream.packetout(packet)) != 0) {
        if (packetResult < 0) {
          continue; // a gap in the data
        }
        if (headers < 3) {
          if (info.synthesis_headerin(comment, packet) < 0) {
            throw new InvalidAudioException(
                "Ogg: neither a Vorbis nor an Opus stream (other codecs are not supported)");
          }
          if (++headers == 3) {
            sink.format(info.rate, info.channels);
            dsp.synthesis_init(info);
            block.init(dsp);
            index = new int[info.channels];
          }
          continue;
        }
        if (block.synthesis(packet) == 0) {
          dsp.synthesis_blockin(block);
        }
        int samples;
        while ((samples = dsp.synthesis_pcmout(pcm, index)) > 0) {
          sink.planar(pcm[0], index, samples);
          dsp.synthesis_read(samples);
        }
      }
      endOfStream = page.eos() != 0;
    }
    if (headers < 3) {
      throw new InvalidAudioException("Ogg: missing Vorbis headers (truncated or not Vorbis)");
    }
    return sink.finish(AudioContainer.OGG_VORBIS);
  }

  /**
   * A decoder exception's message for the client. jflac throws bare {@code EOFException}s on a
   * corrupt stream, whose message is null: say what that means instead of "null".
   */
  private static String reason(Exception e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return "corrupt or truncated data (" + e.getClass().getSimpleName() + ")";
    }
    return message;
  }
}
