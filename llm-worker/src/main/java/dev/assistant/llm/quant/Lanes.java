package dev.assistant.llm.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector species the quantized kernels use: the widest float vector of this CPU, and the byte
 * vector holding one code per float lane (64 bits of bytes for 256-bit floats, 128 for 512). On
 * CPUs whose widest float vector has fewer than 8 lanes (no such byte species exists) the kernels
 * fall back to scalar code.
 */
final class Lanes {

  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  static final int L = F.length();
  static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  static final boolean VECTOR = (L == 8 || L == 16) && I.length() == L && vectorEnabled();
  static final VectorSpecies<Byte> B =
      VECTOR ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8)) : ByteVector.SPECIES_64;

  private Lanes() {}

  /** {@code -Ddev.assistant.quant.scalar=true} forces the scalar kernels (for comparisons). */
  private static boolean vectorEnabled() {
    return !Boolean.getBoolean("dev.assistant.quant.scalar");
  }
}
