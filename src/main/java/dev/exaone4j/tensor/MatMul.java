package dev.exaone4j.tensor;

/**
 * Matrix products Y = X·Wᵀ for a batch of T activation rows, parallel over weight rows. With f32 activations and
 * one row (decode) each weight row is streamed once through the type's fused dot kernel; with several rows
 * (prefill, prompt chunks) the weight rows are taken three at a time and the tokens in blocks of up to 128: for each
 * token block the three rows are dequantized (vectorized) into a per-thread tile and multiplied against two tokens
 * at a time by a register-blocked 3x2 micro-kernel ({@link Kernels#dot3x2}). Every output equals
 * {@link WeightMatrix#dotRow} bit for bit (see {@link Kernels}). A matrix with {@link ActivationPrecision#Q8} first
 * quantizes the activation rows ({@link Q8Activations}) and runs on its rows interleaved by eight
 * ({@link RowGroups}: Q8_0, Q4_0, Q4_K, Q5_K, Q6_K), one group and activation row at a time, so any batch gives
 * the same bits as one row; {@link #matmulShared} runs products that share their input as one loop. Rows marked
 * with {@link #exactRows} (prompt rows) always keep f32 activations and run the outer-product prompt kernel
 * ({@link Kernels#outer5}: packed panels of 2L tokens against chunks of dequantized rows), each output the fma chain
 * {@link Kernels#chain}, again independent of the batch. (Where the heap had no room for an
 * interleaved copy, the per-row {@link Q8Kernels} and their 3x2 tile serve instead, again bit for bit alike.)
 * Nothing is allocated per call once a thread's buffers have grown to the matrix width.
 */
public final class MatMul {
    private MatMul() {}

    /** Weight rows per micro-tile. */
    static final int MR = 3;
    /**
     * Activation bytes per token block, and its most tokens: a block's weight tiles are dequantized once, so larger
     * blocks dequantize less often; measured on this project's machine kind (512 KiB L2, 32 MiB L3), 128 tokens
     * beat 64 (L2-sized) by 10-25% in prefill although the block then lives in L3.
     */
    static final int TOKEN_BLOCK_BYTES = 2 << 20, TOKEN_BLOCK_MAX = 128;

    /** The per-thread scratch: a tile of MR dequantized weight rows (and their block scales) and the micro-kernel's outputs. */
    private static final class Scratch {
        float[] tile = new float[0];
        float[] scales = new float[0];
        float[] tileScales = new float[0];
        float[] mins = new float[0];
        float[] panelOut = new float[0];
        final float[] out = new float[MR * 2];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** A reusable parallel body: one per calling thread, a fresh one only for a nested call on a busy thread. */
    private static final class Task implements Parallel.RangeBody {
        WeightMatrix w;
        float[] x, y;
        int T;
        boolean busy;
        /** The activations quantized to 8 bits, when the matrix computes with {@link ActivationPrecision#Q8}. */
        Q8Activations q8;
        final Q8Activations q8Buffer = new Q8Activations();
        /**
         * When the Q8 product runs by groups of eight rows ({@link RowGroups}): the interleaved matrices (one, or
         * several sharing the input, {@link #matmulShared}), their outputs, and where each one's groups start in
         * the parallel range.
         */
        final RowGroups[] parts = new RowGroups[3];
        final float[][] partY = new float[3][];
        final int[] partStart = new int[4];
        int nParts;
        final float[] group = new float[RowGroups.ROWS];

