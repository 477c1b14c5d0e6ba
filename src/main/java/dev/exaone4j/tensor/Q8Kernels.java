package dev.exaone4j.tensor;

import dev.exaone4j.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Kernels for {@link ActivationPrecision#Q8}: weights against activations quantized to 8 bits
 * ({@link Q8Activations}), in 256-bit vectors, for Q8_0, Q4_0, Q4_K, Q5_K and Q6_K.
 *
 * <p><b>The group kernels</b> ({@code dotQ8x8}, {@code dotQ4x8}, {@code dotQ4Kx8}, {@code dotQ5Kx8},
 * {@code dotQ6x8}) compute eight rows at once on a matrix repacked with its rows interleaved by eight
 * ({@link RowGroups}): row r in lane r, the 16-bit products of a weight pair and a broadcast activation pair added
 * in 16 bits as long as they cannot overflow, then summed pairwise into 32-bit lanes, so each lane ends a block with
 * its row's exact integer block sum; then {@code acc = sum * (d_w * d_x) + acc} (blocks in order). There is no lane
 * reduction at all, and a row's result does not depend on its group or the batch. This is how every Q8 product runs.
 *
 * <p><b>The per-row kernels</b> (the fallback when the heap has no room for an interleaved copy): for each block of
 * 32 the products are summed exactly into 8 integer lanes, lane j holding the elements {2j, 2j+1, 16+2j, 17+2j};
 * then {@code acc = lanes * (d_w * d_x) + acc} and the result is {@link #sum8} of acc. The one-row kernels get the
 * lanes from 16-bit products (|w x| &lt;= 128 * 127, two of them fit a short) summed pairwise into ints; the tiled
 * kernel gets the same lane sums from floats holding the integers (every partial sum is below 2^24, so float
 * arithmetic is exact there), the values stored in lane order ({@link #LANE_SLOT}); bit for bit alike.
 */
final class Q8Kernels {
    private Q8Kernels() {}

    /** Whether the CPU has 256-bit vectors; without them {@link ActivationPrecision#Q8} computes as F32. */
    static final boolean SUPPORTED = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;

    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    private static final VectorSpecies<Byte> B8 = ByteVector.SPECIES_64;

    /** Element j of a block is stored at slot LANE_SLOT[j] of the lane-order layout: slot 8c + i is lane i of chunk c. */
    static final int[] LANE_SLOT = new int[32];

    static {
        for (int p = 0; p < 32; p++) {
            int c = p < 16 ? (p & 1) : 2 + (p & 1);
            int i = (p & 15) >> 1;
            LANE_SLOT[p] = 8 * c + i;
        }
    }

    /** The weight types these kernels compute. */
    static boolean handles(GgmlType t) {
        return t == GgmlType.Q8_0 || t == GgmlType.Q4_0 || t == GgmlType.Q6_K || t == GgmlType.Q4_K || t == GgmlType.Q5_K;
    }

    /** Sum of the 8 lanes in a fixed pairwise order (the order of {@link Kernels#sum} for 8 lanes). */
    static float sum8(FloatVector v) {
        return ((v.lane(0) + v.lane(4)) + (v.lane(2) + v.lane(6))) + ((v.lane(1) + v.lane(5)) + (v.lane(3) + v.lane(7)));
    }

    /** 16 shorts, lane i = a_i + b_i, summed pairwise into 8 ints (lane j = p[2j] + p[2j+1]) and made floats. */
    private static FloatVector pairSum(ShortVector p) {
        return (FloatVector) pairInts(p).convert(VectorOperators.I2F, 0);
    }

    /** 16 int8 weights at off widened to shorts. */
    private static ShortVector bytes16(MemorySegment w, long off) {
        return (ShortVector) ByteVector.fromMemorySegment(B16, w, off, Kernels.LE).convertShape(VectorOperators.B2S, S16, 0);
    }

    /** dot(Q8_0 row at off, quantized x[xo..xo+n)) with block scales xd[xo/32 ..]. */
    static float dotQ8_0(MemorySegment w, long off, short[] xq, float[] xd, int xo, int n) {
        FloatVector acc = FloatVector.zero(F8);
        int db = xo >> 5;
        for (int b = 0, nb = n >> 5; b < nb; b++) {
            long bo = off + 34L * b;
            int xb = xo + 32 * b;
            ShortVector p = bytes16(w, bo + 2).mul(ShortVector.fromArray(S16, xq, xb))
                    .add(bytes16(w, bo + 18).mul(ShortVector.fromArray(S16, xq, xb + 16)));
            acc = pairSum(p).fma(FloatVector.broadcast(F8, Kernels.half(w, bo) * xd[db + b]), acc);
        }
        return sum8(acc);
    }

    /** dot(Q4_0 row at off, quantized x[xo..xo+n)): element j is (low nibble of byte j) - 8, j + 16 the high one. */
    static float dotQ4_0(MemorySegment w, long off, short[] xq, float[] xd, int xo, int n) {
        FloatVector acc = FloatVector.zero(F8);
        int db = xo >> 5;
        for (int b = 0, nb = n >> 5; b < nb; b++) {
            long bo = off + 18L * b;
            int xb = xo + 32 * b;
            ShortVector q = zx16(w, bo + 2);
            ShortVector lo = q.and((short) 15).sub((short) 8);
            ShortVector hi = q.lanewise(VectorOperators.LSHR, 4).sub((short) 8);
            ShortVector p = lo.mul(ShortVector.fromArray(S16, xq, xb)).add(hi.mul(ShortVector.fromArray(S16, xq, xb + 16)));
            acc = pairSum(p).fma(FloatVector.broadcast(F8, Kernels.half(w, bo) * xd[db + b]), acc);
        }
        return sum8(acc);
    }

    /**
     * The eight rows of an interleaved Q4_0 group ({@link BlockInterleaved}) against one quantized activation row:
     * y[yo + r] for r &lt; 8. Per block, lane 2r + e of a 16-bit sum collects row r's products q * x of the elements
     * 2c + e and 16 + 2c + e over the 8 chunks c (q in [0, 15], |x| &lt;= 127: 16 products stay below 2^15); the
     * lane pairs summed into ints are the rows' sums of q * x, less 8 * sum(x) they are sum((q - 8) * x), exact.
     * xp holds the activations' shorts in pairs (element 2j low, 2j + 1 high), so a pair is one broadcast int.
     */
    static void dotQ4x8(byte[] q, int qo, float[] ds, int dso, int[] xp, int xpo, float[] xd, int[] xs, int xbo, int nb,
                        float[] y, int yo) {
        FloatVector acc = FloatVector.zero(F8);
        for (int b = 0; b < nb; b++) {
            int o = qo + 128 * b, p = xpo + 16 * b;
            ShortVector s0 = ShortVector.zero(S16), s1 = s0;       // two sums: two dependency chains
            for (int c = 0; c < 8; c++) {
                ShortVector v = (ShortVector) ByteVector.fromArray(B16, q, o + 16 * c).convertShape(VectorOperators.ZERO_EXTEND_B2S, S16, 0);
                s0 = s0.add(v.and((short) 15).mul(IntVector.broadcast(I8, xp[p + c]).reinterpretAsShorts()));
                s1 = s1.add(v.lanewise(VectorOperators.LSHR, 4).mul(IntVector.broadcast(I8, xp[p + 8 + c]).reinterpretAsShorts()));
            }
            IntVector sum = pairInts(s0.add(s1)).sub(8 * xs[xbo + b]);
            FloatVector scale = FloatVector.fromArray(F8, ds, dso + 8 * b).mul(xd[xbo + b]);
            acc = ((FloatVector) sum.convert(VectorOperators.I2F, 0)).fma(scale, acc);
        }
        acc.intoArray(y, yo);
    }

    /** {@link #dotQ4x8} for two activation rows (the second xps / xbs further on, its outputs ys further on) at once, sharing the weights' unpacking; the same bits. */
    static void dotQ4x8x2(byte[] q, int qo, float[] ds, int dso, int[] xp, int xpo, int xps, float[] xd, int[] xs, int xbo, int xbs,
                          int nb, float[] y, int yo, int ys) {
        FloatVector accA = FloatVector.zero(F8), accB = accA;
        for (int b = 0; b < nb; b++) {
            int o = qo + 128 * b, p = xpo + 16 * b, pb = p + xps;
            ShortVector a0 = ShortVector.zero(S16), a1 = a0, b0 = a0, b1 = a0;
            for (int c = 0; c < 8; c++) {
                ShortVector v = (ShortVector) ByteVector.fromArray(B16, q, o + 16 * c).convertShape(VectorOperators.ZERO_EXTEND_B2S, S16, 0);
                ShortVector lo = v.and((short) 15), hi = v.lanewise(VectorOperators.LSHR, 4);
                a0 = a0.add(lo.mul(IntVector.broadcast(I8, xp[p + c]).reinterpretAsShorts()));
                a1 = a1.add(hi.mul(IntVector.broadcast(I8, xp[p + 8 + c]).reinterpretAsShorts()));
                b0 = b0.add(lo.mul(IntVector.broadcast(I8, xp[pb + c]).reinterpretAsShorts()));
                b1 = b1.add(hi.mul(IntVector.broadcast(I8, xp[pb + 8 + c]).reinterpretAsShorts()));
            }
            FloatVector d = FloatVector.fromArray(F8, ds, dso + 8 * b);
            int xa = xbo + b, xb = xa + xbs;
            accA = ((FloatVector) pairInts(a0.add(a1)).sub(8 * xs[xa]).convert(VectorOperators.I2F, 0)).fma(d.mul(xd[xa]), accA);
            accB = ((FloatVector) pairInts(b0.add(b1)).sub(8 * xs[xb]).convert(VectorOperators.I2F, 0)).fma(d.mul(xd[xb]), accB);
        }
        accA.intoArray(y, yo);
        accB.intoArray(y, yo + ys);
    }

    /** {@link #dotQ8x8} for two activation rows at once (as {@link #dotQ4x8x2}); the same bits. */
    static void dotQ8x8x2(byte[] q, int qo, float[] ds, int dso, int[] xp, int xpo, int xps, float[] xd, int xbo, int xbs, int nb,
                          float[] y, int yo, int ys) {
        FloatVector accA = FloatVector.zero(F8), accB = accA;
        for (int b = 0; b < nb; b++) {
            int o = qo + 256 * b, p = xpo + 16 * b, pb = p + xps;
            IntVector sumA = IntVector.zero(I8), sumB = sumA;
            for (int c = 0; c < 16; c += 2) {
                ShortVector v0 = (ShortVector) ByteVector.fromArray(B16, q, o + 16 * c).convertShape(VectorOperators.B2S, S16, 0);
                ShortVector v1 = (ShortVector) ByteVector.fromArray(B16, q, o + 16 * c + 16).convertShape(VectorOperators.B2S, S16, 0);
                sumA = sumA.add(pairInts(v0.mul(IntVector.broadcast(I8, xp[p + c]).reinterpretAsShorts())
                        .add(v1.mul(IntVector.broadcast(I8, xp[p + c + 1]).reinterpretAsShorts()))));
                sumB = sumB.add(pairInts(v0.mul(IntVector.broadcast(I8, xp[pb + c]).reinterpretAsShorts())
                        .add(v1.mul(IntVector.broadcast(I8, xp[pb + c + 1]).reinterpretAsShorts()))));
            }
            FloatVector d = FloatVector.fromArray(F8, ds, dso + 8 * b);
            accA = ((FloatVector) sumA.convert(VectorOperators.I2F, 0)).fma(d.mul(xd[xbo + b]), accA);
            accB = ((FloatVector) sumB.convert(VectorOperators.I2F, 0)).fma(d.mul(xd[xbo + xbs + b]), accB);
        }
        accA.intoArray(y, yo);
        accB.intoArray(y, yo + ys);
    }

    /**
     * The eight rows of an interleaved Q8_0 group ({@link BlockInterleaved}) against one quantized activation row:
     * y[yo + r] for r &lt; 8. Lane 2r + e of a 16-bit sum collects row r's products q * x of the elements 2c + e and
     * 2c + 2 + e of two chunks (|q| &lt;= 128, |x| &lt;= 127: two products stay below 2^15); the lane pairs summed
     * into ints add up to the rows' block sums, exact.
     */
    static void dotQ8x8(byte[] q, int qo, float[] ds, int dso, int[] xp, int xpo, float[] xd, int xbo, int nb, float[] y, int yo) {
        FloatVector acc = FloatVector.zero(F8);
        for (int b = 0; b < nb; b++) {
            int o = qo + 256 * b, p = xpo + 16 * b;
            IntVector sum = IntVector.zero(I8);
            for (int c = 0; c < 16; c += 2) {
                ShortVector v0 = (ShortVector) ByteVector.fromArray(B16, q, o + 16 * c).convertShape(VectorOperators.B2S, S16, 0);
                ShortVector v1 = (ShortVector) ByteVector.fromArray(B16, q, o + 16 * c + 16).convertShape(VectorOperators.B2S, S16, 0);
                ShortVector s = v0.mul(IntVector.broadcast(I8, xp[p + c]).reinterpretAsShorts())
                        .add(v1.mul(IntVector.broadcast(I8, xp[p + c + 1]).reinterpretAsShorts()));
                sum = sum.add(pairInts(s));
            }
            FloatVector scale = FloatVector.fromArray(F8, ds, dso + 8 * b).mul(xd[xbo + b]);
            acc = ((FloatVector) sum.convert(VectorOperators.I2F, 0)).fma(scale, acc);
        }
        acc.intoArray(y, yo);
    }

    /**
     * The eight rows of an interleaved Q4_K group ({@link QKInterleaved}) against one quantized activation row:
     * y[yo + r] for r &lt; 8. Per 64 elements, lane 2r + e of two 16-bit sums collects row r's products q * x of the
     * elements 2c + e of the two sub-blocks over the 16 chunks c (q in [0, 15], |x| &lt;= 127: 16 products stay
     * below 2^15); the lane pairs summed into ints are the rows' block sums, exact.
     */
    static void dotQ4Kx8(byte[] q, int qo, float[] sc, float[] mn, int so, int[] xp, int xpo, float[] xd, int[] xs, int xbo,
                         int nb, float[] y, int yo) {
        FloatVector acc = FloatVector.zero(F8), off = acc;
        for (int b = 0; b < nb; b += 2) {
            int o = qo + 128 * b, p = xpo + 16 * b;
            ShortVector s0 = ShortVector.zero(S16), s1 = s0;
            for (int c = 0; c < 16; c++) {
                ShortVector v = (ShortVector) ByteVector.fromArray(B16, q, o + 16 * c).convertShape(VectorOperators.ZERO_EXTEND_B2S, S16, 0);
                s0 = s0.add(v.and((short) 15).mul(IntVector.broadcast(I8, xp[p + c]).reinterpretAsShorts()));
                s1 = s1.add(v.lanewise(VectorOperators.LSHR, 4).mul(IntVector.broadcast(I8, xp[p + 16 + c]).reinterpretAsShorts()));
            }
            int k = so + 8 * b, xb = xbo + b;
            acc = ((FloatVector) pairInts(s0).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F8, sc, k).mul(xd[xb]), acc);
            off = FloatVector.fromArray(F8, mn, k).fma(FloatVector.broadcast(F8, xd[xb] * xs[xb]), off);
            acc = ((FloatVector) pairInts(s1).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F8, sc, k + 8).mul(xd[xb + 1]), acc);
            off = FloatVector.fromArray(F8, mn, k + 8).fma(FloatVector.broadcast(F8, xd[xb + 1] * xs[xb + 1]), off);
        }
        acc.sub(off).intoArray(y, yo);
    }

    /**
     * The eight rows of an interleaved Q5_K group ({@link QKInterleaved}) against one quantized activation row, as
     * {@link #dotQ4Kx8} with q in [0, 31] one per byte: a 16-bit sum collects 8 chunks (8 * 31 * 127 &lt; 2^15),
     * two of them per block.
     */
    static void dotQ5Kx8(byte[] q, int qo, float[] sc, float[] mn, int so, int[] xp, int xpo, float[] xd, int[] xs, int xbo,
                         int nb, float[] y, int yo) {
        FloatVector acc = FloatVector.zero(F8), off = acc;
        for (int b = 0; b < nb; b++) {
            int o = qo + 256 * b, p = xpo + 16 * b;
            ShortVector s0 = ShortVector.zero(S16), s1 = s0;
            for (int c = 0; c < 8; c++) {
                ShortVector v0 = (ShortVector) ByteVector.fromArray(B16, q, o + 16 * c).convertShape(VectorOperators.ZERO_EXTEND_B2S, S16, 0);
                ShortVector v1 = (ShortVector) ByteVector.fromArray(B16, q, o + 128 + 16 * c).convertShape(VectorOperators.ZERO_EXTEND_B2S, S16, 0);
                s0 = s0.add(v0.mul(IntVector.broadcast(I8, xp[p + c]).reinterpretAsShorts()));
                s1 = s1.add(v1.mul(IntVector.broadcast(I8, xp[p + 8 + c]).reinterpretAsShorts()));
            }
            int k = so + 8 * b, xb = xbo + b;
            IntVector sum = pairInts(s0).add(pairInts(s1));
            acc = ((FloatVector) sum.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F8, sc, k).mul(xd[xb]), acc);
            off = FloatVector.fromArray(F8, mn, k).fma(FloatVector.broadcast(F8, xd[xb] * xs[xb]), off);
        }
        acc.sub(off).intoArray(y, yo);
    }

    /**
     * The eight rows of an interleaved Q6_K group ({@link Q6Interleaved}) against one quantized activation row:
     * y[yo + r] for r &lt; 8. Per sub-block of 16, lane 2r + e of a 16-bit sum collects row r's products u * x of
     * the elements 2c + e over the 8 chunks c (|u| &lt;= 32, |x| &lt;= 127: 8 products stay below 2^15); the lane
     * pairs summed into ints times the rows' int8 scales are added for the two sub-blocks of a block, exact.
     */
    static void dotQ6x8(byte[] q, int qo, byte[] sc, int sco, float[] ds, int dso, int[] xp, int xpo, float[] xd, int xbo,
                        int nb, float[] y, int yo) {
        FloatVector acc = FloatVector.zero(F8);
        for (int b = 0; b < nb; b++) {
            IntVector sum = IntVector.zero(I8);
            for (int h = 0; h < 2; h++) {
                int j = 2 * b + h, o = qo + 128 * j, p = xpo + 16 * b + 8 * h;
                ShortVector s = ShortVector.zero(S16);
                for (int c = 0; c < 8; c++) {
                    ShortVector v = (ShortVector) ByteVector.fromArray(B16, q, o + 16 * c).convertShape(VectorOperators.B2S, S16, 0);
                    s = s.add(v.mul(IntVector.broadcast(I8, xp[p + c]).reinterpretAsShorts()));
                }
                IntVector scale = (IntVector) ByteVector.fromArray(B8, sc, sco + 8 * j).convertShape(VectorOperators.B2I, I8, 0);
                sum = sum.add(pairInts(s).mul(scale));
            }
            FloatVector scale = FloatVector.fromArray(F8, ds, dso + 8 * (b >> 3)).mul(xd[xbo + b]);
            acc = ((FloatVector) sum.convert(VectorOperators.I2F, 0)).fma(scale, acc);
        }
        acc.intoArray(y, yo);
    }

    /** 16 unsigned bytes at off widened to shorts. */
    private static ShortVector zx16(MemorySegment w, long off) {
        return (ShortVector) ByteVector.fromMemorySegment(B16, w, off, Kernels.LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S16, 0);
    }

    /** 16 shorts summed pairwise into 8 ints (lane j = p[2j] + p[2j+1]). */
    private static IntVector pairInts(ShortVector p) {
        IntVector pi = p.reinterpretAsInts();
        return pi.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(pi.lanewise(VectorOperators.ASHR, 16));
    }

    /** The quants 16k..16k+16 of group g (0..3) of the Q6_K half-block at ql / qh, minus 32, as shorts. */
    private static ShortVector q6(MemorySegment w, long ql, long qh, int g, int k) {
        ShortVector l = zx16(w, ql + 32 * (g & 1) + 16 * k).lanewise(VectorOperators.LSHR, (g >> 1) << 2).and((short) 15);
        ShortVector h = zx16(w, qh + 16 * k).lanewise(VectorOperators.LSHL, 4).lanewise(VectorOperators.LSHR, 2 * g).and((short) 48);
        return l.or(h).sub((short) 32);
    }

    /**
     * Unpacks a Q6_K row (blocks of {ql[128], qh[64], int8 scales[16], f16 d}) into its quants minus 32 in element
     * order (u[0..n)), the int8 scale of each 16 elements (sc[0..n/16)) and the scale d of each 256 (d[0..n/256)).
     */
    static void unpackQ6_K(MemorySegment w, long off, short[] u, byte[] sc, float[] d, int n) {
        for (int sb = 0, nsb = n >> 8; sb < nsb; sb++) {
            long bo = off + 210L * sb;
            d[sb] = Kernels.half(w, bo + 208);
            MemorySegment.copy(w, ValueLayout.JAVA_BYTE, bo + 192, sc, 16 * sb, 16);
            for (int c = 0; c < 8; c++) {                       // group c: elements [32c, 32c+32), half c/4, quarter c%4
                long ql = bo + 64 * (c >> 2), qh = bo + 128 + 32 * (c >> 2);
                int o = 256 * sb + 32 * c;
                q6(w, ql, qh, c & 3, 0).intoArray(u, o);
                q6(w, ql, qh, c & 3, 1).intoArray(u, o + 16);
            }
        }
    }

    /**
     * dot(Q4_K row at off, quantized x[xo..xo+n)): super-blocks {f16 d, f16 dmin, scales[12], qs[128]}, sub-block s
     * (32 elements) the low (s even) or high nibbles of qs[32 (s / 2) ..], value d sc_s q - dmin m_s. The scaled
     * part goes through the lanes like the other types (block scale d sc_s, exact in f32); the offsets add up to
     * corr = sum over blocks of (dmin m_s) (d_x sum_x), in block order, and the result is sum8(acc) - corr.
     */
    static float dotQ4_K(MemorySegment w, long off, byte[] sm, int smo, short[] xq, float[] xd, int[] xsum, int xo, int n) {
        FloatVector acc = FloatVector.zero(F8);
        float corr = 0;
        int db = xo >> 5;
        for (int sb = 0, nsb = n >> 8; sb < nsb; sb++) {
            long bo = off + 144L * sb;
            float d = Kernels.half(w, bo), dmin = Kernels.half(w, bo + 2);
            for (int g = 0; g < 4; g++) {                       // sub-blocks 2g (low nibbles) and 2g + 1 (high) of qs[32g ..]
                int b = db + 8 * sb + 2 * g, xb = xo + 256 * sb + 64 * g, s = smo + 16 * sb + 4 * g;
                ShortVector q0 = zx16(w, bo + 16 + 32 * g), q1 = zx16(w, bo + 32 + 32 * g);
                ShortVector p = q0.and((short) 15).mul(ShortVector.fromArray(S16, xq, xb))
                        .add(q1.and((short) 15).mul(ShortVector.fromArray(S16, xq, xb + 16)));
                acc = pairSum(p).fma(FloatVector.broadcast(F8, d * sm[s] * xd[b]), acc);
                corr += dmin * sm[s + 1] * (xd[b] * xsum[b]);
                p = q0.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S16, xq, xb + 32))
                        .add(q1.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S16, xq, xb + 48)));
                acc = pairSum(p).fma(FloatVector.broadcast(F8, d * sm[s + 2] * xd[b + 1]), acc);
                corr += dmin * sm[s + 3] * (xd[b + 1] * xsum[b + 1]);
            }
        }
        return sum8(acc) - corr;
    }

    /**
     * dot(Q5_K row at off, quantized x[xo..xo+n)): super-blocks {f16 d, f16 dmin, scales[12], qh[32], qs[128]}; as
     * Q4_K, with bit s of qh[l] adding 16 to element l of sub-block s.
     */
    static float dotQ5_K(MemorySegment w, long off, byte[] sm, int smo, short[] xq, float[] xd, int[] xsum, int xo, int n) {
        FloatVector acc = FloatVector.zero(F8);
        float corr = 0;
        int db = xo >> 5;
        for (int sb = 0, nsb = n >> 8; sb < nsb; sb++) {
            long bo = off + 176L * sb;
            float d = Kernels.half(w, bo), dmin = Kernels.half(w, bo + 2);
            for (int s = 0; s < 8; s++) {                       // sub-block s: nibble s & 1 of qs[32 (s / 2) ..], bit s of qh
                int b = db + 8 * sb + s, xb = xo + 256 * sb + 32 * s, k = smo + 16 * sb + 2 * s, ns = (s & 1) << 2;
                long qs = bo + 48 + 32 * (s >> 1);
                ShortVector e0 = zx16(w, qs).lanewise(VectorOperators.LSHR, ns).and((short) 15)
                        .or(zx16(w, bo + 16).lanewise(VectorOperators.LSHL, 4).lanewise(VectorOperators.LSHR, s).and((short) 16));
                ShortVector e1 = zx16(w, qs + 16).lanewise(VectorOperators.LSHR, ns).and((short) 15)
                        .or(zx16(w, bo + 32).lanewise(VectorOperators.LSHL, 4).lanewise(VectorOperators.LSHR, s).and((short) 16));
                ShortVector p = e0.mul(ShortVector.fromArray(S16, xq, xb)).add(e1.mul(ShortVector.fromArray(S16, xq, xb + 16)));
                acc = pairSum(p).fma(FloatVector.broadcast(F8, d * sm[k] * xd[b]), acc);
                corr += dmin * sm[k + 1] * (xd[b] * xsum[b]);
            }
        }
        return sum8(acc) - corr;
    }

    /** The Q4_K or Q5_K product against quantized activation row t, with the row's unpacked scales at sm[smo ..]. */
    static float dotK(GgmlType type, MemorySegment w, long off, byte[] sm, int smo, Q8Activations x, int t) {
        return type == GgmlType.Q4_K ? dotQ4_K(w, off, sm, smo, x.q, x.d, x.sums, t * x.cols, x.cols)
                : dotQ5_K(w, off, sm, smo, x.q, x.d, x.sums, t * x.cols, x.cols);
    }

    /**
     * The 6-bit scale and min of every block of 32 of a Q4_K or Q5_K matrix (rows of rowBytes at w, super-blocks
     * of blockBytes with the 12 packed bytes at 4), unpacked: out[(r * n / 32 + b) * 2] = scale, [.. + 1] = min.
     */
    static byte[] unpackKScales(MemorySegment w, long rowBytes, int blockBytes, int rows, int n) {
        byte[] out = new byte[rows * (n / 16)];
        for (int r = 0; r < rows; r++) {
            for (int sb = 0, nsb = n >> 8; sb < nsb; sb++) {
                long bo = rowBytes * r + (long) blockBytes * sb;
                long slo = w.get(KQuantKernels.I64, bo + 4);
                int shi = w.get(KQuantKernels.I32, bo + 12);
                int o = r * (n / 16) + 16 * sb;
                for (int s = 0; s < 8; s++) {
                    out[o + 2 * s] = (byte) KQuantKernels.scaleK(s, slo, shi);
                    out[o + 2 * s + 1] = (byte) KQuantKernels.minK(s, slo, shi);
                }
            }
        }
        return out;
    }

    /** Whether the type's blocks have an offset (a min) besides the scale: then products subtract {@link #offsets}. */
    static boolean hasOffsets(GgmlType t) {
        return t == GgmlType.Q4_K || t == GgmlType.Q5_K;
    }

    /** The offset of each block of 32 of a Q4_K / Q5_K row (dmin m_s; super-blocks of blockBytes) into mins[mo ..]. */
    static void rowOffsets(MemorySegment w, long off, int blockBytes, float[] mins, int mo, int n) {
        for (int sb = 0, nsb = n >> 8; sb < nsb; sb++) {
            long bo = off + (long) blockBytes * sb;
            float dmin = Kernels.half(w, bo + 2);
            long slo = w.get(KQuantKernels.I64, bo + 4);
            int shi = w.get(KQuantKernels.I32, bo + 12);
            for (int s = 0; s < 8; s++) mins[mo + 8 * sb + s] = dmin * KQuantKernels.minK(s, slo, shi);
        }
    }

    /** corr = sum over blocks b of mins[mo + b] * (xd[xdo + b] * xsum[xdo + b]), in block order (see {@link #dotQ4_K}). */
    static float offsets(float[] mins, int mo, float[] xd, int[] xsum, int xdo, int nb) {
        float corr = 0;
        for (int b = 0; b < nb; b++) corr += mins[mo + b] * (xd[xdo + b] * xsum[xdo + b]);
        return corr;
    }

    /** dot of a Q8_0 / Q4_0 row with quantized activation row t (Q6_K and Q4_K rows need their unpacked parts). */
    static float dot(GgmlType type, MemorySegment w, long off, Q8Activations x, int t) {
        int n = x.cols;
        return switch (type) {
            case Q8_0 -> dotQ8_0(w, off, x.q, x.d, t * n, n);
            case Q4_0 -> dotQ4_0(w, off, x.q, x.d, t * n, n);
            default -> throw new IllegalArgumentException(type + " rows go through their WeightMatrix");
        };
    }

    /** Stores the 16 shorts a (elements e..e+16 of a block, e = 0 or 16) in lane order at dst[o + 2e/16*8 ...]. */
    private static void storeLanes(ShortVector a, float[] dst, int o) {
        IntVector ai = a.reinterpretAsInts();
        ((FloatVector) ai.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).intoArray(dst, o);
        ((FloatVector) ai.lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).intoArray(dst, o + 8);
    }

    /**
     * Unpacks a Q8_0 / Q4_0 / Q4_K / Q5_K row of n elements: its integer values as floats in lane order into dst[dOff ..] and
     * the scale of each block of 32 into scales[sOff ..].
     */
    static void rowToLanes(GgmlType type, MemorySegment w, long off, float[] dst, int dOff, float[] scales, int sOff, int n) {
        if (type == GgmlType.Q4_K || type == GgmlType.Q5_K) {
            boolean five = type == GgmlType.Q5_K;
            int blockBytes = five ? 176 : 144, qs = five ? 48 : 16;
            for (int sb = 0, nsb = n >> 8; sb < nsb; sb++) {
                long bo = off + (long) blockBytes * sb;
                float d = Kernels.half(w, bo);
                long slo = w.get(KQuantKernels.I64, bo + 4);
                int shi = w.get(KQuantKernels.I32, bo + 12);
                // Q5_K's high bits, moved up by 4 and then down by 2 per group: bit 2g at position 4, bit 2g+1 at 5
                ShortVector h0 = five ? zx16(w, bo + 16).lanewise(VectorOperators.LSHL, 4) : ShortVector.zero(S16);
                ShortVector h1 = five ? zx16(w, bo + 32).lanewise(VectorOperators.LSHL, 4) : ShortVector.zero(S16);
                for (int g = 0; g < 4; g++) {
                    int o = dOff + 256 * sb + 64 * g, b = sOff + 8 * sb + 2 * g;
                    ShortVector q0 = zx16(w, bo + qs + 32 * g), q1 = zx16(w, bo + qs + 16 + 32 * g);
                    storeLanes(q0.and((short) 15).or(h0.and((short) 16)), dst, o);
                    storeLanes(q1.and((short) 15).or(h1.and((short) 16)), dst, o + 16);
                    storeLanes(q0.lanewise(VectorOperators.LSHR, 4).or(h0.lanewise(VectorOperators.LSHR, 1).and((short) 16)), dst, o + 32);
                    storeLanes(q1.lanewise(VectorOperators.LSHR, 4).or(h1.lanewise(VectorOperators.LSHR, 1).and((short) 16)), dst, o + 48);
                    h0 = h0.lanewise(VectorOperators.LSHR, 2);
                    h1 = h1.lanewise(VectorOperators.LSHR, 2);
                    scales[b] = d * KQuantKernels.scaleK(2 * g, slo, shi);
                    scales[b + 1] = d * KQuantKernels.scaleK(2 * g + 1, slo, shi);
                }
            }
            return;
        }
        for (int b = 0, nb = n >> 5; b < nb; b++) {
            int o = dOff + 32 * b;
            if (type == GgmlType.Q8_0) {
                long bo = off + 34L * b;
                scales[sOff + b] = Kernels.half(w, bo);
                storeLanes(bytes16(w, bo + 2), dst, o);
                storeLanes(bytes16(w, bo + 18), dst, o + 16);
            } else {
                long bo = off + 18L * b;
                scales[sOff + b] = Kernels.half(w, bo);
                ShortVector q = zx16(w, bo + 2);
                storeLanes(q.and((short) 15).sub((short) 8), dst, o);
                storeLanes(q.lanewise(VectorOperators.LSHR, 4).sub((short) 8), dst, o + 16);
            }
        }
    }

    /** One block's lane sums of a lane-order weight row at w[wo] and activation row at x[xo] (exact integers). */
    private static FloatVector lanes(float[] w, int wo, float[] x, int xo) {
        FloatVector s = FloatVector.zero(F8);
        for (int c = 0; c < 32; c += 8) s = FloatVector.fromArray(F8, w, wo + c).fma(FloatVector.fromArray(F8, x, xo + c), s);
        return s;
    }

    /** dot of one lane-order weight row (scales ws[wso ..]) with one lane-order activation row (scales xd[xdo ..]). */
    static float dotLanes(float[] w, int wo, float[] ws, int wso, float[] x, int xo, float[] xd, int xdo, int nb) {
        FloatVector acc = FloatVector.zero(F8);
        for (int b = 0; b < nb; b++) {
            acc = lanes(w, wo + 32 * b, x, xo + 32 * b).fma(FloatVector.broadcast(F8, ws[wso + b] * xd[xdo + b]), acc);
        }
        return sum8(acc);
    }

    /**
     * The block scales of a 3x2 tile: sc[(2r + t) * nb + b] = ws[r * nb + b] * xd[xdo + t * nb + b] (the same float
     * products the one-row kernels form), for {@link #tile3x2}.
     */
    static void tileScales(float[] ws, float[] xd, int xdo, int nb, float[] sc) {
        for (int r = 0; r < 3; r++) {
            for (int t = 0; t < 2; t++) {
                int o = (2 * r + t) * nb, b = 0;
                for (int up = F8.loopBound(nb); b < up; b += 8) {
                    FloatVector.fromArray(F8, ws, r * nb + b).mul(FloatVector.fromArray(F8, xd, xdo + t * nb + b)).intoArray(sc, o + b);
                }
                for (; b < nb; b++) sc[o + b] = ws[r * nb + b] * xd[xdo + t * nb + b];
            }
        }
    }

    /**
     * The tiled micro-kernel: out[2r + t] = {@link #dotLanes} of weight row r (at w[r * rs]) and activation row t
     * (at x[xo + t * xs]) for r &lt; 3 and t &lt; 2, the six products sharing their loads; sc holds the block scales
     * ({@link #tileScales}).
     */
    static void tile3x2(float[] w, int rs, float[] x, int xo, int xs, float[] sc, int nb, float[] out) {
        FloatVector a00 = FloatVector.zero(F8), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
        for (int b = 0; b < nb; b++) {
            FloatVector s00 = FloatVector.zero(F8), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00;
            int o = 32 * b;
            for (int c = 0; c < 32; c += 8) {
                FloatVector x0 = FloatVector.fromArray(F8, x, xo + o + c), x1 = FloatVector.fromArray(F8, x, xo + xs + o + c);
                FloatVector r = FloatVector.fromArray(F8, w, o + c);
                s00 = r.fma(x0, s00);
                s01 = r.fma(x1, s01);
                r = FloatVector.fromArray(F8, w, rs + o + c);
                s10 = r.fma(x0, s10);
                s11 = r.fma(x1, s11);
                r = FloatVector.fromArray(F8, w, 2 * rs + o + c);
                s20 = r.fma(x0, s20);
                s21 = r.fma(x1, s21);
            }
            a00 = s00.fma(FloatVector.broadcast(F8, sc[b]), a00);
            a01 = s01.fma(FloatVector.broadcast(F8, sc[nb + b]), a01);
            a10 = s10.fma(FloatVector.broadcast(F8, sc[2 * nb + b]), a10);
            a11 = s11.fma(FloatVector.broadcast(F8, sc[3 * nb + b]), a11);
            a20 = s20.fma(FloatVector.broadcast(F8, sc[4 * nb + b]), a20);
            a21 = s21.fma(FloatVector.broadcast(F8, sc[5 * nb + b]), a21);
        }
        out[0] = sum8(a00);
        out[1] = sum8(a01);
        out[2] = sum8(a10);
        out[3] = sum8(a11);
        out[4] = sum8(a20);
        out[5] = sum8(a21);
    }
}
