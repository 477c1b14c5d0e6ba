package dev.exaone4j.tensor.bench;

import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.quant.Quants;
import dev.exaone4j.tensor.ActivationPrecision;
import dev.exaone4j.tensor.Kernels;
import dev.exaone4j.tensor.Q8Activations;
import dev.exaone4j.tensor.WeightMatrix;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

/**
 * Decode-path kernels: one activation vector against every row of a matrix (time per whole matrix). {@code dotRows}
 * runs the type's fused kernel ({@code WeightMatrix.dotRow}) on one thread; {@code dequantThenDot} is the generic
 * path those kernels replace (exact scalar dequantization of the row, then the f32 dot) for the same rows;
 * {@code matvec} is the engine's parallel {@code matmul} with T = 1 on all threads. {@code dotRowsQ8} and
 * {@code matvecQ8} are the same with 8-bit activations ({@code ActivationPrecision.Q8}: Q8_0, Q4_0, Q4_K, Q5_K and
 * Q6_K, on their rows interleaved by eight; other types compute as f32 there).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MatVecBench {
    @Param({"Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q8_K", "F32", "F16", "BF16"})
    public String type;

    @Param({"2048x2048", "4096x2048"})
    public String shape;

    private Arena arena;
    private WeightMatrix w, wq8;
    private final Q8Activations xq8 = new Q8Activations();
    private float[] x, y, row;

    @Setup(Level.Trial)
    public void setup() {
        int[] s = BenchWeights.shape(shape);
        arena = Arena.ofShared();
        w = BenchWeights.matrix(arena, GgmlType.valueOf(type), s[0], s[1], 1);
        x = BenchWeights.activations(s[1], 2);
        y = new float[s[0]];
        row = new float[s[1]];
        wq8 = new WeightMatrix(w.name(), w.type(), w.rows(), w.cols(), w.data(), ActivationPrecision.Q8);
        xq8.quantize(x, 1, s[1], false);
        wq8.matmul(x, 1, y); // prepares the Q6_K repacking outside the measurement
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] dotRows() {
        for (int r = 0; r < y.length; r++) y[r] = w.dotRow(r, x, 0);
        return y;
    }

    @Benchmark
    public float[] dequantThenDot() {
        int cols = w.cols();
        for (int r = 0; r < y.length; r++) {
            Quants.dequantize(w.type(), w.data(), w.type().bytesFor((long) cols * r), row, 0, cols);
            y[r] = Kernels.dot(row, 0, x, 0, cols);
        }
        return y;
    }

    @Benchmark
    public float[] matvec() {
        w.matmul(x, 1, y);
        return y;
    }

    @Benchmark
    public float[] dotRowsQ8() {
        if (!wq8.quantizesActivations()) return dotRows();
        wq8.dotRowsQ8(xq8, 0, y);
        return y;
    }

    @Benchmark
    public float[] matvecQ8() {
        wq8.matmul(x, 1, y);
        return y;
    }
}
