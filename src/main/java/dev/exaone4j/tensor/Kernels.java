package dev.exaone4j.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Dot-product kernels: one weight row (in mapped memory, a given ggml type) against a float activation vector, and
 * the float-array products of the batched path. Block layouts are ggml's.
 *
 * <p><b>One arithmetic for every dot product</b> (batch invariance: a row's result must not depend on how many
 * activation rows a matrix product runs, which makes speculative decoding lossless). With L float lanes, the
 * products {@code w[i] * x[i]} of the exactly dequantized weights (bit for bit {@link WeightMatrix#rowToFloat}) are
 * fused-multiply-added lane-wise into two accumulators, the even L-chunks ({@code [0, L), [2L, 3L), ...}) into the
 * first and the odd ones into the second, each in increasing order; the result is {@link #sum} of their lane-wise
 * sum, plus the elements past the last whole chunk added one by one in order. {@link #dot} is the definition; every
 * fused kernel and the batched micro-kernel of {@link MatMul} compute the same lanes in the same order. Two chains
 * rather than one halve the FMA latency that bounds a single row's kernel.
 *
 * <p>Prompt rows have their own arithmetic, {@link #chain} (one fma chain per output, k in increasing order), which
 * the outer-product kernels {@link #outer5} / {@link #outer10h} compute with one token per lane: prefill is
 * compute-bound, and that kernel runs ~2.5x faster than the dot tile. It too is batch invariant (a token's lane
 * never meets another token), so a prompt gives the same bits however it is split into chunks.
 */
public final class Kernels {
    private Kernels() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    private static final jdk.incubator.vector.VectorShuffle<Float>[] HALVES = halves();

    @SuppressWarnings("unchecked")
    private static jdk.incubator.vector.VectorShuffle<Float>[] halves() {
        jdk.incubator.vector.VectorShuffle<Float>[] s = new jdk.incubator.vector.VectorShuffle[L + 1];
        for (int w = L / 2; w >= 1; w /= 2) {
            final int shift = w;
            s[w] = jdk.incubator.vector.VectorShuffle.fromOp(F, i -> (i + shift) % L);
        }
        return s;
    }

    /**
     * Sum of the lanes in a fixed pairwise order: lane i is first added to lane i + L/2, then the halves of what is
     * left likewise, down to one value. ({@code reduceLanes} may add in a different order once the JIT intrinsifies
     * it than in the interpreter, which would make results depend on compilation timing.) For 4, 8 and 16 lanes the
     * tree is written out with lane extractions, which compile to a few shuffles wherever this is inlined or not;
     * a rearrange with a shuffle loaded from an array falls back to slow Java code when this method is compiled
     * on its own.
     */
    static float sum(FloatVector v) {
        if (L == 8) {
            return ((v.lane(0) + v.lane(4)) + (v.lane(2) + v.lane(6))) + ((v.lane(1) + v.lane(5)) + (v.lane(3) + v.lane(7)));
        }
        if (L == 16) {
            return (((v.lane(0) + v.lane(8)) + (v.lane(4) + v.lane(12))) + ((v.lane(2) + v.lane(10)) + (v.lane(6) + v.lane(14))))
                    + (((v.lane(1) + v.lane(9)) + (v.lane(5) + v.lane(13))) + ((v.lane(3) + v.lane(11)) + (v.lane(7) + v.lane(15))));
        }
        if (L == 4) return (v.lane(0) + v.lane(2)) + (v.lane(1) + v.lane(3));
        for (int w = L / 2; w >= 1; w /= 2) v = v.add(v.rearrange(HALVES[w]));
        return v.lane(0);
    }

    /** Float value of the IEEE half at byte offset off. */
    static float half(MemorySegment m, long off) {
        return Float.float16ToFloat(m.get(I16, off));
    }

    /** dot(F32 row at off, x[xo..xo+n)). */
    public static float dotF32(MemorySegment w, long off, float[] x, int xo, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        int i = 0;
        for (int up = n & -(2 * L); i < up; i += 2 * L) {
            a0 = FloatVector.fromMemorySegment(F, w, off + 4L * i, LE).fma(FloatVector.fromArray(F, x, xo + i), a0);
            a1 = FloatVector.fromMemorySegment(F, w, off + 4L * (i + L), LE).fma(FloatVector.fromArray(F, x, xo + i + L), a1);
        }
        if (i + L <= n) {
            a0 = FloatVector.fromMemorySegment(F, w, off + 4L * i, LE).fma(FloatVector.fromArray(F, x, xo + i), a0);
            i += L;
        }
        float s = sum(a0.add(a1));
        for (; i < n; i++) s += w.get(F32, off + 4L * i) * x[xo + i];
        return s;
    }

    /** L bf16 values at off as floats (bf16 is the upper half of an f32). */
    private static FloatVector bf16(MemorySegment w, long off) {
        ShortVector sv = ShortVector.fromMemorySegment(S, w, off, LE);
        return ((IntVector) sv.convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** dot(BF16 row at off, x). */
    public static float dotBF16(MemorySegment w, long off, float[] x, int xo, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        int i = 0;
        for (int up = n & -(2 * L); i < up; i += 2 * L) {
            a0 = bf16(w, off + 2L * i).fma(FloatVector.fromArray(F, x, xo + i), a0);
            a1 = bf16(w, off + 2L * (i + L)).fma(FloatVector.fromArray(F, x, xo + i + L), a1);
        }
        if (i + L <= n) {
            a0 = bf16(w, off + 2L * i).fma(FloatVector.fromArray(F, x, xo + i), a0);
            i += L;
        }
        float s = sum(a0.add(a1));
        for (; i < n; i++) s += Float.intBitsToFloat((w.get(I16, off + 2L * i) & 0xffff) << 16) * x[xo + i];
        return s;
    }

    private static final ThreadLocal<short[]> HALF_BUF = ThreadLocal.withInitial(() -> new short[0]);
    private static final ThreadLocal<float[]> ROW_BUF = ThreadLocal.withInitial(() -> new float[0]);

    /** dst[dOff ..] = the n F16 values at off as floats (bit for bit {@link Float#float16ToFloat}). */
    public static void deqF16(MemorySegment w, long off, float[] dst, int dOff, int n) {
        // bulk-copied to a short array, then a plain loop the JIT vectorizes into vcvtph2ps (~20 G halves/s per
        // core here; the Vector API has no half-precision conversion)
        short[] h = HALF_BUF.get();
        if (h.length < n) HALF_BUF.set(h = new short[n]);
        MemorySegment.copy(w, I16, off, h, 0, n);
        for (int i = 0; i < n; i++) dst[dOff + i] = Float.float16ToFloat(h[i]);
    }

    /** dst[dOff ..] = the n BF16 values at off as floats. */
    public static void deqBF16(MemorySegment w, long off, float[] dst, int dOff, int n) {
        int i = 0;
        for (int up = F.loopBound(n); i < up; i += L) bf16(w, off + 2L * i).intoArray(dst, dOff + i);
        for (; i < n; i++) dst[dOff + i] = Float.intBitsToFloat((w.get(I16, off + 2L * i) & 0xffff) << 16);
    }

    /** dot(F16 row at off, x): the row converted to floats ({@link #deqF16}), then {@link #dot}. */
    public static float dotF16(MemorySegment w, long off, float[] x, int xo, int n) {
        float[] row = ROW_BUF.get();
        if (row.length < n) ROW_BUF.set(row = new float[n]);
        deqF16(w, off, row, 0, n);
        return dot(row, 0, x, xo, n);
    }

    /** Whether the block kernels' vector paths apply: they load L quants as L bytes, so L must be 8 or 16. */
    static final boolean VEC = L == 8 || L == 16;
    /** L bytes (64 bits where L is not 8 or 16, unused then). */
    static final VectorSpecies<Byte> BL = VectorSpecies.of(byte.class, VectorShape.forBitSize(VEC ? L * 8 : 64));
    static final VectorSpecies<Integer> IL = VectorSpecies.of(int.class, F.vectorShape());

    /**
     * dot(Q8_0 row at off, x): blocks of {f16 d, int8 q[32]}, value = d * q. L quants at a time are widened to ints
     * and floats, scaled by d (exactly the dequantized lanes) and accumulated in the order of {@link #dot}.
     */
    public static float dotQ8_0(MemorySegment w, long off, float[] x, int xo, int n) {
        if (!VEC) return scalarQ8_0(w, off, x, xo, n);
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        for (int b = 0, nb = n / 32; b < nb; b++) {
            long bo = off + 34L * b;
            int xb = xo + 32 * b;
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, bo)));
            for (int k = 0; k < 32; k += 2 * L) {
                IntVector q0 = (IntVector) ByteVector.fromMemorySegment(BL, w, bo + 2 + k, LE).convertShape(VectorOperators.B2I, IL, 0);
                IntVector q1 = (IntVector) ByteVector.fromMemorySegment(BL, w, bo + 2 + k + L, LE).convertShape(VectorOperators.B2I, IL, 0);
                a0 = ((FloatVector) q0.convert(VectorOperators.I2F, 0)).mul(d).fma(FloatVector.fromArray(F, x, xb + k), a0);
                a1 = ((FloatVector) q1.convert(VectorOperators.I2F, 0)).mul(d).fma(FloatVector.fromArray(F, x, xb + k + L), a1);
            }
        }
        return sum(a0.add(a1));
    }

    /** Other vector shapes: dequantize the row exactly, then {@link #dot}. */
    static float scalarQ8_0(MemorySegment w, long off, float[] x, int xo, int n) {
        return QuantSupport.dot(dev.exaone4j.gguf.GgmlType.Q8_0, w, off, x, xo, n);
    }

    /**
     * dot(Q4_0 row at off, x): blocks of {f16 d, u8 qs[16]}; element j = ((qs[j]&15)-8)*d, j+16 = ((qs[j]>>4)-8)*d.
     * The chunk of L elements at e (e = 0, L, 2L, ... < 32) is nibble e/16 of the bytes at e%16; chunks alternate
     * between the two accumulators as in {@link #dot}.
     */
    public static float dotQ4_0(MemorySegment w, long off, float[] x, int xo, int n) {
        if (!VEC) return scalarQ4_0(w, off, x, xo, n);
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        for (int b = 0, nb = n / 32; b < nb; b++) {
            long bo = off + 18L * b;
            int xb = xo + 32 * b;
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, bo)));
            for (int e = 0; e < 32; e += 2 * L) {
                int f = e + L;
                IntVector q0 = (IntVector) ByteVector.fromMemorySegment(BL, w, bo + 2 + (e & 15), LE).convertShape(VectorOperators.B2I, IL, 0);
                IntVector q1 = (IntVector) ByteVector.fromMemorySegment(BL, w, bo + 2 + (f & 15), LE).convertShape(VectorOperators.B2I, IL, 0);
                q0 = q0.lanewise(VectorOperators.LSHR, IntVector.broadcast(IL, (e >> 4) << 2)).and(15).sub(8);
                q1 = q1.lanewise(VectorOperators.LSHR, IntVector.broadcast(IL, (f >> 4) << 2)).and(15).sub(8);
                a0 = ((FloatVector) q0.convert(VectorOperators.I2F, 0)).mul(d).fma(FloatVector.fromArray(F, x, xb + e), a0);
                a1 = ((FloatVector) q1.convert(VectorOperators.I2F, 0)).mul(d).fma(FloatVector.fromArray(F, x, xb + f), a1);
            }
        }
        return sum(a0.add(a1));
    }

    static float scalarQ4_0(MemorySegment w, long off, float[] x, int xo, int n) {
        return QuantSupport.dot(dev.exaone4j.gguf.GgmlType.Q4_0, w, off, x, xo, n);
    }

    /** dst[dOff..dOff+n) = the Q8_0 row at off, bit for bit as ggml (d * q). */
    public static void deqQ8_0(MemorySegment w, long off, float[] dst, int dOff, int n) {
        if (!VEC) {
            QuantSupport.dequantize(dev.exaone4j.gguf.GgmlType.Q8_0, w, off, dst, dOff, n);
            return;
        }
        for (int b = 0, nb = n / 32; b < nb; b++) {
            long bo = off + 34L * b;
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, bo)));
            for (int k = 0; k < 32; k += L) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(BL, w, bo + 2 + k, LE).convertShape(VectorOperators.B2I, IL, 0);
                ((FloatVector) q.convert(VectorOperators.I2F, 0)).mul(d).intoArray(dst, dOff + 32 * b + k);
            }
        }
    }

    /** dst[dOff..dOff+n) = the Q4_0 row at off, bit for bit as ggml ((q - 8) * d). */
    public static void deqQ4_0(MemorySegment w, long off, float[] dst, int dOff, int n) {
        if (!VEC) {
            QuantSupport.dequantize(dev.exaone4j.gguf.GgmlType.Q4_0, w, off, dst, dOff, n);
            return;
        }
        for (int b = 0, nb = n / 32; b < nb; b++) {
            long bo = off + 18L * b;
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, bo)));
            for (int k = 0; k < 16; k += L) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(BL, w, bo + 2 + k, LE).convertShape(VectorOperators.B2I, IL, 0);
                ((FloatVector) q.and(15).sub(8).convert(VectorOperators.I2F, 0)).mul(d).intoArray(dst, dOff + 32 * b + k);
                ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).and(15).sub(8).convert(VectorOperators.I2F, 0)).mul(d).intoArray(dst, dOff + 32 * b + 16 + k);
            }
        }
    }

    /** dot(a[ao..ao+n), b[bo..bo+n)) of two float arrays: the reference order of every dot product (see above). */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        int i = 0;
        for (int up = n & -(2 * L); i < up; i += 2 * L) {
            a0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), a0);
            a1 = FloatVector.fromArray(F, a, ao + i + L).fma(FloatVector.fromArray(F, b, bo + i + L), a1);
        }
        if (i + L <= n) {
            a0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), a0);
            i += L;
        }
        float s = sum(a0.add(a1));
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    /**
     * The batched micro-kernel: out[2i + j] = dot(w[i*ws ..], x[xo + j*xs ..]) over n elements, for weight rows
     * i &lt; 3 and activation rows j &lt; 2, each equal to {@link #dot} bit for bit. The 3x2 tile keeps its 12
     * accumulators (two chains per output) in registers, so a chunk of the 3 rows and 2 tokens (5 vector loads)
     * feeds 6 FMAs. (Measured against 1x4 and 2x2 tiles on AVX2: 10-25% faster within matmul.)
     */
    public static void dot3x2(float[] w, int ws, float[] x, int xo, int xs, int n, float[] out) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
        FloatVector b00 = a00, b01 = a00, b10 = a00, b11 = a00, b20 = a00, b21 = a00;
        int i = 0;
        for (int up = n & -(2 * L); i < up; i += 2 * L) {
            FloatVector x0 = FloatVector.fromArray(F, x, xo + i), x1 = FloatVector.fromArray(F, x, xo + xs + i);
            FloatVector r = FloatVector.fromArray(F, w, i);
            a00 = r.fma(x0, a00);
            a01 = r.fma(x1, a01);
            r = FloatVector.fromArray(F, w, ws + i);
            a10 = r.fma(x0, a10);
            a11 = r.fma(x1, a11);
            r = FloatVector.fromArray(F, w, 2 * ws + i);
            a20 = r.fma(x0, a20);
            a21 = r.fma(x1, a21);
            int k = i + L;
            x0 = FloatVector.fromArray(F, x, xo + k);
            x1 = FloatVector.fromArray(F, x, xo + xs + k);
            r = FloatVector.fromArray(F, w, k);
            b00 = r.fma(x0, b00);
            b01 = r.fma(x1, b01);
            r = FloatVector.fromArray(F, w, ws + k);
            b10 = r.fma(x0, b10);
            b11 = r.fma(x1, b11);
            r = FloatVector.fromArray(F, w, 2 * ws + k);
            b20 = r.fma(x0, b20);
            b21 = r.fma(x1, b21);
        }
        if (i + L <= n) {
            FloatVector x0 = FloatVector.fromArray(F, x, xo + i), x1 = FloatVector.fromArray(F, x, xo + xs + i);
            FloatVector r = FloatVector.fromArray(F, w, i);
            a00 = r.fma(x0, a00);
            a01 = r.fma(x1, a01);
            r = FloatVector.fromArray(F, w, ws + i);
            a10 = r.fma(x0, a10);
            a11 = r.fma(x1, a11);
            r = FloatVector.fromArray(F, w, 2 * ws + i);
            a20 = r.fma(x0, a20);
            a21 = r.fma(x1, a21);
            i += L;
        }
        out[0] = sum(a00.add(b00));
        out[1] = sum(a01.add(b01));
        out[2] = sum(a10.add(b10));
        out[3] = sum(a11.add(b11));
        out[4] = sum(a20.add(b20));
        out[5] = sum(a21.add(b21));
        for (; i < n; i++) {
            for (int r = 0; r < 3; r++) {
                out[2 * r] += w[r * ws + i] * x[xo + i];
                out[2 * r + 1] += w[r * ws + i] * x[xo + xs + i];
            }
        }
    }

    // exp(x) = 2^n * e^r with n = round(x / ln 2), r = x - n ln 2 (two-part ln 2), e^r a degree-7 polynomial (Cephes)
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUNDER = 12582912f;   // 1.5 * 2^23: adding it rounds to an integer (nearest even)
    private static final float EXP_MIN = -87.3f, EXP_MAX = 88.7f;

    /**
     * e^x lane by lane within ~2 ulp of {@link Math#exp} (0 below -87.3, where e^x is subnormal; +inf above 88.7;
     * NaN stays NaN). Built only from IEEE adds, multiplies, fmas and bit moves, so interpreted and compiled code
     * give the same bits (the Vector API's own EXP may call a different library once compiled).
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector t = xc.mul(LOG2E).add(ROUNDER);
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(F, 1.9875691500E-4f);
        p = p.fma(r, FloatVector.broadcast(F, 1.3981999507E-3f));
        p = p.fma(r, FloatVector.broadcast(F, 8.3334519073E-3f));
        p = p.fma(r, FloatVector.broadcast(F, 4.1665795894E-2f));
        p = p.fma(r, FloatVector.broadcast(F, 1.6666665459E-1f));
        p = p.fma(r, FloatVector.broadcast(F, 5.0000001201E-1f));
        FloatVector e = p.mul(r.mul(r)).add(r).add(1f);
        // 2^n as two normal powers of two, 2^(n >> 1) * 2^(n - (n >> 1)), so n = 128 (x near 88.7) does not overflow
        IntVector ni = ((IntVector) t.reinterpretAsInts()).sub(Float.floatToRawIntBits(ROUNDER));
        IntVector h = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = h.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = ni.sub(h).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector y = e.mul(s1).mul(s2);
        y = y.blend(0f, x.compare(VectorOperators.LT, EXP_MIN));
        return y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_MAX));
    }

    /** {@link #exp(FloatVector)} of one value (lane 0 of a broadcast): the same bits as the vector lanes. */
    public static float exp(float x) {
        return exp(FloatVector.broadcast(F, x)).lane(0);
    }

    /**
     * a[off + j] = {@link #exp(FloatVector)}(a[off + j] - shift) for j in [0, n); returns their sum, added lane-wise
     * and then by {@link #sum}: a fixed order (softmax numerators and denominator).
     */
    public static float expShifted(float[] a, int off, int n, float shift) {
        FloatVector acc = FloatVector.zero(F);
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector e = exp(FloatVector.fromArray(F, a, off + j).sub(shift));
            e.intoArray(a, off + j);
            acc = acc.add(e);
        }
        if (j < n) {
            jdk.incubator.vector.VectorMask<Float> m = F.indexInRange(j, n);
            FloatVector e = exp(FloatVector.fromArray(F, a, off + j, m).sub(shift)).blend(0f, m.not());
            e.intoArray(a, off + j, m);
            acc = acc.add(e);
        }
        return sum(acc);
    }

    /** gate[i] = silu(gate[i]) * up[i] = gate[i] / (1 + e^-gate[i]) * up[i] for i in [from, to), with {@link #exp(FloatVector)}. */
    public static void swiglu(float[] gate, float[] up, int from, int to) {
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
            FloatVector g = FloatVector.fromArray(F, gate, i);
            g.div(exp(g.neg()).add(1f)).mul(FloatVector.fromArray(F, up, i)).intoArray(gate, i);
        }
        for (; i < to; i++) gate[i] = gate[i] / (1f + exp(-gate[i])) * up[i];
    }

    /** Tokens per packed panel of the prompt kernels ({@link #outer5}): two vectors. */
    public static final int PANEL = 2 * L;

    /**
     * The prompt-row micro-kernel (an outer product, as BLAS does it): for weight rows i &lt; 5 (w[wo + i*ws ..]) and
     * the {@link #PANEL} tokens of a packed panel (xp[xo + k*PANEL + j] is token j's element k),
     * out[oo + i*PANEL + j] = the fused-multiply-add chain over k in increasing order of w[i][k] * x[j][k], from 0
     * ({@link #chain} is the definition). Each output is one lane of one accumulator, so a token's result does not
     * depend on the others in its panel; the 10 accumulators, two panel vectors and a broadcast weight fit in the 16
     * registers of AVX2, so this runs near the FMA peak (measured ~2.5x the 3x2 dot tile).
     */
    public static void outer5(float[] w, int wo, int ws, float[] xp, int xo, int n, float[] out, int oo) {
        FloatVector z = FloatVector.zero(F), c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z;
        int w0 = wo, w1 = wo + ws, w2 = wo + 2 * ws, w3 = wo + 3 * ws, w4 = wo + 4 * ws;
        for (int k = 0; k < n; k++) {
            int b = xo + k * PANEL;
            FloatVector b0 = FloatVector.fromArray(F, xp, b), b1 = FloatVector.fromArray(F, xp, b + L);
            FloatVector a = FloatVector.broadcast(F, w[w0 + k]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(F, w[w1 + k]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(F, w[w2 + k]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(F, w[w3 + k]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(F, w[w4 + k]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
        }
        c00.intoArray(out, oo);
        c01.intoArray(out, oo + L);
        c10.intoArray(out, oo + PANEL);
        c11.intoArray(out, oo + PANEL + L);
        c20.intoArray(out, oo + 2 * PANEL);
        c21.intoArray(out, oo + 2 * PANEL + L);
        c30.intoArray(out, oo + 3 * PANEL);
        c31.intoArray(out, oo + 3 * PANEL + L);
        c40.intoArray(out, oo + 4 * PANEL);
        c41.intoArray(out, oo + 4 * PANEL + L);
    }

    /**
     * {@link #outer5} for a half panel of L tokens (xp[xo + k*L + j]): ten rows (two groups of five, w[wo + i*ws ..]),
     * out[oo + i*L + j]. Ten accumulators of one vector each keep the FMA pipes as busy as the full panel's ten.
     */
    public static void outer10h(float[] w, int wo, int ws, float[] xp, int xo, int n, float[] out, int oo) {
        FloatVector z = FloatVector.zero(F), c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, c7 = z, c8 = z, c9 = z;
        for (int k = 0; k < n; k++) {
            FloatVector b = FloatVector.fromArray(F, xp, xo + k * L);
            int o = wo + k;
            c0 = FloatVector.broadcast(F, w[o]).fma(b, c0);
            c1 = FloatVector.broadcast(F, w[o + ws]).fma(b, c1);
            c2 = FloatVector.broadcast(F, w[o + 2 * ws]).fma(b, c2);
            c3 = FloatVector.broadcast(F, w[o + 3 * ws]).fma(b, c3);
            c4 = FloatVector.broadcast(F, w[o + 4 * ws]).fma(b, c4);
            c5 = FloatVector.broadcast(F, w[o + 5 * ws]).fma(b, c5);
            c6 = FloatVector.broadcast(F, w[o + 6 * ws]).fma(b, c6);
            c7 = FloatVector.broadcast(F, w[o + 7 * ws]).fma(b, c7);
            c8 = FloatVector.broadcast(F, w[o + 8 * ws]).fma(b, c8);
            c9 = FloatVector.broadcast(F, w[o + 9 * ws]).fma(b, c9);
        }
        c0.intoArray(out, oo);
        c1.intoArray(out, oo + L);
        c2.intoArray(out, oo + 2 * L);
        c3.intoArray(out, oo + 3 * L);
        c4.intoArray(out, oo + 4 * L);
        c5.intoArray(out, oo + 5 * L);
        c6.intoArray(out, oo + 6 * L);
        c7.intoArray(out, oo + 7 * L);
        c8.intoArray(out, oo + 8 * L);
        c9.intoArray(out, oo + 9 * L);
    }

    /** The definition of the prompt kernels' arithmetic: s = fma(a[k], b[k], s) for k in [0, n) in order, from 0. */
    public static float chain(float[] a, int ao, float[] b, int bo, int n) {
        float s = 0f;
        for (int k = 0; k < n; k++) s = Math.fma(a[ao + k], b[bo + k], s);
        return s;
    }

    /**
     * out[j] = {@link #dot}(q[qo ..], k[ko[j] ..], len) * scale for j in [0, n): bit for bit, with q kept in registers
     * across the rows when len is 8L (a 64-wide attention head on AVX2).
     */
    public static void dotRows(float[] q, int qo, float[] k, int[] ko, int n, int len, float scale, float[] out) {
        if (len != 8 * L) {
            for (int j = 0; j < n; j++) out[j] = dot(q, qo, k, ko[j], len) * scale;
            return;
        }
        FloatVector q0 = FloatVector.fromArray(F, q, qo), q1 = FloatVector.fromArray(F, q, qo + L);
        FloatVector q2 = FloatVector.fromArray(F, q, qo + 2 * L), q3 = FloatVector.fromArray(F, q, qo + 3 * L);
        FloatVector q4 = FloatVector.fromArray(F, q, qo + 4 * L), q5 = FloatVector.fromArray(F, q, qo + 5 * L);
        FloatVector q6 = FloatVector.fromArray(F, q, qo + 6 * L), q7 = FloatVector.fromArray(F, q, qo + 7 * L);
        FloatVector zero = FloatVector.zero(F);
        int j = 0;
        for (; j + 2 <= n; j += 2) {
            // two keys at once: four independent chains instead of two (each key's own order unchanged)
            int r = ko[j], u = ko[j + 1];
            FloatVector a0 = q0.fma(FloatVector.fromArray(F, k, r), zero);
            FloatVector a1 = q1.fma(FloatVector.fromArray(F, k, r + L), zero);
            FloatVector b0 = q0.fma(FloatVector.fromArray(F, k, u), zero);
            FloatVector b1 = q1.fma(FloatVector.fromArray(F, k, u + L), zero);
            a0 = q2.fma(FloatVector.fromArray(F, k, r + 2 * L), a0);
            a1 = q3.fma(FloatVector.fromArray(F, k, r + 3 * L), a1);
            b0 = q2.fma(FloatVector.fromArray(F, k, u + 2 * L), b0);
            b1 = q3.fma(FloatVector.fromArray(F, k, u + 3 * L), b1);
            a0 = q4.fma(FloatVector.fromArray(F, k, r + 4 * L), a0);
            a1 = q5.fma(FloatVector.fromArray(F, k, r + 5 * L), a1);
            b0 = q4.fma(FloatVector.fromArray(F, k, u + 4 * L), b0);
            b1 = q5.fma(FloatVector.fromArray(F, k, u + 5 * L), b1);
            a0 = q6.fma(FloatVector.fromArray(F, k, r + 6 * L), a0);
            a1 = q7.fma(FloatVector.fromArray(F, k, r + 7 * L), a1);
            b0 = q6.fma(FloatVector.fromArray(F, k, u + 6 * L), b0);
            b1 = q7.fma(FloatVector.fromArray(F, k, u + 7 * L), b1);
            out[j] = sum(a0.add(a1)) * scale;
            out[j + 1] = sum(b0.add(b1)) * scale;
        }
        for (; j < n; j++) {
            int r = ko[j];
            FloatVector a0 = q0.fma(FloatVector.fromArray(F, k, r), zero);
            FloatVector a1 = q1.fma(FloatVector.fromArray(F, k, r + L), zero);
            a0 = q2.fma(FloatVector.fromArray(F, k, r + 2 * L), a0);
            a1 = q3.fma(FloatVector.fromArray(F, k, r + 3 * L), a1);
            a0 = q4.fma(FloatVector.fromArray(F, k, r + 4 * L), a0);
            a1 = q5.fma(FloatVector.fromArray(F, k, r + 5 * L), a1);
            a0 = q6.fma(FloatVector.fromArray(F, k, r + 6 * L), a0);
            a1 = q7.fma(FloatVector.fromArray(F, k, r + 7 * L), a1);
            out[j] = sum(a0.add(a1)) * scale;
        }
    }

    /**
     * For j in [0, n) in order, {@link #axpy}(a[j], x, xo[j], y, yo, len): bit for bit the same, but y is kept in
     * registers 8L elements at a time across the rows instead of loaded and stored once per row (attention's
     * weighted sum of value rows).
     */
    public static void axpyRows(float[] a, float[] x, int[] xo, int n, float[] y, int yo, int len) {
        int i = 0;
        for (int up = len - 8 * L; i <= up; i += 8 * L) {
            int o = yo + i;
            FloatVector y0 = FloatVector.fromArray(F, y, o), y1 = FloatVector.fromArray(F, y, o + L);
            FloatVector y2 = FloatVector.fromArray(F, y, o + 2 * L), y3 = FloatVector.fromArray(F, y, o + 3 * L);
            FloatVector y4 = FloatVector.fromArray(F, y, o + 4 * L), y5 = FloatVector.fromArray(F, y, o + 5 * L);
            FloatVector y6 = FloatVector.fromArray(F, y, o + 6 * L), y7 = FloatVector.fromArray(F, y, o + 7 * L);
            for (int j = 0; j < n; j++) {
                FloatVector av = FloatVector.broadcast(F, a[j]);
                int r = xo[j] + i;
                y0 = FloatVector.fromArray(F, x, r).fma(av, y0);
                y1 = FloatVector.fromArray(F, x, r + L).fma(av, y1);
                y2 = FloatVector.fromArray(F, x, r + 2 * L).fma(av, y2);
                y3 = FloatVector.fromArray(F, x, r + 3 * L).fma(av, y3);
                y4 = FloatVector.fromArray(F, x, r + 4 * L).fma(av, y4);
                y5 = FloatVector.fromArray(F, x, r + 5 * L).fma(av, y5);
                y6 = FloatVector.fromArray(F, x, r + 6 * L).fma(av, y6);
                y7 = FloatVector.fromArray(F, x, r + 7 * L).fma(av, y7);
            }
            y0.intoArray(y, o);
            y1.intoArray(y, o + L);
            y2.intoArray(y, o + 2 * L);
            y3.intoArray(y, o + 3 * L);
            y4.intoArray(y, o + 4 * L);
            y5.intoArray(y, o + 5 * L);
            y6.intoArray(y, o + 6 * L);
            y7.intoArray(y, o + 7 * L);
        }
        if (i < len) {
            for (int j = 0; j < n; j++) axpy(a[j], x, xo[j] + i, y, yo + i, len - i);
        }
    }

    /** y[yo..yo+n) += a * x[xo..xo+n). */
    public static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector av = FloatVector.broadcast(F, a);
        int i = 0;
        for (int up = F.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(F, x, xo + i).fma(av, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += a * x[xo + i];
    }
}
