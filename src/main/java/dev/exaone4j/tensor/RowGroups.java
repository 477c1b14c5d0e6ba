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
abstract sealed class RowGroups permits Q4Interleaved, Q6Interleaved, Q8Interleaved, QKInterleaved {
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
