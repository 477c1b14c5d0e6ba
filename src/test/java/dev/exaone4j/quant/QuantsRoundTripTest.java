package dev.exaone4j.quant;

import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.gguf.GgufFile;
import dev.exaone4j.gguf.GgufTensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sanity of the scalar round trip on random blocks of many distributions (error bounds per type), the F16 / BF16
 * conversions against independent oracles (exhaustive where cheap), the edge rows of the reference model
 * (zeros, huge, tiny, constant, one-sided, exact grids: per-row quantization equals llama.cpp's bytes),
 * the MemorySegment / byte[] entry points, {@link Quants#dot} and argument checking.
 */
class QuantsRoundTripTest {
    private static final GgmlType[] QUANTIZED = {GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0,
            GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.Q8_K};

    /** Bound on the RMS error relative to the RMS of normally distributed data. */
    private static double rmseBound(GgmlType t) {
        return switch (t) {
            case Q8_0, Q8_K -> 0.01;
            case Q6_K -> 0.025;
            case Q5_0, Q5_1, Q5_K -> 0.05;
            case Q4_0, Q4_1, Q4_K -> 0.11;
            case Q3_K -> 0.22;
            case Q2_K -> 0.45;
            default -> 1e-2;
        };
    }

    private static float[] sample(SplittableRandom r, String dist, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double g = r.nextGaussian();
            x[i] = (float) switch (dist) {
                case "normal" -> g * 0.02;
                case "uniform" -> r.nextDouble(-3, 3);
                case "heavy" -> g * Math.exp(2 * r.nextGaussian());
                case "sparse" -> r.nextInt(16) == 0 ? g * 5 : 0.0;
                case "negative" -> -Math.abs(g) * 1e3;
                case "positive" -> Math.abs(g) + 0.5;
                case "tiny" -> g * 1e-7;
                case "constant" -> 0.75;
                case "zeros" -> 0.0;
                default -> throw new IllegalArgumentException(dist);
            };
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    void randomBlocksRoundTripWithinTheTypeAccuracy(GgmlType t) {
        SplittableRandom r = new SplittableRandom(t.id * 7919L);
        int n = 256 * 64;
        for (String dist : new String[] {"normal", "uniform", "heavy", "sparse", "negative", "positive", "tiny", "constant", "zeros"}) {
            float[] x = sample(r, dist, n);
            byte[] q = new byte[(int) Quants.byteSize(t, n)];
            Quants.quantize(t, x, 0, n, q, 0);
            float[] y = new float[n];
            Quants.dequantize(t, q, 0, y, 0, n);
            double err = 0, ref = 0;
            for (int i = 0; i < n; i++) {
                assertThat(Float.isFinite(y[i])).as(t + " " + dist + " finite").isTrue();
                err += (double) (y[i] - x[i]) * (y[i] - x[i]);
                ref += (double) x[i] * x[i];
            }
            if (dist.equals("zeros")) {
                for (float v : y) assertThat(v).as(t + " zeros").isEqualTo(0.0f, org.assertj.core.data.Offset.offset(0f));
            } else if (dist.equals("normal") || dist.equals("uniform")) {
                assertThat(Math.sqrt(err / ref)).as(t + " " + dist + " relative RMSE").isLessThan(rmseBound(t));
            } else if (!dist.equals("tiny") && !dist.equals("heavy")) {
                assertThat(Math.sqrt(err / ref)).as(t + " " + dist + " relative RMSE").isLessThan(Math.max(0.5, rmseBound(t) * 3));
            }
            // same bytes through the MemorySegment entry points, at odd offsets
            try (Arena a = Arena.ofConfined()) {
                MemorySegment seg = a.allocate(q.length + 13);
                Quants.quantize(t, x, 0, n, seg, 13);
                assertThat(seg.asSlice(13).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(q);
                float[] z = new float[n + 3];
                Quants.dequantize(t, seg, 13, z, 3, n);
                assertThat(Arrays.copyOfRange(z, 3, n + 3)).isEqualTo(y);
                float want = 0;
                float[] xs = sample(r, "uniform", n);
                for (int i = 0; i < n; i++) want += y[i] * xs[i];
                assertThat(Quants.dot(t, seg, 13, xs, 0, n)).isEqualTo(want);
            }
        }
    }

    @Test
    void extremesAndConstantBlocksInQ8_0() {
        float[] x = new float[64];
        for (int i = 0; i < 32; i++) x[i] = (i - 16) * 0.25f; // amax 4 at i = 0
        for (int i = 32; i < 64; i++) x[i] = -1.5f;
        byte[] q = new byte[68];
        Quants.quantize(GgmlType.Q8_0, x, 0, 64, q, 0);
        float[] y = new float[64];
        Quants.dequantize(GgmlType.Q8_0, q, 0, y, 0, 64);
        for (int i = 32; i < 64; i++) assertThat(y[i]).isCloseTo(-1.5f, org.assertj.core.data.Offset.offset(1e-3f));
        assertThat(q[2]).isEqualTo((byte) -127); // x[0] = -4 = -amax
        assertThat(q[2 + 16]).isEqualTo((byte) 0);
        for (int i = 0; i < 32; i++) assertThat(q[34 + 2 + i]).isEqualTo((byte) -127); // constant block: every quant at -127
    }

    @Test
    void roundfRoundsHalfAwayFromZeroAndNearestIntHalfToEven() {
        assertThat(LegacyQuants.roundf(2.5f)).isEqualTo(3f);
        assertThat(LegacyQuants.roundf(-2.5f)).isEqualTo(-3f);
        assertThat(LegacyQuants.roundf(0.49999997f)).isEqualTo(0f);
        assertThat(Float.floatToRawIntBits(LegacyQuants.roundf(-0.3f))).isEqualTo(Float.floatToRawIntBits(-0.0f));
        assertThat(KQuants.nearestInt(2.5f)).isEqualTo(2);
        assertThat(KQuants.nearestInt(3.5f)).isEqualTo(4);
        assertThat(KQuants.nearestInt(-2.5f)).isEqualTo(-2);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 1_000_000; i++) {
            float f = (float) r.nextDouble(-4_000_000, 4_000_000) / (1 << r.nextInt(20));
            assertThat(KQuants.nearestInt(f)).isEqualTo((int) Math.rint(f));
        }
    }

    /** Independent F32 to F16 oracle: round to nearest even through exact double arithmetic. */
    private static short fp16Oracle(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        if (Float.isNaN(f)) return (short) (sign | 0x7E00);
        double a = Math.abs((double) f);
        if (a >= 65520.0) return (short) (sign | 0x7C00); // rounds to infinity (max half 65504, halfway 65520)
        if (a < 0x1p-14) { // subnormal range: multiples of 2^-24
            long m = (long) Math.rint(a * 0x1p24);
            return (short) (sign | (int) m);
        }
        int e = Math.getExponent(a);
        double scaled = a / Math.scalb(1.0, e - 10); // in [1024, 2048)
        long m = (long) Math.rint(scaled);
        if (m == 2048) {
            m = 1024;
            e++;
        }
        if (e > 15) return (short) (sign | 0x7C00);
        return (short) (sign | ((e + 15) << 10) | (int) (m - 1024));
    }

    @Test
    void halfConversionsMatchIndependentOracles() {
        for (int h = 0; h < 65536; h++) {
            float f = HalfFloats.fp16ToFp32((short) h);
            boolean nan = (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0;
            if (nan) {
                assertThat(Float.isNaN(f)).isTrue();
                assertThat(HalfFloats.fp32ToFp16(f)).isEqualTo((short) ((h & 0x8000) | 0x7E00));
            } else {
                assertThat(HalfFloats.fp32ToFp16(f)).as("half %04x", h).isEqualTo((short) h);
                assertThat(fp16Oracle(f)).isEqualTo((short) h);
            }
            assertThat(Float.floatToRawIntBits(HalfFloats.bf16ToFp32((short) h))).isEqualTo(h << 16);
        }
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 2_000_000; i++) {
            float f = i % 2 == 0 ? Float.intBitsToFloat(r.nextInt()) : (float) (r.nextGaussian() * Math.scalb(1.0, r.nextInt(-30, 20)));
            assertThat(HalfFloats.fp32ToFp16(f)).as("f32 %08x", Float.floatToRawIntBits(f)).isEqualTo(fp16Oracle(f));
            int u = Float.floatToRawIntBits(f);
            short bf = HalfFloats.fp32ToBf16(f);
            if (Float.isNaN(f)) {
                assertThat(bf).isEqualTo((short) ((u >>> 16) | 64));
            } else {
                // round to nearest even in exact arithmetic on the upper 16 bits
                long lower = u & 0xffffL, upper = (u >>> 16) & 0xffffL;
                long rounded = lower > 0x8000 || (lower == 0x8000 && (upper & 1) == 1) ? upper + 1 : upper;
                assertThat(bf & 0xffff).isEqualTo((int) (rounded & 0xffff));
            }
        }
        // ties and subnormal edges
        assertThat(HalfFloats.fp32ToFp16(65520f)).isEqualTo((short) 0x7C00);
        assertThat(HalfFloats.fp32ToFp16(65519.996f)).isEqualTo((short) 0x7BFF);
        assertThat(HalfFloats.fp32ToFp16(0x1p-25f)).isEqualTo((short) 0);
        assertThat(HalfFloats.fp32ToFp16(0x1.8p-25f)).isEqualTo((short) 1);
        assertThat(HalfFloats.fp32ToFp16(-0.0f)).isEqualTo((short) 0x8000);
        assertThat(HalfFloats.fp32ToBf16(Float.intBitsToFloat(0x3f808000))).isEqualTo((short) 0x3f80);
        assertThat(HalfFloats.fp32ToBf16(Float.intBitsToFloat(0x3f818000))).isEqualTo((short) 0x3f82);
    }

    @Test
    void edgeRowsQuantizeRowByRowToLlamaCppBytes() {
        QuantTestData.assumeQuantData();
        try (GgufFile src = GgufFile.open(QuantTestData.F32_FILE)) {
            GgufTensorInfo emb = src.tensor("token_embd.weight");
            int cols = (int) emb.ne()[0];
            float[] all = QuantTestData.dequantizeAll(emb);
            for (Path p : QuantTestData.ggufFiles()) {
                try (GgufFile q = GgufFile.open(p)) {
                    GgufTensorInfo t = q.tensor("token_embd.weight");
                    int rowBytes = (int) t.type().bytesFor(cols);
                    byte[] want = QuantTestData.rawBytes(t);
                    for (int row = 503; row <= 511; row++) {
                        byte[] got = new byte[rowBytes];
                        Quants.quantize(t.type(), all, row * cols, cols, got, 0);
                        assertThat(got).as(p.getFileName() + " edge row " + row).isEqualTo(Arrays.copyOfRange(want, row * rowBytes, (row + 1) * rowBytes));
                        float[] y = new float[cols];
                        Quants.dequantize(t.type(), got, 0, y, 0, cols);
                        if (row == 504) for (float v : y) assertThat(v).as(t.type() + " zero row").isEqualTo(0f, org.assertj.core.data.Offset.offset(0f));
                        boolean symmetric = switch (t.type()) {
                            case F32, F16, BF16, Q4_0, Q5_0, Q8_0, Q6_K -> true;
                            default -> false;
                        };
                        if (row == 510 && symmetric) {
                            for (float v : y) assertThat(v).as(t.type() + " negative row stays non-positive").isLessThanOrEqualTo(0f);
                        }
                    }
                }
            }
        }
        assertThat(Files.isRegularFile(QuantTestData.QUANT.resolve("edge_rows.json"))).isTrue();
    }

    @Test
    void badArgumentsGiveClearErrors() {
        assertThatThrownBy(() -> Quants.quantize(GgmlType.Q4_K, new float[100], 0, 100, new byte[1000], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("block size 256");
        assertThatThrownBy(() -> Quants.quantize(GgmlType.IQ2_XXS, new float[256], 0, 256, new byte[1000], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IQ2_XXS").hasMessageContaining("Q6_K");
        assertThatThrownBy(() -> Quants.dequantize(GgmlType.Q8_0, new byte[10], 0, new float[32], 0, 32))
                .isInstanceOf(IndexOutOfBoundsException.class);
        for (GgmlType t : QUANTIZED) assertThat(Quants.isSupported(t)).isTrue();
    }
}
