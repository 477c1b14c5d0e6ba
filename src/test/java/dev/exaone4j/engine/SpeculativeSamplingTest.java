package dev.exaone4j.engine;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rejection sampler emits exactly the target distribution, whatever the draft distribution. Deterministic
 * (fixed seeds); each check is a chi-square goodness-of-fit test against the exact target with a critical value at
 * p = 1e-4 (so a correct sampler fails with probability 1e-4 per seed, and these seeds pass), plus a total-variation
 * bound. A sampler that emitted q, or the accepted drafts alone, is rejected by orders of magnitude (checked too).
 */
class SpeculativeSamplingTest {
    static final int DRAWS = 200_000;

    // five-symbol target and drafts that are close, far, and disjoint on part of the support
    static final float[] P = {0.40f, 0.25f, 0.20f, 0.10f, 0.05f};
    static final float[][] DRAFTS = {
            {0.40f, 0.25f, 0.20f, 0.10f, 0.05f},   // q = p: every draft accepted
            {0.30f, 0.30f, 0.20f, 0.15f, 0.05f},   // close
            {0.05f, 0.05f, 0.10f, 0.30f, 0.50f},   // reversed
            {0.00f, 0.00f, 0.50f, 0.50f, 0.00f},   // support only partly overlapping
            {0.00f, 0.00f, 0.00f, 0.00f, 1.00f},   // deterministic draft (the greedy case's q)
    };

    // chi-square critical values at p = 1e-4
    static final double CHI2_4DF = 23.51, CHI2_24DF = 58.61;

    @Test
    void oneDraftGivesTheTarget() {
        for (int d = 0; d < DRAFTS.length; d++) {
            float[] q = DRAFTS[d];
            SplittableRandom rng = new SplittableRandom(1000 + d);
            long[] counts = new long[P.length];
            long acceptedCount = 0;
            for (int i = 0; i < DRAWS; i++) {
                int x = SpeculativeSampling.draw(q, rng.nextDouble());
                int y;
                if (SpeculativeSampling.accept(P, q, x, rng.nextDouble())) {
                    y = x;
                    acceptedCount++;
                } else {
                    y = SpeculativeSampling.residual(P, q, rng.nextDouble());
                }
                counts[y]++;
            }
            double chi2 = chiSquare(counts, toDouble(P));
            System.out.printf("draft %d: chi2 = %.2f (critical %.2f), TV = %.4f, acceptance %.3f (expected %.3f)%n",
                    d, chi2, CHI2_4DF, tv(counts, toDouble(P)), (double) acceptedCount / DRAWS, overlap(P, q));
            assertThat(chi2).as("chi-square vs target, draft %d", d).isLessThan(CHI2_4DF);
            assertThat(tv(counts, toDouble(P))).isLessThan(0.01);
            // acceptance rate is Σ min(p, q)
            assertThat((double) acceptedCount / DRAWS).isCloseTo(overlap(P, q), org.assertj.core.data.Offset.offset(0.01));
        }
    }

    @Test
    void theTestWouldCatchAWrongSampler() {
        float[] q = DRAFTS[2];
        SplittableRandom rng = new SplittableRandom(7);
        long[] counts = new long[P.length];
        for (int i = 0; i < DRAWS; i++) counts[SpeculativeSampling.draw(q, rng.nextDouble())]++;   // emitting q itself
        assertThat(chiSquare(counts, toDouble(P))).isGreaterThan(100 * CHI2_4DF);
    }

    /**
     * A chain of two drafts through {@link SpeculativeSampling#verify}, as a step runs it, on a synthetic Markov
     * "model": target p(y | x) and draft q(y | x) over 5 symbols, context symbol 0. The first two emitted tokens
     * (accepted drafts, correction or bonus, then a second step when one token came out) must follow the target's
     * joint distribution p(y1 | 0) p(y2 | y1).
     */
    @Test
    void chainedDraftsGiveTheTargetJointDistribution() {
        int k = 5;
        double[][] pm = new double[k][], qm = new double[k][];
        SplittableRandom gen = new SplittableRandom(42);
        for (int x = 0; x < k; x++) {
            pm[x] = randomDistribution(gen, k);
            qm[x] = randomDistribution(gen, k);
        }
        float[][] pf = toFloat(pm), qf = toFloat(qm);
        double[] expected = new double[k * k];
        for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) expected[a * k + b] = pm[0][a] * pm[a][b];

