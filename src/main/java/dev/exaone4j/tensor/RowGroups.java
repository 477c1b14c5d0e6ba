package dev.exaone4j.tensor;

/**
 * A quantized matrix repacked once with its rows interleaved by eight, for {@link ActivationPrecision#Q8} products
 * (as llama.cpp's AVX2 repacking does): one product computes a group's eight rows in the eight lanes of a vector, so
 * no lane sums are reduced, and the integer products of a block are summed in 16 bits before they are widened.
 * Rows past the last whole group are zeros. On the heap, in arrays of up to 1 GiB of whole groups: vector loads from
 * arrays compile to plain instructions whatever other kinds of memory the same kernels read.
 *
 * <p>The arithmetic, for every row whatever its group or the number of activation rows: per block of 32, the
 * exact integer sum of the row's integer weights times the 8-bit activations, then
 * {@code acc = sum * (d_w * d_x) + acc} (one fused multiply-add, blocks in order); the result is acc.
 */
abstract sealed class RowGroups permits BlockInterleaved, QKInterleaved, Q6Interleaved {
    static final int ROWS = 8;
    static final int CHUNK_BYTES = 1 << 30;

    final int rows, cols;

    RowGroups(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
    }

    final int groups() {
        return (rows + ROWS - 1) / ROWS;
    }

    /** y[yo..yo+8) = the rows of group g against quantized activation row t of x (rows past the matrix give 0). */
    abstract void dot8(int g, Q8Activations x, int t, float[] y, int yo);

    /**
     * {@link #dot8} for activation rows t (into y[yo ..]) and t + 1 (into y[yo + ys ..]): the same bits; types with a
     * two-row kernel unpack each weight once for both.
     */
    void dot8x2(int g, Q8Activations x, int t, float[] y, int yo, int ys) {
        dot8(g, x, t, y, yo);
        dot8(g, x, t + 1, y, yo + ys);
    }

    // ------------------------------------------------------------------ the heap budget for interleaved copies

    /**
     * The share of the heap (-Xmx) that interleaved copies may take together, unless the system property
     * {@code exaone4j.interleavedHeapBytes} gives a byte count: a model bigger than that keeps its other matrices on
     * the per-row kernels instead of filling the heap (where the KV cache, the server and everything else live).
     */
    static final double HEAP_SHARE = 0.6;
    private static final java.util.concurrent.atomic.AtomicLong RESERVED = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();
    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

    static long budget() {
        Long bytes = Long.getLong("exaone4j.interleavedHeapBytes");
        return bytes != null ? bytes : (long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE);
    }

    /** The heap bytes an interleaved copy of a rows x cols matrix of the type takes (with the padding rows). */
    static long bytesFor(dev.exaone4j.gguf.GgmlType type, int rows, int cols) {
        long weights = (long) ((rows + ROWS - 1) / ROWS * ROWS) * cols;
        return weights * switch (type) {
            case Q4_0 -> 10;    // 0.625 bytes per weight
            case Q4_K -> 12;    // 0.75
            case Q5_K -> 20;    // 1.25
            case Q8_0 -> 18;    // 1.125
            default -> 17;      // Q6_K: 1 + 1/16, plus its f32 scale per 256
        } / 16 + (long) rows * cols / 64;
    }

    /** Takes bytes from the budget; false (nothing taken) when they do not fit. */
    static boolean reserve(long bytes) {
        long limit = budget();
        while (true) {
            long r = RESERVED.get();
            if (r + bytes > limit) return false;
            if (RESERVED.compareAndSet(r, r + bytes)) return true;
        }
    }

    static void release(long bytes) {
        RESERVED.addAndGet(-bytes);
    }

    /** Returns the bytes to the budget once owner (the matrix holding the copy) is garbage. */
    static void releaseWhenUnreachable(Object owner, long bytes) {
        CLEANER.register(owner, () -> release(bytes));
    }

    /** One warning per process when the budget first refuses a copy. */
    static void warnBudgetSpent(dev.exaone4j.gguf.GgmlType type) {
        if (WARNED.compareAndSet(false, true)) {
            String source = System.getProperty("exaone4j.interleavedHeapBytes") != null ? "exaone4j.interleavedHeapBytes"
                    : Math.round(HEAP_SHARE * 100) + "% of -Xmx";
            System.err.println("exaone4j: warning: the heap budget for interleaved 8-bit weight copies (" + (budget() >> 20)
                    + " MiB, " + source + ") is spent; further matrices use the slower per-row 8-bit"
                    + " kernels (Q6_K: f32 activations). Raise -Xmx (EXAONE4J_JAVA_OPTS) to avoid this.");
        }
    }

    /** Groups per array when a group takes groupBytes bytes. */
    static int groupsPerChunk(long groupBytes) {
        return (int) Math.max(1, CHUNK_BYTES / groupBytes);
    }

    /** Arrays of up to perChunk groups of per elements each, for the given group count (the last one shorter). */
    static byte[][] byteChunks(int groups, int perChunk, long per) {
        byte[][] a = new byte[(groups + perChunk - 1) / perChunk][];
        for (int c = 0; c < a.length; c++) a[c] = new byte[Math.toIntExact(Math.min(perChunk, groups - (long) c * perChunk) * per)];
        return a;
    }

    static float[][] floatChunks(int groups, int perChunk, long per) {
        float[][] a = new float[(groups + perChunk - 1) / perChunk][];
        for (int c = 0; c < a.length; c++) a[c] = new float[Math.toIntExact(Math.min(perChunk, groups - (long) c * perChunk) * per)];
        return a;
    }
}
