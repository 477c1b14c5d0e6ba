package dev.exaone4j.tensor;

import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.quant.Quants;

import java.lang.foreign.MemorySegment;

/**
 * Bridge to the block formats that have no dedicated Vector API kernel here (Q4_1, Q5_x, K-quants): exact
 * dequantization in chunks (from {@link Quants}) followed by a vectorized f32 dot product.
 */
final class QuantSupport {
    private QuantSupport() {}

    private static final ThreadLocal<float[][]> BUF = ThreadLocal.withInitial(() -> new float[][]{new float[0]});

    static boolean supports(GgmlType t) {
        return Quants.isSupported(t);
    }

    /** Dequantizes the row, then {@link Kernels#dot}: the same arithmetic as the batched path. */
    static float dot(GgmlType t, MemorySegment w, long off, float[] x, int xo, int n) {
        float[][] holder = BUF.get();
        if (holder[0].length < n) holder[0] = new float[n];
        float[] buf = holder[0];
        Quants.dequantize(t, w, off, buf, 0, n);
        return Kernels.dot(buf, 0, x, xo, n);
    }

    static void dequantize(GgmlType t, MemorySegment w, long off, float[] dst, int dstOff, int n) {
        Quants.dequantize(t, w, off, dst, dstOff, n);
    }
}
