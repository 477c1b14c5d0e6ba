package dev.exaone4j.tensor;

import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.quant.Quants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every weight type's {@code dotRow} and {@code rowToFloat} against the scalar oracle {@link Quants}: dequantization
 * bit for bit, dot products within float reassociation error of an exact (double) sum of the exactly dequantized
 * products, on quantized random data, on raw random blocks (every bit pattern of the quants, random finite
 * scales incl. zero, negative and subnormal halves), on all-0x00 / all-0xFF blocks, and with one-hot activations;
 * fused kernels equal dequantize-then-{@link Kernels#dot} bit for bit, and so does the batched matmul for any T.
 */
class KernelsTest {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Byte offsets of the f16 scale fields in one block of each type (Q8_K's f32 d is handled apart). */
    static int[] halfFields(GgmlType t) {
        return switch (t) {
            case Q4_0, Q5_0, Q8_0 -> new int[]{0};
            case Q4_1, Q5_1, Q4_K, Q5_K -> new int[]{0, 2};
            case Q2_K -> new int[]{80, 82};
            case Q3_K -> new int[]{108};
            case Q6_K -> new int[]{208};
            default -> new int[0];
        };
    }

    /** Weight types with a block structure. */
    enum Q { Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K }

    static GgmlType type(Q q) {
        return GgmlType.valueOf(q.name());
    }

    /** A random finite half: mostly moderate, sometimes zero, negative or subnormal. */
    static short randomHalf(SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0 -> 0;
            case 1 -> (short) r.nextInt(1, 0x400);                          // subnormal
            case 2 -> (short) (0x8000 | r.nextInt(1, 0x400));               // negative subnormal
            default -> Float.floatToFloat16((float) ((r.nextBoolean() ? 1 : -1) * Math.exp(r.nextDouble(-12, 2))));
        };
    }

    /** rows x n of type t: mode 0 = quantized Gaussians, 1 = raw random bytes with random halves, 2 = 0x00/0xFF. */
    static MemorySegment fill(GgmlType t, int rows, int n, int mode, SplittableRandom r, Arena arena) {
        long rowBytes = t.bytesFor(n);
        MemorySegment m = arena.allocate(rowBytes * rows + 64);
        if (mode == 0) {
            float[] v = new float[n];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < n; j++) v[j] = (float) (r.nextGaussian() * (j % 97 == 0 ? 8 : 1));
                Quants.quantize(t, v, 0, n, m, rowBytes * i);
            }
            return m;
        }
        for (long i = 0; i < rowBytes * rows; i++) {
            m.set(ValueLayout.JAVA_BYTE, i, (byte) (mode == 1 ? r.nextInt(256) : (i / t.typeSize % 2 == 0 ? 0xff : 0)));
        }
        for (long b = 0; b < rowBytes * rows / t.typeSize; b++) {
            long bo = b * t.typeSize;
            for (int f : halfFields(t)) m.set(I16, bo + f, mode == 1 ? randomHalf(r) : Float.floatToFloat16(b % 3 == 0 ? -0.75f : 0.5f));
            if (t == GgmlType.Q8_K) m.set(F32, bo, (float) r.nextGaussian());
        }
        return m;
    }

    static float[] randomX(SplittableRandom r, int n) {
        float[] x = new float[n + 7];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    /** Checks rowToFloat bit for bit and dotRow against the double sum of exact products, for every row. */
    static void checkRows(WeightMatrix w, float[] x, int xo) {
        int n = w.cols();
        float[] exact = new float[n], mine = new float[n];
        for (int r = 0; r < w.rows(); r++) {
            long off = w.type().bytesFor((long) n * r);
            Quants.dequantize(w.type(), w.data(), off, exact, 0, n);
            w.rowToFloat(r, mine, 0);
            for (int i = 0; i < n; i++) {
                if (Float.floatToIntBits(exact[i]) != Float.floatToIntBits(mine[i])) {
                    throw new AssertionError(w + " row " + r + " element " + i + ": dequantized " + mine[i] + ", oracle " + exact[i]);
                }
            }
            double sum = 0, abs = 0;
            for (int i = 0; i < n; i++) {
                sum += (double) exact[i] * x[xo + i];
                abs += Math.abs((double) exact[i] * x[xo + i]);
            }
            float oracle = Quants.dot(w.type(), w.data(), off, x, xo, n);
            float got = w.dotRow(r, x, xo);
            assertThat(Float.floatToRawIntBits(got)).as("%s row %d: fused kernel vs dequantize-then-dot", w, r)
                    .isEqualTo(Float.floatToRawIntBits(Kernels.dot(mine, 0, x, xo, n)));
            double tol = 2e-6 * abs + 1e-35;
            assertThat(Math.abs(got - sum)).as("%s row %d dot (oracle %s, exact %s)", w, r, oracle, sum).isLessThanOrEqualTo(tol);
            assertThat(Math.abs(oracle - sum)).as("oracle itself").isLessThanOrEqualTo(Math.max(tol, n * 1.2e-7 * abs));
        }
    }

    @ParameterizedTest
    @EnumSource(Q.class)
    void everyRowLengthAndDataKind(Q q) {
        GgmlType t = type(q);
        SplittableRandom r = new SplittableRandom(q.ordinal() * 7919L + 1);
        int maxBlocks = t.blockSize == 32 ? 40 : 12;
        try (Arena arena = Arena.ofConfined()) {
            for (int nb = 1; nb <= maxBlocks; nb++) {
                int n = nb * t.blockSize;
                for (int mode = 0; mode < 3; mode++) {
                    int rows = 3;
                    WeightMatrix w = new WeightMatrix("t", t, rows, n, fill(t, rows, n, mode, r, arena));
                    float[] x = randomX(r, n);
                    checkRows(w, x, nb % 5);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Q.class)
    void realisticRowLength(Q q) {
        GgmlType t = type(q);
        SplittableRandom r = new SplittableRandom(q.ordinal() + 99);
        try (Arena arena = Arena.ofConfined()) {
            for (int n : new int[]{2048, 4096 + t.blockSize}) {
                WeightMatrix w = new WeightMatrix("t", t, 4, n, fill(t, 4, n, 0, r, arena));
                checkRows(w, randomX(r, n), 3);
            }
        }
    }

    /** A one-hot activation picks out exactly one element: catches any element put at the wrong position. */
    @ParameterizedTest
    @EnumSource(Q.class)
    void oneHotPicksEachElement(Q q) {
        GgmlType t = type(q);
        SplittableRandom r = new SplittableRandom(q.ordinal() + 5);
        int n = 2 * t.blockSize;
        try (Arena arena = Arena.ofConfined()) {
            WeightMatrix w = new WeightMatrix("t", t, 1, n, fill(t, 1, n, 1, r, arena));
            float[] exact = new float[n];
            Quants.dequantize(t, w.data(), 0, exact, 0, n);
            float max = 0;
            for (float v : exact) max = Math.max(max, Math.abs(v));
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = 1f;
                float got = w.dotRow(0, x, 0);
                assertThat((double) got).as("%s element %d", t, i).isCloseTo(exact[i], org.assertj.core.data.Offset.offset(0x1p-22 * max + 1e-30));
                x[i] = 0f;
            }
        }
    }

    /** Batched products (tiles of 3 rows, token pairs, token blocks, every tail) equal T=1 products bit for bit. */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "BF16", "F16", "Q8_0", "Q4_0", "Q5_1", "Q4_K", "Q6_K"})
    void matmulIsBatchInvariant(GgmlType t) {
        SplittableRandom r = new SplittableRandom(t.id);
        int[][] shapes = t.blockSize == 1 ? new int[][]{{1, 5}, {4, 37}, {7, 300}, {5, 4100}} : new int[][]{{1, 256}, {4, 512}, {7, 768}, {5, 4352}};
        try (Arena arena = Arena.ofShared()) {
            for (int[] sh : shapes) {
                int rows = sh[0], n = sh[1];
                MemorySegment m = arena.allocate(t.bytesFor((long) rows * n) + 64);
                float[] v = new float[n];
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < n; j++) v[j] = (float) r.nextGaussian();
                    Quants.quantize(t, v, 0, n, m, t.bytesFor((long) n * i));
                }
                WeightMatrix w = new WeightMatrix("t", t, rows, n, m);
                for (int T : new int[]{2, 3, 5, 9, 33}) {
                    float[] x = new float[T * n];
                    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
                    float[] y = new float[T * rows], one = new float[rows];
                    w.matmul(x, T, y);
                    for (int tok = 0; tok < T; tok++) {
                        w.matmul(java.util.Arrays.copyOfRange(x, tok * n, (tok + 1) * n), 1, one);
                        for (int row = 0; row < rows; row++) {
                            assertThat(Float.floatToRawIntBits(y[tok * rows + row])).as("%s %dx%d T=%d token %d row %d", t, rows, n, T, tok, row)
                                    .isEqualTo(Float.floatToRawIntBits(one[row]));
                        }
                    }
                }
            }
        }
    }

    /** The written-out lane sum equals the pairwise rearrange tree it replaces, bit for bit. */
    @org.junit.jupiter.api.Test
    void laneSumIsThePairwiseTree() {
        SplittableRandom r = new SplittableRandom(11);
        float[] v = new float[Kernels.L];
        for (int k = 0; k < 10_000; k++) {
            for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * Math.exp(r.nextDouble(-20, 20)));
            float[] t = v.clone();
            for (int w = t.length / 2; w >= 1; w /= 2) {
                float[] u = t.clone();
                for (int i = 0; i < t.length; i++) t[i] = u[i] + u[(i + w) % t.length];
            }
            float got = Kernels.sum(jdk.incubator.vector.FloatVector.fromArray(Kernels.F, v, 0));
            assertThat(Float.floatToRawIntBits(got)).isEqualTo(Float.floatToRawIntBits(t[0]));
        }
    }

    /** Attention's weighted sum of value rows keeps the output in registers: bit for bit one axpy per row, in order. */
    @org.junit.jupiter.api.Test
    void axpyRowsEqualsOneAxpyPerRow() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int len : new int[] {64, 128, 80, 7, 200}) {
            int n = 13;
            float[] x = new float[n * (len + 9)], a = new float[n];
            int[] xo = new int[n];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            for (int j = 0; j < n; j++) {
                a[j] = (float) rnd.nextDouble();
                xo[j] = (n - 1 - j) * (len + 9) + j % 5;            // rows out of order, unaligned
            }
            float[] y = new float[len + 3], ref = new float[len + 3];
            for (int i = 0; i < y.length; i++) y[i] = ref[i] = (float) rnd.nextGaussian();
            Kernels.axpyRows(a, x, xo, n, y, 3, len);
            for (int j = 0; j < n; j++) Kernels.axpy(a[j], x, xo[j], ref, 3, len);
            assertThat(y).as("len %d", len).isEqualTo(ref);
        }
    }

    /** Attention's scores keep the query in registers for 64-wide heads: bit for bit one dot per key. */
    @org.junit.jupiter.api.Test
    void dotRowsEqualsOneDotPerRow() {
        SplittableRandom rnd = new SplittableRandom(19);
        for (int len : new int[] {8 * Kernels.L, 128, 40}) {
            int n = 11;
            float[] k = new float[n * (len + 5)], q = new float[len + 2], out = new float[n];
            int[] ko = new int[n];
            for (int i = 0; i < k.length; i++) k[i] = (float) rnd.nextGaussian();
            for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
            for (int j = 0; j < n; j++) ko[j] = (n - 1 - j) * (len + 5) + j % 3;
            Kernels.dotRows(q, 2, k, ko, n, len, 0.125f, out);
            for (int j = 0; j < n; j++) {
                assertThat(Float.floatToRawIntBits(out[j])).as("len %d key %d", len, j)
                        .isEqualTo(Float.floatToRawIntBits(Kernels.dot(q, 2, k, ko[j], len) * 0.125f));
            }
        }
    }

    /**
     * The vector exp against Math.exp: within 3 ulp wherever e^x is a normal float, 0 below -87.3, +inf above
     * 88.7, NaN for NaN; the masked tail of expShifted equals the full lanes; and the compiled code gives the same
     * bits as the first (interpreted) calls.
     */
    @Test
    void vectorExpIsAccurateAndDeterministic() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        int n = 20_000;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextDouble(-90, 90);
        x[0] = 0f;
        x[1] = -0f;
        x[2] = Float.NaN;
        x[3] = Float.NEGATIVE_INFINITY;
        x[4] = Float.POSITIVE_INFINITY;
        x[5] = -87.29f;
        x[6] = 88.69f;
        float[] first = new float[n];
        for (int i = 0; i < n; i++) first[i] = Kernels.exp(x[i]);
        for (int i = 0; i < n; i++) {
            float got = first[i], want = (float) Math.exp(x[i]);
            if (Float.isNaN(x[i])) assertThat(got).isNaN();
            else if (x[i] < -87.3f) assertThat(got).as("exp(%s)", x[i]).isEqualTo(0f);
            else if (x[i] > 88.7f) assertThat(got).as("exp(%s)", x[i]).isEqualTo(Float.POSITIVE_INFINITY);
            else assertThat((double) Math.abs(got - want)).as("exp(%s) = %s vs %s", x[i], got, want).isLessThanOrEqualTo(3 * Math.ulp(want));
        }
        // expShifted: lanes and tail alike, the sum in a fixed order
        for (int len : new int[] {1, 7, Kernels.L, 2 * Kernels.L + 3, 64}) {
            float[] a = java.util.Arrays.copyOfRange(x, 100, 100 + len);
            for (int i = 0; i < len; i++) a[i] = Math.min(a[i], 80f);
            float[] b = a.clone();
            float total = Kernels.expShifted(b, 0, len, 3f);
            for (int i = 0; i < len; i++) {
                assertThat(Float.floatToRawIntBits(b[i])).as("len %d lane %d", len, i).isEqualTo(Float.floatToRawIntBits(Kernels.exp(a[i] - 3f)));
            }
            assertThat((double) total).isCloseTo(java.util.stream.IntStream.range(0, len).mapToDouble(i -> b[i]).sum(), org.assertj.core.data.Offset.offset(1e-3 * Math.abs(total)));
        }
        for (int rep = 0; rep < 200; rep++) {
            for (int i = 0; i < n; i++) {
                float v = Kernels.exp(x[i]);
                if (rep == 199) assertThat(Float.floatToRawIntBits(v)).as("compiled exp(%s)", x[i]).isEqualTo(Float.floatToRawIntBits(first[i]));
            }
        }
    }

    /** The vector F16 conversion against Float.float16ToFloat for all 65,536 halves (NaNs: still NaN), interpreted and compiled. */
    @Test
    void halfConversionIsExactForEveryHalf() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(2L * 65536, 64);
            for (int h = 0; h < 65536; h++) seg.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * h, (short) h);
            float[] out = new float[65536];
            for (int rep = 0; rep < 40; rep++) {
                Kernels.deqF16(seg, 0, out, 0, 65536);
                for (int h = 0; h < 65536; h++) {
                    float want = Float.float16ToFloat((short) h);
                    if (Float.isNaN(want)) assertThat(out[h]).as("half 0x%04x", h).isNaN();
                    else if (Float.floatToRawIntBits(out[h]) != Float.floatToRawIntBits(want)) {
                        throw new AssertionError(String.format("half 0x%04x: %s (0x%08x), want %s (0x%08x), pass %d", h, out[h],
                                Float.floatToRawIntBits(out[h]), want, Float.floatToRawIntBits(want), rep));
                    }
                }
            }
        }
    }
}
