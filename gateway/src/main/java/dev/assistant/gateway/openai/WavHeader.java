package dev.assistant.gateway.openai;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 44-byte header of a 16-bit mono PCM WAV stream whose length is not known when it starts: the
 * RIFF and data sizes are 0xFFFFFFFF, as streaming servers write them; readers take the data to the
 * end of the stream.
 */
final class WavHeader {
  private WavHeader() {}

  static byte[] streaming(int sampleRate) {
    ByteBuffer b = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {'R', 'I', 'F', 'F'}).putInt(-1).put(new byte[] {'W', 'A', 'V', 'E'});
    b.put(new byte[] {'f', 'm', 't', ' '}).putInt(16).putShort((short) 1).putShort((short) 1);
    b.putInt(sampleRate).putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16);
    b.put(new byte[] {'d', 'a', 't', 'a'}).putInt(-1);
    return b.array();
  }
}