        @Override
        public void run(int start, int end) {
            if (nParts > 0) {
                int R = RowGroups.ROWS, p = 0;
                for (int i = start; i < end; i++) {
                    while (i >= partStart[p + 1]) p++;
                    RowGroups groups = parts[p];
                    float[] out = partY[p];
                    int g = i - partStart[p], rows = groups.rows, r0 = g * R, t = 0;
                    if (r0 + R <= rows) {
                        for (; t + 2 <= T; t += 2) groups.dot8x2(g, q8, t, out, t * rows + r0, rows);
                    }
                    for (; t < T; t++) {
                        if (r0 + R <= rows) {
                            groups.dot8(g, q8, t, out, t * rows + r0);
                        } else {
                            groups.dot8(g, q8, t, group, 0);
                            System.arraycopy(group, 0, out, t * rows + r0, rows - r0);
                        }
                    }
                }
            } else if (q8 != null) {
                if (T == 1) {
                    for (int r = start; r < end; r++) y[r] = w.dotRow(r, q8, 0);
                } else {
                    tilesQ8(w, q8, T, y, start, end);
                }
            } else if (T == 1) {
                for (int r = start; r < end; r++) y[r] = w.dotRow(r, x, 0);
            } else {
                tiles(w, x, T, y, start, end);
            }
        }
    }

    private static final ThreadLocal<Task> TASK = ThreadLocal.withInitial(Task::new);

    /** A thread's {@link #exactRows} mask and the buffers that split a product between exact and 8-bit rows. */
    private static final class RowContext {
        boolean[] exact;
        float[] xa = new float[0], xb = new float[0], ya = new float[0], yb = new float[0];
    }

    private static final ThreadLocal<RowContext> ROWS = ThreadLocal.withInitial(RowContext::new);

    /**
     * Marks which activation rows of this thread's following products keep f32 activations whatever their matrix's
     * {@link ActivationPrecision}: row t when exact[t] (the model marks prompt rows so: prefill is compute-bound,
     * where the exact tiled kernel is about as fast as the 8-bit one (measured: 8-bit prompts 2-8% faster end to end
     * for 4-bit files, no faster for Q8_0), and it is more accurate). null, the default: every row follows its
     * matrix. Returns the previous mask, for the caller to restore.
     */
    public static boolean[] exactRows(boolean[] exact) {
        RowContext c = ROWS.get();
        boolean[] old = c.exact;
        c.exact = exact;
        return old;
    }

    /** This thread's current {@link #exactRows} mask (null: none). */
    public static boolean[] exactRows() {
        return ROWS.get().exact;
    }

    /** y[t*rows + r] = dot(row r of w, x[t*cols ..]) for t in [0, T). */
    public static void matmul(WeightMatrix w, float[] x, int T, float[] y) {
        matmul(w, x, T, y, true);
    }

    /**
     * {@link #matmul}, except that rows marked {@link #exactRows} keep f32 activations with the per-row dot
     * arithmetic ({@link Kernels#dot}) instead of the prompt kernel: for the vocabulary projection, which sees one
     * row per prompt (its last), where the prompt kernel would waste its token lanes. Batch invariant as well.
     */
    public static void matmulRowwise(WeightMatrix w, float[] x, int T, float[] y) {
        matmul(w, x, T, y, false);
    }

    private static void matmul(WeightMatrix w, float[] x, int T, float[] y, boolean promptKernel) {
        RowContext c = ROWS.get();
        boolean[] exact = c.exact;
        int nExact = exactCount(exact, T);
        // all rows exact (a prompt): the prompt kernel, without preparing (repacking) the matrix for 8-bit products
        if (nExact == T) {
            if (promptKernel) prompt(x, T, w, y, null, null, null, null);
            else run(w, x, T, y, false);
            return;
        }
        if (!(w.quantizesActivations() && w.prepareQ8())) {
            if (nExact == 0) {
                run(w, x, T, y, false);
                return;
            }
        } else if (nExact == 0) {
            run(w, x, T, y, true);
            return;
        }
        // a mixed batch (prompt chunks and decode rows together): each group through its own kernel
        int cols = w.cols(), rows = w.rows(), nq = T - nExact;
        if (c.xa.length < nExact * cols) c.xa = new float[nExact * cols];
        if (c.xb.length < nq * cols) c.xb = new float[nq * cols];
        if (c.ya.length < nExact * rows) c.ya = new float[nExact * rows];
        if (c.yb.length < nq * rows) c.yb = new float[nq * rows];
        float[] xa = c.xa, xb = c.xb, ya = c.ya, yb = c.yb;
        for (int t = 0, a = 0, b = 0; t < T; t++) {
            if (exact[t]) System.arraycopy(x, t * cols, xa, cols * a++, cols);
            else System.arraycopy(x, t * cols, xb, cols * b++, cols);
        }
        if (promptKernel) prompt(xa, nExact, w, ya, null, null, null, null);
        else run(w, xa, nExact, ya, false);
        run(w, xb, nq, yb, w.quantizesActivations() && w.prepareQ8());
        for (int t = 0, a = 0, b = 0; t < T; t++) {
            if (exact[t]) System.arraycopy(ya, rows * a++, y, t * rows, rows);
            else System.arraycopy(yb, rows * b++, y, t * rows, rows);
        }
    }

