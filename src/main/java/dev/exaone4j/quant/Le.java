package dev.exaone4j.quant;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian 16/32-bit loads and stores on byte arrays (the byte order of every GGML block). */
final class Le {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    private Le() {}

    static short getShort(byte[] b, int off) { return (short) SHORT.get(b, off); }
    static void putShort(byte[] b, int off, short v) { SHORT.set(b, off, v); }
    static int getInt(byte[] b, int off) { return (int) INT.get(b, off); }
    static void putInt(byte[] b, int off, int v) { INT.set(b, off, v); }
    static float getFloat(byte[] b, int off) { return (float) FLOAT.get(b, off); }
    static void putFloat(byte[] b, int off, float v) { FLOAT.set(b, off, v); }

    /** An F16 scale stored at {@code off}, as F32. */
    static float half(byte[] b, int off) { return HalfFloats.fp16ToFp32(getShort(b, off)); }

    /** Stores {@code v} rounded to F16 at {@code off}. */
    static void putHalf(byte[] b, int off, float v) { putShort(b, off, HalfFloats.fp32ToFp16(v)); }
}
