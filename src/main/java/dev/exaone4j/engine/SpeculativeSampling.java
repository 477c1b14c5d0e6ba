package dev.exaone4j.engine;

import java.util.function.DoubleSupplier;
import java.util.function.IntFunction;

/**
 * Speculative (rejection) sampling (Leviathan et al. 2023; Chen et al. 2023): turns tokens drawn from a draft
 * distribution q into tokens distributed exactly as the target p. A draft x ~ q is kept with probability
 * min(1, p(x)/q(x)); on rejection the token is drawn from normalize(max(0, p − q)). Then
 * P(emit y) = q(y)·min(1, p(y)/q(y)) + (1 − Σ_x min(p(x), q(x))) · max(0, p(y) − q(y)) / Σ_x max(0, p(x) − q(x)) = p(y),
 * since both sums equal the total variation 1 − Σ min(p, q). With one-hot p and q (greedy decoding) this is
 * "keep the draft iff it is the target's argmax, else emit the argmax".
 */
public final class SpeculativeSampling {
    private SpeculativeSampling() {}

    /** Outcome of verifying a chain of drafts: how many were kept, and the token to emit after them. */
    public record Verdict(int accepted, int next) {}

    /**
     * Verifies drafts[0..n), draft k drawn from q[k] given the drafts before it. target.apply(j) is the target
     * distribution after the first j drafts (j = 0..n; it is asked for only as far as needed). Keeps the longest
     * accepted prefix; the next token is the residual draw at the first rejection, or a draw from target(n) (the
     * bonus token) when every draft was kept.
     */
    public static Verdict verify(int[] drafts, int n, float[][] q, IntFunction<float[]> target, DoubleSupplier uniform) {
        for (int j = 0; j < n; j++) {
            float[] p = target.apply(j);
            if (accept(p, q[j], drafts[j], uniform.getAsDouble())) continue;
            return new Verdict(j, residual(p, q[j], uniform.getAsDouble()));
        }
        return new Verdict(n, draw(target.apply(n), uniform.getAsDouble()));
    }

    /** Keeps draft x (drawn from q) iff u < p(x)/q(x), u uniform in [0, 1). */
    public static boolean accept(float[] p, float[] q, int x, double u) {
        if (!(q[x] > 0)) throw new IllegalArgumentException("draft token " + x + " has probability 0 under its own draft distribution");
        return u * q[x] < p[x];
    }

    /** A draw from normalize(max(0, p − q)) with u uniform in [0, 1) (from p itself if p ≤ q everywhere). */
    public static int residual(float[] p, float[] q, double u) {
        double z = 0;
        for (int i = 0; i < p.length; i++) z += Math.max(0f, p[i] - q[i]);
        if (!(z > 0)) return draw(p, u);   // only when p == q, where a rejection cannot happen
        double target = u * z, acc = 0;
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            float r = Math.max(0f, p[i] - q[i]);
            if (r <= 0) continue;
            acc += r;
            last = i;
            if (target < acc) return i;
        }
        return last;
    }

    /** A draw from the distribution p (summing to 1 up to rounding) with u uniform in [0, 1): inverse CDF. */
    public static int draw(float[] p, double u) {
        double acc = 0;
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] <= 0) continue;
            acc += p[i];
            last = i;
            if (u < acc) return i;
        }
        if (last < 0) throw new IllegalArgumentException("the distribution has no positive probability");
        return last;
    }
}
