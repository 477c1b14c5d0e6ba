package dev.exaone4j.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A Q6_K matrix's {@link RowGroups}, its 6-bit quants unpacked once: per group of eight rows and sub-block of 16
 * columns, 8 chunks of 16 bytes, byte 2r + e of chunk c being row r's quant minus 32 of element 2c + e, as int8;
 * the eight rows' int8 scales of each sub-block; and their f32 scales d of each 256. About 1.07 bytes per weight
 * instead of 0.82 (the file's pages are no longer read). A row's integer weight is (q - 32) * scale, d_w its d.
 * Kernel: {@link Q8Kernels#dotQ6x8}.
 */
final class Q6Interleaved extends RowGroups {
    private final byte[][] quants;
    private final byte[][] subScales;
    private final float[][] scales;
    private final int perChunk;

    private Q6Interleaved(byte[][] quants, byte[][] subScales, float[][] scales, int perChunk, int rows, int cols) {
        super(rows, cols);
        this.quants = quants;
        this.subScales = subScales;
        this.scales = scales;
        this.perChunk = perChunk;
    }

    /** Repacks the rows x cols Q6_K matrix at src (rows of srcRowBytes), in parallel over groups. */
    static Q6Interleaved of(MemorySegment src, long srcRowBytes, int rows, int cols) {
        int ns = cols / 16, groups = (rows + ROWS - 1) / ROWS;
        int groupBytes = Math.multiplyExact(8 * ns, 16), perChunk = groupsPerChunk(groupBytes);
        byte[][] quants = byteChunks(groups, perChunk, groupBytes);
        byte[][] subScales = byteChunks(groups, perChunk, (long) ROWS * ns);
        float[][] scales = floatChunks(groups, perChunk, (long) ROWS * (cols / 256));
        Parallel.forRange(groups, 16, (long) rows * cols * 4, (start, end) -> {
            short[] u = new short[cols];
            byte[] sc = new byte[ns];
            float[] d = new float[cols / 256];
            for (int g = start; g < end; g++) {
                byte[] q = quants[g / perChunk], ss = subScales[g / perChunk];
                float[] s = scales[g / perChunk];
                int lg = g % perChunk, go = lg * groupBytes;
                for (int r = 0; r < ROWS && g * ROWS + r < rows; r++) {
                    Q8Kernels.unpackQ6_K(src, srcRowBytes * (g * ROWS + r), u, sc, d, cols);
                    for (int j = 0; j < ns; j++) {
                        int o = go + 128 * j + 2 * r;
                        for (int c = 0; c < 8; c++) {
                            q[o + 16 * c] = (byte) u[16 * j + 2 * c];
                            q[o + 16 * c + 1] = (byte) u[16 * j + 2 * c + 1];
                        }
                        ss[lg * ROWS * ns + ROWS * j + r] = sc[j];
                    }
                    for (int k = 0; k < d.length; k++) s[lg * ROWS * d.length + ROWS * k + r] = d[k];
                }
            }
        });
        return new Q6Interleaved(quants, subScales, scales, perChunk, rows, cols);
    }

    @Override
    void dot8(int g, Q8Activations x, int t, float[] y, int yo) {
        int nb = cols / 32, lg = g % perChunk;
        Q8Kernels.dotQ6x8(quants[g / perChunk], lg * 128 * (cols / 16), subScales[g / perChunk], lg * ROWS * (cols / 16),
                scales[g / perChunk], lg * ROWS * (cols / 256), x.pairs, t * (cols / 2), x.d, t * nb, nb, y, yo);
    }
}
