package dev.exaone4j.quant;

/**
 * IEEE half (F16) and bfloat16 (BF16) conversions exactly as ggml performs them: F32 to F16 rounds to nearest
 * even (subnormals and overflow to infinity included) and turns every NaN into the quiet NaN 0x7E00 with the
 * sign kept; F16 to F32 is exact (a signalling NaN comes back quieted, as on x86); F32 to BF16 rounds to nearest
 * even and quiets NaNs by setting bit 6; BF16 to F32 is the upper half of the F32 bit pattern.
 */
public final class HalfFloats {
    private HalfFloats() {}

    /** F32 to F16 bits, round to nearest even; NaN becomes sign | 0x7E00. */
    public static short fp32ToFp16(float f) {
        if (Float.isNaN(f)) {
            return (short) (((Float.floatToRawIntBits(f) >>> 16) & 0x8000) | 0x7E00);
        }
        return Float.floatToFloat16(f);
    }

    /** F16 bits to F32, exact; NaNs are returned quiet with their payload. */
    public static float fp16ToFp32(short h) {
        if ((h & 0x7C00) == 0x7C00 && (h & 0x03FF) != 0) {
            int sign = (h & 0x8000) << 16;
            return Float.intBitsToFloat(sign | 0x7FC00000 | ((h & 0x03FF) << 13));
        }
        return Float.float16ToFloat(h);
    }

    /** F32 to BF16 bits, round to nearest even; NaN keeps its upper bits with the quiet bit (bit 6) set. */
    public static short fp32ToBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    /** BF16 bits to F32 (exact). */
    public static float bf16ToFp32(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }
}
