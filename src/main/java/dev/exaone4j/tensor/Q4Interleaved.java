package dev.exaone4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A Q4_0 matrix's {@link RowGroups}: per group of eight rows and block of 32 columns, 8 chunks of 16 bytes, byte
 * 2r + e of chunk c being byte 2c + e of row r's block (its low nibble is element 2c + e, its high nibble element
 * 16 + 2c + e), and the eight rows' scales as f32. 0.625 bytes per weight instead of 0.5625 (the file's pages are no
 * longer read). Kernel: {@link Q8Kernels#dotQ4x8}.
 */
final class Q4Interleaved extends RowGroups {
    private final byte[][] quants;
    private final float[][] scales;
    private final int perChunk;

    private Q4Interleaved(byte[][] quants, float[][] scales, int perChunk, int rows, int cols) {
        super(rows, cols);
        this.quants = quants;
        this.scales = scales;
        this.perChunk = perChunk;
    }

    /** Repacks the rows x cols Q4_0 matrix at src (rows of srcRowBytes), in parallel over groups. */
    static Q4Interleaved of(MemorySegment src, long srcRowBytes, int rows, int cols) {
        int nb = cols / 32, groups = (rows + ROWS - 1) / ROWS;
        int groupBytes = Math.multiplyExact(128, nb), perChunk = groupsPerChunk(groupBytes);
        byte[][] quants = byteChunks(groups, perChunk, groupBytes);
        float[][] scales = floatChunks(groups, perChunk, (long) ROWS * nb);
        Parallel.forRange(groups, 16, (long) rows * cols * 2, (start, end) -> {
            byte[] block = new byte[16];
            for (int g = start; g < end; g++) {
                byte[] q = quants[g / perChunk];
                float[] s = scales[g / perChunk];
                int go = (g % perChunk) * groupBytes, so = (g % perChunk) * ROWS * nb;
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

    @Override
    void dot8(int g, Q8Activations x, int t, float[] y, int yo) {
        int nb = cols / 32, lg = g % perChunk;
        Q8Kernels.dotQ4x8(quants[g / perChunk], lg * 128 * nb, scales[g / perChunk], lg * ROWS * nb,
                x.pairs, t * (cols / 2), x.d, x.sums, t * nb, nb, y, yo);
    }

    @Override
    void dot8x2(int g, Q8Activations x, int t, float[] y, int yo, int ys) {
        int nb = cols / 32, lg = g % perChunk;
        Q8Kernels.dotQ4x8x2(quants[g / perChunk], lg * 128 * nb, scales[g / perChunk], lg * ROWS * nb,
                x.pairs, t * (cols / 2), cols / 2, x.d, x.sums, t * nb, nb, nb, y, yo, ys);
    }
}