    /** The product of T rows, all with 8-bit activations (q8) or all exact. */
    private static void run(WeightMatrix w, float[] x, int T, float[] y, boolean q8) {
        RowGroups groups = q8 ? w.rowGroups() : null;
        if (groups != null) {
            runGroups(x, T, groups, y, null, null, null, null);
            return;
        }
        final int rows = w.rows();
        int threads = Parallel.global().threads();
        Task task = acquire();
        task.w = w;
        task.x = x;
        task.y = y;
        task.T = T;
        if (q8) {
            task.q8 = task.q8Buffer;
            task.q8.quantize(x, T, w.cols(), T > 1);
        }
        try {
            long work = (long) rows * w.cols() * T;
            if (T == 1) {
                Parallel.forRange(rows, Math.max(16, rows / (threads * 8)), work, task);
            } else {
                int tiles = (rows + MR - 1) / MR;
                Parallel.forRange(tiles, Math.max(1, tiles / (threads * 8)), work, task);
            }
        } finally {
            release(task);
        }
    }

    /** This thread's task, or a fresh one for a nested call on a busy thread. */
    private static Task acquire() {
        Task task = TASK.get();
        if (task.busy) task = new Task();
        task.busy = true;
        return task;
    }

    private static void release(Task task) {
        task.w = null;
        task.x = task.y = null;
        task.q8 = null;
        java.util.Arrays.fill(task.parts, null);
        java.util.Arrays.fill(task.partY, null);
        task.nParts = 0;
        task.busy = false;
    }

    /** The Q8 products of up to three interleaved matrices with the same input x (null g1 / g2: fewer): one quantization, one parallel loop. */
    private static void runGroups(float[] x, int T, RowGroups g0, float[] y0, RowGroups g1, float[] y1, RowGroups g2, float[] y2) {
        int threads = Parallel.global().threads();
        Task task = acquire();
        try {
            task.T = T;
            task.q8 = task.q8Buffer;
            task.q8.quantize(x, T, g0.cols, false);
            addPart(task, g0, y0);
            if (g1 != null) addPart(task, g1, y1);
            if (g2 != null) addPart(task, g2, y2);
            int n = task.partStart[task.nParts];
            Parallel.forRange(n, Math.max(1, n / (threads * 8)), (long) n * RowGroups.ROWS * g0.cols * T, task);
        } finally {
            release(task);
        }
    }

    private static void addPart(Task task, RowGroups g, float[] y) {
        int i = task.nParts++;
        task.parts[i] = g;
        task.partY[i] = y;
        task.partStart[i + 1] = task.partStart[i] + g.groups();
    }

    /**
     * y0 = x·W0ᵀ, y1 = x·W1ᵀ and (w2 not null) y2 = x·W2ᵀ, for matrices that share their input (the query, key and
     * value projections; the gate and up projections): bit for bit three {@link #matmul} calls, but with 8-bit
     * activations and interleaved weights the input is quantized once and the three run as one parallel loop.
     */
    public static void matmulShared(float[] x, int T, WeightMatrix w0, float[] y0, WeightMatrix w1, float[] y1, WeightMatrix w2, float[] y2) {
        if (exactCount(ROWS.get().exact, T) == T && w1.cols() == w0.cols() && (w2 == null || w2.cols() == w0.cols())) {
            prompt(x, T, w0, y0, w1, y1, w2, y2);
            return;
        }
        RowGroups g0 = sharable(w0, T), g1 = sharable(w1, T), g2 = w2 == null ? null : sharable(w2, T);
        if (g0 == null || g1 == null || (w2 != null && g2 == null) || w1.cols() != w0.cols() || (w2 != null && w2.cols() != w0.cols())) {
            matmul(w0, x, T, y0);
            matmul(w1, x, T, y1);
            if (w2 != null) matmul(w2, x, T, y2);
            return;
        }
        runGroups(x, T, g0, y0, g1, y1, g2, y2);
    }

