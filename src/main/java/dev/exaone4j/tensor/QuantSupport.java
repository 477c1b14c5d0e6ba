package dev.exaone4j.tensor;

import dev.exaone4j.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/** Bridge to the block formats beyond the built-in fast kernels (K-quants and the other legacy types). */
final class QuantSupport {
    private QuantSupport() {}

    static boolean supports(GgmlType t) {
        return false;
    }

    static float dot(GgmlType t, MemorySegment w, long off, float[] x, int xo, int n) {
        throw new IllegalStateException("no kernel for " + t);
    }

    static void dequantize(GgmlType t, MemorySegment w, long off, float[] dst, int dstOff, int n) {
        throw new IllegalStateException("no dequantizer for " + t);
    }
}
