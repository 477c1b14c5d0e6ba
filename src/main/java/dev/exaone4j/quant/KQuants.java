package dev.exaone4j.quant;

/**
 * The 256-element super-block formats (K-quants) Q2_K, Q3_K, Q4_K, Q5_K, Q6_K and Q8_K: ggml's reference
 * quantizers without importance matrix (including the make_qx/make_q3/make_qkx2 scale searches) and its
 * dequantizers, written operation for operation in F32 so that bytes and values match ggml bit for bit.
 * Rounding to integers uses ggml's {@code nearest_int} (add 1.5 * 2^23: round half to even).
 *
 * <pre>
 * Q2_K (84 B):  scales[16] (low nibble scale, high nibble min), qs[64] (2-bit), f16 d, f16 dmin
 * Q3_K (110 B): hmask[32] (3rd bit), qs[64] (2-bit), scales[12] (16 x 6-bit, offset 32), f16 d
 * Q4_K (144 B): f16 d, f16 dmin, scales[12] (8 x 6-bit scale + 8 x 6-bit min), qs[128] (4-bit)
 * Q5_K (176 B): f16 d, f16 dmin, scales[12], qh[32] (5th bit), qs[128] (4-bit)
 * Q6_K (210 B): ql[128] (low 4 bits), qh[64] (high 2 bits), int8 scales[16], f16 d
 * Q8_K (292 B): f32 d, int8 qs[256], int16 bsums[16]
 * </pre>
 */
final class KQuants {
    static final int QK_K = 256;
    static final float GROUP_MAX_EPS = 1e-15f;

    private KQuants() {}

    /** ggml's nearest_int: round half to even for |v| below 2^22, exactly as the C bit trick does. */
    static int nearestInt(float fval) {
        float val = fval + 12582912.f;
        int i = Float.floatToRawIntBits(val);
        return (i & 0x007fffff) - 0x00400000;
    }

