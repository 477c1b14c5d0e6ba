package dev.exaone4j.tensor;

import dev.exaone4j.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.exaone4j.tensor.Kernels.F;
import static dev.exaone4j.tensor.Kernels.L;
import static dev.exaone4j.tensor.Kernels.LE;
import static dev.exaone4j.tensor.Kernels.I16;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

/**
 * Vector API kernels for the block formats besides Q8_0/Q4_0: Q4_1, Q5_0, Q5_1 (32-element blocks) and the
 * K-quants Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K (256-element super-blocks). Every {@code dot*} reads the blocks in
 * place from the segment and computes exactly the dequantized lanes in the accumulation order of {@link Kernels}
 * (so it equals dequantize-then-{@link Kernels#dot} bit for bit, and {@code Quants.dot} up to reassociation); every {@code deq*} reproduces
 * {@code Quants.dequantize} bit for bit (same operations in the same order).
 *
 * <p>The quants of L consecutive elements (L = float lanes) are loaded as L bytes, widened to ints, unpacked with
 * int shifts and masks, converted to floats and scaled. That needs L in {8, 16} (AVX2, AVX-512, 256/512-bit SVE);
 * on other shapes each entry point falls back to the exact scalar dequantization of {@link QuantSupport}.
 * Block layouts are documented in {@code dev.exaone4j.quant.KQuants} and {@code LegacyQuants}.
 *
 * <p>The vector expressions are written out in place rather than through small helper methods on purpose: C2 stops
 * inlining ordinary methods past its node-count cutoff (the Vector API's own methods are force-inlined), and a
 * helper left out-of-line returns a boxed vector, which makes a kernel ~100x slower.
 */
public final class KQuantKernels {
    private KQuantKernels() {}

    /** Whether the vector paths apply to this CPU's preferred float shape. */
    static final boolean VEC = L == 8 || L == 16;
    private static final VectorSpecies<Byte> BL = VectorSpecies.of(byte.class, VectorShape.forBitSize(VEC ? L * 8 : 64));
    private static final VectorSpecies<Integer> IL = VectorSpecies.of(int.class, F.vectorShape());
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfByte I8 = ValueLayout.JAVA_BYTE;
    /** 0, 1, ..., 31: per-lane bit positions of Q5_0/Q5_1's 32-bit high-bit word. */
    private static final int[] IOTA = new int[32];

    static {
        for (int i = 0; i < 32; i++) IOTA[i] = i;
    }

    // ------------------------------------------------------------------ Q4_1: {f16 d, f16 m, u8 qs[16]}, v = q*d + m

