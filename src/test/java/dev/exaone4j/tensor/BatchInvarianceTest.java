package dev.exaone4j.tensor;

import dev.exaone4j.gguf.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batch invariance, which makes speculative decoding lossless: a row's result must not depend on how many rows a
 * matrix product runs. The fused decode kernel ({@code dotRow}, used for one row) must equal, bit for bit, the
 * batched path (dequantize the weight row once, then {@link Kernels#dot} per activation row).
 */
class BatchInvarianceTest {
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    void oneRowAndManyRowsGiveIdenticalBits(GgmlType type) {
        int rows = 24, cols = type.blockSize > 32 ? 512 : (type.blockSize == 1 ? 260 : 320);
        SplittableRandom rnd = new SplittableRandom(42 + type.id);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = QuantizedRows.gaussian(arena, type, rows, cols, rnd, true);
            WeightMatrix m = new WeightMatrix("w", type, rows, cols, seg);
            int T = 7;
            float[] x = new float[T * cols];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            float[] batched = new float[T * rows];
            m.matmul(x, T, batched);
            float[] row = new float[cols];
            for (int t = 0; t < T; t++) {
                float[] xt = java.util.Arrays.copyOfRange(x, t * cols, (t + 1) * cols);
                float[] single = new float[rows];
                m.matmul(xt, 1, single);
                for (int r = 0; r < rows; r++) {
                    m.rowToFloat(r, row, 0);
                    float viaDequant = Kernels.dot(row, 0, xt, 0, cols);
                    assertThat(Float.floatToRawIntBits(m.dotRow(r, xt, 0))).as("%s fused vs dequantized, row %d", type, r)
                            .isEqualTo(Float.floatToRawIntBits(viaDequant));
                    assertThat(Float.floatToRawIntBits(single[r])).as("%s T=1 vs T=%d, row %d token %d", type, T, r, t)
                            .isEqualTo(Float.floatToRawIntBits(batched[t * rows + r]));
                }
            }
        }
    }

    /**
     * Prompt rows (marked {@link MatMul#exactRows}) run the outer-product prompt kernel: every output is the fma
     * chain {@link Kernels#chain} over the dequantized row, whatever T (one token, a partial panel, several panels),
     * whatever the row count (not a multiple of the kernel's five rows), the matrix's activation precision, and
     * whether the product shares its input with others ({@link MatMul#matmulShared}).
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    void promptRowsAreTheChainDefinitionForAnyBatch(GgmlType type) {
        int rows = 23, cols = type.blockSize > 32 ? 512 : (type.blockSize == 1 ? 260 : 320);
        SplittableRandom rnd = new SplittableRandom(7 + type.id);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = QuantizedRows.gaussian(arena, type, rows, cols, rnd, true);
            WeightMatrix m = new WeightMatrix("w", type, rows, cols, seg, ActivationPrecision.Q8);
            WeightMatrix m2 = new WeightMatrix("w2", type, rows - 4, cols, seg, ActivationPrecision.F32);
            float[][] rowsF = new float[rows][cols];
            for (int r = 0; r < rows; r++) m.rowToFloat(r, rowsF[r], 0);
            boolean[] exact = new boolean[64];
            java.util.Arrays.fill(exact, true);
            for (int T : new int[] {1, 2, Kernels.PANEL - 1, Kernels.PANEL, Kernels.PANEL + 1, 2 * Kernels.PANEL + 3}) {
                float[] x = new float[T * cols];
                for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                float[] y = new float[T * rows], y1 = new float[T * rows], y2 = new float[T * (rows - 4)];
                boolean[] previous = MatMul.exactRows(exact);
                try {
                    m.matmul(x, T, y);
                    MatMul.matmulShared(x, T, m, y1, m2, y2, null, null);
                } finally {
                    MatMul.exactRows(previous);
                }
                for (int t = 0; t < T; t++) {
                    for (int r = 0; r < rows; r++) {
                        int want = Float.floatToRawIntBits(Kernels.chain(rowsF[r], 0, x, t * cols, cols));
                        assertThat(Float.floatToRawIntBits(y[t * rows + r])).as("%s T=%d row %d token %d", type, T, r, t).isEqualTo(want);
                        assertThat(Float.floatToRawIntBits(y1[t * rows + r])).as("%s shared T=%d row %d token %d", type, T, r, t).isEqualTo(want);
                        if (r < rows - 4) {
                            assertThat(Float.floatToRawIntBits(y2[t * (rows - 4) + r])).as("%s shared second T=%d row %d", type, T, r).isEqualTo(want);
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link MatMul#matmulRowwise} (the vocabulary projection): prompt rows keep f32 activations with the per-row dot
     * arithmetic, the same bits for one row or many, while generated rows in the same batch follow the matrix.
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void rowwisePromptRowsUseTheDotForAnyBatch(GgmlType type) {
        int rows = 21, cols = type.blockSize > 32 ? 512 : 320, T = 7;
        SplittableRandom rnd = new SplittableRandom(3 + type.id);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = QuantizedRows.gaussian(arena, type, rows, cols, rnd, false);
            WeightMatrix m = new WeightMatrix("w", type, rows, cols, seg, ActivationPrecision.Q8);
            float[] x = new float[T * cols];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            boolean[] mask = {true, false, true, true, false, true, false};
            float[] y = new float[T * rows];
            boolean[] previous = MatMul.exactRows(mask);
            try {
                MatMul.matmulRowwise(m, x, T, y);
            } finally {
                MatMul.exactRows(previous);
            }
            float[] row = new float[cols];
            for (int t = 0; t < T; t++) {
                float[] xt = java.util.Arrays.copyOfRange(x, t * cols, (t + 1) * cols), alone = new float[rows];
                if (!mask[t]) m.matmul(xt, 1, alone);
                for (int r = 0; r < rows; r++) {
                    m.rowToFloat(r, row, 0);
                    float want = mask[t] ? Kernels.dot(row, 0, xt, 0, cols) : alone[r];
                    assertThat(Float.floatToRawIntBits(y[t * rows + r])).as("%s row %d token %d (prompt %s)", type, r, t, mask[t])
                            .isEqualTo(Float.floatToRawIntBits(want));
                }
            }
        }
    }
}