    /** w's interleaved copy when a product of T rows would run on it alone: Q8, prepared, no exact rows. */
    private static RowGroups sharable(WeightMatrix w, int T) {
        if (exactCount(ROWS.get().exact, T) > 0 || !(w.quantizesActivations() && w.prepareQ8())) return null;
        return w.rowGroups();
    }

    /** How many of rows [0, T) the mask marks exact (a mask shorter than T is for other rows: none). */
    private static int exactCount(boolean[] exact, int T) {
        int n = 0;
        if (exact != null && exact.length >= T) for (int t = 0; t < T; t++) if (exact[t]) n++;
        return n;
    }

    /** Weight rows per unit of the prompt product: two {@link Kernels#outer5} calls, one {@link Kernels#outer10h}. */
    static final int PR = 10;
    /**
     * Dequantized weight floats a thread holds per chunk of a prompt product: 128 KiB, so the chunk and one packed
     * token panel (2L tokens of a row, 128-256 KiB) stay in a 512 KiB L2 while every panel passes over the chunk.
     */
    static final int PROMPT_CHUNK_FLOATS = 32 << 10;

    /**
     * The prompt product's parallel body: up to three matrices sharing one packed input. The T tokens are packed in
     * panels of {@link Kernels#PANEL} tokens, the last one half as wide (L tokens) when it would be at most half
     * full, so a short prompt wastes fewer lanes.
     */
    private static final class PromptTask implements Parallel.RangeBody {
        final WeightMatrix[] w = new WeightMatrix[3];
        final float[][] y = new float[3][];
        /** Where each matrix's units (PR rows each) start in the parallel range. */
        final int[] start = new int[4];
        int parts, T, cols, panels;
        boolean halfLast;
        float[] xp = new float[0];
        boolean busy;

        void add(WeightMatrix m, float[] out) {
            int k = parts++;
            w[k] = m;
            y[k] = out;
            start[k + 1] = start[k] + (m.rows() + PR - 1) / PR;
        }

        @Override
        public void run(int s, int e) {
            Scratch sc = SCRATCH.get();
            int cols = this.cols, P = Kernels.PANEL, L = Kernels.L, chunkUnits = chunkUnits(cols);
            if (sc.tile.length < chunkUnits * PR * cols) sc.tile = new float[chunkUnits * PR * cols];
            if (sc.panelOut.length < PR * P) sc.panelOut = new float[PR * P];
            float[] tile = sc.tile, out = sc.panelOut, xp = this.xp;
            for (int i = s, p = 0; i < e; ) {
                while (i >= start[p + 1]) p++;
                WeightMatrix m = w[p];
                float[] y = this.y[p];
                int rows = m.rows(), end = Math.min(Math.min(e, start[p + 1]), i + chunkUnits);
                int r0 = (i - start[p]) * PR, r1 = Math.min(rows, (end - start[p]) * PR);
                for (int r = r0; r < r1; r++) m.rowToFloat(r, tile, (r - r0) * cols);
                for (int q = 0; q < panels; q++) {
                    int xo = q * P * cols, t0 = q * P, nt = Math.min(P, T - t0);
                    boolean half = halfLast && q == panels - 1;
                    int width = half ? L : P;
                    for (int r = r0; r < r1; ) {
                        // a last unit of fewer than PR rows runs the full kernel too (its other tile rows are
                        // left-over weights, their outputs unused): every lane is the same chain either way
                        int mr = Math.min(PR, r1 - r), wo = (r - r0) * cols;
                        if (half) {
                            Kernels.outer10h(tile, wo, cols, xp, xo, cols, out, 0);
                        } else {
                            Kernels.outer5(tile, wo, cols, xp, xo, cols, out, 0);
                            if (mr > 5) Kernels.outer5(tile, wo + 5 * cols, cols, xp, xo, cols, out, 5 * P);
                        }
                        for (int j = 0; j < nt; j++) {
                            for (int k = 0, yo = (t0 + j) * rows + r; k < mr; k++) y[yo + k] = out[k * width + j];
                        }
                        r += mr;
                    }
                }
                i = end;
            }
        }
    }

