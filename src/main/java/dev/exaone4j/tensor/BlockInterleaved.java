package dev.exaone4j.tensor;

import dev.exaone4j.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A Q8_0 or Q4_0 matrix's {@link RowGroups} (blocks of 32 with one f16 scale, {f16 d, quants}): per group of eight
 * rows and block, the block's quant bytes in chunks of 16, byte 2r + e of chunk c being byte 2c + e of row r's quants,
 * and the eight rows' scales as f32. Q8_0: 16 chunks, byte 2c + e is element 2c + e; 1.125 bytes per weight instead
 * of 1.0625. Q4_0: 8 chunks, byte 2c + e holds element 2c + e in its low nibble and 16 + 2c + e in its high one;
 * 0.625 bytes per weight instead of 0.5625. The file's pages are no longer read. Kernels: {@link Q8Kernels#dotQ8x8},
 * {@link Q8Kernels#dotQ4x8} (and their two-row forms).
 */
final class BlockInterleaved extends RowGroups {
    private final boolean fourBit;
    /** Quant bytes per row and block: 32 (Q8_0) or 16 (Q4_0). */
    private final int quantBytes;
    private final byte[][] quants;
    private final float[][] scales;
    private final int perChunk;

    private BlockInterleaved(boolean fourBit, byte[][] quants, float[][] scales, int perChunk, int rows, int cols) {
        super(rows, cols);
        this.fourBit = fourBit;
        this.quantBytes = fourBit ? 16 : 32;
        this.quants = quants;
        this.scales = scales;
        this.perChunk = perChunk;
    }

    /** Repacks the rows x cols Q8_0 or Q4_0 matrix at src (rows of srcRowBytes), in parallel over groups. */
    static BlockInterleaved of(GgmlType type, MemorySegment src, long srcRowBytes, int rows, int cols) {
        if (type != GgmlType.Q8_0 && type != GgmlType.Q4_0) throw new IllegalArgumentException(type + " is not a Q8_0 / Q4_0 type");
        boolean fourBit = type == GgmlType.Q4_0;
        int quantBytes = fourBit ? 16 : 32, blockBytes = quantBytes + 2, blockGroupBytes = ROWS * quantBytes;
        int nb = cols / 32, groups = (rows + ROWS - 1) / ROWS;
        int groupBytes = Math.multiplyExact(blockGroupBytes, nb), perChunk = groupsPerChunk(groupBytes);
        byte[][] quants = byteChunks(groups, perChunk, groupBytes);
        float[][] scales = floatChunks(groups, perChunk, (long) ROWS * nb);
        Parallel.forRange(groups, 16, (long) rows * cols * 2, (start, end) -> {
            byte[] block = new byte[quantBytes];
            for (int g = start; g < end; g++) {
                byte[] q = quants[g / perChunk];
                float[] s = scales[g / perChunk];
                int go = (g % perChunk) * groupBytes, so = (g % perChunk) * ROWS * nb;
                for (int r = 0; r < ROWS && g * ROWS + r < rows; r++) {
                    long ro = srcRowBytes * (g * ROWS + r);
                    for (int b = 0; b < nb; b++) {
                        long bo = ro + (long) blockBytes * b;
                        s[so + ROWS * b + r] = Kernels.half(src, bo);
                        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, bo + 2, block, 0, quantBytes);
                        int o = go + blockGroupBytes * b + 2 * r;
                        for (int c = 0; c < quantBytes / 2; c++) {
                            q[o + 16 * c] = block[2 * c];
                            q[o + 16 * c + 1] = block[2 * c + 1];
                        }
                    }
                }
            }
        });
        return new BlockInterleaved(fourBit, quants, scales, perChunk, rows, cols);
    }

    @Override
    void dot8(int g, Q8Activations x, int t, float[] y, int yo) {
        int nb = cols / 32, lg = g % perChunk, qo = lg * ROWS * quantBytes * nb, so = lg * ROWS * nb;
        byte[] q = quants[g / perChunk];
        float[] s = scales[g / perChunk];
        if (fourBit) Q8Kernels.dotQ4x8(q, qo, s, so, x.pairs, t * (cols / 2), x.d, x.sums, t * nb, nb, y, yo);
        else Q8Kernels.dotQ8x8(q, qo, s, so, x.pairs, t * (cols / 2), x.d, t * nb, nb, y, yo);
    }

    @Override
    void dot8x2(int g, Q8Activations x, int t, float[] y, int yo, int ys) {
        int nb = cols / 32, lg = g % perChunk, qo = lg * ROWS * quantBytes * nb, so = lg * ROWS * nb;
        byte[] q = quants[g / perChunk];
        float[] s = scales[g / perChunk];
        if (fourBit) Q8Kernels.dotQ4x8x2(q, qo, s, so, x.pairs, t * (cols / 2), cols / 2, x.d, x.sums, t * nb, nb, nb, y, yo, ys);
        else Q8Kernels.dotQ8x8x2(q, qo, s, so, x.pairs, t * (cols / 2), cols / 2, x.d, t * nb, nb, nb, y, yo, ys);
    }
}
