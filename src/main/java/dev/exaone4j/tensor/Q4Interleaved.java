package dev.exaone4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A Q4_0 matrix repacked once for {@link ActivationPrecision#Q8} products, eight rows interleaved (as llama.cpp's
 * AVX2 repacking does), so that one product computes eight rows in the eight lanes of a vector and no lane sums are
 * reduced at all. Per group of eight rows and block of 32 columns: 8 chunks of 16 bytes, byte 2r + e of chunk c
 * being byte 2c + e of row r's block (its low nibble is element 2c + e, its high nibble element 16 + 2c + e), and
 * the eight rows' scales as f32. 0.625 bytes per weight instead of 0.5625 (the file's pages are no longer read);
 * rows past the last whole group are zeros. On the heap, in arrays of up to 1 GiB of whole groups.
 *
 * <p>The arithmetic ({@link Q8Kernels#dotQ4x8}): per block, the exact integer {@code sum((q - 8) * x)} of each row,
 * then {@code acc = sum * (d_w * d_x) + acc} (one fused multiply-add, blocks in order); the result is acc. It does
 * not depend on how many activation rows a product runs, nor on which rows share a group.
 */
final class Q4Interleaved {
    static final int ROWS = 8;
    private static final int CHUNK_BYTES = 1 << 30;

    private final byte[][] quants;
    private final float[][] scales;
    private final int groupsPerChunk;
    private final int rows, cols;

    private Q4Interleaved(byte[][] quants, float[][] scales, int groupsPerChunk, int rows, int cols) {
        this.quants = quants;
        this.scales = scales;
        this.groupsPerChunk = groupsPerChunk;
        this.rows = rows;
        this.cols = cols;
    }

    int groups() {
        return (rows + ROWS - 1) / ROWS;
    }

    /** Repacks the rows x cols Q4_0 matrix at src (rows of srcRowBytes), in parallel over groups. */
    static Q4Interleaved of(MemorySegment src, long srcRowBytes, int rows, int cols) {
        int nb = cols / 32, groups = (rows + ROWS - 1) / ROWS;
        long groupBytes = 128L * nb;
        int perChunk = (int) Math.max(1, CHUNK_BYTES / groupBytes);
        int nChunks = (groups + perChunk - 1) / perChunk;
        byte[][] quants = new byte[nChunks][];
        float[][] scales = new float[nChunks][];
        for (int c = 0; c < nChunks; c++) {
            int g = Math.min(perChunk, groups - c * perChunk);
            quants[c] = new byte[Math.toIntExact(g * groupBytes)];
            scales[c] = new float[Math.multiplyExact(g, ROWS * nb)];
        }
        Parallel.forRange(groups, 16, (long) rows * cols * 2, (start, end) -> {
            byte[] block = new byte[16];
            for (int g = start; g < end; g++) {
                byte[] q = quants[g / perChunk];
                float[] s = scales[g / perChunk];
                int go = (g % perChunk) * (int) groupBytes, so = (g % perChunk) * ROWS * nb;
                for (int r = 0; r < ROWS && g * ROWS + r < rows; r++) {
                    long ro = srcRowBytes * (g * ROWS + r);
                    for (int b = 0; b < nb; b++) {
                        long bo = ro + 18L * b;
                        s[so + ROWS * b + r] = Kernels.f16(src, bo);
                        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, bo + 2, block, 0, 16);
                        int o = go + 128 * b + 2 * r;
                        for (int c = 0; c < 8; c++) {
                            q[o + 16 * c] = block[2 * c];
                            q[o + 16 * c + 1] = block[2 * c + 1];
                        }
                    }
                }
            }
        });
        return new Q4Interleaved(quants, scales, perChunk, rows, cols);
    }

    /** y[yo..yo+8) = the rows of group g against quantized activation row t of x (rows past the matrix give 0). */
    void dot8(int g, Q8Activations x, int t, float[] y, int yo) {
        int nb = cols / 32, lg = g % groupsPerChunk;
        Q8Kernels.dotQ4x8(quants[g / groupsPerChunk], lg * 128 * nb, scales[g / groupsPerChunk], lg * ROWS * nb,
                x.pairs, t * (cols / 2), x.d, x.sums, t * nb, nb, y, yo);
    }
}