    /** Units of PR rows per chunk of dequantized rows: {@link #PROMPT_CHUNK_FLOATS}, at least one. */
    private static int chunkUnits(int cols) {
        return Math.max(1, PROMPT_CHUNK_FLOATS / (PR * cols));
    }

    private static final ThreadLocal<PromptTask> PROMPT = ThreadLocal.withInitial(PromptTask::new);

    /**
     * The product of T prompt rows (rows marked {@link #exactRows}) with up to three matrices of the same width (w1,
     * w2 null: fewer): y[t*rows + r] = {@link Kernels#chain}(row r of w dequantized, x[t*cols ..], cols), f32 and bit
     * for bit whatever T and however the rows are batched. The rows are packed once into panels of
     * {@link Kernels#PANEL} tokens (token-minor, zero-padded), then each thread dequantizes a chunk of its weight
     * rows and runs every panel over it with the outer-product micro-kernel.
     */
    private static void prompt(float[] x, int T, WeightMatrix w0, float[] y0, WeightMatrix w1, float[] y1, WeightMatrix w2, float[] y2) {
        PromptTask task = PROMPT.get();
        if (task.busy) task = new PromptTask();
        task.busy = true;
        try {
            int cols = w0.cols(), P = Kernels.PANEL, panels = (T + P - 1) / P, rem = T % P;
            boolean halfLast = rem > 0 && rem <= Kernels.L;
            if (task.xp.length < panels * P * cols) task.xp = new float[panels * P * cols];
            float[] xp = task.xp;
            for (int q = 0; q < panels; q++) {
                int width = halfLast && q == panels - 1 ? Kernels.L : P;
                for (int j = 0; j < width; j++) {
                    int t = q * P + j, base = q * P * cols + j;
                    if (t < T) {
                        for (int k = 0, xo = t * cols; k < cols; k++) xp[base + k * width] = x[xo + k];
                    } else {
                        for (int k = 0; k < cols; k++) xp[base + k * width] = 0f;
                    }
                }
            }
            task.panels = panels;
            task.halfLast = halfLast;
            task.T = T;
            task.cols = cols;
            task.parts = 0;
            task.add(w0, y0);
            if (w1 != null) task.add(w1, y1);
            if (w2 != null) task.add(w2, y2);
            long work = 0;
            for (int i = 0; i < task.parts; i++) work += (long) task.w[i].rows() * cols * T;
            int n = task.start[task.parts], threads = Parallel.global().threads();
            Parallel.forRange(n, Math.max(chunkUnits(cols), n / (threads * 8)), work, task);
        } finally {
            java.util.Arrays.fill(task.w, null);
            java.util.Arrays.fill(task.y, null);
            task.busy = false;
        }
    }

