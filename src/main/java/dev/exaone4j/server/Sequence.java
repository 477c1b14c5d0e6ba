package dev.exaone4j.server;

import dev.exaone4j.engine.SpeculativeGenerator;
import dev.exaone4j.model.InferenceState;
import dev.exaone4j.sampling.Sampler;
import dev.exaone4j.sampling.SamplerConfig;
import dev.exaone4j.tokenizer.StreamingDecoder;

/**
 * One generation (one choice of one request) as the {@link Scheduler} runs it: the prompt, its sampler and penalties,
 * its KV state, the tokens generated so far and the text pipeline (incremental detokenizer, stop strings, JSON
 * constraint). Everything but {@link #cancel()} is touched by the scheduler thread only.
 */
final class Sequence {
    /** Receives a sequence's output; called on the scheduler thread, so implementations only enqueue. */
    interface Listener {
        /**
         * Released text (possibly empty), with the logprob of a token whose text begins in it or before (null when
         * none is released with it; several released at once come as calls with empty text, then the text).
         */
        void onText(Sequence s, String text, TokenLogprob lp);

        /** The sequence ended; no more calls follow. */
        void onFinish(Sequence s, Finish finish);
    }

    /**
     * How a sequence ended.
     *
     * @param reason           {@code stop} (end-of-generation token, stop string, constraint complete), {@code length}
     *                         (max_tokens or context), {@code cancelled} (client gone) or {@code error}
     * @param promptTokens     tokens of the prompt
     * @param completionTokens tokens sampled
     * @param cachedTokens     prompt tokens taken from the prefix cache instead of being computed
     * @param error            for {@code error}, what failed
     */
    record Finish(String reason, int promptTokens, int completionTokens, int cachedTokens, ApiError error) {}

    final int choice;
    final int[] prompt;
    final GenerationParams params;
    final int maxTokens;
    final Listener listener;
    final JsonConstraint constraint;
    final Sampler sampler;
    final Sampler repetition;        // over prompt + output, or null
    final Sampler presenceFrequency; // over the output only (OpenAI semantics), or null
    final long enqueuedNanos = System.nanoTime();
    final StreamingDecoder decoder;
    final StopMatcher stops;
    /** Logprobs of sampled tokens whose text has not begun to be released (held by the stop matcher or decoder). */
    final java.util.ArrayDeque<TokenLogprob> heldLogprobs = new java.util.ArrayDeque<>();

    // scheduler state
    InferenceState state;
    SpeculativeGenerator spec;   // MTP path, else null
    int fed;                 // prompt tokens in the state
    int cached;              // of which from the prefix cache
    int[] snapshots = new int[0];
    int snapshotIndex;
    final int[] history;     // prompt + output
    int length;
    final int[] output;
    int generated;
    int pending = -1;        // sampled, not yet run through the model
    long reserved;           // KV bytes reserved for this sequence
    float[] row;             // this sequence's logits row, penalized and masked in place
    long[] order;            // candidate order scratch for constrained sampling
    int stepRows;            // rows this sequence contributes to the current step
    int lastRow;             // its last row in the batch (whose logits predict its next token)
    long firstTokenNanos;
    boolean finished;
    private volatile boolean cancelled;

    /**
     * @param maxTokens  completion limit (already checked against the context)
     * @param constraint JSON constraint for forced tool calls / json_object, or null
     */
    Sequence(int choice, int[] prompt, GenerationParams params, int maxTokens, int contextSize, LoadedModel lm,
             JsonConstraint constraint, Listener listener) {
        this.choice = choice;
        this.prompt = prompt;
        this.params = params;
        this.maxTokens = maxTokens;
        this.listener = listener;
        this.constraint = constraint;
        SamplerConfig sc = params.sampling(choice);
        this.sampler = new Sampler(sc);
        this.repetition = params.repetitionPenalty() != 1f
                ? new Sampler(new SamplerConfig(0f, 0, 1f, 0f, params.repetitionPenalty(), 0f, 0f, contextSize, 0)) : null;
        this.presenceFrequency = params.presencePenalty() != 0f || params.frequencyPenalty() != 0f
                ? new Sampler(new SamplerConfig(0f, 0, 1f, 0f, 1f, params.presencePenalty(), params.frequencyPenalty(), Math.max(1, maxTokens), 0)) : null;
        this.history = new int[prompt.length + maxTokens];
        System.arraycopy(prompt, 0, history, 0, prompt.length);
        this.length = prompt.length;
        this.output = new int[maxTokens];
        this.decoder = lm.tokenizer.streamingDecoder(false);
        this.stops = new StopMatcher(params.stop());
    }

    /** Asks the scheduler to stop this sequence and free its memory at its next step. */
    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    /** Whether the sequence can run on the plain per-token path only (needs every token's logits). */
    boolean needsLogits() {
        return constraint != null || params.logprobs() || params.penalized() || params.ignoreEos() || !params.logitBias().isEmpty();
    }

    /** The next prefix-cache snapshot position, or -1. */
    int nextSnapshot() {
        return snapshotIndex < snapshots.length ? snapshots[snapshotIndex] : -1;
    }
}
