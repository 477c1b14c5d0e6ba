package dev.exaone4j.quant;

/**
 * The 32-element block formats Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0: ggml's reference quantizers (no importance
 * matrix) and dequantizers, operation for operation in F32 so the bytes and values match ggml bit for bit.
 * Every method works on {@code nb} consecutive blocks: {@code x} from {@code xo}, blocks from {@code yo}.
 *
 * <pre>
 * Q4_0 (18 B): f16 d, 16 B nibbles (element j low nibble, j+16 high nibble); value (q - 8) * d
 * Q4_1 (20 B): f16 d, f16 m, 16 B nibbles;                                    value q * d + m
 * Q5_0 (22 B): f16 d, u32 qh (5th bits), 16 B nibbles;                        value (q - 16) * d
 * Q5_1 (24 B): f16 d, f16 m, u32 qh, 16 B nibbles;                            value q * d + m
 * Q8_0 (34 B): f16 d, 32 x int8;                                              value q * d
 * </pre>
 */
final class LegacyQuants {
    static final int QK = 32;

    private LegacyQuants() {}

    /** C's roundf: round half away from zero. */
    static float roundf(float v) {
        double a = Math.floor(Math.abs((double) v) + 0.5);
        return (float) Math.copySign(a, v);
    }

    static void quantizeQ4_0(float[] x, int xo, int nb, byte[] y, int yo) {
        for (int i = 0; i < nb; i++, xo += QK, yo += 18) {
            float amax = 0.0f;
            float max = 0.0f;
            for (int j = 0; j < QK; j++) {
                float v = x[xo + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8;
            float id = d != 0 ? 1.0f / d : 0.0f;
            Le.putHalf(y, yo, d);
            for (int j = 0; j < QK / 2; j++) {
                float x0 = x[xo + j] * id;
                float x1 = x[xo + QK / 2 + j] * id;
                int xi0 = Math.min(15, (byte) (int) (x0 + 8.5f));
                int xi1 = Math.min(15, (byte) (int) (x1 + 8.5f));
                y[yo + 2 + j] = (byte) (xi0 | (xi1 << 4));
            }
        }
    }

    static void dequantizeQ4_0(byte[] y, int yo, int nb, float[] x, int xo) {
        for (int i = 0; i < nb; i++, xo += QK, yo += 18) {
            float d = Le.half(y, yo);
            for (int j = 0; j < QK / 2; j++) {
                int q = y[yo + 2 + j] & 0xff;
                x[xo + j] = ((q & 0x0F) - 8) * d;
                x[xo + j + QK / 2] = ((q >>> 4) - 8) * d;
            }
        }
    }

    static void quantizeQ4_1(float[] x, int xo, int nb, byte[] y, int yo) {
        for (int i = 0; i < nb; i++, xo += QK, yo += 20) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < QK; j++) {
                float v = x[xo + j];
                if (v < min) min = v;
                if (v > max) max = v;
            }
            float d = (max - min) / ((1 << 4) - 1);
            float id = d != 0 ? 1.0f / d : 0.0f;
            Le.putHalf(y, yo, d);
            Le.putHalf(y, yo + 2, min);
            for (int j = 0; j < QK / 2; j++) {
                float x0 = (x[xo + j] - min) * id;
                float x1 = (x[xo + QK / 2 + j] - min) * id;
                int xi0 = Math.min(15, (byte) (int) (x0 + 0.5f));
                int xi1 = Math.min(15, (byte) (int) (x1 + 0.5f));
                y[yo + 4 + j] = (byte) (xi0 | (xi1 << 4));
            }
        }
    }

    static void dequantizeQ4_1(byte[] y, int yo, int nb, float[] x, int xo) {
        for (int i = 0; i < nb; i++, xo += QK, yo += 20) {
            float d = Le.half(y, yo);
            float m = Le.half(y, yo + 2);
            for (int j = 0; j < QK / 2; j++) {
                int q = y[yo + 4 + j] & 0xff;
                x[xo + j] = (q & 0x0F) * d + m;
                x[xo + j + QK / 2] = (q >>> 4) * d + m;
            }
        }
    }

