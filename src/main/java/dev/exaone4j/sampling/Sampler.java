package dev.exaone4j.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token. Order (as transformers and vLLM, whose semantics EXAONE's recommended settings assume):
 * penalties → greedy (temperature 0) or top-k → temperature → top-p → min-p (both on the tempered distribution;
 * llama.cpp filters before the temperature) → draw from a seeded generator (same seed, same output). A NaN logit
 * counts as impossible. {@link #probabilities} exposes the
 * final distribution, which speculative decoding needs for exact rejection sampling.
 */
public final class Sampler {
    private final SamplerConfig cfg;
    private final SplittableRandom rng;
    private int[] idx = new int[0];
    private float[] work = new float[0];
    private long[] keys = new long[0];
    private int[] banned = new int[0];

    public Sampler(SamplerConfig cfg) {
        this.cfg = cfg;
        this.rng = new SplittableRandom(cfg.seed());
    }

    public SamplerConfig config() {
        return cfg;
    }

    /** A uniform draw in [0, 1) from this sampler's seeded generator. */
    public double nextUniform() {
        return rng.nextDouble();
    }

    /** Ids this sampler never picks (their logits become -inf with the penalties), e.g. end-of-generation for --ignore-eos. */
    public Sampler ban(int... ids) {
        banned = ids.clone();
        return this;
    }

    /** Applies repetition / presence / frequency penalties (and {@link #ban}s) to logits in place, from history[0..n). */
    public void applyPenalties(float[] logits, int[] history, int n) {
        for (int b : banned) if (b >= 0 && b < logits.length) logits[b] = Float.NEGATIVE_INFINITY;
        if (cfg.repetitionPenalty() == 1f && cfg.presencePenalty() == 0f && cfg.frequencyPenalty() == 0f) return;
        int from = Math.max(0, n - cfg.penaltyWindow());
        java.util.HashMap<Integer, Integer> counts = new java.util.HashMap<>();
        for (int i = from; i < n; i++) {
            int t = history[i];
            if (t >= 0 && t < logits.length) counts.merge(t, 1, Integer::sum);
        }
        for (var e : counts.entrySet()) {
            int t = e.getKey();
            float l = logits[t];
            if (cfg.repetitionPenalty() != 1f) l = l > 0 ? l / cfg.repetitionPenalty() : l * cfg.repetitionPenalty();
            l -= cfg.presencePenalty() + e.getValue() * cfg.frequencyPenalty();
            logits[t] = l;
        }
    }

    /** Samples from logits (after penalties, which the caller applies). Logits may be modified. */
    public int sample(float[] logits) {
        if (cfg.greedy()) return argmax(logits);
        int n = distribution(logits);
        double u = rng.nextDouble();
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += work[i];
            if (u < acc) return idx[i];
        }
        return idx[n - 1];
    }

    /**
     * The final sampling distribution over the vocabulary (zero outside the kept candidates): probs[v].
     * For greedy it is one-hot on the argmax.
     */
    public float[] probabilities(float[] logits) {
        float[] p = new float[logits.length];
        if (cfg.greedy()) {
            p[argmax(logits)] = 1f;
            return p;
        }
        int n = distribution(logits.clone());
        for (int i = 0; i < n; i++) p[idx[i]] = work[i];
        return p;
    }

    /** Fills idx[0..n) with candidate ids (descending logit) and work[0..n) with their probabilities. */
    private int distribution(float[] logits) {
        for (int i = 0; i < logits.length; i++) if (Float.isNaN(logits[i])) logits[i] = Float.NEGATIVE_INFINITY;
        int v = logits.length;
        if (idx.length < v) {
            idx = new int[v];
            work = new float[v];
        }
        int n = v;
        if (cfg.topK() > 0 && cfg.topK() < v) {
            n = topK(logits, cfg.topK());
        } else {
            // primitive sort: key = (descending sortable logit bits, ascending id)
            if (keys.length < v) keys = new long[v];
            for (int i = 0; i < v; i++) {
                int b = Float.floatToIntBits(logits[i]);
                b ^= (b >> 31) & 0x7fffffff;                 // monotonic in the float value
                keys[i] = ((long) ~b << 32) | i;
            }
            Arrays.sort(keys, 0, v);
            for (int i = 0; i < v; i++) idx[i] = (int) keys[i];
        }
        float max = logits[idx[0]];
        if (max == Float.NEGATIVE_INFINITY) {   // nothing possible: the first candidate, as greedy would pick
            work[0] = 1f;
            return 1;
        }
        // softmax at the temperature over the candidates; top-p and min-p filter that distribution
        float t = cfg.temperature();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            work[i] = (float) Math.exp((logits[idx[i]] - max) / t);
            sum += work[i];
        }
        if (cfg.topP() < 1f) {
            double acc = 0;
            int keep = n;
            for (int i = 0; i < n; i++) {
                acc += work[i] / sum;
                if (acc >= cfg.topP()) {
                    keep = i + 1;
                    break;
                }
            }
            n = keep;
        }
        if (cfg.minP() > 0f) {
            float threshold = work[0] * cfg.minP();
            int keep = 1;
            while (keep < n && work[keep] >= threshold) keep++;
            n = keep;
        }
        double z = 0;
        for (int i = 0; i < n; i++) z += work[i];
        for (int i = 0; i < n; i++) work[i] = (float) (work[i] / z);
        return n;
    }

    /** Partial selection of the k largest logits into idx[0..k), sorted descending (ties: lower id first). */
    private int topK(float[] logits, int k) {
        // simple min-heap of size k
        int[] heap = new int[k];
        int size = 0;
        for (int i = 0; i < logits.length; i++) {
            if (size < k) {
                heap[size++] = i;
                siftUp(heap, size - 1, logits);
            } else if (better(i, heap[0], logits)) {
                heap[0] = i;
                siftDown(heap, size, logits);
            }
        }
        for (int i = size - 1; i >= 0; i--) {
            idx[i] = heap[0];
            heap[0] = heap[i];
            siftDown(heap, i, logits);
        }
        return size;
    }

    private static boolean better(int a, int b, float[] l) {
        return l[a] > l[b] || (l[a] == l[b] && a < b);
    }

    private static void siftUp(int[] h, int i, float[] l) {
        while (i > 0) {
            int p = (i - 1) / 2;
            if (better(h[p], h[i], l)) {
                int t = h[p]; h[p] = h[i]; h[i] = t;
                i = p;
            } else break;
        }
    }

    private static void siftDown(int[] h, int n, float[] l) {
        int i = 0;
        while (true) {
            int a = 2 * i + 1, b = a + 1, m = i;
            if (a < n && better(h[m], h[a], l)) m = a;
            if (b < n && better(h[m], h[b], l)) m = b;
            if (m == i) return;
            int t = h[m]; h[m] = h[i]; h[i] = t;
            i = m;
        }
    }

    /** Index of the largest value (lowest index on ties; NaN never wins unless every value is NaN). */
    public static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best] || (Float.isNaN(x[best]) && !Float.isNaN(x[i]))) best = i;
        return best;
    }
}
