package dev.exaone4j.tensor;

import dev.exaone4j.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A Q4_K or Q5_K matrix's {@link RowGroups}. A row's value is {@code d sc_s q - dmin m_s} with q in [0, 15] (Q5_K:
 * [0, 31]) and sub-block s of 32 elements; here its integer weight is q, its block scale {@code d sc_s} and its
 * block offset {@code dmin m_s}, both kept as f32 for the eight rows of each sub-block. Quants, per group of eight
 * rows: Q4_K per 64 elements (sub-blocks 2g and 2g + 1) 16 chunks of 16 bytes, byte 2r + e of chunk c being byte
 * 32g + 2c + e of row r's super-block quants (low nibble: element 2c + e of sub-block 2g, high nibble: of 2g + 1);
 * Q5_K per sub-block 16 chunks, byte 2r + e of chunk c being row r's q of element 2c + e. 0.75 bytes per weight
 * (Q4_K, file 0.5625) or 1.25 (Q5_K, file 0.6875); the file's pages are no longer read.
 * Kernels: {@link Q8Kernels#dotQ4Kx8}, {@link Q8Kernels#dotQ5Kx8}; the result is {@code acc - off}, off summing
 * {@code (dmin m_s) (d_x sum x)} over the blocks in order.
 */
final class QKInterleaved extends RowGroups {
    private final boolean five;
    private final byte[][] quants;
    private final float[][] scales, offsets;
    private final int perChunk;

    private QKInterleaved(boolean five, byte[][] quants, float[][] scales, float[][] offsets, int perChunk, int rows, int cols) {
        super(rows, cols);
        this.five = five;
        this.quants = quants;
        this.scales = scales;
        this.offsets = offsets;
        this.perChunk = perChunk;
    }

    /** Repacks the rows x cols Q4_K or Q5_K matrix at src (rows of srcRowBytes), in parallel over groups. */
    static QKInterleaved of(GgmlType type, MemorySegment src, long srcRowBytes, int rows, int cols) {
        boolean five = type == GgmlType.Q5_K;
        int nsb = cols / 256, nb = cols / 32, groups = (rows + ROWS - 1) / ROWS, blockBytes = five ? 176 : 144;
        int groupBytes = Math.multiplyExact(five ? 256 : 128, nb), perChunk = groupsPerChunk(groupBytes);
        byte[][] quants = byteChunks(groups, perChunk, groupBytes);
        float[][] scales = floatChunks(groups, perChunk, (long) ROWS * nb);
        float[][] offsets = floatChunks(groups, perChunk, (long) ROWS * nb);
        Parallel.forRange(groups, 16, (long) rows * cols * 2, (start, end) -> {
            byte[] qs = new byte[128], qh = new byte[32];
            for (int g = start; g < end; g++) {
                byte[] q = quants[g / perChunk];
                float[] sc = scales[g / perChunk], mn = offsets[g / perChunk];
                int lg = g % perChunk, go = lg * groupBytes, so = lg * ROWS * nb;
                for (int r = 0; r < ROWS && g * ROWS + r < rows; r++) {
                    long ro = srcRowBytes * (g * ROWS + r);
                    for (int sb = 0; sb < nsb; sb++) {
                        long bo = ro + (long) blockBytes * sb;
                        float d = Kernels.half(src, bo), dmin = Kernels.half(src, bo + 2);
                        long slo = src.get(KQuantKernels.I64, bo + 4);
                        int shi = src.get(KQuantKernels.I32, bo + 12);
                        for (int s = 0; s < 8; s++) {
                            sc[so + ROWS * (8 * sb + s) + r] = d * KQuantKernels.scaleK(s, slo, shi);
                            mn[so + ROWS * (8 * sb + s) + r] = dmin * KQuantKernels.minK(s, slo, shi);
                        }
                        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, bo + (five ? 48 : 16), qs, 0, 128);
                        if (five) MemorySegment.copy(src, ValueLayout.JAVA_BYTE, bo + 16, qh, 0, 32);
                        for (int l = 0; l < 32; l++) {          // element l of sub-blocks 2k (low nibbles) and 2k + 1
                            int c = l >> 1, e = l & 1;
                            for (int k = 0; k < 4; k++) {
                                int b = qs[32 * k + l];
                                if (five) {
                                    int s0 = 2 * k, s1 = 2 * k + 1;
                                    q[go + 512 * (8 * sb + s0) / 2 + 16 * c + 2 * r + e] = (byte) ((b & 15) | ((qh[l] >> s0) & 1) << 4);
                                    q[go + 512 * (8 * sb + s1) / 2 + 16 * c + 2 * r + e] = (byte) (((b >> 4) & 15) | ((qh[l] >> s1) & 1) << 4);
                                } else {
                                    q[go + 1024 * sb + 256 * k + 16 * c + 2 * r + e] = (byte) b;
                                }
                            }
                        }
                    }
                }
            }
        });
        return new QKInterleaved(five, quants, scales, offsets, perChunk, rows, cols);
    }

    @Override
    void dot8(int g, Q8Activations x, int t, float[] y, int yo) {
        int nb = cols / 32, lg = g % perChunk, c = g / perChunk;
        if (five) {
            Q8Kernels.dotQ5Kx8(quants[c], lg * 256 * nb, scales[c], offsets[c], lg * ROWS * nb, x.pairs, t * (cols / 2), x.d, x.sums, t * nb, nb, y, yo);
        } else {
            Q8Kernels.dotQ4Kx8(quants[c], lg * 128 * nb, scales[c], offsets[c], lg * ROWS * nb, x.pairs, t * (cols / 2), x.d, x.sums, t * nb, nb, y, yo);
        }
    }
}
