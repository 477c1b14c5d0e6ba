package dev.exaone4j.tensor.bench;

import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.quant.Quants;
import dev.exaone4j.tensor.WeightMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Benchmark data: an off-heap weight matrix of quantized random blocks and random activations. */
final class BenchWeights {
    private BenchWeights() {}

    /** Distinct random rows quantized (the reference quantizers are slow); the matrix cycles through them. */
    private static final int POOL = 64;

    /** A rows x cols matrix of type t in a new segment of arena, filled with quantized N(0,1) rows. */
    static WeightMatrix matrix(Arena arena, GgmlType t, int rows, int cols, long seed) {
        long rowBytes = t.bytesFor(cols);
        MemorySegment seg = arena.allocate(rowBytes * rows, 64);
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[cols];
        int pool = Math.min(POOL, rows);
        for (int i = 0; i < pool; i++) {
            for (int j = 0; j < cols; j++) v[j] = (float) r.nextGaussian();
            Quants.quantize(t, v, 0, cols, seg, rowBytes * i);
        }
        for (int i = pool; i < rows; i++) MemorySegment.copy(seg, rowBytes * (i % pool), seg, rowBytes * i, rowBytes);
        return new WeightMatrix(t + "[" + rows + "x" + cols + "]", t, rows, cols, seg);
    }

    /** n activations, N(0,1). */
    static float[] activations(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    /** "2048x4096" as {2048, 4096}. */
    static int[] shape(String s) {
        String[] p = s.split("x");
        return new int[]{Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }
}