    static void quantizeQ5_0(float[] x, int xo, int nb, byte[] y, int yo) {
        for (int i = 0; i < nb; i++, xo += QK, yo += 22) {
            float amax = 0.0f;
            float max = 0.0f;
            for (int j = 0; j < QK; j++) {
                float v = x[xo + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -16;
            float id = d != 0 ? 1.0f / d : 0.0f;
            Le.putHalf(y, yo, d);
            int qh = 0;
            for (int j = 0; j < QK / 2; j++) {
                float x0 = x[xo + j] * id;
                float x1 = x[xo + QK / 2 + j] * id;
                int xi0 = Math.min(31, (byte) (int) (x0 + 16.5f)) & 0xff;
                int xi1 = Math.min(31, (byte) (int) (x1 + 16.5f)) & 0xff;
                y[yo + 6 + j] = (byte) ((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
                qh |= ((xi0 & 0x10) >>> 4) << j;
                qh |= ((xi1 & 0x10) >>> 4) << (j + QK / 2);
            }
            Le.putInt(y, yo + 2, qh);
        }
    }

    static void dequantizeQ5_0(byte[] y, int yo, int nb, float[] x, int xo) {
        for (int i = 0; i < nb; i++, xo += QK, yo += 22) {
            float d = Le.half(y, yo);
            int qh = Le.getInt(y, yo + 2);
            for (int j = 0; j < QK / 2; j++) {
                int xh0 = ((qh >>> j) << 4) & 0x10;
                int xh1 = (qh >>> (j + 12)) & 0x10;
                int q = y[yo + 6 + j] & 0xff;
                x[xo + j] = (((q & 0x0F) | xh0) - 16) * d;
                x[xo + j + QK / 2] = (((q >>> 4) | xh1) - 16) * d;
            }
        }
    }

    static void quantizeQ5_1(float[] x, int xo, int nb, byte[] y, int yo) {
        for (int i = 0; i < nb; i++, xo += QK, yo += 24) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < QK; j++) {
                float v = x[xo + j];
                if (v < min) min = v;
                if (v > max) max = v;
            }
            float d = (max - min) / ((1 << 5) - 1);
            float id = d != 0 ? 1.0f / d : 0.0f;
            Le.putHalf(y, yo, d);
            Le.putHalf(y, yo + 2, min);
            int qh = 0;
            for (int j = 0; j < QK / 2; j++) {
                float x0 = (x[xo + j] - min) * id;
                float x1 = (x[xo + QK / 2 + j] - min) * id;
                int xi0 = ((int) (x0 + 0.5f)) & 0xff;
                int xi1 = ((int) (x1 + 0.5f)) & 0xff;
                y[yo + 8 + j] = (byte) ((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
                qh |= ((xi0 & 0x10) >>> 4) << j;
                qh |= ((xi1 & 0x10) >>> 4) << (j + QK / 2);
            }
            Le.putInt(y, yo + 4, qh);
        }
    }

    static void dequantizeQ5_1(byte[] y, int yo, int nb, float[] x, int xo) {
        for (int i = 0; i < nb; i++, xo += QK, yo += 24) {
            float d = Le.half(y, yo);
            float m = Le.half(y, yo + 2);
            int qh = Le.getInt(y, yo + 4);
            for (int j = 0; j < QK / 2; j++) {
                int xh0 = ((qh >>> j) << 4) & 0x10;
                int xh1 = (qh >>> (j + 12)) & 0x10;
                int q = y[yo + 8 + j] & 0xff;
                x[xo + j] = ((q & 0x0F) | xh0) * d + m;
                x[xo + j + QK / 2] = ((q >>> 4) | xh1) * d + m;
            }
        }
    }

    static void quantizeQ8_0(float[] x, int xo, int nb, byte[] y, int yo) {
        for (int i = 0; i < nb; i++, xo += QK, yo += 34) {
            float amax = 0.0f;
            for (int j = 0; j < QK; j++) {
                float ax = Math.abs(x[xo + j]);
                amax = amax > ax ? amax : ax; // C's MAX(a, b)
            }
            float d = amax / ((1 << 7) - 1);
            float id = d != 0 ? 1.0f / d : 0.0f;
            Le.putHalf(y, yo, d);
            for (int j = 0; j < QK; j++) {
                y[yo + 2 + j] = (byte) (int) roundf(x[xo + j] * id);
            }
        }
    }

    static void dequantizeQ8_0(byte[] y, int yo, int nb, float[] x, int xo) {
        for (int i = 0; i < nb; i++, xo += QK, yo += 34) {
            float d = Le.half(y, yo);
            for (int j = 0; j < QK; j++) {
                x[xo + j] = y[yo + 2 + j] * d;
            }
        }
    }
}