        SplittableRandom rng = new SplittableRandom(2024);
        long[] counts = new long[k * k];
        int draft = 2;
        for (int i = 0; i < DRAWS; i++) {
            int[] seq = new int[8];
            int len = 0, last = 0;
            while (len < 2) {
                int[] drafts = new int[draft];
                float[][] q = new float[draft][];
                int ctx = last;
                for (int j = 0; j < draft; j++) {
                    q[j] = qf[ctx];
                    drafts[j] = SpeculativeSampling.draw(q[j], rng.nextDouble());
                    ctx = drafts[j];
                }
                int from = last;
                SpeculativeSampling.Verdict v = SpeculativeSampling.verify(drafts, draft, q,
                        j -> pf[j == 0 ? from : drafts[j - 1]], rng::nextDouble);
                for (int j = 0; j < v.accepted(); j++) seq[len++] = drafts[j];
                seq[len++] = v.next();
                last = seq[len - 1];
            }
            counts[seq[0] * k + seq[1]]++;
        }
        double chi2 = chiSquare(counts, expected);
        System.out.printf("chained drafts: chi2 = %.2f (critical %.2f, 24 df), TV = %.4f%n", chi2, CHI2_24DF, tv(counts, expected));
        assertThat(chi2).isLessThan(CHI2_24DF);
        assertThat(tv(counts, expected)).isLessThan(0.01);
    }

    @Test
    void greedyIsArgmaxComparison() {
        float[] p = {0f, 0f, 1f, 0f};
        float[] qRight = {0f, 0f, 1f, 0f}, qWrong = {0f, 1f, 0f, 0f};
        assertThat(SpeculativeSampling.accept(p, qRight, 2, 0.999)).isTrue();
        assertThat(SpeculativeSampling.accept(p, qWrong, 1, 0.0)).isFalse();
        assertThat(SpeculativeSampling.residual(p, qWrong, 0.5)).isEqualTo(2);
        SpeculativeSampling.Verdict v = SpeculativeSampling.verify(new int[]{2, 1}, 2, new float[][]{qRight, qWrong}, j -> p, () -> 0.3);
        assertThat(v).isEqualTo(new SpeculativeSampling.Verdict(1, 2));
    }

    static double[] randomDistribution(SplittableRandom r, int k) {
        double[] d = new double[k];
        double s = 0;
        for (int i = 0; i < k; i++) s += d[i] = 0.05 + r.nextDouble();
        for (int i = 0; i < k; i++) d[i] /= s;
        return d;
    }

    static float[][] toFloat(double[][] m) {
        float[][] f = new float[m.length][];
        for (int i = 0; i < m.length; i++) {
            f[i] = new float[m[i].length];
            for (int j = 0; j < m[i].length; j++) f[i][j] = (float) m[i][j];
        }
        return f;
    }

    static double[] toDouble(float[] p) {
        double[] d = new double[p.length];
        for (int i = 0; i < p.length; i++) d[i] = p[i];
        return d;
    }

    static double overlap(float[] p, float[] q) {
        double s = 0;
        for (int i = 0; i < p.length; i++) s += Math.min(p[i], q[i]);
        return s;
    }

    static double chiSquare(long[] counts, double[] p) {
        long n = 0;
        for (long c : counts) n += c;
        double chi2 = 0;
        for (int i = 0; i < p.length; i++) {
            double e = n * p[i];
            chi2 += (counts[i] - e) * (counts[i] - e) / e;
        }
        return chi2;
    }

    static double tv(long[] counts, double[] p) {
        long n = 0;
        for (long c : counts) n += c;
        double tv = 0;
        for (int i = 0; i < p.length; i++) tv += Math.abs((double) counts[i] / n - p[i]);
        return tv / 2;
    }
}
