package dev.exaone4j.quant;

import dev.exaone4j.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Exact quantization and dequantization of GGML block formats. Dequantization reproduces ggml's
 * {@code dequantize_row_*} bit for bit; quantization reproduces llama.cpp's reference quantizer without an
 * importance matrix ({@code quantize_row_*_ref}, F16 and BF16 with round to nearest even) byte for byte.
 * Supported: F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K.
 * All methods are thread-safe; element counts must be multiples of the type's block size.
 */
public final class Quants {
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final Set<GgmlType> SUPPORTED = EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16,
            GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0,
            GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.Q8_K);
    /** Elements handled per internal chunk when streaming between segments and arrays (a multiple of 256). */
    private static final int CHUNK = 8192;
    private static final ThreadLocal<byte[]> BYTES = ThreadLocal.withInitial(() -> new byte[CHUNK * 4]);
    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[CHUNK]);

    private Quants() {}

    /** Whether this class can quantize and dequantize {@code type}. */
    public static boolean isSupported(GgmlType type) {
        return SUPPORTED.contains(type);
    }

    /** The supported types. */
    public static Set<GgmlType> supportedTypes() {
        return EnumSet.copyOf(SUPPORTED);
    }

    /** Bytes of {@code n} elements of {@code type} ({@code n} a multiple of the block size). */
    public static long byteSize(GgmlType type, long n) {
        if (n % type.blockSize != 0) {
            throw new IllegalArgumentException(n + " elements are not a multiple of the " + type + " block size " + type.blockSize);
        }
        return n / type.blockSize * type.typeSize;
    }

    private static void check(GgmlType type, int n) {
        if (!SUPPORTED.contains(type)) {
            throw new IllegalArgumentException("type " + type + " is not supported (supported: " + SUPPORTED + ")");
        }
        if (n < 0 || n % type.blockSize != 0) {
            throw new IllegalArgumentException(n + " elements are not a multiple of the " + type + " block size " + type.blockSize);
        }
    }

    /** Dequantizes {@code n} elements stored at {@code srcByteOffset} of {@code src} into {@code dst[dstOff..]}. */
    public static void dequantize(GgmlType type, MemorySegment src, long srcByteOffset, float[] dst, int dstOff, int n) {
        check(type, n);
        Objects.checkFromIndexSize(dstOff, n, dst.length);
        if (type == GgmlType.F32) {
            MemorySegment.copy(src, F32_LE, srcByteOffset, dst, dstOff, n);
            return;
        }
        byte[] buf = BYTES.get();
        for (int done = 0; done < n; ) {
            int len = Math.min(CHUNK, n - done);
            int bytes = (int) byteSize(type, len);
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, srcByteOffset + byteSize(type, done), buf, 0, bytes);
            dequantize(type, buf, 0, dst, dstOff + done, len);
            done += len;
        }
    }

    /** Dequantizes {@code n} elements stored in {@code src[srcOff..]} into {@code dst[dstOff..]}. */
    public static void dequantize(GgmlType type, byte[] src, int srcOff, float[] dst, int dstOff, int n) {
        check(type, n);
        Objects.checkFromIndexSize(srcOff, byteSize(type, n), src.length);
        Objects.checkFromIndexSize(dstOff, n, dst.length);
        int nb = n / type.blockSize;
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) dst[dstOff + i] = Le.getFloat(src, srcOff + 4 * i);
            }
            case F16 -> {
                for (int i = 0; i < n; i++) dst[dstOff + i] = HalfFloats.fp16ToFp32(Le.getShort(src, srcOff + 2 * i));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) dst[dstOff + i] = HalfFloats.bf16ToFp32(Le.getShort(src, srcOff + 2 * i));
            }
            case Q4_0 -> LegacyQuants.dequantizeQ4_0(src, srcOff, nb, dst, dstOff);
            case Q4_1 -> LegacyQuants.dequantizeQ4_1(src, srcOff, nb, dst, dstOff);
            case Q5_0 -> LegacyQuants.dequantizeQ5_0(src, srcOff, nb, dst, dstOff);
            case Q5_1 -> LegacyQuants.dequantizeQ5_1(src, srcOff, nb, dst, dstOff);
            case Q8_0 -> LegacyQuants.dequantizeQ8_0(src, srcOff, nb, dst, dstOff);
            case Q2_K -> KQuants.dequantizeQ2K(src, srcOff, nb, dst, dstOff);
            case Q3_K -> KQuants.dequantizeQ3K(src, srcOff, nb, dst, dstOff);
            case Q4_K -> KQuants.dequantizeQ4K(src, srcOff, nb, dst, dstOff);
            case Q5_K -> KQuants.dequantizeQ5K(src, srcOff, nb, dst, dstOff);
            case Q6_K -> KQuants.dequantizeQ6K(src, srcOff, nb, dst, dstOff);
            case Q8_K -> KQuants.dequantizeQ8K(src, srcOff, nb, dst, dstOff);
            default -> throw new AssertionError(type);
        }
    }

    /** Quantizes {@code src[srcOff..srcOff+n)} to {@code type}, writing {@code byteSize(type, n)} bytes at {@code dstByteOffset}. */
    public static void quantize(GgmlType type, float[] src, int srcOff, int n, MemorySegment dst, long dstByteOffset) {
        check(type, n);
        Objects.checkFromIndexSize(srcOff, n, src.length);
        if (type == GgmlType.F32) {
            MemorySegment.copy(src, srcOff, dst, F32_LE, dstByteOffset, n);
            return;
        }
        byte[] buf = BYTES.get();
        for (int done = 0; done < n; ) {
            int len = Math.min(CHUNK, n - done);
            int bytes = (int) byteSize(type, len);
            quantize(type, src, srcOff + done, len, buf, 0);
            MemorySegment.copy(buf, 0, dst, ValueLayout.JAVA_BYTE, dstByteOffset + byteSize(type, done), bytes);
            done += len;
        }
    }

    /** Quantizes {@code src[srcOff..srcOff+n)} to {@code type} into {@code dst[dstOff..]}. */
    public static void quantize(GgmlType type, float[] src, int srcOff, int n, byte[] dst, int dstOff) {
        check(type, n);
        Objects.checkFromIndexSize(srcOff, n, src.length);
        Objects.checkFromIndexSize(dstOff, byteSize(type, n), dst.length);
        int nb = n / type.blockSize;
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) Le.putFloat(dst, dstOff + 4 * i, src[srcOff + i]);
            }
            case F16 -> {
                for (int i = 0; i < n; i++) Le.putShort(dst, dstOff + 2 * i, HalfFloats.fp32ToFp16(src[srcOff + i]));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) Le.putShort(dst, dstOff + 2 * i, HalfFloats.fp32ToBf16(src[srcOff + i]));
            }
            case Q4_0 -> LegacyQuants.quantizeQ4_0(src, srcOff, nb, dst, dstOff);
            case Q4_1 -> LegacyQuants.quantizeQ4_1(src, srcOff, nb, dst, dstOff);
            case Q5_0 -> LegacyQuants.quantizeQ5_0(src, srcOff, nb, dst, dstOff);
            case Q5_1 -> LegacyQuants.quantizeQ5_1(src, srcOff, nb, dst, dstOff);
            case Q8_0 -> LegacyQuants.quantizeQ8_0(src, srcOff, nb, dst, dstOff);
            case Q2_K -> KQuants.quantizeQ2K(src, srcOff, nb, dst, dstOff);
            case Q3_K -> KQuants.quantizeQ3K(src, srcOff, nb, dst, dstOff);
            case Q4_K -> KQuants.quantizeQ4K(src, srcOff, nb, dst, dstOff);
            case Q5_K -> KQuants.quantizeQ5K(src, srcOff, nb, dst, dstOff);
            case Q6_K -> KQuants.quantizeQ6K(src, srcOff, nb, dst, dstOff);
            case Q8_K -> KQuants.quantizeQ8K(src, srcOff, nb, dst, dstOff);
            default -> throw new AssertionError(type);
        }
    }

    /**
     * Scalar reference dot product of one stored row ({@code n} elements of {@code type} at
     * {@code rowByteOffset}) with {@code x[xOff..xOff+n)}: the row is dequantized exactly and the products are
     * accumulated in F32 in element order. Meant as the oracle for optimized kernels, not for speed.
     */
    public static float dot(GgmlType type, MemorySegment w, long rowByteOffset, float[] x, int xOff, int n) {
        check(type, n);
        Objects.checkFromIndexSize(xOff, n, x.length);
        float[] buf = FLOATS.get();
        float sum = 0f;
        for (int done = 0; done < n; ) {
            int len = Math.min(CHUNK, n - done);
            dequantize(type, w, rowByteOffset + byteSize(type, done), buf, 0, len);
            for (int i = 0; i < len; i++) sum += buf[i] * x[xOff + done + i];
            done += len;
        }
        return sum;
    }
}
