package dev.assistant.common.numeric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HalfTest {

  @Test
  void everyHalfValueRoundTripsExactly() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float f = Half.f16ToFloat((short) bits);
      if (!Float.isNaN(f)) {
        assertEquals((short) bits, Half.floatToF16(f), "f16 bits " + Integer.toHexString(bits));
      }
      float b = Half.bf16ToFloat((short) bits);
      if (!Float.isNaN(b)) {
        assertEquals((short) bits, Half.floatToBf16(b), "bf16 bits " + Integer.toHexString(bits));
      }
    }
  }

  @Test
  void decodesKnownBinary16Values() {
    assertEquals(1.0f, Half.f16ToFloat((short) 0x3c00));
    assertEquals(-2.0f, Half.f16ToFloat((short) 0xc000));
    assertEquals(65504f, Half.f16ToFloat((short) 0x7bff));
    assertEquals(0x1p-24f, Half.f16ToFloat((short) 0x0001)); // smallest subnormal
    assertEquals(0x1p-14f, Half.f16ToFloat((short) 0x0400)); // smallest normal
    assertEquals(Float.NEGATIVE_INFINITY, Half.f16ToFloat((short) 0xfc00));
    assertTrue(Float.isNaN(Half.f16ToFloat((short) 0x7e00)));
    assertEquals(
        Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(Half.f16ToFloat((short) 0x8000)));
  }

  @Test
  void roundsToNearestEvenAndSaturatesToInfinity() {
    // 1 + 2^-11 lies halfway between 1 and the next half (1 + 2^-10): ties go to the even one
    assertEquals((short) 0x3c00, Half.floatToF16(1.0f + 0x1p-11f));
    assertEquals((short) 0x3c02, Half.floatToF16(1.0f + 3 * 0x1p-11f));
    assertEquals((short) 0x3c01, Half.floatToF16(1.0f + 0x1p-11f + 0x1p-20f));
    // subnormal range: 2^-25 is halfway between 0 and 2^-24 (ties to 0), 0.75 · 2^-24 rounds up
    assertEquals((short) 0x0000, Half.floatToF16(0x1p-25f));
    assertEquals((short) 0x0001, Half.floatToF16(0.75f * 0x1p-24f));
    assertEquals((short) 0x8000, Half.floatToF16(-0x1p-30f));
    // a mantissa carry into the exponent is the right rounding
    assertEquals((short) 0x0400, Half.floatToF16(0x1p-14f - 0x1p-26f));
    assertEquals(65504f, Half.f16ToFloat(Half.floatToF16(65504f)));
    assertEquals((short) 0x7c00, Half.floatToF16(65520f)); // halfway to 65536: infinity
    assertEquals(Float.POSITIVE_INFINITY, Half.f16ToFloat(Half.floatToF16(1e6f)));
    assertEquals((short) 0xfc00, Half.floatToF16(Float.NEGATIVE_INFINITY));
    assertTrue(Float.isNaN(Half.f16ToFloat(Half.floatToF16(Float.NaN))));
  }

  @Test
  void bfloat16RoundsToNearestEvenAndKeepsNaN() {
    assertEquals(1.0f + 0x1p-7f, Half.bf16ToFloat(Half.floatToBf16(1.0f + 0x1p-7f + 0x1p-10f)));
    assertEquals(1.0f, Half.bf16ToFloat(Half.floatToBf16(1.0f + 0x1p-8f))); // tie to even
    assertEquals(1.0f + 0x1p-6f, Half.bf16ToFloat(Half.floatToBf16(1.0f + 3 * 0x1p-8f)));
    assertTrue(Float.isNaN(Half.bf16ToFloat(Half.floatToBf16(Float.NaN))));
    // a NaN whose payload sits in the low bits must not round to infinity
    assertTrue(Float.isNaN(Half.bf16ToFloat(Half.floatToBf16(Float.intBitsToFloat(0x7f800001)))));
  }

  @Test
  void bulkConversionMatchesOneByOne() {
    short[] src = new short[0x10000 + 3];
    for (int i = 0; i < src.length; i++) {
      src[i] = (short) (i * 40503);
    }
    float[] expected = new float[src.length + 2];
    for (int i = 0; i < src.length - 1; i++) {
      expected[2 + i] = Half.f16ToFloat(src[1 + i]);
    }
    float[] actual = new float[src.length + 2];
    Half.f16ToFloat(src, 1, actual, 2, src.length - 1);
    assertArrayEquals(expected, actual);
  }
}
