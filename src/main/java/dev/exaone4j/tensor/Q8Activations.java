package dev.exaone4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Activation rows quantized to 8 bits per block of 32, for {@link ActivationPrecision#Q8} products: for each block
 * {@code d = max|x| / 127} and {@code q = round(x / d)} clamped to [-127, 127] (q = 0 where d = 0). Row t's
 * values are at {@code t * cols}, its block scales at {@code t * cols / 32}.
 *
 * <p>Two layouts of the same values, each filled only when asked: {@link #q}, the values in order as shorts (for
 * the one-row kernel), and {@link #f}, the values as floats in the lane order of {@link Q8Kernels} (for the tiled
 * kernel). Buffers grow and are reused; quantizing allocates nothing once they are large enough.
 */
public final class Q8Activations implements Parallel.RangeBody {
    short[] q = new short[0];
    /** The values of {@link #q} in pairs, element 2j in the low half of pairs[j] and 2j + 1 in the high half. */
    int[] pairs = new int[0];
    float[] f = new float[0];
    float[] d = new float[0];
    /** The sum of each block's quantized values (for weights with a per-block offset, Q4_K). */
    int[] sums = new int[0];
    int rows, cols;
    private float[] src;
    private boolean srcFloats;

    /** Quantizes rows [0, T) of x (each cols long, cols a multiple of 32); floats: also fill the tile layout. */
    public void quantize(float[] x, int T, int cols, boolean floats) {
        if (cols % 32 != 0) throw new IllegalArgumentException("Q8 activations need a multiple of 32 columns, got " + cols);
        int n = T * cols;
        if (floats) {
            if (f.length < n) f = new float[n];
        } else if (q.length < n) {
            q = new short[n];
            pairs = new int[n / 2];
        }
        if (d.length < n / 32) {
            d = new float[n / 32];
            sums = new int[n / 32];
        }
        this.rows = T;
        this.cols = cols;
        int blocks = n / 32;
        if (T >= 4) {
            src = x;
            srcFloats = floats;
            try {
                Parallel.forRange(T, 1, (long) n * 8, this);
            } finally {
                src = null;
            }
        } else {
            quantizeBlocks(x, 0, blocks, floats);
        }
    }

    /** Parallel body: quantizes the blocks of rows [start, end). */
    @Override
    public void run(int start, int end) {
        quantizeBlocks(src, start * (cols / 32), end * (cols / 32), srcFloats);
    }

    private static final VectorSpecies<Float> VF = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> VI = IntVector.SPECIES_PREFERRED;
    private static final ThreadLocal<int[]> BLOCK = ThreadLocal.withInitial(() -> new int[32]);

    /** Quantizes blocks [b0, b1) of x into the float tile layout (floats) or the shorts and their pairs. */
    private void quantizeBlocks(float[] x, int b0, int b1, boolean floats) {
        if (floats) quantizeToTileLayout(x, b0, b1);
        else quantizeToPairs(x, b0, b1);
    }

    /** The definition, written out per value: {@link #f} in {@link Q8Kernels}' lane order. */
    private void quantizeToTileLayout(float[] x, int b0, int b1) {
        float[] f = this.f, d = this.d;
        int[] sums = this.sums;
        for (int b = b0; b < b1; b++) {
            int o = 32 * b;
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[o + j]));
            float scale = amax / 127f;
            float inv = scale != 0 ? 1f / scale : 0f;
            d[b] = scale;
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                int v = Math.max(-127, Math.min(127, Math.round(x[o + j] * inv)));
                sum += v;
                f[o + Q8Kernels.LANE_SLOT[j]] = v;
            }
            sums[b] = sum;
        }
    }

    /**
     * {@link #q} and {@link #pairs}, vectorized and bit for bit {@link #quantizeToTileLayout}'s values: the block
     * maximum is exact in any order, x * inv is the same product, and Math.round (ties up) is rebuilt from the
     * truncation and the exact fraction y - trunc(y).
     */
    private void quantizeToPairs(float[] x, int b0, int b1) {
        short[] q = this.q;
        int[] pairs = this.pairs, tmp = BLOCK.get(), sums = this.sums;
        float[] d = this.d;
        int L = VF.length();
        for (int b = b0; b < b1; b++) {
            int o = 32 * b;
            FloatVector m = FloatVector.fromArray(VF, x, o).abs();
            for (int j = L; j < 32; j += L) m = m.max(FloatVector.fromArray(VF, x, o + j).abs());
            float amax = m.reduceLanes(VectorOperators.MAX);
            float scale = amax / 127f;
            float inv = scale != 0 ? 1f / scale : 0f;
            d[b] = scale;
            IntVector sum = IntVector.zero(VI);
            for (int j = 0; j < 32; j += L) {
                FloatVector y = FloatVector.fromArray(VF, x, o + j).mul(inv);
                IntVector r = (IntVector) y.convert(VectorOperators.F2I, 0);
                FloatVector frac = y.sub((FloatVector) r.convert(VectorOperators.I2F, 0));
                r = r.add(1, frac.compare(VectorOperators.GE, 0.5f).cast(VI))
                        .sub(1, frac.compare(VectorOperators.LT, -0.5f).cast(VI))
                        .max(-127).min(127);
                sum = sum.add(r);
                r.intoArray(tmp, j);
            }
            sums[b] = sum.reduceLanes(VectorOperators.ADD);
            for (int j = 0; j < 32; j++) q[o + j] = (short) tmp[j];
            for (int j = 0; j < 16; j++) pairs[16 * b + j] = (tmp[2 * j] & 0xffff) | (tmp[2 * j + 1] << 16);
        }
    }
}
