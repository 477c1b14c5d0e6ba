package dev.exaone4j.tensor;

/**
 * A Q6_K matrix repacked once, for {@link ActivationPrecision#Q8} products: per row, its quants minus 32 as int8
 * followed by the int8 scale of every 16 ({@code cols + cols / 16} bytes), and the f32 scale of every 256. The
 * 6-bit unpacking is done here once instead of per token; a row takes 1.08 bytes per weight instead of 0.82 (the
 * file's pages of the original are no longer read). On the heap, in arrays of up to 1 GiB of whole rows: vector
 * loads from arrays compile to plain instructions whatever other kinds of memory the same kernels read.
 */
final class Q6Repacked {
    private static final int CHUNK_BYTES = 1 << 30;

    private final byte[][] chunks;
    private final int rowsPerChunk;
    private final int rowBytes;
    private final float[] d;
    private final int cols;

    private Q6Repacked(byte[][] chunks, int rowsPerChunk, int rowBytes, float[] d, int cols) {
        this.chunks = chunks;
        this.rowsPerChunk = rowsPerChunk;
        this.rowBytes = rowBytes;
        this.d = d;
        this.cols = cols;
    }

    /** Repacks the rows x cols Q6_K matrix at src (rows of srcRowBytes), in parallel over rows. */
    static Q6Repacked of(java.lang.foreign.MemorySegment src, long srcRowBytes, int rows, int cols) {
        int rowBytes = cols + cols / 16;
        int perChunk = Math.max(1, CHUNK_BYTES / rowBytes);
        byte[][] chunks = new byte[(rows + perChunk - 1) / perChunk][];
        for (int c = 0; c < chunks.length; c++) chunks[c] = new byte[Math.min(perChunk, rows - c * perChunk) * rowBytes];
        float[] d = new float[Math.multiplyExact(rows, cols / 256)];
        Parallel.forRange(rows, 64, (long) rows * cols * 4, (start, end) -> {
            short[] u = new short[cols];
            byte[] sc = new byte[cols / 16];
            float[] dr = new float[cols / 256];
            for (int r = start; r < end; r++) {
                Q8Kernels.unpackQ6_K(src, srcRowBytes * r, u, sc, dr, cols);
                byte[] chunk = chunks[r / perChunk];
                int o = (r % perChunk) * rowBytes;
                for (int i = 0; i < cols; i++) chunk[o + i] = (byte) u[i];
                System.arraycopy(sc, 0, chunk, o + cols, sc.length);
                System.arraycopy(dr, 0, d, r * (cols / 256), dr.length);
            }
        });
        return new Q6Repacked(chunks, perChunk, rowBytes, d, cols);
    }

    /** dot(row r, quantized activation row t of x). */
    float dot(int r, Q8Activations x, int t) {
        return Q8Kernels.dotQ6Repacked(chunks[r / rowsPerChunk], (r % rowsPerChunk) * rowBytes, d, r * (cols / 256), x.q, x.d, t * cols, cols);
    }

    /** Row r as integer floats in the lane order of the Q8 kernels, and its block scales. */
    void rowToLanes(int r, float[] dst, int dOff, float[] scales, int sOff) {
        Q8Kernels.repackedToLanes(chunks[r / rowsPerChunk], (r % rowsPerChunk) * rowBytes, d, r * (cols / 256), dst, dOff, scales, sOff, cols);
    }
}
