package dev.exaone4j.model;

/** A loaded model graph: runs tokens through the layers and returns next-token logits. */
public interface Model extends AutoCloseable {
    ModelConfig config();

    Weights weights();

    /** A fresh sequence state (empty KV cache) allowing up to maxContext positions. */
    InferenceState newState(int maxContext);

    /**
     * Runs n tokens (tokens[off..off+n)) at the state's next positions, appending them to its KV cache.
     * Returns the logits of the last position (length vocab), or with allLogits those of every position
     * (n x vocab, row-major). The returned array belongs to the state and is overwritten by the next call.
     */
    float[] forward(InferenceState state, int[] tokens, int off, int n, boolean allLogits);

    default float[] forward(InferenceState state, int[] tokens, boolean allLogits) {
        return forward(state, tokens, 0, tokens.length, allLogits);
    }

    /**
     * {@link #forward} for prompt tokens (as opposed to generated ones): their products keep f32 activations
     * whatever the weights' {@link dev.exaone4j.tensor.ActivationPrecision} (prefill is compute-bound, where the
     * exact kernels are the faster ones). Generated tokens go through {@link #forward}.
     */
    default float[] prefill(InferenceState state, int[] tokens, int off, int n, boolean allLogits) {
        return forward(state, tokens, off, n, allLogits);
    }

    default float[] prefill(InferenceState state, int[] tokens, boolean allLogits) {
        return prefill(state, tokens, 0, tokens.length, allLogits);
    }

    /** Releases the mapped weight files. */
    @Override
    default void close() {
        weights().close();
    }
}