    /** Scale search for symmetric quants without quant weights (rmse_type 1: weights x^2). L gets l + nmax. */
    static float makeQxQuants(int n, int nmax, float[] x, int xo, byte[] L, int lo, int rmseType) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; ++i) {
            float ax = Math.abs(x[xo + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; ++i) L[lo + i] = 0;
            return 0.f;
        }
        float iscale = -nmax / max;
        if (rmseType == 0) {
            for (int i = 0; i < n; ++i) {
                int l = nearestInt(iscale * x[xo + i]);
                L[lo + i] = (byte) (nmax + Math.max(-nmax, Math.min(nmax - 1, l)));
            }
            return 1 / iscale;
        }
        boolean returnEarly = false;
        if (rmseType < 0) {
            rmseType = -rmseType;
            returnEarly = true;
        }
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; ++i) {
            float xi = x[xo + i];
            int l = nearestInt(iscale * xi);
            l = Math.max(-nmax, Math.min(nmax - 1, l));
            L[lo + i] = (byte) (l + nmax);
            float w = weight(rmseType, xi);
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
        if (returnEarly) return suml2 > 0 ? 0.5f * (scale + 1 / iscale) : 1 / iscale;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; ++is) {
            if (is == 0) continue;
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = suml2 = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xo + i];
                int l = nearestInt(iscale * xi);
                l = Math.max(-nmax, Math.min(nmax - 1, l));
                float w = weight(rmseType, xi);
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; ++i) {
                    int l = nearestInt(iscale * x[xo + i]);
                    L[lo + i] = (byte) (nmax + Math.max(-nmax, Math.min(nmax - 1, l)));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    private static float weight(int rmseType, float x) {
        return switch (rmseType) {
            case 1 -> x * x;
            case 2 -> 1;
            case 3 -> Math.abs(x);
            default -> (float) Math.sqrt(Math.abs(x));
        };
    }

    /** Q3_K's scale search (weights x^2, iterative refinement). L gets l + nmax. */
    static float makeQ3Quants(int n, int nmax, float[] x, int xo, byte[] L, int lo, boolean doRmse) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; ++i) {
            float ax = Math.abs(x[xo + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; ++i) L[lo + i] = 0;
            return 0.f;
        }
        float iscale = -nmax / max;
        if (doRmse) {
            float sumlx = 0;
            float suml2 = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xo + i];
                int l = nearestInt(iscale * xi);
                l = Math.max(-nmax, Math.min(nmax - 1, l));
                L[lo + i] = (byte) l;
                float w = xi * xi;
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            for (int itry = 0; itry < 5; ++itry) {
                int nChanged = 0;
                for (int i = 0; i < n; ++i) {
                    float xi = x[xo + i];
                    int li = L[lo + i];
                    float w = xi * xi;
                    float slx = sumlx - w * xi * li;
                    if (slx > 0) {
                        float sl2 = suml2 - w * li * li;
                        int newL = nearestInt(xi * sl2 / slx);
                        newL = Math.max(-nmax, Math.min(nmax - 1, newL));
                        if (newL != li) {
                            slx += w * xi * newL;
                            sl2 += w * newL * newL;
                            if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                                L[lo + i] = (byte) newL;
                                sumlx = slx;
                                suml2 = sl2;
                                ++nChanged;
                            }
                        }
                    }
                }
                if (nChanged == 0) break;
            }
            for (int i = 0; i < n; ++i) L[lo + i] += (byte) nmax;
            return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
        }
        for (int i = 0; i < n; ++i) {
            int l = nearestInt(iscale * x[xo + i]);
            l = Math.max(-nmax, Math.min(nmax - 1, l));
            L[lo + i] = (byte) (l + nmax);
        }
        return 1 / iscale;
    }

    /**
     * Asymmetric scale + min search (weighted, 0..nmax). L gets 0..nmax; returns the scale and stores the
     * (positive) min in {@code theMin[mi]}.
     */
    static float makeQkx2Quants(int n, int nmax, float[] x, int xo, float[] weights, byte[] L, int lo,
                                float[] theMin, int mi, byte[] Laux, float rmin, float rdelta, int nstep, boolean useMad) {
        float min = x[xo];
        float max = x[xo];
        float sumW = weights[0];
        float sumX = sumW * x[xo];
        for (int i = 1; i < n; ++i) {
            float xi = x[xo + i];
            if (xi < min) min = xi;
            if (xi > max) max = xi;
            float w = weights[i];
            sumW += w;
            sumX += w * xi;
        }
        if (min > 0) min = 0;
        if (max == min) {
            for (int i = 0; i < n; ++i) L[lo + i] = 0;
            theMin[mi] = -min;
            return 0.f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; ++i) {
            int l = nearestInt(iscale * (x[xo + i] - min));
            int li = Math.max(0, Math.min(nmax, l));
            L[lo + i] = (byte) li;
            float diff = scale * li + min - x[xo + i];
            diff = useMad ? Math.abs(diff) : diff * diff;
            bestError += weights[i] * diff;
        }
        if (nstep < 1) {
            theMin[mi] = -min;
            return scale;
        }
        for (int is = 0; is <= nstep; ++is) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0, sumL2 = 0, sumXl = 0;
            for (int i = 0; i < n; ++i) {
                int l = nearestInt(iscale * (x[xo + i] - min));
                l = Math.max(0, Math.min(nmax, l));
                Laux[i] = (byte) l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXl += w * l * x[xo + i];
            }
            float D = sumW * sumL2 - sumL * sumL;
            if (D > 0) {
                float thisScale = (sumW * sumXl - sumX * sumL) / D;
                float thisMin = (sumL2 * sumX - sumL * sumXl) / D;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXl / sumL2;
                }
                float curError = 0;
                for (int i = 0; i < n; ++i) {
                    float diff = thisScale * Laux[i] + thisMin - x[xo + i];
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    curError += weights[i] * diff;
                }
                if (curError < bestError) {
                    System.arraycopy(Laux, 0, L, lo, n);
                    bestError = curError;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        theMin[mi] = -min;
        return scale;
    }

    /** The 6-bit scale (index 0) and min (index 1) of sub-block j of a Q4_K/Q5_K block's 12 scale bytes. */
    private static int scaleK4(int j, byte[] q, int qo) {
        if (j < 4) return q[qo + j] & 63;
        return (q[qo + j + 4] & 0xF) | (((q[qo + j - 4] & 0xff) >>> 6) << 4);
    }

    private static int minK4(int j, byte[] q, int qo) {
        if (j < 4) return q[qo + j + 4] & 63;
        return ((q[qo + j + 4] & 0xff) >>> 4) | (((q[qo + j] & 0xff) >>> 6) << 4);
    }

    // ---------------------------------------------------------------- Q2_K

    static void quantizeQ2K(float[] x, int xo, int nb, byte[] y, int yo) {
        byte[] L = new byte[QK_K];
        byte[] Laux = new byte[16];
        float[] weights = new float[16];
        float[] mins = new float[QK_K / 16];
        float[] scales = new float[QK_K / 16];
        final float q4scale = 15.f;
        for (int i = 0; i < nb; i++, xo += QK_K, yo += 84) {
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < QK_K / 16; ++j) {
                for (int l = 0; l < 16; ++l) weights[l] = Math.abs(x[xo + 16 * j + l]);
                scales[j] = makeQkx2Quants(16, 3, x, xo + 16 * j, weights, L, 16 * j, mins, j, Laux, -0.5f, 0.1f, 15, true);
                float scale = scales[j];
                if (scale > maxScale) maxScale = scale;
                float min = mins[j];
                if (min > maxMin) maxMin = min;
            }
            // layout: scales[0..15], qs[16..79], d[80..81], dmin[82..83]
            if (maxScale > 0) {
                float iscale = q4scale / maxScale;
                for (int j = 0; j < QK_K / 16; ++j) {
                    int l = nearestInt(iscale * scales[j]);
                    y[yo + j] = (byte) l;
                }
                Le.putHalf(y, yo + 80, maxScale / q4scale);
            } else {
                for (int j = 0; j < QK_K / 16; ++j) y[yo + j] = 0;
                Le.putHalf(y, yo + 80, 0.f);
            }
            if (maxMin > 0) {
                float iscale = q4scale / maxMin;
                for (int j = 0; j < QK_K / 16; ++j) {
                    int l = nearestInt(iscale * mins[j]);
                    y[yo + j] |= (byte) (l << 4);
                }
                Le.putHalf(y, yo + 82, maxMin / q4scale);
            } else {
                Le.putHalf(y, yo + 82, 0.f);
            }
            float dAll = Le.half(y, yo + 80);
            float mAll = Le.half(y, yo + 82);
            for (int j = 0; j < QK_K / 16; ++j) {
                int sc = y[yo + j] & 0xff;
                float d = dAll * (sc & 0xF);
                if (d == 0) continue;
                float dm = mAll * (sc >>> 4);
                for (int ii = 0; ii < 16; ++ii) {
                    int l = nearestInt((x[xo + 16 * j + ii] + dm) / d);
                    l = Math.max(0, Math.min(3, l));
                    L[16 * j + ii] = (byte) l;
                }
            }
            for (int j = 0; j < QK_K; j += 128) {
                for (int l = 0; l < 32; ++l) {
                    y[yo + 16 + j / 4 + l] = (byte) (L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
                }
            }
        }
    }

    static void dequantizeQ2K(byte[] y, int yo, int nb, float[] x, int xo) {
        for (int i = 0; i < nb; i++, yo += 84) {
            float d = Le.half(y, yo + 80);
            float min = Le.half(y, yo + 82);
            int q = yo + 16;
            int is = 0;
            for (int n = 0; n < QK_K; n += 128) {
                int shift = 0;
                for (int j = 0; j < 4; ++j) {
                    int sc = y[yo + is++] & 0xff;
                    float dl = d * (sc & 0xF), ml = min * (sc >>> 4);
                    for (int l = 0; l < 16; ++l) x[xo++] = dl * (((y[q + l] & 0xff) >>> shift) & 3) - ml;
                    sc = y[yo + is++] & 0xff;
                    dl = d * (sc & 0xF);
                    ml = min * (sc >>> 4);
                    for (int l = 0; l < 16; ++l) x[xo++] = dl * (((y[q + l + 16] & 0xff) >>> shift) & 3) - ml;
                    shift += 2;
                }
                q += 32;
            }
        }
    }

    // ---------------------------------------------------------------- Q3_K

    static void quantizeQ3K(float[] x, int xo, int nb, byte[] y, int yo) {
        byte[] L = new byte[QK_K];
        float[] scales = new float[QK_K / 16];
        for (int i = 0; i < nb; i++, xo += QK_K, yo += 110) {
            // layout: hmask[0..31], qs[32..95], scales[96..107], d[108..109]
            final int hmask = yo, qs = yo + 32, sc12 = yo + 96;
            float maxScale = 0;
            float amax = 0;
            for (int j = 0; j < QK_K / 16; ++j) {
                scales[j] = makeQ3Quants(16, 4, x, xo + 16 * j, L, 16 * j, true);
                float scale = Math.abs(scales[j]);
                if (scale > amax) {
                    amax = scale;
                    maxScale = scales[j];
                }
            }
            for (int k = 0; k < 12; k++) y[sc12 + k] = 0;
            if (maxScale != 0) {
                float iscale = -32.f / maxScale;
                for (int j = 0; j < QK_K / 16; ++j) {
                    int l = (byte) nearestInt(iscale * scales[j]);
                    l = Math.max(-32, Math.min(31, l)) + 32;
                    if (j < 8) {
                        y[sc12 + j] = (byte) (l & 0xF);
                    } else {
                        y[sc12 + j - 8] |= (byte) ((l & 0xF) << 4);
                    }
                    l >>= 4;
                    y[sc12 + j % 4 + 8] |= (byte) (l << (2 * (j / 4)));
                }
                Le.putHalf(y, yo + 108, 1 / iscale);
            } else {
                Le.putHalf(y, yo + 108, 0.f);
            }
            float dAll = Le.half(y, yo + 108);
            for (int j = 0; j < QK_K / 16; ++j) {
                int sc = j < 8 ? y[sc12 + j] & 0xF : (y[sc12 + j - 8] & 0xff) >>> 4;
                sc = (byte) ((sc | ((((y[sc12 + 8 + j % 4] & 0xff) >>> (2 * (j / 4))) & 3) << 4)) - 32);
                float d = dAll * sc;
                if (d == 0) continue;
                for (int ii = 0; ii < 16; ++ii) {
                    int l = nearestInt(x[xo + 16 * j + ii] / d);
                    l = Math.max(-4, Math.min(3, l));
                    L[16 * j + ii] = (byte) (l + 4);
                }
            }
            for (int k = 0; k < QK_K / 8; k++) y[hmask + k] = 0;
            int m = 0;
            int hm = 1;
            for (int j = 0; j < QK_K; ++j) {
                if (L[j] > 3) {
                    y[hmask + m] |= (byte) hm;
                    L[j] -= 4;
                }
                if (++m == QK_K / 8) {
                    m = 0;
                    hm <<= 1;
                }
            }
            for (int j = 0; j < QK_K; j += 128) {
                for (int l = 0; l < 32; ++l) {
                    y[qs + j / 4 + l] = (byte) (L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
                }
            }
        }
    }

    /** The 16 6-bit scales (0..63, offset 32 not yet removed) packed in 12 bytes at {@code so}. */
    private static void unpackQ3Scales(byte[] y, int so, int[] out) {
        for (int j = 0; j < 16; j++) {
            int low = j < 8 ? y[so + j] & 0xF : (y[so + j - 8] & 0xff) >>> 4;
            int high = ((y[so + 8 + j % 4] & 0xff) >>> (2 * (j / 4))) & 3;
            out[j] = low | (high << 4);
        }
    }

    static void dequantizeQ3K(byte[] y, int yo, int nb, float[] x, int xo) {
        int[] scales = new int[16];
        for (int i = 0; i < nb; i++, yo += 110) {
            float dAll = Le.half(y, yo + 108);
            unpackQ3Scales(y, yo + 96, scales);
            int q = yo + 32;
            final int hm = yo;
            int m = 1;
            int is = 0;
            for (int n = 0; n < QK_K; n += 128) {
                int shift = 0;
                for (int j = 0; j < 4; ++j) {
                    float dl = dAll * (scales[is++] - 32);
                    for (int l = 0; l < 16; ++l) {
                        x[xo++] = dl * ((((y[q + l] & 0xff) >>> shift) & 3) - ((y[hm + l] & m) != 0 ? 0 : 4));
                    }
                    dl = dAll * (scales[is++] - 32);
                    for (int l = 0; l < 16; ++l) {
                        x[xo++] = dl * ((((y[q + l + 16] & 0xff) >>> shift) & 3) - ((y[hm + l + 16] & m) != 0 ? 0 : 4));
                    }
                    shift += 2;
                    m <<= 1;
                }
                q += 32;
            }
        }
    }

    // ---------------------------------------------------------------- Q4_K / Q5_K shared scale packing

    private static void packScalesK4(float[] scales, float[] mins, float maxScale, float maxMin, byte[] y, int so) {
        float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
        float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
        for (int j = 0; j < QK_K / 32; ++j) {
            int ls = nearestInt(invScale * scales[j]) & 0xff;
            int lm = nearestInt(invMin * mins[j]) & 0xff;
            ls = Math.min(63, ls);
            lm = Math.min(63, lm);
            if (j < 4) {
                y[so + j] = (byte) ls;
                y[so + j + 4] = (byte) lm;
            } else {
                y[so + j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
                y[so + j - 4] |= (byte) ((ls >>> 4) << 6);
                y[so + j] |= (byte) ((lm >>> 4) << 6);
            }
        }
    }

    /** Search scales/mins per 32-element sub-block (weights av_x + |x|); returns {maxScale, maxMin}. */
    private static void searchK4(float[] x, int xo, int nmax, float rmin, float rdelta, int nstep, byte[] L, byte[] Laux,
                                 float[] weights, float[] scales, float[] mins, float[] maxOut) {
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < QK_K / 32; ++j) {
            float sumX2 = 0;
            for (int l = 0; l < 32; ++l) sumX2 += x[xo + 32 * j + l] * x[xo + 32 * j + l];
            float avX = (float) Math.sqrt(sumX2 / 32);
            for (int l = 0; l < 32; ++l) weights[l] = avX + Math.abs(x[xo + 32 * j + l]);
            scales[j] = makeQkx2Quants(32, nmax, x, xo + 32 * j, weights, L, 32 * j, mins, j, Laux, rmin, rdelta, nstep, false);
            float scale = scales[j];
            if (scale > maxScale) maxScale = scale;
            float min = mins[j];
            if (min > maxMin) maxMin = min;
        }
        maxOut[0] = maxScale;
        maxOut[1] = maxMin;
    }

    /** Final quants 0..nmax of every sub-block from the stored (rounded) scales. */
    private static void requantizeK4(float[] x, int xo, byte[] y, int yo, int nmax, byte[] L) {
        float dAll = Le.half(y, yo);
        float mAll = Le.half(y, yo + 2);
        for (int j = 0; j < QK_K / 32; ++j) {
            int sc = scaleK4(j, y, yo + 4);
            int m = minK4(j, y, yo + 4);
            float d = dAll * sc;
            if (d == 0) continue;
            float dm = mAll * m;
            for (int ii = 0; ii < 32; ++ii) {
                int l = nearestInt((x[xo + 32 * j + ii] + dm) / d);
                l = Math.max(0, Math.min(nmax, l));
                L[32 * j + ii] = (byte) l;
            }
        }
    }

    // ---------------------------------------------------------------- Q4_K

    static void quantizeQ4K(float[] x, int xo, int nb, byte[] y, int yo) {
        byte[] L = new byte[QK_K];
        byte[] Laux = new byte[32];
        float[] weights = new float[32];
        float[] mins = new float[QK_K / 32];
        float[] scales = new float[QK_K / 32];
        float[] max = new float[2];
        for (int i = 0; i < nb; i++, xo += QK_K, yo += 144) {
            searchK4(x, xo, 15, -1.f, 0.1f, 20, L, Laux, weights, scales, mins, max);
            packScalesK4(scales, mins, max[0], max[1], y, yo + 4);
            Le.putHalf(y, yo, max[0] / 63.f);
            Le.putHalf(y, yo + 2, max[1] / 63.f);
            requantizeK4(x, xo, y, yo, 15, L);
            int q = yo + 16;
            for (int j = 0; j < QK_K; j += 64) {
                for (int l = 0; l < 32; ++l) y[q + l] = (byte) (L[j + l] | (L[j + l + 32] << 4));
                q += 32;
            }
        }
    }

    static void dequantizeQ4K(byte[] y, int yo, int nb, float[] x, int xo) {
        for (int i = 0; i < nb; i++, yo += 144) {
            float d = Le.half(y, yo);
            float min = Le.half(y, yo + 2);
            int q = yo + 16;
            int is = 0;
            for (int j = 0; j < QK_K; j += 64) {
                float d1 = d * scaleK4(is, y, yo + 4);
                float m1 = min * minK4(is, y, yo + 4);
                float d2 = d * scaleK4(is + 1, y, yo + 4);
                float m2 = min * minK4(is + 1, y, yo + 4);
                for (int l = 0; l < 32; ++l) x[xo++] = d1 * (y[q + l] & 0xF) - m1;
                for (int l = 0; l < 32; ++l) x[xo++] = d2 * ((y[q + l] & 0xff) >>> 4) - m2;
                q += 32;
                is += 2;
            }
        }
    }

    // ---------------------------------------------------------------- Q5_K

    static void quantizeQ5K(float[] x, int xo, int nb, byte[] y, int yo) {
        byte[] L = new byte[QK_K];
        byte[] Laux = new byte[32];
        float[] weights = new float[32];
        float[] mins = new float[QK_K / 32];
        float[] scales = new float[QK_K / 32];
        float[] max = new float[2];
        for (int i = 0; i < nb; i++, xo += QK_K, yo += 176) {
            searchK4(x, xo, 31, -0.5f, 0.1f, 15, L, Laux, weights, scales, mins, max);
            packScalesK4(scales, mins, max[0], max[1], y, yo + 4);
            Le.putHalf(y, yo, max[0] / 63.f);
            Le.putHalf(y, yo + 2, max[1] / 63.f);
            requantizeK4(x, xo, y, yo, 31, L);
            final int qh = yo + 16;
            int ql = yo + 48;
            for (int k = 0; k < QK_K / 8; k++) y[qh + k] = 0;
            int m1 = 1, m2 = 2;
            for (int n = 0; n < QK_K; n += 64) {
                for (int j = 0; j < 32; ++j) {
                    int l1 = L[n + j];
                    if (l1 > 15) {
                        l1 -= 16;
                        y[qh + j] |= (byte) m1;
                    }
                    int l2 = L[n + j + 32];
                    if (l2 > 15) {
                        l2 -= 16;
                        y[qh + j] |= (byte) m2;
                    }
                    y[ql + j] = (byte) (l1 | (l2 << 4));
                }
                m1 <<= 2;
                m2 <<= 2;
                ql += 32;
            }
        }
    }

    static void dequantizeQ5K(byte[] y, int yo, int nb, float[] x, int xo) {
        for (int i = 0; i < nb; i++, yo += 176) {
            float d = Le.half(y, yo);
            float min = Le.half(y, yo + 2);
            final int qh = yo + 16;
            int ql = yo + 48;
            int is = 0;
            int u1 = 1, u2 = 2;
            for (int j = 0; j < QK_K; j += 64) {
                float d1 = d * scaleK4(is, y, yo + 4);
                float m1 = min * minK4(is, y, yo + 4);
                float d2 = d * scaleK4(is + 1, y, yo + 4);
                float m2 = min * minK4(is + 1, y, yo + 4);
                for (int l = 0; l < 32; ++l) x[xo++] = d1 * ((y[ql + l] & 0xF) + ((y[qh + l] & u1) != 0 ? 16 : 0)) - m1;
                for (int l = 0; l < 32; ++l) x[xo++] = d2 * (((y[ql + l] & 0xff) >>> 4) + ((y[qh + l] & u2) != 0 ? 16 : 0)) - m2;
                ql += 32;
                is += 2;
                u1 <<= 2;
                u2 <<= 2;
            }
        }
    }

    // ---------------------------------------------------------------- Q6_K

    static void quantizeQ6K(float[] x, int xo, int nb, byte[] y, int yo) {
        byte[] L = new byte[QK_K];
        float[] scales = new float[QK_K / 16];
        for (int i = 0; i < nb; i++, xo += QK_K, yo += 210) {
            // layout: ql[0..127], qh[128..191], scales[192..207], d[208..209]
            float maxScale = 0;
            float maxAbsScale = 0;
            for (int ib = 0; ib < QK_K / 16; ++ib) {
                float scale = makeQxQuants(16, 32, x, xo + 16 * ib, L, 16 * ib, 1);
                scales[ib] = scale;
                float absScale = Math.abs(scale);
                if (absScale > maxAbsScale) {
                    maxAbsScale = absScale;
                    maxScale = scale;
                }
            }
            if (maxAbsScale < GROUP_MAX_EPS) {
                for (int k = 0; k < 210; k++) y[yo + k] = 0;
                Le.putHalf(y, yo + 208, 0.f);
                continue;
            }
            float iscale = -128.f / maxScale;
            Le.putHalf(y, yo + 208, 1 / iscale);
            for (int ib = 0; ib < QK_K / 16; ++ib) {
                y[yo + 192 + ib] = (byte) Math.min(127, nearestInt(iscale * scales[ib]));
            }
            float dAll = Le.half(y, yo + 208);
            for (int j = 0; j < QK_K / 16; ++j) {
                float d = dAll * y[yo + 192 + j];
                if (d == 0) continue;
                for (int ii = 0; ii < 16; ++ii) {
                    int l = nearestInt(x[xo + 16 * j + ii] / d);
                    l = Math.max(-32, Math.min(31, l));
                    L[16 * j + ii] = (byte) (l + 32);
                }
            }
            int ql = yo;
            int qh = yo + 128;
            for (int j = 0; j < QK_K; j += 128) {
                for (int l = 0; l < 32; ++l) {
                    int q1 = L[j + l] & 0xF;
                    int q2 = L[j + l + 32] & 0xF;
                    int q3 = L[j + l + 64] & 0xF;
                    int q4 = L[j + l + 96] & 0xF;
                    y[ql + l] = (byte) (q1 | (q3 << 4));
                    y[ql + l + 32] = (byte) (q2 | (q4 << 4));
                    y[qh + l] = (byte) ((L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) | ((L[j + l + 64] >> 4) << 4) | ((L[j + l + 96] >> 4) << 6));
                }
                ql += 64;
                qh += 32;
            }
        }
    }

    static void dequantizeQ6K(byte[] y, int yo, int nb, float[] x, int xo) {
        for (int i = 0; i < nb; i++, yo += 210) {
            float d = Le.half(y, yo + 208);
            int ql = yo;
            int qh = yo + 128;
            int sc = yo + 192;
            for (int n = 0; n < QK_K; n += 128) {
                for (int l = 0; l < 32; ++l) {
                    int is = l / 16;
                    int h = y[qh + l] & 0xff;
                    int a = y[ql + l] & 0xff;
                    int b = y[ql + l + 32] & 0xff;
                    int q1 = ((a & 0xF) | ((h & 3) << 4)) - 32;
                    int q2 = ((b & 0xF) | (((h >>> 2) & 3) << 4)) - 32;
                    int q3 = ((a >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                    int q4 = ((b >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                    x[xo + l] = d * y[sc + is] * q1;
                    x[xo + l + 32] = d * y[sc + is + 2] * q2;
                    x[xo + l + 64] = d * y[sc + is + 4] * q3;
                    x[xo + l + 96] = d * y[sc + is + 6] * q4;
                }
                xo += 128;
                ql += 64;
                qh += 32;
                sc += 8;
            }
        }
    }

    // ---------------------------------------------------------------- Q8_K

    static void quantizeQ8K(float[] x, int xo, int nb, byte[] y, int yo) {
        for (int i = 0; i < nb; i++, xo += QK_K, yo += 292) {
            float max = 0;
            float amax = 0;
            for (int j = 0; j < QK_K; ++j) {
                float ax = Math.abs(x[xo + j]);
                if (ax > amax) {
                    amax = ax;
                    max = x[xo + j];
                }
            }
            if (amax == 0) {
                for (int k = 0; k < 292; k++) y[yo + k] = 0;
                continue;
            }
            float iscale = -127.f / max;
            for (int j = 0; j < QK_K; ++j) {
                int v = nearestInt(iscale * x[xo + j]);
                y[yo + 4 + j] = (byte) Math.min(127, v);
            }
            for (int j = 0; j < QK_K / 16; ++j) {
                int sum = 0;
                for (int ii = 0; ii < 16; ++ii) sum += y[yo + 4 + j * 16 + ii];
                Le.putShort(y, yo + 260 + 2 * j, (short) sum);
            }
            Le.putFloat(y, yo, 1 / iscale);
        }
    }

    static void dequantizeQ8K(byte[] y, int yo, int nb, float[] x, int xo) {
        for (int i = 0; i < nb; i++, yo += 292) {
            float d = Le.getFloat(y, yo);
            for (int j = 0; j < QK_K; ++j) x[xo++] = d * y[yo + 4 + j];
        }
    }
}