    /**
     * The batched {@link ActivationPrecision#Q8} product for the row tiles [tileStart, tileEnd): the tile's rows are
     * unpacked to integer floats in lane order once per token block, then multiplied against two tokens at a time
     * by {@link Q8Kernels#tile3x2}; bit for bit {@link WeightMatrix#dotRow(int, Q8Activations, int)}.
     */
    static void tilesQ8(WeightMatrix w, Q8Activations q8, int T, float[] y, int tileStart, int tileEnd) {
        final int rows = w.rows(), cols = w.cols(), nb = cols / 32;
        Scratch sc = SCRATCH.get();
        if (sc.tile.length < MR * cols) sc.tile = new float[MR * cols];
        if (sc.scales.length < MR * nb) sc.scales = new float[MR * nb];
        if (sc.tileScales.length < 2 * MR * nb) sc.tileScales = new float[2 * MR * nb];
        if (sc.mins.length < MR * nb) sc.mins = new float[MR * nb];
        float[] tile = sc.tile, scales = sc.scales, tileScales = sc.tileScales, mins = sc.mins, out = sc.out, xf = q8.f, xd = q8.d;
        int[] xsum = q8.sums;
        boolean offsets = Q8Kernels.hasOffsets(w.type());
        int tb = Math.max(2, Math.min(TOKEN_BLOCK_MAX, TOKEN_BLOCK_BYTES / (4 * cols))) & ~1;
        for (int t0 = 0; t0 < T; t0 += tb) {
            int t1 = Math.min(T, t0 + tb);
            for (int tl = tileStart; tl < tileEnd; tl++) {
                int r0 = MR * tl, mr = Math.min(MR, rows - r0);
                for (int i = 0; i < mr; i++) {
                    w.rowToLanes(r0 + i, tile, i * cols, scales, i * nb);
                    if (offsets) w.rowOffsets(r0 + i, mins, i * nb);
                }
                int t = t0;
                if (mr == MR) {
                    for (; t + 2 <= t1; t += 2) {
                        Q8Kernels.tileScales(scales, xd, t * nb, nb, tileScales);
                        Q8Kernels.tile3x2(tile, cols, xf, t * cols, cols, tileScales, nb, out);
                        if (offsets) {
                            for (int i = 0; i < MR; i++) {
                                out[2 * i] -= Q8Kernels.offsets(mins, i * nb, xd, xsum, t * nb, nb);
                                out[2 * i + 1] -= Q8Kernels.offsets(mins, i * nb, xd, xsum, (t + 1) * nb, nb);
                            }
                        }
                        for (int i = 0; i < MR; i++) {
                            y[t * rows + r0 + i] = out[2 * i];
                            y[(t + 1) * rows + r0 + i] = out[2 * i + 1];
                        }
                    }
                }
                for (; t < t1; t++) {
                    for (int i = 0; i < mr; i++) {
                        float v = Q8Kernels.dotLanes(tile, i * cols, scales, i * nb, xf, t * cols, xd, t * nb, nb);
                        y[t * rows + r0 + i] = offsets ? v - Q8Kernels.offsets(mins, i * nb, xd, xsum, t * nb, nb) : v;
                    }
                }
            }
        }
    }

    /** The batched product for the row tiles [tileStart, tileEnd): rows [MR*tileStart, min(rows, MR*tileEnd)). */
    static void tiles(WeightMatrix w, float[] x, int T, float[] y, int tileStart, int tileEnd) {
        final int rows = w.rows(), cols = w.cols();
        Scratch sc = SCRATCH.get();
        if (sc.tile.length < MR * cols) sc.tile = new float[MR * cols];
        float[] tile = sc.tile, out = sc.out;
        int tb = Math.max(2, Math.min(TOKEN_BLOCK_MAX, TOKEN_BLOCK_BYTES / (4 * cols))) & ~1;
        for (int t0 = 0; t0 < T; t0 += tb) {
            int t1 = Math.min(T, t0 + tb);
            for (int tl = tileStart; tl < tileEnd; tl++) {
                int r0 = MR * tl, mr = Math.min(MR, rows - r0);
                for (int i = 0; i < mr; i++) w.rowToFloat(r0 + i, tile, i * cols);
                int t = t0;
                if (mr == MR) {
                    for (; t + 2 <= t1; t += 2) {
                        Kernels.dot3x2(tile, cols, x, t * cols, cols, cols, out);
                        for (int i = 0; i < MR; i++) {
                            y[t * rows + r0 + i] = out[2 * i];
                            y[(t + 1) * rows + r0 + i] = out[2 * i + 1];
                        }
                    }
                }
                for (; t < t1; t++) {
                    for (int i = 0; i < mr; i++) y[t * rows + r0 + i] = Kernels.dot(tile, i * cols, x, t * cols, cols);
                }
            }
        }
    }
}
