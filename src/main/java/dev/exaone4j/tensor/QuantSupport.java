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

    private static final int CHUNK = 4096;
    private static final ThreadLocal<float[]> BUF = ThreadLocal.withInitial(() -> new float[CHUNK]);

    static boolean supports(GgmlType t) {
        return Quants.isSupported(t);
    }

    static float dot(GgmlType t, MemorySegment w, long off, float[] x, int xo, int n) {
        float[] buf = BUF.get();
        float sum = 0f;
        int step = CHUNK / t.blockSize * t.blockSize;
        for (int done = 0; done < n; done += step) {
            int len = Math.min(step, n - done);
            Quants.dequantize(t, w, off + t.bytesFor(done), buf, 0, len);
            sum += Kernels.dot(buf, 0, x, xo + done, len);
        }
        return sum;
    }

    static void dequantize(GgmlType t, MemorySegment w, long off, float[] dst, int dstOff, int n) {
        Quants.dequantize(t, w, off, dst, dstOff, n);
    }
}
