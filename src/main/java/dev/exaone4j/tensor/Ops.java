package dev.exaone4j.tensor;

/** Small element-wise operations on float arrays, each with a one-line contract. */
public final class Ops {
    private Ops() {}

    /** out[oo..oo+n) = w ⊙ x[xo..xo+n) / sqrt(mean(x²) + eps). */
    public static void rmsnorm(float[] out, int oo, float[] x, int xo, float[] w, int n, float eps) {
        float ss = Kernels.dot(x, xo, x, xo, n);
        float scale = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) out[oo + i] = w[i] * (scale * x[xo + i]);
    }

    /** RMSNorm applied to T rows of length n, in place allowed (out == x). */
    public static void rmsnormRows(float[] out, float[] x, float[] w, int T, int n, float eps) {
        for (int t = 0; t < T; t++) rmsnorm(out, t * n, x, t * n, w, n, eps);
    }

    /** Per-head RMSNorm: each of the heads vectors of length hd in x[off..] is normalized with the same weight. */
    public static void rmsnormHeads(float[] x, int off, int heads, int hd, float[] w, float eps) {
        for (int h = 0; h < heads; h++) rmsnorm(x, off + h * hd, x, off + h * hd, w, hd, eps);
    }

    /** x[i] += y[i] for i < n. */
    public static void add(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) x[i] += y[i];
    }

    /** gate[i] = silu(gate[i]) * up[i] for i < n (SwiGLU). */
    public static void swiglu(float[] gate, float[] up, int n) {
        // elementwise, so split across the pool when large (a prompt's rows), in blocks of 4096
        int blocks = (n + 4095) >> 12;
        if (blocks == 1 || (long) n * 16 < Parallel.MIN_PARALLEL_WORK) {
            Kernels.swiglu(gate, up, 0, n);      // one token's row: inline, no parallel body to allocate
            return;
        }
        Parallel.forRange(blocks, 1, (long) n * 16, (b0, b1) -> {
            Kernels.swiglu(gate, up, b0 << 12, Math.min(n, b1 << 12));
        });
    }

    /** In-place softmax of x[off..off+n). */
    public static void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) x[off + i] *= inv;
    }
}
