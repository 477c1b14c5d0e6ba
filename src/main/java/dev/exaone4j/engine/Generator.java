package dev.exaone4j.engine;

import dev.exaone4j.model.InferenceState;
import dev.exaone4j.model.Model;
import dev.exaone4j.sampling.Sampler;

import java.util.Arrays;

/**
 * The plain generation loop: one batched forward pass over the prompt, then one token at a time until
 * maxNew tokens, a stop id, or the listener says stop.
 */
public final class Generator {
    /** Receives each generated id; returns false to stop. */
    @FunctionalInterface
    public interface TokenListener {
        boolean onToken(int id);
    }

    /** What a generation produced and how long it took. */
    public record Result(int[] tokens, int promptTokens, long promptNanos, long generateNanos, String stopReason) {
        public double promptTokensPerSecond() {
            return promptNanos == 0 ? 0 : promptTokens * 1e9 / promptNanos;
        }

        /** Decode speed over the tokens after the first (the first comes from the prompt pass). */
        public double generateTokensPerSecond() {
            int n = tokens.length - 1;
            return n <= 0 || generateNanos == 0 ? 0 : n * 1e9 / generateNanos;
        }
    }

    private Generator() {}

    public static Result generate(Model model, InferenceState state, int[] prompt, int maxNew, Sampler sampler,
                                  int[] stopIds, TokenListener listener) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt is empty");
        if (maxNew < 0) throw new IllegalArgumentException("the number of tokens to generate must be >= 0");
        int limit = Math.min(maxNew, state.maxContext - state.position() - prompt.length + 1);
        if (state.position() + prompt.length > state.maxContext) {
            throw new IllegalArgumentException("the prompt has " + prompt.length + " tokens but the context holds " + (state.maxContext - state.position()));
        }
        int[] history = Arrays.copyOf(prompt, prompt.length + Math.max(0, limit));
        int n = prompt.length;
        int[] out = new int[Math.max(0, limit)];
        int produced = 0;
        String reason = "length";
        long t0 = System.nanoTime();
        float[] logits = model.prefill(state, prompt, false);
        long t1 = System.nanoTime();
        int[] one = new int[1];
        while (produced < limit) {
            sampler.applyPenalties(logits, history, n);
            int next = sampler.sample(logits);
            if (contains(stopIds, next)) { // the stop token itself is neither emitted nor returned
                reason = "stop";
                break;
            }
            out[produced++] = next;
            history[n++] = next;
            if (listener != null && !listener.onToken(next)) {
                reason = "cancelled";
                break;
            }
            if (produced == limit) break;
            one[0] = next;
            logits = model.forward(state, one, false);
        }
        long t2 = System.nanoTime();
        return new Result(Arrays.copyOf(out, produced), prompt.length, t1 - t0, t2 - t1, reason);
    }

    static boolean contains(int[] a, int x) {
        if (a == null) return false;
        for (int v : a) if (v == x) return true;
        return false;
    }
}
