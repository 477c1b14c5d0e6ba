package dev.exaone4j.tensor.bench;

import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.tensor.ActivationPrecision;
import dev.exaone4j.tensor.MatMul;
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
 * Batched matrix products: T activation rows against a whole matrix on all threads (time per product; GFLOP/s
 * = 2 * rows * cols * T / time). The 1.2B model's shapes: 2048x2048 (attention), 4096x2048 (FFN up/gate), 2048x4096
 * (FFN down). {@code activations=prompt} is the prefill path (rows marked as prompt rows: the outer-product prompt
 * kernel); {@code f32} generated rows with f32 activations (the per-row dot's tiles); {@code q8} the 8-bit path of
 * generated rows in batches (speculative verification, the server's batches), on the rows interleaved by eight.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MatMulBench {
    @Param({"Q8_0", "Q4_0", "Q4_K", "Q6_K", "F32"})
    public String type;

    @Param({"2048x4096", "4096x2048"})
    public String shape;

    @Param({"4", "64", "512"})
    public int tokens;

    @Param({"prompt", "f32", "q8"})
    public String activations;

    private Arena arena;
    private WeightMatrix w;
    private float[] x, y;
    private boolean[] promptRows;

    @Setup(Level.Trial)
    public void setup() {
        int[] s = BenchWeights.shape(shape);
        arena = Arena.ofShared();
        WeightMatrix m = BenchWeights.matrix(arena, GgmlType.valueOf(type), s[0], s[1], 1);
        boolean prompt = activations.equals("prompt");
        w = new WeightMatrix(m.name(), m.type(), m.rows(), m.cols(), m.data(), ActivationPrecision.parse(prompt ? "f32" : activations));
        if (prompt) {
            promptRows = new boolean[tokens];
            java.util.Arrays.fill(promptRows, true);
        }
        x = BenchWeights.activations(tokens * s[1], 2);
        y = new float[tokens * s[0]];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] matmul() {
        boolean[] previous = MatMul.exactRows(promptRows);
        try {
            w.matmul(x, tokens, y);
        } finally {
            MatMul.exactRows(previous);
        }
        return y;
    }
}
