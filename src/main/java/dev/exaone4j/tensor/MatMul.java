package dev.exaone4j.tensor;

/**
 * Matrix products Y = X·Wᵀ for a batch of T activation rows, parallel over weight rows. With one row (decode)
 * each weight row is streamed once through the type's dot kernel. With several rows (prefill, verification)
 * each weight row is dequantized once into a per-thread buffer and dotted with four activation rows at a time.
 */
public final class MatMul {
    private MatMul() {}

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][]{new float[0], new float[4]});

    public static void matmul(WeightMatrix w, float[] x, int T, float[] y) {
        final int rows = w.rows(), cols = w.cols();
        if (T == 1) {
            int chunk = Math.max(16, rows / (Parallel.global().threads() * 8));
            Parallel.forRange(rows, chunk, (s, e) -> {
                for (int r = s; r < e; r++) y[r] = w.dotRow(r, x, 0);
            });
            return;
        }
        int chunk = Math.max(4, rows / (Parallel.global().threads() * 8));
        Parallel.forRange(rows, chunk, (s, e) -> {
            float[][] sc = SCRATCH.get();
            if (sc[0].length < cols) sc[0] = new float[cols];
            float[] row = sc[0], out4 = sc[1];
            for (int r = s; r < e; r++) {
                w.rowToFloat(r, row, 0);
                int t = 0;
                for (; t + 4 <= T; t += 4) {
                    Kernels.dot4(row, x, t * cols, cols, cols, out4);
                    y[t * rows + r] = out4[0];
                    y[(t + 1) * rows + r] = out4[1];
                    y[(t + 2) * rows + r] = out4[2];
                    y[(t + 3) * rows + r] = out4[3];
                }
                for (; t < T; t++) y[t * rows + r] = Kernels.dot(row, 0, x, t * cols, cols);
            }
        });
    }
}