    /** dot(Q4_1 row at off, x[xo..xo+n)). */
    public static float dotQ4_1(MemorySegment w, long off, float[] x, int xo, int n) {
        if (!VEC) return QuantSupport.dot(GgmlType.Q4_1, w, off, x, xo, n);
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        for (int b = 0, nb = n / 32; b < nb; b++) {
            long bo = off + 20L * b;
            int xb = xo + 32 * b;
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, bo))), m = FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, bo + 2)));
            for (int e = 0; e < 32; e += 2 * L) {
                int f = e + L;
                IntVector q0 = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 4 + (e & 15), LE).convertShape(B2I, IL, 0)).lanewise(LSHR, IntVector.broadcast(IL, (e >> 4) << 2)).and(15);
                IntVector q1 = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 4 + (f & 15), LE).convertShape(B2I, IL, 0)).lanewise(LSHR, IntVector.broadcast(IL, (f >> 4) << 2)).and(15);
                a0 = ((FloatVector) q0.convert(I2F, 0)).mul(d).add(m).fma(FloatVector.fromArray(F, x, xb + e), a0);
                a1 = ((FloatVector) q1.convert(I2F, 0)).mul(d).add(m).fma(FloatVector.fromArray(F, x, xb + f), a1);
            }
        }
        return Kernels.sum(a0.add(a1));
    }

    /** dst[dOff..dOff+n) = the Q4_1 row at off. */
    public static void deqQ4_1(MemorySegment w, long off, float[] dst, int dOff, int n) {
        if (!VEC) { QuantSupport.dequantize(GgmlType.Q4_1, w, off, dst, dOff, n); return; }
        for (int b = 0, nb = n / 32; b < nb; b++) {
            long bo = off + 20L * b;
            int db = dOff + 32 * b;
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, bo))), m = FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, bo + 2)));
            for (int k = 0; k < 16; k += L) {
                IntVector q = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 4 + k, LE).convertShape(B2I, IL, 0));
                ((FloatVector) q.and(15).convert(I2F, 0)).mul(d).add(m).intoArray(dst, db + k);
                ((FloatVector) q.lanewise(LSHR, 4).and(15).convert(I2F, 0)).mul(d).add(m).intoArray(dst, db + 16 + k);
            }
        }
    }

    // ------------------------------------------------------------------ Q5_0 / Q5_1: 5th bit of element j is bit j of u32 qh

    /** dot(Q5_0 row at off, x): blocks {f16 d, u32 qh, u8 qs[16]}, v = d * (q5 - 16). */
    public static float dotQ5_0(MemorySegment w, long off, float[] x, int xo, int n) {
        if (!VEC) return QuantSupport.dot(GgmlType.Q5_0, w, off, x, xo, n);
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        for (int b = 0, nb = n / 32; b < nb; b++) {
            long bo = off + 22L * b;
            int xb = xo + 32 * b;
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, bo)));
            IntVector qh = IntVector.broadcast(IL, w.get(I32, bo + 2));
            for (int e = 0; e < 32; e += 2 * L) {
                int f = e + L;
                IntVector q0 = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 6 + (e & 15), LE).convertShape(B2I, IL, 0)).lanewise(LSHR, IntVector.broadcast(IL, (e >> 4) << 2)).and(15);
                IntVector q1 = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 6 + (f & 15), LE).convertShape(B2I, IL, 0)).lanewise(LSHR, IntVector.broadcast(IL, (f >> 4) << 2)).and(15);
                q0 = q0.or(qh.lanewise(LSHR, IntVector.fromArray(IL, IOTA, e)).and(1).lanewise(LSHL, 4));
                q1 = q1.or(qh.lanewise(LSHR, IntVector.fromArray(IL, IOTA, f)).and(1).lanewise(LSHL, 4));
                a0 = ((FloatVector) q0.sub(16).convert(I2F, 0)).mul(d).fma(FloatVector.fromArray(F, x, xb + e), a0);
                a1 = ((FloatVector) q1.sub(16).convert(I2F, 0)).mul(d).fma(FloatVector.fromArray(F, x, xb + f), a1);
            }
        }
        return Kernels.sum(a0.add(a1));
    }

    /** dst = the Q5_0 row at off. */
    public static void deqQ5_0(MemorySegment w, long off, float[] dst, int dOff, int n) {
        if (!VEC) { QuantSupport.dequantize(GgmlType.Q5_0, w, off, dst, dOff, n); return; }
        for (int b = 0, nb = n / 32; b < nb; b++) {
            long bo = off + 22L * b;
            int db = dOff + 32 * b;
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, bo)));
            IntVector qh = IntVector.broadcast(IL, w.get(I32, bo + 2));
            for (int k = 0; k < 16; k += L) {
                IntVector q = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 6 + k, LE).convertShape(B2I, IL, 0));
                IntVector lo = q.and(15).or(qh.lanewise(LSHR, IntVector.fromArray(IL, IOTA, k)).and(1).lanewise(LSHL, 4));
                IntVector hi = q.lanewise(LSHR, 4).and(15).or(qh.lanewise(LSHR, IntVector.fromArray(IL, IOTA, 16 + k)).and(1).lanewise(LSHL, 4));
                ((FloatVector) lo.sub(16).convert(I2F, 0)).mul(d).intoArray(dst, db + k);
                ((FloatVector) hi.sub(16).convert(I2F, 0)).mul(d).intoArray(dst, db + 16 + k);
            }
        }
    }

    /** dot(Q5_1 row at off, x): blocks {f16 d, f16 m, u32 qh, u8 qs[16]}, v = q5*d + m. */
    public static float dotQ5_1(MemorySegment w, long off, float[] x, int xo, int n) {
        if (!VEC) return QuantSupport.dot(GgmlType.Q5_1, w, off, x, xo, n);
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        for (int b = 0, nb = n / 32; b < nb; b++) {
            long bo = off + 24L * b;
            int xb = xo + 32 * b;
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, bo))), m = FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, bo + 2)));
            IntVector qh = IntVector.broadcast(IL, w.get(I32, bo + 4));
            for (int e = 0; e < 32; e += 2 * L) {
                int f = e + L;
                IntVector q0 = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 8 + (e & 15), LE).convertShape(B2I, IL, 0)).lanewise(LSHR, IntVector.broadcast(IL, (e >> 4) << 2)).and(15);
                IntVector q1 = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 8 + (f & 15), LE).convertShape(B2I, IL, 0)).lanewise(LSHR, IntVector.broadcast(IL, (f >> 4) << 2)).and(15);
                q0 = q0.or(qh.lanewise(LSHR, IntVector.fromArray(IL, IOTA, e)).and(1).lanewise(LSHL, 4));
                q1 = q1.or(qh.lanewise(LSHR, IntVector.fromArray(IL, IOTA, f)).and(1).lanewise(LSHL, 4));
                a0 = ((FloatVector) q0.convert(I2F, 0)).mul(d).add(m).fma(FloatVector.fromArray(F, x, xb + e), a0);
                a1 = ((FloatVector) q1.convert(I2F, 0)).mul(d).add(m).fma(FloatVector.fromArray(F, x, xb + f), a1);
            }
        }
        return Kernels.sum(a0.add(a1));
    }

    /** dst = the Q5_1 row at off. */
    public static void deqQ5_1(MemorySegment w, long off, float[] dst, int dOff, int n) {
        if (!VEC) { QuantSupport.dequantize(GgmlType.Q5_1, w, off, dst, dOff, n); return; }
        for (int b = 0, nb = n / 32; b < nb; b++) {
            long bo = off + 24L * b;
            int db = dOff + 32 * b;
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, bo))), m = FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, bo + 2)));
            IntVector qh = IntVector.broadcast(IL, w.get(I32, bo + 4));
            for (int k = 0; k < 16; k += L) {
                IntVector q = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 8 + k, LE).convertShape(B2I, IL, 0));
                IntVector lo = q.and(15).or(qh.lanewise(LSHR, IntVector.fromArray(IL, IOTA, k)).and(1).lanewise(LSHL, 4));
                IntVector hi = q.lanewise(LSHR, 4).and(15).or(qh.lanewise(LSHR, IntVector.fromArray(IL, IOTA, 16 + k)).and(1).lanewise(LSHL, 4));
                ((FloatVector) lo.convert(I2F, 0)).mul(d).add(m).intoArray(dst, db + k);
                ((FloatVector) hi.convert(I2F, 0)).mul(d).add(m).intoArray(dst, db + 16 + k);
            }
        }
    }

    // ------------------------------------------------------------------ Q4_K / Q5_K: 8 sub-blocks of 32, 6-bit scale and min each

    /** Scale (6 bits) of sub-block j from the 12 packed bytes lo (bytes 0-7) and hi (bytes 8-11). */
    static int scaleK(int j, long lo, int hi) {
        if (j < 4) return (int) (lo >>> (8 * j)) & 63;
        return (hi >>> (8 * (j - 4))) & 15 | ((int) (lo >>> (8 * (j - 4) + 6)) & 3) << 4;
    }

    /** Min (6 bits) of sub-block j from the 12 packed bytes lo (bytes 0-7) and hi (bytes 8-11). */
    static int minK(int j, long lo, int hi) {
        if (j < 4) return (int) (lo >>> (8 * (j + 4))) & 63;
        return (hi >>> (8 * (j - 4) + 4)) & 15 | ((int) (lo >>> (8 * j + 6)) & 3) << 4;
    }

    /**
     * dot(Q4_K row at off, x): super-blocks {f16 d, f16 dmin, scales[12], qs[128]}; group g of 64 elements reads
     * qs[32g..32g+32): low nibbles are sub-block 2g, high nibbles 2g+1; v = d*sc*q - dmin*m.
     */
    public static float dotQ4_K(MemorySegment w, long off, float[] x, int xo, int n) {
        if (!VEC) return QuantSupport.dot(GgmlType.Q4_K, w, off, x, xo, n);
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        for (int b = 0, nb = n / 256; b < nb; b++) {
            long bo = off + 144L * b;
            float d = Float.float16ToFloat(w.get(I16, bo)), dmin = Float.float16ToFloat(w.get(I16, bo + 2));
            long slo = w.get(I64, bo + 4);
            int shi = w.get(I32, bo + 12);
            for (int s = 0; s < 8; s++) {                       // sub-block s: elements [32s, 32s+32), nibble s&1 of qs[32*(s/2)..]
                int xs = xo + 256 * b + 32 * s;
                FloatVector ds = FloatVector.broadcast(F, d * scaleK(s, slo, shi)), ms = FloatVector.broadcast(F, -(dmin * minK(s, slo, shi)));
                IntVector nib = IntVector.broadcast(IL, (s & 1) << 2);
                long qs = bo + 16 + 32 * (s >> 1);
                for (int k = 0; k < 32; k += 2 * L) {
                    IntVector q0 = ((IntVector) ByteVector.fromMemorySegment(BL, w, qs + k, LE).convertShape(B2I, IL, 0)).lanewise(LSHR, nib).and(15);
                    IntVector q1 = ((IntVector) ByteVector.fromMemorySegment(BL, w, qs + k + L, LE).convertShape(B2I, IL, 0)).lanewise(LSHR, nib).and(15);
                    a0 = ((FloatVector) q0.convert(I2F, 0)).mul(ds).add(ms).fma(FloatVector.fromArray(F, x, xs + k), a0);
                    a1 = ((FloatVector) q1.convert(I2F, 0)).mul(ds).add(ms).fma(FloatVector.fromArray(F, x, xs + k + L), a1);
                }
            }
        }
        return Kernels.sum(a0.add(a1));
    }

    /** dst = the Q4_K row at off. */
    public static void deqQ4_K(MemorySegment w, long off, float[] dst, int dOff, int n) {
        if (!VEC) { QuantSupport.dequantize(GgmlType.Q4_K, w, off, dst, dOff, n); return; }
        for (int b = 0, nb = n / 256; b < nb; b++) {
            long bo = off + 144L * b;
            float d = Float.float16ToFloat(w.get(I16, bo)), dmin = Float.float16ToFloat(w.get(I16, bo + 2));
            long slo = w.get(I64, bo + 4);
            int shi = w.get(I32, bo + 12);
            for (int g = 0; g < 4; g++) {
                int dg = dOff + 256 * b + 64 * g;
                FloatVector d1 = FloatVector.broadcast(F, d * scaleK(2 * g, slo, shi)), m1 = FloatVector.broadcast(F, -(dmin * minK(2 * g, slo, shi)));
                FloatVector d2 = FloatVector.broadcast(F, d * scaleK(2 * g + 1, slo, shi)), m2 = FloatVector.broadcast(F, -(dmin * minK(2 * g + 1, slo, shi)));
                for (int k = 0; k < 32; k += L) {
                    IntVector q = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 16 + 32 * g + k, LE).convertShape(B2I, IL, 0));
                    ((FloatVector) q.and(15).convert(I2F, 0)).mul(d1).add(m1).intoArray(dst, dg + k);
                    ((FloatVector) q.lanewise(LSHR, 4).and(15).convert(I2F, 0)).mul(d2).add(m2).intoArray(dst, dg + 32 + k);
                }
            }
        }
    }

    /**
     * dot(Q5_K row at off, x): {f16 d, f16 dmin, scales[12], qh[32], qs[128]}; as Q4_K, and element 64g+l gets
     * bit 2g of qh[l] (element 64g+32+l bit 2g+1) as its 5th bit.
     */
    public static float dotQ5_K(MemorySegment w, long off, float[] x, int xo, int n) {
        if (!VEC) return QuantSupport.dot(GgmlType.Q5_K, w, off, x, xo, n);
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        for (int b = 0, nb = n / 256; b < nb; b++) {
            long bo = off + 176L * b;
            float d = Float.float16ToFloat(w.get(I16, bo)), dmin = Float.float16ToFloat(w.get(I16, bo + 2));
            long slo = w.get(I64, bo + 4);
            int shi = w.get(I32, bo + 12);
            for (int s = 0; s < 8; s++) {                       // sub-block s: elements [32s, 32s+32), nibble s&1 of qs[32*(s/2)..]
                int xs = xo + 256 * b + 32 * s;
                FloatVector ds = FloatVector.broadcast(F, d * scaleK(s, slo, shi)), ms = FloatVector.broadcast(F, -(dmin * minK(s, slo, shi)));
                IntVector nib = IntVector.broadcast(IL, (s & 1) << 2), sh = IntVector.broadcast(IL, s);
                long qs = bo + 48 + 32 * (s >> 1);
                for (int k = 0; k < 32; k += 2 * L) {
                    IntVector q0 = ((IntVector) ByteVector.fromMemorySegment(BL, w, qs + k, LE).convertShape(B2I, IL, 0)).lanewise(LSHR, nib).and(15).or(((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 16 + k, LE).convertShape(B2I, IL, 0)).lanewise(LSHL, 4).lanewise(LSHR, sh).and(16));
                    IntVector q1 = ((IntVector) ByteVector.fromMemorySegment(BL, w, qs + k + L, LE).convertShape(B2I, IL, 0)).lanewise(LSHR, nib).and(15).or(((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 16 + k + L, LE).convertShape(B2I, IL, 0)).lanewise(LSHL, 4).lanewise(LSHR, sh).and(16));
                    a0 = ((FloatVector) q0.convert(I2F, 0)).mul(ds).add(ms).fma(FloatVector.fromArray(F, x, xs + k), a0);
                    a1 = ((FloatVector) q1.convert(I2F, 0)).mul(ds).add(ms).fma(FloatVector.fromArray(F, x, xs + k + L), a1);
                }
            }
        }
        return Kernels.sum(a0.add(a1));
    }

    /** dst = the Q5_K row at off. */
    public static void deqQ5_K(MemorySegment w, long off, float[] dst, int dOff, int n) {
        if (!VEC) { QuantSupport.dequantize(GgmlType.Q5_K, w, off, dst, dOff, n); return; }
        for (int b = 0, nb = n / 256; b < nb; b++) {
            long bo = off + 176L * b;
            float d = Float.float16ToFloat(w.get(I16, bo)), dmin = Float.float16ToFloat(w.get(I16, bo + 2));
            long slo = w.get(I64, bo + 4);
            int shi = w.get(I32, bo + 12);
            for (int g = 0; g < 4; g++) {
                int dg = dOff + 256 * b + 64 * g;
                FloatVector d1 = FloatVector.broadcast(F, d * scaleK(2 * g, slo, shi)), m1 = FloatVector.broadcast(F, -(dmin * minK(2 * g, slo, shi)));
                FloatVector d2 = FloatVector.broadcast(F, d * scaleK(2 * g + 1, slo, shi)), m2 = FloatVector.broadcast(F, -(dmin * minK(2 * g + 1, slo, shi)));
                IntVector s1 = IntVector.broadcast(IL, 2 * g), s2 = IntVector.broadcast(IL, 2 * g + 1);
                for (int k = 0; k < 32; k += L) {
                    IntVector q = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 48 + 32 * g + k, LE).convertShape(B2I, IL, 0));
                    IntVector h = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 16 + k, LE).convertShape(B2I, IL, 0)).lanewise(LSHL, 4);
                    ((FloatVector) q.and(15).or(h.lanewise(LSHR, s1).and(16)).convert(I2F, 0)).mul(d1).add(m1).intoArray(dst, dg + k);
                    ((FloatVector) q.lanewise(LSHR, 4).and(15).or(h.lanewise(LSHR, s2).and(16)).convert(I2F, 0)).mul(d2).add(m2).intoArray(dst, dg + 32 + k);
                }
            }
        }
    }

    // ------------------------------------------------------------------ Q6_K: ql[128], qh[64], int8 scales[16], f16 d

    /**
     * dot(Q6_K row at off, x): half h (128 elements) reads ql[64h..], qh[32h..], scales[8h..]; for l in [0,32)
     * elements l, l+32, l+64, l+96 are ql[l]&15, ql[l+32]&15, ql[l]>>4, ql[l+32]>>4 with 2 high bits from qh[l]
     * (bits 0-1, 2-3, 4-5, 6-7), minus 32, times d * scales[l/16 + 0, 2, 4, 6].
     */
    public static float dotQ6_K(MemorySegment w, long off, float[] x, int xo, int n) {
        if (!VEC) return QuantSupport.dot(GgmlType.Q6_K, w, off, x, xo, n);
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        for (int b = 0, nb = n / 256; b < nb; b++) {
            long bo = off + 210L * b;
            float d = Float.float16ToFloat(w.get(I16, bo + 208));
            for (int c = 0; c < 8; c++) {                       // 32 elements [32c, 32c+32): half h = c/4, quarter i = c%4
                int h = c >> 2, i = c & 3, xc = xo + 256 * b + 32 * c;
                long ql = bo + 64 * h + 32 * (i & 1), qh = bo + 128 + 32 * h;
                IntVector nib = IntVector.broadcast(IL, (i >> 1) << 2), hs = IntVector.broadcast(IL, 2 * i);
                for (int k = 0; k < 32; k += 2 * L) {
                    IntVector q0 = ((IntVector) ByteVector.fromMemorySegment(BL, w, ql + k, LE).convertShape(B2I, IL, 0)).lanewise(LSHR, nib).and(15)
                            .or(((IntVector) ByteVector.fromMemorySegment(BL, w, qh + k, LE).convertShape(B2I, IL, 0)).lanewise(LSHR, hs).and(3).lanewise(LSHL, 4)).sub(32);
                    IntVector q1 = ((IntVector) ByteVector.fromMemorySegment(BL, w, ql + k + L, LE).convertShape(B2I, IL, 0)).lanewise(LSHR, nib).and(15)
                            .or(((IntVector) ByteVector.fromMemorySegment(BL, w, qh + k + L, LE).convertShape(B2I, IL, 0)).lanewise(LSHR, hs).and(3).lanewise(LSHL, 4)).sub(32);
                    float s0 = d * w.get(I8, bo + 192 + 8 * h + 2 * i + (k >> 4)), s1 = d * w.get(I8, bo + 192 + 8 * h + 2 * i + ((k + L) >> 4));
                    a0 = ((FloatVector) q0.convert(I2F, 0)).mul(s0).fma(FloatVector.fromArray(F, x, xc + k), a0);
                    a1 = ((FloatVector) q1.convert(I2F, 0)).mul(s1).fma(FloatVector.fromArray(F, x, xc + k + L), a1);
                }
            }
        }
        return Kernels.sum(a0.add(a1));
    }

    /** dst = the Q6_K row at off. */
    public static void deqQ6_K(MemorySegment w, long off, float[] dst, int dOff, int n) {
        if (!VEC) { QuantSupport.dequantize(GgmlType.Q6_K, w, off, dst, dOff, n); return; }
        for (int b = 0, nb = n / 256; b < nb; b++) {
            long bo = off + 210L * b;
            float d = Float.float16ToFloat(w.get(I16, bo + 208));
            for (int h = 0; h < 2; h++) {
                long ql = bo + 64 * h, qh = bo + 128 + 32 * h, sc = bo + 192 + 8 * h;
                int dh = dOff + 256 * b + 128 * h;
                for (int l = 0; l < 32; l += L) {
                    long s = sc + l / 16;
                    IntVector qa = ((IntVector) ByteVector.fromMemorySegment(BL, w, ql + l, LE).convertShape(B2I, IL, 0)), qb = ((IntVector) ByteVector.fromMemorySegment(BL, w, ql + 32 + l, LE).convertShape(B2I, IL, 0)), hb = ((IntVector) ByteVector.fromMemorySegment(BL, w, qh + l, LE).convertShape(B2I, IL, 0));
                    ((FloatVector) qa.and(15).or(hb.lanewise(LSHL, 4).and(48)).sub(32).convert(I2F, 0)).mul(d * w.get(I8, s)).intoArray(dst, dh + l);
                    ((FloatVector) qb.and(15).or(hb.lanewise(LSHL, 2).and(48)).sub(32).convert(I2F, 0)).mul(d * w.get(I8, s + 2)).intoArray(dst, dh + 32 + l);
                    ((FloatVector) qa.lanewise(LSHR, 4).and(15).or(hb.and(48)).sub(32).convert(I2F, 0)).mul(d * w.get(I8, s + 4)).intoArray(dst, dh + 64 + l);
                    ((FloatVector) qb.lanewise(LSHR, 4).and(15).or(hb.lanewise(LSHR, 2).and(48)).sub(32).convert(I2F, 0)).mul(d * w.get(I8, s + 6)).intoArray(dst, dh + 96 + l);
                }
            }
        }
    }

    // ------------------------------------------------------------------ Q8_K: f32 d, int8 qs[256], int16 bsums[16]

    /** dot(Q8_K row at off, x): v = d * q. */
    public static float dotQ8_K(MemorySegment w, long off, float[] x, int xo, int n) {
        if (!VEC) return QuantSupport.dot(GgmlType.Q8_K, w, off, x, xo, n);
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        for (int b = 0, nb = n / 256; b < nb; b++) {
            long bo = off + 292L * b;
            FloatVector d = FloatVector.broadcast(F, w.get(Kernels.F32, bo));
            int xb = xo + 256 * b;
            for (int k = 0; k < 256; k += 2 * L) {
                a0 = ((FloatVector) ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 4 + k, LE).convertShape(B2I, IL, 0)).convert(I2F, 0)).mul(d).fma(FloatVector.fromArray(F, x, xb + k), a0);
                a1 = ((FloatVector) ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 4 + k + L, LE).convertShape(B2I, IL, 0)).convert(I2F, 0)).mul(d).fma(FloatVector.fromArray(F, x, xb + k + L), a1);
            }
        }
        return Kernels.sum(a0.add(a1));
    }

    /** dst = the Q8_K row at off. */
    public static void deqQ8_K(MemorySegment w, long off, float[] dst, int dOff, int n) {
        if (!VEC) { QuantSupport.dequantize(GgmlType.Q8_K, w, off, dst, dOff, n); return; }
        for (int b = 0, nb = n / 256; b < nb; b++) {
            long bo = off + 292L * b;
            FloatVector d = FloatVector.broadcast(F, w.get(Kernels.F32, bo));
            for (int k = 0; k < 256; k += L) ((FloatVector) ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 4 + k, LE).convertShape(B2I, IL, 0)).convert(I2F, 0)).mul(d).intoArray(dst, dOff + 256 * b + k);
        }
    }

    // ------------------------------------------------------------------ Q2_K: scales[16], qs[64], f16 d, f16 dmin

    /**
     * dot(Q2_K row at off, x): half h reads qs[32h..32h+32); for j in 0..3 (shift 2j) elements 128h+32j+l and
     * 128h+32j+16+l (l < 16) are (qs[l] >> 2j) & 3 and (qs[16+l] >> 2j) & 3 with scale byte 8h+2j and 8h+2j+1
     * (low nibble scale, high nibble min): v = d*sc*q - dmin*m.
     */
    public static float dotQ2_K(MemorySegment w, long off, float[] x, int xo, int n) {
        if (!VEC) return QuantSupport.dot(GgmlType.Q2_K, w, off, x, xo, n);
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        for (int b = 0, nb = n / 256; b < nb; b++) {
            long bo = off + 84L * b;
            float d = Float.float16ToFloat(w.get(I16, bo + 80)), dmin = Float.float16ToFloat(w.get(I16, bo + 82));
            for (int c = 0; c < 8; c++) {                       // 32 elements [32c, 32c+32): bits 2j of qs[32h + e], h = c/4, j = c%4
                int h = c >> 2, xc = xo + 256 * b + 32 * c;
                int sa = w.get(I8, bo + 2 * c) & 0xff, sb = w.get(I8, bo + 2 * c + 1) & 0xff;
                float da = d * (sa & 15), ma = -(dmin * (sa >>> 4)), db = d * (sb & 15), mb = -(dmin * (sb >>> 4));
                IntVector sh = IntVector.broadcast(IL, 2 * (c & 3));
                long q = bo + 16 + 32 * h;
                for (int e = 0; e < 32; e += 2 * L) {
                    int f = e + L;
                    IntVector q0 = ((IntVector) ByteVector.fromMemorySegment(BL, w, q + e, LE).convertShape(B2I, IL, 0)).lanewise(LSHR, sh).and(3);
                    IntVector q1 = ((IntVector) ByteVector.fromMemorySegment(BL, w, q + f, LE).convertShape(B2I, IL, 0)).lanewise(LSHR, sh).and(3);
                    a0 = ((FloatVector) q0.convert(I2F, 0)).mul(e < 16 ? da : db).add(e < 16 ? ma : mb).fma(FloatVector.fromArray(F, x, xc + e), a0);
                    a1 = ((FloatVector) q1.convert(I2F, 0)).mul(f < 16 ? da : db).add(f < 16 ? ma : mb).fma(FloatVector.fromArray(F, x, xc + f), a1);
                }
            }
        }
        return Kernels.sum(a0.add(a1));
    }

    /** dst = the Q2_K row at off. */
    public static void deqQ2_K(MemorySegment w, long off, float[] dst, int dOff, int n) {
        if (!VEC) { QuantSupport.dequantize(GgmlType.Q2_K, w, off, dst, dOff, n); return; }
        for (int b = 0, nb = n / 256; b < nb; b++) {
            long bo = off + 84L * b;
            float d = Float.float16ToFloat(w.get(I16, bo + 80)), dmin = Float.float16ToFloat(w.get(I16, bo + 82));
            for (int h = 0; h < 2; h++) {
                int dh = dOff + 256 * b + 128 * h;
                for (int l = 0; l < 16; l += L) {
                    IntVector qa = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 16 + 32 * h + l, LE).convertShape(B2I, IL, 0)), qb = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 16 + 32 * h + 16 + l, LE).convertShape(B2I, IL, 0));
                    for (int j = 0; j < 4; j++) {
                        IntVector sj = IntVector.broadcast(IL, 2 * j);
                        int sa = w.get(I8, bo + 8 * h + 2 * j) & 0xff, sb = w.get(I8, bo + 8 * h + 2 * j + 1) & 0xff;
                        ((FloatVector) qa.lanewise(LSHR, sj).and(3).convert(I2F, 0)).mul(d * (sa & 15)).add(-(dmin * (sa >>> 4))).intoArray(dst, dh + 32 * j + l);
                        ((FloatVector) qb.lanewise(LSHR, sj).and(3).convert(I2F, 0)).mul(d * (sb & 15)).add(-(dmin * (sb >>> 4))).intoArray(dst, dh + 32 * j + 16 + l);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ Q3_K: hmask[32], qs[64], scales[12], f16 d

    /**
     * dot(Q3_K row at off, x): as Q2_K's element order with 2-bit quants from qs[32h..], minus 4 unless bit 4h+j
     * of hmask[l] (hmask[16+l] for the second 16) is set, times d * (6-bit scale - 32).
     */
    public static float dotQ3_K(MemorySegment w, long off, float[] x, int xo, int n) {
        if (!VEC) return QuantSupport.dot(GgmlType.Q3_K, w, off, x, xo, n);
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        for (int b = 0, nb = n / 256; b < nb; b++) {
            long bo = off + 110L * b;
            float d = Float.float16ToFloat(w.get(I16, bo + 108));
            long slo = w.get(I64, bo + 96);
            int shi = w.get(I32, bo + 104);
            for (int c = 0; c < 8; c++) {                       // 32 elements [32c, 32c+32): bits 2j of qs[32h + e], hmask bit c
                int h = c >> 2, xc = xo + 256 * b + 32 * c;
                int sa = 2 * c, sb = sa + 1;                     // sub-blocks; scale = 4 low bits | 2 high bits << 4, minus 32
                float da = d * (((int) (slo >>> (8 * (sa & 7) + 4 * (sa >>> 3))) & 15 | (shi >>> (8 * (sa & 3) + 2 * (sa >>> 2)) & 3) << 4) - 32);
                float db = d * (((int) (slo >>> (8 * (sb & 7) + 4 * (sb >>> 3))) & 15 | (shi >>> (8 * (sb & 3) + 2 * (sb >>> 2)) & 3) << 4) - 32);
                IntVector sh = IntVector.broadcast(IL, 2 * (c & 3)), hb = IntVector.broadcast(IL, c);
                long q = bo + 32 + 32 * h;
                for (int e = 0; e < 32; e += 2 * L) {
                    int f = e + L;
                    IntVector q0 = ((IntVector) ByteVector.fromMemorySegment(BL, w, q + e, LE).convertShape(B2I, IL, 0)).lanewise(LSHR, sh).and(3)
                            .add(((IntVector) ByteVector.fromMemorySegment(BL, w, bo + e, LE).convertShape(B2I, IL, 0)).lanewise(LSHL, 2).lanewise(LSHR, hb).and(4)).sub(4);
                    IntVector q1 = ((IntVector) ByteVector.fromMemorySegment(BL, w, q + f, LE).convertShape(B2I, IL, 0)).lanewise(LSHR, sh).and(3)
                            .add(((IntVector) ByteVector.fromMemorySegment(BL, w, bo + f, LE).convertShape(B2I, IL, 0)).lanewise(LSHL, 2).lanewise(LSHR, hb).and(4)).sub(4);
                    a0 = ((FloatVector) q0.convert(I2F, 0)).mul(e < 16 ? da : db).fma(FloatVector.fromArray(F, x, xc + e), a0);
                    a1 = ((FloatVector) q1.convert(I2F, 0)).mul(f < 16 ? da : db).fma(FloatVector.fromArray(F, x, xc + f), a1);
                }
            }
        }
        return Kernels.sum(a0.add(a1));
    }

    /** dst = the Q3_K row at off. */
    public static void deqQ3_K(MemorySegment w, long off, float[] dst, int dOff, int n) {
        if (!VEC) { QuantSupport.dequantize(GgmlType.Q3_K, w, off, dst, dOff, n); return; }
        for (int b = 0, nb = n / 256; b < nb; b++) {
            long bo = off + 110L * b;
            float d = Float.float16ToFloat(w.get(I16, bo + 108));
            long slo = w.get(I64, bo + 96);
            int shi = w.get(I32, bo + 104);
            for (int h = 0; h < 2; h++) {
                int dh = dOff + 256 * b + 128 * h;
                for (int l = 0; l < 16; l += L) {
                    IntVector qa = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 32 + 32 * h + l, LE).convertShape(B2I, IL, 0)), qb = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 32 + 32 * h + 16 + l, LE).convertShape(B2I, IL, 0));
                    IntVector ma = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + l, LE).convertShape(B2I, IL, 0)).lanewise(LSHL, 2), mb = ((IntVector) ByteVector.fromMemorySegment(BL, w, bo + 16 + l, LE).convertShape(B2I, IL, 0)).lanewise(LSHL, 2);
                    for (int j = 0; j < 4; j++) {
                        int sa = 8 * h + 2 * j, sb1 = sa + 1;   // sub-block indices; scale = 4 low bits | 2 high bits << 4, minus 32
                        float da = d * (((int) (slo >>> (8 * (sa & 7) + 4 * (sa >>> 3))) & 15 | (shi >>> (8 * (sa & 3) + 2 * (sa >>> 2)) & 3) << 4) - 32);
                        float db = d * (((int) (slo >>> (8 * (sb1 & 7) + 4 * (sb1 >>> 3))) & 15 | (shi >>> (8 * (sb1 & 3) + 2 * (sb1 >>> 2)) & 3) << 4) - 32);
                        IntVector sj = IntVector.broadcast(IL, 2 * j);
                        IntVector bit = IntVector.broadcast(IL, 4 * h + j);
                        IntVector ia = qa.lanewise(LSHR, sj).and(3).add(ma.lanewise(LSHR, bit).and(4)).sub(4);
                        IntVector ib = qb.lanewise(LSHR, sj).and(3).add(mb.lanewise(LSHR, bit).and(4)).sub(4);
                        ((FloatVector) ia.convert(I2F, 0)).mul(da).intoArray(dst, dh + 32 * j + l);
                        ((FloatVector) ib.convert(I2F, 0)).mul(db).intoArray(dst, dh + 32 * j + 16 + l);
                    }
                }
            }
        }
    }
}
