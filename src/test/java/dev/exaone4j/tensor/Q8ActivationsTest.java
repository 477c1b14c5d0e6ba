package dev.exaone4j.tensor;

import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.quant.Quants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link ActivationPrecision#Q8} products, checked against an independent scalar definition (f64 over the
 * integer block sums), for batch invariance (one row and any batch give the same bits) and for their distance
 * from the exact f32 product.
 */
class Q8ActivationsTest {
    /** Reference: sum over blocks of d_w * d_x * (integer dot of the block), in f64, with x quantized as specified. */
    static double reference(GgmlType type, float[] wq, float[] wd, float[] wmin, float[] x, int xo, int cols) {
        double s = 0;
        for (int b = 0; b < cols / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[xo + 32 * b + j]));
            float d = amax / 127f;
            float inv = d != 0 ? 1f / d : 0f;
            long isum = 0, xsum = 0;
            for (int j = 0; j < 32; j++) {
                long q = Math.max(-127, Math.min(127, Math.round(x[xo + 32 * b + j] * inv)));
                isum += q * (long) wq[32 * b + j];
                xsum += q;
            }
            s += (double) wd[b] * d * isum - (double) wmin[b] * d * xsum;
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q6_K", "Q4_K", "Q5_K"})
    void matchesTheScalarDefinitionAndIsBatchInvariant(GgmlType type) {
        org.junit.jupiter.api.Assumptions.assumeTrue(Q8Kernels.SUPPORTED, "no 256-bit vectors: Q8 computes as F32 here");
        int rows = 25, cols = type.blockSize == 256 ? 512 : 320;
        SplittableRandom rnd = new SplittableRandom(7 + type.id);
        try (Arena arena = Arena.ofShared()) {
            long rowBytes = type.bytesFor(cols);
            MemorySegment seg = arena.allocate(rowBytes * rows, 64);
            float[] w = new float[cols];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < cols; i++) w[i] = (float) (rnd.nextGaussian() * (r % 3 == 0 ? 0.02 : 1.5));
                if (r == 4) Arrays.fill(w, 64, 96, 0f);
                Quants.quantize(type, w, 0, cols, seg, r * rowBytes);
            }
            if (type == GgmlType.Q8_0) seg.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 2 * rowBytes + 5, (byte) -128);
            WeightMatrix exact = new WeightMatrix("w", type, rows, cols, seg);
            WeightMatrix m = new WeightMatrix("w", type, rows, cols, seg, ActivationPrecision.Q8);
            assertThat(m.quantizesActivations()).isTrue();
            assertThat(exact.quantizesActivations()).isFalse();
            int T = 9;
            float[] x = new float[T * cols];
            for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * (i % 97 == 0 ? 30 : 1));
            Arrays.fill(x, 2 * cols, 2 * cols + 32, 0f); // an all-zero block: scale 0
            x[3 * cols + 7] = -x[3 * cols + 7] * 1000; // one outlier dominates its block
            float[] batched = new float[T * rows];
            m.matmul(x, T, batched);
            float[] exactOut = new float[T * rows];
            exact.matmul(x, T, exactOut);
            double errNum = 0, errDen = 0;
            for (int t = 0; t < T; t++) {
                float[] xt = Arrays.copyOfRange(x, t * cols, (t + 1) * cols);
                float[] single = new float[rows];
                m.matmul(xt, 1, single);
                for (int r = 0; r < rows; r++) {
                    assertThat(Float.floatToRawIntBits(single[r])).as("%s T=1 vs T=%d, row %d token %d", type, T, r, t)
                            .isEqualTo(Float.floatToRawIntBits(batched[t * rows + r]));
                    float[] wq = new float[cols], wd = new float[cols / 32], wmin = new float[cols / 32];
                    integerRow(type, seg, r * rowBytes, wq, wd, wmin, cols);
                    double ref = reference(type, wq, wd, wmin, x, t * cols, cols);
                    assertThat((double) single[r]).as("%s row %d token %d vs the scalar definition", type, r, t)
                            .isCloseTo(ref, org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(ref)) + 1e-4 * norm(wq, wd, xt)));
                    errNum += Math.pow(single[r] - exactOut[t * rows + r], 2);
                    errDen += Math.pow(exactOut[t * rows + r], 2);
                }
            }
            // 8-bit activations move each product by ~0.5% (relative RMS over the batch).
            assertThat(Math.sqrt(errNum / errDen)).as("%s relative RMS distance from the exact product", type).isLessThan(2e-2);
        }
    }

    /**
     * Q8_0, Q4_0, Q4_K and Q5_K products run on the rows interleaved by eight; the per-row kernel serves a matrix
     * whose interleaved copy did not fit the heap. Both against the scalar definition, row counts around a group
     * boundary.
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q4_K", "Q5_K"})
    void interleavedAndPerRowKernelsAgreeWithTheDefinition(GgmlType type) {
        org.junit.jupiter.api.Assumptions.assumeTrue(Q8Kernels.SUPPORTED, "no 256-bit vectors: Q8 computes as F32 here");
        SplittableRandom rnd = new SplittableRandom(11);
        for (int rows : new int[] {1, 7, 8, 9, 17}) {
            int cols = 512;
            try (Arena arena = Arena.ofShared()) {
                long rowBytes = type.bytesFor(cols);
                MemorySegment seg = QuantizedRows.gaussian(arena, type, rows, cols, rnd, false);
                float[] x = new float[cols];
                for (int i = 0; i < cols; i++) x[i] = (float) (rnd.nextGaussian() * (i % 31 == 0 ? 20 : 1));
                Q8Activations q = new Q8Activations();
                q.quantize(x, 1, cols, false);
                if (type == GgmlType.Q8_0) seg.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 2 + 3, (byte) -128);
                RowGroups il = switch (type) {
                    case Q4_0, Q8_0 -> BlockInterleaved.of(type, seg, rowBytes, rows, cols);
                    default -> QKInterleaved.of(type, seg, rowBytes, rows, cols);
                };
                boolean k = type == GgmlType.Q4_K || type == GgmlType.Q5_K;
                byte[] kScales = k ? Q8Kernels.unpackKScales(seg, rowBytes, type == GgmlType.Q5_K ? 176 : 144, rows, cols) : null;
                assertThat(il.groups()).isEqualTo((rows + 7) / 8);
                float[] y = new float[8 * il.groups()];
                for (int g = 0; g < il.groups(); g++) il.dot8(g, q, 0, y, 8 * g);
                for (int r = 0; r < rows; r++) {
                    float[] wq = new float[cols], wd = new float[cols / 32], wmin = new float[cols / 32];
                    integerRow(type, seg, r * rowBytes, wq, wd, wmin, cols);
                    double ref = reference(type, wq, wd, wmin, x, 0, cols);
                    org.assertj.core.data.Offset<Double> tol = org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(ref)) + 1e-4 * norm(wq, wd, x));
                    assertThat((double) y[r]).as("interleaved, %d rows, row %d", rows, r).isCloseTo(ref, tol);
                    float perRow = k ? Q8Kernels.dotK(type, seg, r * rowBytes, kScales, r * (cols / 16), q, 0) : Q8Kernels.dot(type, seg, r * rowBytes, q, 0);
                    assertThat((double) perRow).as("per row, %d rows, row %d", rows, r).isCloseTo(ref, tol);
                }
                for (int r = rows; r < y.length; r++) assertThat(y[r]).as("padding row %d", r).isZero();
            }
        }
    }

    /** Products that share their input (q/k/v, gate/up) run as one loop: bit for bit the separate products. */
    @Test
    void sharedInputProductsEqualSeparateOnes() {
        int cols = 512;
        SplittableRandom rnd = new SplittableRandom(5);
        try (Arena arena = Arena.ofShared()) {
            GgmlType[] types = {GgmlType.Q4_0, GgmlType.Q6_K, GgmlType.Q8_0, GgmlType.Q4_K};
            int[] rowCounts = {20, 9, 33, 16};
            WeightMatrix[] q8 = new WeightMatrix[types.length], f32 = new WeightMatrix[types.length];
            for (int i = 0; i < types.length; i++) {
                MemorySegment seg = QuantizedRows.gaussian(arena, types[i], rowCounts[i], cols, rnd, false);
                q8[i] = new WeightMatrix("w" + i, types[i], rowCounts[i], cols, seg, ActivationPrecision.Q8);
                f32[i] = new WeightMatrix("w" + i, types[i], rowCounts[i], cols, seg, ActivationPrecision.F32);
            }
            for (int T : new int[] {1, 3}) {
                float[] x = new float[T * cols];
                for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                for (WeightMatrix[] m : new WeightMatrix[][] {q8, {q8[0], f32[1], q8[2]}, {q8[3], q8[1], null}}) {
                    float[][] shared = new float[3][], separate = new float[3][];
                    for (int i = 0; i < 3; i++) {
                        if (m[i] == null) continue;
                        shared[i] = new float[T * m[i].rows()];
                        separate[i] = new float[T * m[i].rows()];
                        m[i].matmul(x, T, separate[i]);
                    }
                    MatMul.matmulShared(x, T, m[0], shared[0], m[1], shared[1], m[2], shared[2]);
                    for (int i = 0; i < 3; i++) {
                        if (m[i] != null) assertThat(shared[i]).as("T=%d %s", T, m[i]).isEqualTo(separate[i]);
                    }
                }
                // prompt rows (exact) inside the batch: still the separate products
                boolean[] old = MatMul.exactRows(new boolean[] {true, false, false});
                try {
                    float[] a = new float[T * q8[0].rows()], b = new float[T * q8[2].rows()];
                    float[] a2 = new float[a.length], b2 = new float[b.length];
                    MatMul.matmulShared(x, T, q8[0], a, q8[2], b, null, null);
                    q8[0].matmul(x, T, a2);
                    q8[2].matmul(x, T, b2);
                    assertThat(a).isEqualTo(a2);
                    assertThat(b).isEqualTo(b2);
                } finally {
                    MatMul.exactRows(old);
                }
            }
        }
    }

    /**
     * Past the heap budget for interleaved copies, a matrix keeps the per-row 8-bit kernel (Q6_K: f32 activations)
     * instead of filling the heap, and says so once.
     */
    @Test
    void heapBudgetForInterleavedCopiesIsRespected() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Q8Kernels.SUPPORTED, "no 256-bit vectors: Q8 computes as F32 here");
        int rows = 12, cols = 256;
        SplittableRandom rnd = new SplittableRandom(9);
        assertThat(RowGroups.bytesFor(GgmlType.Q4_0, rows, cols)).isGreaterThanOrEqualTo(16L * cols * 5 / 8);
        String old = System.getProperty("exaone4j.interleavedHeapBytes");
        System.setProperty("exaone4j.interleavedHeapBytes", "1");
        try (Arena arena = Arena.ofShared()) {
            float[] x = new float[cols];
            for (int i = 0; i < cols; i++) x[i] = (float) rnd.nextGaussian();
            for (GgmlType type : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q6_K}) {
                long rowBytes = type.bytesFor(cols);
                MemorySegment seg = QuantizedRows.gaussian(arena, type, rows, cols, rnd, false);
                WeightMatrix m = new WeightMatrix("w", type, rows, cols, seg, ActivationPrecision.Q8);
                float[] y = new float[rows];
                m.matmul(x, 1, y);
                assertThat(m.rowGroups()).as("%s: no interleaved copy past the budget", type).isNull();
                float[] expected = new float[rows];
                if (type == GgmlType.Q6_K) {
                    assertThat(m.quantizesActivations()).isFalse();
                    new WeightMatrix("w", type, rows, cols, seg).matmul(x, 1, expected);
                } else {
                    Q8Activations q = new Q8Activations();
                    q.quantize(x, 1, cols, false);
                    for (int r = 0; r < rows; r++) expected[r] = Q8Kernels.dot(type, seg, r * rowBytes, q, 0);
                }
                assertThat(y).as("%s past the budget", type).isEqualTo(expected);
            }
        } finally {
            if (old == null) System.clearProperty("exaone4j.interleavedHeapBytes");
            else System.setProperty("exaone4j.interleavedHeapBytes", old);
        }
    }

    /** rows x cols standard-normal weights quantized to type, in a segment of arena. */
    /** A scale for the rounding tolerance: sum of |w| |x| (the float sums accumulate relative to it). */
    private static double norm(float[] wq, float[] wd, float[] x) {
        double s = 0;
        for (int i = 0; i < wq.length; i++) s += Math.abs(wq[i] * wd[i / 32] * x[i]);
        return s * 1e-2;
    }

    /** The row's integer values and block scales, read straight from the GGUF block layout. */
    private static void integerRow(GgmlType type, MemorySegment seg, long off, float[] wq, float[] wd, float[] wmin, int cols) {
        if (type == GgmlType.Q4_K || type == GgmlType.Q5_K) {
            // ggml's layout: per 256 {f16 d, f16 dmin, 6-bit scales and mins packed in 12 bytes, [Q5_K: qh[32]],
            // qs[128]}; sub-block s is the low (s even) or high nibbles of qs[32 (s / 2) ..] (Q5_K: plus 16 where
            // bit s of qh[l] is set), value d * sc * q - dmin * m
            boolean five = type == GgmlType.Q5_K;
            for (int sb = 0; sb < cols / 256; sb++) {
                long bo = off + (five ? 176L : 144L) * sb;
                float d = Float.float16ToFloat(seg.get(Kernels.I16, bo)), dmin = Float.float16ToFloat(seg.get(Kernels.I16, bo + 2));
                int[] sc = new int[12];
                for (int i = 0; i < 12; i++) sc[i] = seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, bo + 4 + i) & 0xff;
                for (int s = 0; s < 8; s++) {
                    int scale = s < 4 ? sc[s] & 63 : (sc[s + 4] & 15) | ((sc[s - 4] >> 6) << 4);
                    int min = s < 4 ? sc[s + 4] & 63 : (sc[s + 4] >> 4) | ((sc[s] >> 6) << 4);
                    wd[8 * sb + s] = d * scale;
                    wmin[8 * sb + s] = dmin * min;
                    for (int l = 0; l < 32; l++) {
                        int q = seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, bo + (five ? 48 : 16) + 32 * (s / 2) + l) & 0xff;
                        int high = five && ((seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, bo + 16 + l) >> s) & 1) != 0 ? 16 : 0;
                        wq[256 * sb + 32 * s + l] = ((s % 2 == 0) ? q & 15 : q >> 4) + high;
                    }
                }
            }
            return;
        }
        if (type == GgmlType.Q6_K) {
            // ggml's layout: per 256 {ql[128], qh[64], int8 scales[16], f16 d}; halves of 128, groups of 32
            for (int sb = 0; sb < cols / 256; sb++) {
                long bo = off + 210L * sb;
                float d = Float.float16ToFloat(seg.get(Kernels.I16, bo + 208));
                for (int h = 0; h < 2; h++) {
                    for (int l = 0; l < 32; l++) {
                        int ql0 = seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, bo + 64 * h + l) & 0xff;
                        int ql1 = seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, bo + 64 * h + 32 + l) & 0xff;
                        int qh = seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, bo + 128 + 32 * h + l) & 0xff;
                        int[] q = {(ql0 & 15) | ((qh & 3) << 4), (ql1 & 15) | (((qh >> 2) & 3) << 4), (ql0 >> 4) | (((qh >> 4) & 3) << 4), (ql1 >> 4) | (((qh >> 6) & 3) << 4)};
                        for (int g = 0; g < 4; g++) {
                            int sc = seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, bo + 192 + 8 * h + 2 * g + l / 16);
                            wq[256 * sb + 128 * h + 32 * g + l] = (q[g] - 32) * sc;
                        }
                    }
                }
                for (int b = 0; b < 8; b++) wd[8 * sb + b] = d;
            }
            return;
        }
        for (int b = 0; b < cols / 32; b++) {
            long bo = off + (long) type.bytesFor(32) * b;
            wd[b] = Float.float16ToFloat(seg.get(Kernels.I16, bo));
            for (int j = 0; j < 32; j++) {
                if (type == GgmlType.Q8_0) {
                    wq[32 * b + j] = seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, bo + 2 + j);
                } else {
                    int q = seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, bo + 2 + (j & 15)) & 0xff;
                    wq[32 * b + j] = (j < 16 ? q & 15 : q >> 4) - 8;
                }
            }
        }
    }

    /** Rows marked exact (prompt rows) compute as with f32 activations, the others with 8 bits, in one batch. */
    @Test
    void exactRowsMaskSplitsABatch() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Q8Kernels.SUPPORTED, "no 256-bit vectors: Q8 computes as F32 here");
        int rows = 40, cols = 256, T = 7;
        SplittableRandom rnd = new SplittableRandom(3);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = QuantizedRows.gaussian(arena, GgmlType.Q8_0, rows, cols, rnd, false);
            WeightMatrix q8 = new WeightMatrix("w", GgmlType.Q8_0, rows, cols, seg, ActivationPrecision.Q8);
            WeightMatrix f32 = new WeightMatrix("w", GgmlType.Q8_0, rows, cols, seg, ActivationPrecision.F32);
            float[] x = new float[T * cols];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            boolean[] mask = {true, false, true, false, false, true, false};
            float[] y = new float[T * rows];
            boolean[] previous = MatMul.exactRows(mask);
            try {
                q8.matmul(x, T, y);
            } finally {
                MatMul.exactRows(previous);
            }
            float[] wr = new float[cols];
            for (int t = 0; t < T; t++) {
                float[] xt = Arrays.copyOfRange(x, t * cols, (t + 1) * cols), alone = new float[rows];
                if (mask[t]) {
                    // a prompt row: the prompt kernel's arithmetic (an fma chain over the dequantized row)
                    for (int r = 0; r < rows; r++) {
                        q8.rowToFloat(r, wr, 0);
                        alone[r] = Kernels.chain(wr, 0, xt, 0, cols);
                    }
                } else {
                    q8.matmul(xt, 1, alone);
                }
                for (int r = 0; r < rows; r++) {
                    assertThat(Float.floatToRawIntBits(y[t * rows + r])).as("row %d token %d (exact %s)", r, t, mask[t])
                            .isEqualTo(Float.floatToRawIntBits(alone[r]));
                }
            }
            // all rows exact: the same whatever the matrix's precision
            float[] all = new float[T * rows], ref = new float[T * rows];
            boolean[] allTrue = new boolean[T];
            Arrays.fill(allTrue, true);
            previous = MatMul.exactRows(allTrue);
            try {
                q8.matmul(x, T, all);
            } finally {
                MatMul.exactRows(previous);
            }
            previous = MatMul.exactRows(allTrue);
            try {
                f32.matmul(x, T, ref);
            } finally {
                MatMul.exactRows(previous);
            }
            assertThat(all).containsExactly(ref);
        }
    }

    /**
     * The quantizer against its definition, value by value: d = max|x| / 127, q = Math.round(x / d) clamped to
     * [-127, 127] (ties up), the block sums and the pair layout; on random rows with exact ties (x / d = k + 0.5),
     * zero blocks, tiny and huge values, infinities and NaN.
     */
    @Test
    void quantizerFollowsItsDefinition() {
        int cols = 32 * 24, T = 3;
        SplittableRandom rnd = new SplittableRandom(11);
        float[] x = new float[T * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-30, 30)));
        java.util.Arrays.fill(x, 32, 64, 0f);                      // a zero block
        for (int j = 0; j < 32; j++) x[64 + j] = (j - 16) * 0.5f;   // x / d on half-integers: ties both ways
        x[64 + 31] = 63.5f;                                        // (max 63.5: d = 0.5, q = 2x)
        x[96 + 3] = Float.POSITIVE_INFINITY;
        x[128 + 5] = Float.NaN;
        x[160 + 7] = -Float.MAX_VALUE;
        Q8Activations a = new Q8Activations();
        a.quantize(x, T, cols, false);
        for (int b = 0; b < T * cols / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[32 * b + j]));
            float d = amax / 127f, inv = d != 0 ? 1f / d : 0f;
            assertThat(Float.floatToRawIntBits(a.d[b])).as("block %d scale", b).isEqualTo(Float.floatToRawIntBits(d));
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                int q = Math.max(-127, Math.min(127, Math.round(x[32 * b + j] * inv)));
                sum += q;
                assertThat((int) a.q[32 * b + j]).as("block %d value %d (x = %s)", b, j, x[32 * b + j]).isEqualTo(q);
                int pair = a.pairs[16 * b + j / 2];
                assertThat(j % 2 == 0 ? (int) (short) pair : pair >> 16).as("block %d pair half %d", b, j).isEqualTo(q);
            }
            assertThat(a.sums[b]).as("block %d sum", b).isEqualTo(sum);
        }
        // the same bits once the JIT has compiled the vector code (intrinsics, not the interpreter's lane loops)
        short[] q0 = a.q.clone();
        float[] d0 = a.d.clone();
        for (int rep = 0; rep < 3000; rep++) a.quantize(x, T, cols, false);
        assertThat(a.q).containsExactly(q0);
        assertThat(a.d).containsExactly(d0);
    }

    @Test
    void otherTypesIgnoreQ8Precision() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(GgmlType.Q6_K.bytesFor(256) * 2L, 64);
            assertThat(new WeightMatrix("w", GgmlType.F16, 2, 64, seg, ActivationPrecision.Q8).quantizesActivations()).isFalse();
            assertThat(new WeightMatrix("w", GgmlType.Q3_K, 2, 256, seg, ActivationPrecision.Q8).quantizesActivations()).isFalse();
        }
    }

    @Test
    void parsesPrecisionNames() {
        assertThat(ActivationPrecision.parse("F32")).isEqualTo(ActivationPrecision.F32);
        assertThat(ActivationPrecision.parse("q8")).isEqualTo(ActivationPrecision.Q8);
        assertThatThrownBy(() -> ActivationPrecision.parse("fp8")).hasMessageContaining("'fp8'").hasMessageContaining("f32, q8");
    }
}
