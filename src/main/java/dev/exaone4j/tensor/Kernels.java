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
 * Dot-product kernels: one weight row (in mapped memory, a given ggml type) against a float activation vector.
 * Each uses the widest float species of the CPU with a scalar tail; block layouts are ggml's.
 */
public final class Kernels {
    private Kernels() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
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
     * Sum of the lanes in a fixed pairwise order. ({@code reduceLanes} may add in a different order once the JIT
     * intrinsifies it than in the interpreter, which would make results depend on compilation timing.)
     */
    static float sum(FloatVector v) {
        for (int w = L / 2; w >= 1; w /= 2) v = v.add(v.rearrange(HALVES[w]));
        return v.lane(0);
    }

    /** Float value of the IEEE half at byte offset off. */
    static float f16(MemorySegment m, long off) {
        return Float.float16ToFloat(m.get(I16, off));
    }

    /** dot(F32 row at off, x[xo..xo+n)). */
    public static float dotF32(MemorySegment w, long off, float[] x, int xo, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int up = F.loopBound(n); i < up; i += L) {
            acc = FloatVector.fromMemorySegment(F, w, off + 4L * i, LE).fma(FloatVector.fromArray(F, x, xo + i), acc);
        }
        float s = sum(acc);
        for (; i < n; i++) s += w.get(F32, off + 4L * i) * x[xo + i];
        return s;
    }

    /** dot(BF16 row at off, x): bf16 is the upper half of an f32. */
    public static float dotBF16(MemorySegment w, long off, float[] x, int xo, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int up = F.loopBound(n); i < up; i += L) {
            ShortVector sv = ShortVector.fromMemorySegment(S, w, off + 2L * i, LE);
            FloatVector wv = ((IntVector) sv.convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            acc = wv.fma(FloatVector.fromArray(F, x, xo + i), acc);
        }
        float s = sum(acc);
        for (; i < n; i++) s += Float.intBitsToFloat((w.get(I16, off + 2L * i) & 0xffff) << 16) * x[xo + i];
        return s;
    }

    /** dot(F16 row at off, x). */
    public static float dotF16(MemorySegment w, long off, float[] x, int xo, int n) {
        float s = 0f;
        FloatVector acc = FloatVector.zero(F);
        float[] tmp = TMP.get();
        int i = 0;
        for (int up = F.loopBound(n); i < up; i += L) {
            for (int j = 0; j < L; j++) tmp[j] = Float.float16ToFloat(w.get(I16, off + 2L * (i + j)));
            acc = FloatVector.fromArray(F, tmp, 0).fma(FloatVector.fromArray(F, x, xo + i), acc);
        }
        s = sum(acc);
        for (; i < n; i++) s += Float.float16ToFloat(w.get(I16, off + 2L * i)) * x[xo + i];
        return s;
    }

    private static final ThreadLocal<float[]> TMP = ThreadLocal.withInitial(() -> new float[64]);

    static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;

    /**
     * dot(Q8_0 row at off, x): blocks of {f16 d, int8 q[32]}, value = d * q. Computes the very lanes
     * {@link WeightMatrix#rowToFloat} produces and accumulates them like {@link #dot}, so the fused decode kernel and
     * the batched dequantize-then-dot path agree bit for bit (speculative verification equals plain decoding).
     */
    public static float dotQ8_0(MemorySegment w, long off, float[] x, int xo, int n) {
        if (L != 8 && L != 16) return scalarQ8_0(w, off, x, xo, n);
        int nb = n / 32;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < nb; b++) {
            long bo = off + 34L * b;
            int xb = xo + 32 * b;
            FloatVector d = FloatVector.broadcast(F, f16(w, bo));
            ByteVector q = ByteVector.fromMemorySegment(B256, w, bo + 2, LE);
            for (int part = 0; part < 32 / L; part++) {
                FloatVector v = d.mul((FloatVector) q.castShape(F, part));
                acc = v.fma(FloatVector.fromArray(F, x, xb + part * L), acc);
            }
        }
        return sum(acc);
    }

    /** Other vector shapes: dequantize the row exactly, then {@link #dot} (same arithmetic as the batched path). */
    static float scalarQ8_0(MemorySegment w, long off, float[] x, int xo, int n) {
        return QuantSupport.dot(dev.exaone4j.gguf.GgmlType.Q8_0, w, off, x, xo, n);
    }

    /**
     * dot(Q4_0 row at off, x): blocks of {f16 d, u8 qs[16]}; element j = d*((qs[j]&15)-8), j+16 = d*((qs[j]>>4)-8).
     * Bit-identical to dequantize-then-{@link #dot} (see {@link #dotQ8_0}).
     */
    public static float dotQ4_0(MemorySegment w, long off, float[] x, int xo, int n) {
        if (L != 8 && L != 16) return scalarQ4_0(w, off, x, xo, n);
        int nb = n / 32;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < nb; b++) {
            long bo = off + 18L * b;
            int xb = xo + 32 * b;
            FloatVector d = FloatVector.broadcast(F, f16(w, bo));
            ByteVector q = ByteVector.fromMemorySegment(B128, w, bo + 2, LE);
            ByteVector lo = q.and((byte) 0x0f).sub((byte) 8);
            ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8);
            for (int part = 0; part < 16 / L; part++) {
                acc = d.mul((FloatVector) lo.castShape(F, part)).fma(FloatVector.fromArray(F, x, xb + part * L), acc);
            }
            for (int part = 0; part < 16 / L; part++) {
                acc = d.mul((FloatVector) hi.castShape(F, part)).fma(FloatVector.fromArray(F, x, xb + 16 + part * L), acc);
            }
        }
        return sum(acc);
    }

    static float scalarQ4_0(MemorySegment w, long off, float[] x, int xo, int n) {
        return QuantSupport.dot(dev.exaone4j.gguf.GgmlType.Q4_0, w, off, x, xo, n);
    }

    /** dot(a[ao..ao+n), b[bo..bo+n)) of two float arrays. */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int up = F.loopBound(n); i < up; i += L) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        }
        float s = sum(acc);
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    /**
     * Four dots sharing one row: out[k] = dot(row, x[xo + k*stride ..]) for k in 0..3 (the row is read once).
     */
    public static void dot4(float[] row, float[] x, int xo, int stride, int n, float[] out) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int up = F.loopBound(n); i < up; i += L) {
            FloatVector r = FloatVector.fromArray(F, row, i);
            a0 = r.fma(FloatVector.fromArray(F, x, xo + i), a0);
            a1 = r.fma(FloatVector.fromArray(F, x, xo + stride + i), a1);
            a2 = r.fma(FloatVector.fromArray(F, x, xo + 2 * stride + i), a2);
            a3 = r.fma(FloatVector.fromArray(F, x, xo + 3 * stride + i), a3);
        }
        float s0 = sum(a0), s1 = sum(a1);
        float s2 = sum(a2), s3 = sum(a3);
        for (; i < n; i++) {
            float r = row[i];
            s0 += r * x[xo + i];
            s1 += r * x[xo + stride + i];
            s2 += r * x[xo + 2 * stride + i];
            s3 += r * x[xo + 3 * stride + i];
        }
        out[0] = s0;
        out[1] = s1;
        out[2] = s2;
        out[3] = s3;
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
