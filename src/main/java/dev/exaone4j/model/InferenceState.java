package dev.exaone4j.model;

/**
 * Everything one sequence owns while it is decoded: the position, one {@link KvCache} per layer and the
 * activation buffers of a batch of up to {@code maxBatch} tokens (allocated once, reused by every call).
 */
public final class InferenceState {
    public final ModelConfig config;
    public final int maxBatch;
    public final int maxContext;
    final KvCache[] caches;
    int position;

    // activations, row-major [maxBatch, width]
    final float[] x, xb, xb2;
    final float[] q, k, v, att;
    final float[] hb, hb2;
    final float[] hidden;     // final-normed hidden states of the last forward call (MTP input)
    float[] logits = new float[0];
    final float[] ropeCos, ropeSin;
    // per-row attention bookkeeping: which cache and position each row of a batch uses
    final KvCache[] rowCache;
    final int[] rowPos;
    // the rows that get logits in a lastOnly batch (DecoderModel#forwardRows), their prompt marks and logits
    final int[] rowLast;
    final boolean[] lastPrompt;
    float[] lastLogits = new float[0];
    // multi-sequence batches (continuous batching): the sequence of each row, null in single-sequence use
    InferenceState[] rowSeq;

    public InferenceState(ModelConfig c, int maxContext, int maxBatch) {
        this(c, maxContext, maxBatch, c.nLayers);
    }

    /** A state with {@code nCaches} layer caches (the MTP head adds its own). */
    public InferenceState(ModelConfig c, int maxContext, int maxBatch, int nCaches) {
        this(c, maxContext, maxBatch, nCaches, true);
    }

    /**
     * A sequence that only holds caches (withScratch = false): its rows run inside another state's batch
     * ({@link DecoderModel#forwardRows}), which owns the activation buffers.
     */
    public static InferenceState sequence(ModelConfig c, int maxContext, int maxBatch) {
        return new InferenceState(c, maxContext, maxBatch, c.nLayers, false);
    }

    /** A batch workspace with activation buffers for maxBatch rows and no caches of its own. */
    public static InferenceState workspace(ModelConfig c, int maxBatch) {
        return new InferenceState(c, 1, maxBatch, 0, true);
    }

    private InferenceState(ModelConfig c, int maxContext, int maxBatch, int nCaches, boolean scratch) {
        this(c, maxContext, maxBatch, nCaches, scratch, true);
    }

    /** allocateCaches false: the caller fills {@link #caches} (a copy, which must not allocate them twice). */
    private InferenceState(ModelConfig c, int maxContext, int maxBatch, int nCaches, boolean scratch, boolean allocateCaches) {
        if (maxContext < 1) throw new IllegalArgumentException("context size must be >= 1");
        this.config = c;
        this.maxBatch = maxBatch;
        this.maxContext = maxContext;
        this.caches = new KvCache[nCaches];
        for (int l = 0; l < nCaches && allocateCaches; l++) {
            caches[l] = new KvCache(c.kvDim(), l < c.nLayers && c.isSliding(l) ? c.slidingWindow : 0, maxBatch, maxContext);
        }
        int ffn = Math.max(c.ffnDim, Math.max(c.moeFfnDim, c.sharedFfnDim));
        int wide = Math.max(c.dim, c.qDim());
        if (!scratch) maxBatch = 0;
        x = new float[maxBatch * c.dim];
        xb = new float[maxBatch * wide];
        xb2 = new float[maxBatch * wide];
        q = new float[maxBatch * c.qDim()];
        k = new float[maxBatch * c.kvDim()];
        v = new float[maxBatch * c.kvDim()];
        att = new float[maxBatch * c.qDim()];
        hb = new float[maxBatch * ffn];
        hb2 = new float[maxBatch * ffn];
        hidden = new float[maxBatch * c.dim];
        ropeCos = new float[c.ropeDim / 2];
        ropeSin = new float[c.ropeDim / 2];
        rowCache = new KvCache[maxBatch];
        rowPos = new int[maxBatch];
        rowLast = new int[maxBatch];
        lastPrompt = new boolean[maxBatch];
    }

    /** Number of positions already in the cache (the position of the next token). */
    public int position() {
        return position;
    }

    /** Forgets positions >= pos (rollback after rejected speculative tokens, or reuse of a prefix). */
    public void truncate(int pos) {
        if (pos < 0 || pos > position) throw new IllegalArgumentException("cannot truncate to " + pos + " (position " + position + ")");
        if (pos > 0 && pos < minTruncate()) { // position 0 (an empty cache) needs no window
            throw new IllegalStateException("cannot roll back from " + position + " to " + pos + ": a sliding-window ring no longer holds the window before " + pos);
        }
        position = pos;
    }

    /**
     * The lowest position this state can be truncated to. Global caches keep everything; a sliding ring of C slots
     * and window W has overwritten the slots of positions below position - (C - W + 1), which the window before
     * an earlier position would need.
     */
    public int minTruncate() {
        int min = 0;
        for (KvCache c : caches) {
            if (c.isSliding() && position > c.capacity()) min = Math.max(min, position - (c.capacity() - c.window() + 1));
        }
        return min;
    }

    public KvCache cache(int layer) {
        return caches[layer];
    }

    /** Final-normed hidden state of row t of the last forward call (length dim, copied). */
    public float[] hiddenRow(int t) {
        float[] h = new float[config.dim];
        System.arraycopy(hidden, t * config.dim, h, 0, config.dim);
        return h;
    }

    /**
     * A fork: a new state at the same position with deep copies of every cache (global caches and sliding rings as
     * they are), so the copy and the original then evolve independently (prefix caches). Activation buffers are
     * fresh, not copied.
     */
    public InferenceState copy() {
        InferenceState s = new InferenceState(config, maxContext, maxBatch, caches.length, x.length > 0, false);
        for (int l = 0; l < caches.length; l++) s.caches[l] = caches[l].copy();
        s.position = position;
        return s;
    }

    /** Heap the KV caches could still take: the maximum heap less what is in use now. */
    public static long freeHeapBytes() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** Bytes held by the KV caches. */
    public long kvBytes() {
        long n = 0;
        for (KvCache c : caches) n += c.bytes();
        return n;
    }
}
