package dev.exaone4j.model;

import dev.exaone4j.tensor.Kernels;
import dev.exaone4j.tensor.MatMul;
import dev.exaone4j.tensor.Ops;
import dev.exaone4j.tensor.Parallel;
import dev.exaone4j.tensor.WeightMatrix;

/**
 * What every decoder-only architecture shares: token embedding, the attention block (projections, optional
 * per-head QK RMSNorm, RoPE where the layer uses it, KV cache, causal or sliding-window attention), the SwiGLU
 * MLP, final norm and output head, and prompt chunking. An architecture subclass only says how one layer
 * wires these together ({@link #layer}).
 */
public abstract class DecoderModel implements Model {
    /** Default batch (prompt chunk) size: the rows one forward call processes together. */
    public static final int DEFAULT_MAX_BATCH = 256;

    /** Attention weights of one layer. qNorm/kNorm are null when the architecture has no QK-norm. */
    public record AttentionWeights(WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo, float[] qNorm, float[] kNorm) {}

    /** SwiGLU MLP weights: down(silu(gate x) * up x). */
    public record MlpWeights(WeightMatrix gate, WeightMatrix up, WeightMatrix down) {}

    protected final ModelConfig c;
    protected final Weights w;
    protected final WeightMatrix tokenEmbd;   // (vocab, dim)
    protected final WeightMatrix output;      // (vocab, dim), token_embd when tied
    protected final float[] outputNorm;       // (dim)
    protected final Rope rope;
    protected final AttentionWeights[] attn;

    protected DecoderModel(ModelConfig c, Weights w, boolean qkNorm) {
        this.c = c;
        this.w = w;
        this.tokenEmbd = w.matrix("token_embd.weight", c.vocabSize, c.dim);
        this.output = w.has("output.weight") ? w.matrix("output.weight", c.vocabSize, c.dim) : tokenEmbd;
        this.outputNorm = w.vector("output_norm.weight", c.dim);
        this.rope = new Rope(c);
        int layers = c.nLayers + c.nextnLayers;
        this.attn = new AttentionWeights[layers];
        for (int l = 0; l < layers; l++) {
            if (l >= c.nLayers && !w.has("blk." + l + ".attn_q.weight")) continue; // no MTP layer in this file
            attn[l] = loadAttention(l, qkNorm);
        }
    }

    protected AttentionWeights loadAttention(int l, boolean qkNorm) {
        String p = "blk." + l + ".";
        return new AttentionWeights(
                w.matrix(p + "attn_q.weight", c.qDim(), c.dim),        // (qDim, dim)
                w.matrix(p + "attn_k.weight", c.kvDim(), c.dim),       // (kvDim, dim)
                w.matrix(p + "attn_v.weight", c.kvDim(), c.dim),       // (kvDim, dim)
                w.matrix(p + "attn_output.weight", c.dim, c.qDim()),   // (dim, qDim)
                qkNorm ? w.vector(p + "attn_q_norm.weight", c.headDim) : null,
                qkNorm ? w.vector(p + "attn_k_norm.weight", c.headDim) : null);
    }

    protected MlpWeights loadMlp(String prefix, String suffix, int hidden) {
        return new MlpWeights(
                w.matrix(prefix + "ffn_gate" + suffix + ".weight", hidden, c.dim),  // (hidden, dim)
                w.matrix(prefix + "ffn_up" + suffix + ".weight", hidden, c.dim),    // (hidden, dim)
                w.matrix(prefix + "ffn_down" + suffix + ".weight", c.dim, hidden)); // (dim, hidden)
    }

    @Override
    public ModelConfig config() {
        return c;
    }

    @Override
    public Weights weights() {
        return w;
    }

    @Override
    public InferenceState newState(int maxContext) {
        return new InferenceState(c, Math.min(maxContext, c.contextLength), DEFAULT_MAX_BATCH);
    }

    /** One decoder layer over the T rows of s.x (the residual stream), in place. */
    protected abstract void layer(int l, InferenceState s, int T);

    /**
     * Sees the final-normed hidden states (the output head's input) of each chunk a forward call runs, before the
     * next chunk overwrites them: the multi-token-prediction head consumes them.
     */
    @FunctionalInterface
    public interface HiddenListener {
        /** Rows [first, first + T) of the call (counted from its first token) are hidden[0 .. T·dim). */
        void onHidden(float[] hidden, int first, int T);
    }

    @Override
    public float[] forward(InferenceState s, int[] tokens, int off, int n, boolean allLogits) {
        return forward(s, tokens, off, n, allLogits, null);
    }

    @Override
    public float[] prefill(InferenceState s, int[] tokens, int off, int n, boolean allLogits) {
        return forward(s, tokens, off, n, allLogits, null, true);
    }

    /** {@link #forward(InferenceState, int[], int, int, boolean)}, handing each chunk's hidden states to a listener. */
    public float[] forward(InferenceState s, int[] tokens, int off, int n, boolean allLogits, HiddenListener hiddenListener) {
        return forward(s, tokens, off, n, allLogits, hiddenListener, false);
    }

    /** Every row marked exact, for {@link MatMul#exactRows}: grown to the largest batch seen. */
    private static volatile boolean[] allExact = new boolean[0];

    static boolean[] allExact(int n) {
        boolean[] a = allExact;
        if (a.length < n) {
            a = new boolean[Math.max(n, 2 * a.length)];
            java.util.Arrays.fill(a, true);
            allExact = a;
        }
        return a;
    }

    /**
     * The forward pass; prompt: the tokens are prompt tokens, whose products keep f32 activations (see
     * {@link Model#prefill}).
     */
    public float[] forward(InferenceState s, int[] tokens, int off, int n, boolean allLogits, HiddenListener hiddenListener, boolean prompt) {
        boolean[] previous = MatMul.exactRows(prompt ? allExact(s.maxBatch) : null);
        try {
            return run(s, tokens, off, n, allLogits, hiddenListener);
        } finally {
            MatMul.exactRows(previous);
        }
    }

    private float[] run(InferenceState s, int[] tokens, int off, int n, boolean allLogits, HiddenListener hiddenListener) {
        if (n < 1) throw new IllegalArgumentException("forward needs at least one token");
        if (s.position + n > s.maxContext) {
            throw new IllegalStateException("prompt and generation need " + (s.position + n) + " positions but the context holds " + s.maxContext);
        }
        int vocab = c.vocabSize;
        int need = allLogits ? n * vocab : vocab;
        if (s.logits.length != need) s.logits = new float[need];
        for (int done = 0; done < n; ) {
            // chunks of equal size (within one): a short last chunk would waste the prompt kernel's token lanes
            int left = n - done, chunks = (left + s.maxBatch - 1) / s.maxBatch, T = (left + chunks - 1) / chunks;
            for (int t = 0; t < T; t++) {
                int tok = tokens[off + done + t];
                if (tok < 0 || tok >= vocab) throw new IllegalArgumentException("token id " + tok + " is outside the vocabulary [0, " + vocab + ")");
                tokenEmbd.rowToFloat(tok, s.x, t * c.dim);
            }
            for (int l = 0; l < c.nLayers; l++) layer(l, s, T);
            Ops.rmsnormRows(s.hidden, s.x, outputNorm, T, c.dim, c.eps);
            s.position += T;
            boolean last = done + T == n;
            if (allLogits) {
                float[] tmp = T == n ? s.logits : new float[T * vocab];
                MatMul.matmulRowwise(output, s.hidden, T, tmp);
                if (tmp != s.logits) System.arraycopy(tmp, 0, s.logits, done * vocab, T * vocab);
            } else if (last) {
                System.arraycopy(s.hidden, (T - 1) * c.dim, s.xb, 0, c.dim); // the last row only, no allocation per token
                MatMul.matmulRowwise(output, s.xb, 1, s.logits);
            }
            if (hiddenListener != null) hiddenListener.onHidden(s.hidden, done, T);
            done += T;
        }
        return s.logits;
    }

    /**
     * One batched step over rows of several sequences (continuous batching): row t feeds tokens[t] to seqs[t]
     * at that sequence's next position (rows of one sequence contiguous and in order). Matrix products run once
     * for all rows; attention uses each sequence's own cache. Returns T x vocab logits (owned by ws); every
     * sequence's position advances by its row count. ws is a {@link InferenceState#workspace} with T <= maxBatch.
     */
    public float[] forwardRows(InferenceState ws, InferenceState[] seqs, int[] tokens, int T) {
        return forwardRows(ws, seqs, tokens, T, null);
    }

    /**
     * {@link #forwardRows(InferenceState, InferenceState[], int[], int)} where promptRows[t] marks the rows that feed
     * prompt tokens (their products keep f32 activations, as {@link Model#prefill}); null: every row is a generated
     * token.
     */
    public float[] forwardRows(InferenceState ws, InferenceState[] seqs, int[] tokens, int T, boolean[] promptRows) {
        return forwardRows(ws, seqs, tokens, T, promptRows, false);
    }

    /**
     * {@link #forwardRows(InferenceState, InferenceState[], int[], int, boolean[])}; lastOnly: only the last row of
     * each sequence in the batch gets logits (the only row a scheduler samples from), the other rows of the
     * returned array are left as they were. A prompt chunk's other rows then skip the vocabulary projection.
     */
    public float[] forwardRows(InferenceState ws, InferenceState[] seqs, int[] tokens, int T, boolean[] promptRows, boolean lastOnly) {
        boolean[] previous = MatMul.exactRows(promptRows);
        try {
            return runRows(ws, seqs, tokens, T, promptRows, lastOnly);
        } finally {
            MatMul.exactRows(previous);
        }
    }

    private float[] runRows(InferenceState ws, InferenceState[] seqs, int[] tokens, int T, boolean[] promptRows, boolean lastOnly) {
        if (T < 1 || T > ws.maxBatch) throw new IllegalArgumentException("batch of " + T + " rows (workspace holds " + ws.maxBatch + ")");
        int vocab = c.vocabSize;
        for (int t = 0; t < T; t++) {
            InferenceState q = seqs[t];
            int pos = (t > 0 && seqs[t - 1] == q) ? ws.rowPos[t - 1] + 1 : q.position;
            if (pos >= q.maxContext) throw new IllegalStateException("context is full (" + q.maxContext + " tokens)");
            ws.rowPos[t] = pos;
            int tok = tokens[t];
            if (tok < 0 || tok >= vocab) throw new IllegalArgumentException("token id " + tok + " is outside the vocabulary [0, " + vocab + ")");
            tokenEmbd.rowToFloat(tok, ws.x, t * c.dim);
        }
        ws.rowSeq = seqs;
        try {
            for (int l = 0; l < c.nLayers; l++) layer(l, ws, T);
        } finally {
            ws.rowSeq = null;
        }
        Ops.rmsnormRows(ws.hidden, ws.x, outputNorm, T, c.dim, c.eps);
        if (ws.logits.length < T * vocab) ws.logits = new float[ws.maxBatch * vocab];
        int n = 0;
        if (lastOnly) {
            // the rows that end their sequence's run, packed (with their prompt marks) for one projection
            for (int t = 0; t < T; t++) {
                if (t + 1 < T && seqs[t + 1] == seqs[t]) continue;
                System.arraycopy(ws.hidden, t * c.dim, ws.xb, n * c.dim, c.dim);
                ws.rowLast[n] = t;
                ws.lastPrompt[n++] = promptRows != null && promptRows[t];
            }
        }
        if (lastOnly && n < T) {
            boolean[] outer = MatMul.exactRows(ws.lastPrompt);
            try {
                if (ws.lastLogits.length < n * vocab) ws.lastLogits = new float[n * vocab];
                MatMul.matmulRowwise(output, ws.xb, n, ws.lastLogits);
            } finally {
                MatMul.exactRows(outer);
            }
            for (int i = 0; i < n; i++) System.arraycopy(ws.lastLogits, i * vocab, ws.logits, ws.rowLast[i] * vocab, vocab);
        } else {
            MatMul.matmulRowwise(output, ws.hidden, T, ws.logits);
        }
        for (int t = 0; t < T; t++) seqs[t].position = ws.rowPos[t] + 1;
        return ws.logits;
    }

    /**
     * The attention block of layer l: in (T x dim) → out (T x dim). Projects Q, K, V, applies per-head QK-norm
     * and RoPE as the layer requires, appends K and V to the layer cache, attends, projects with Wo. In a
     * multi-sequence batch each row uses its own sequence's cache and position.
     */
    protected void attention(int l, InferenceState s, float[] in, float[] out, int T) {
        if (s.rowSeq == null) {
            attention(l, s, in, out, T, s.caches[l], s.position);
            return;
        }
        for (int t = 0; t < T; t++) {
            KvCache cache = s.rowSeq[t].caches[l];
            cache.ensure(s.rowPos[t] + 1);
            s.rowCache[t] = cache;
        }
        attentionRows(l, s, in, out, T);
    }

    /** The attention block of layer l over an explicit cache whose next position is {@code start}. */
    protected void attention(int l, InferenceState s, float[] in, float[] out, int T, KvCache cache, int start) {
        cache.ensure(start + T);
        for (int t = 0; t < T; t++) {
            s.rowCache[t] = cache;
            s.rowPos[t] = start + t;
        }
        attentionRows(l, s, in, out, T);
    }

    /** Attention where row t uses cache s.rowCache[t] at position s.rowPos[t]. */
    private void attentionRows(int l, InferenceState s, float[] in, float[] out, int T) {
        AttentionWeights a = attn[l];
        int qDim = c.qDim(), kvDim = c.kvDim(), hd = c.headDim;
        MatMul.matmulShared(in, T, a.wq(), s.q, a.wk(), s.k, a.wv(), s.v);     // q, k, v = in·Wqᵀ, in·Wkᵀ, in·Wvᵀ
        boolean useRope = l < c.nLayers && c.usesRope(l);
        for (int t = 0; t < T; t++) {
            if (a.qNorm() != null) {
                Ops.rmsnormHeads(s.q, t * qDim, c.nHeads, hd, a.qNorm(), c.eps);
                Ops.rmsnormHeads(s.k, t * kvDim, c.nKvHeads, hd, a.kNorm(), c.eps);
            }
            if (useRope) {
                rope.angles(s.rowPos[t], s.ropeCos, s.ropeSin);
                rope.apply(s.q, t * qDim, c.nHeads, hd, s.ropeCos, s.ropeSin);
                rope.apply(s.k, t * kvDim, c.nKvHeads, hd, s.ropeCos, s.ropeSin);
            }
            KvCache cache = s.rowCache[t];
            int o = cache.offset(s.rowPos[t]);
            System.arraycopy(s.k, t * kvDim, cache.keys(), o, kvDim);
            System.arraycopy(s.v, t * kvDim, cache.values(), o, kvDim);
        }
        attend(s.rowCache, s.rowPos, s.q, s.att, T);
        a.wo().matmul(s.att, T, out);
    }

    private static final int KEY_CHUNK = 64;
    private static final ThreadLocal<float[]> SCORES = ThreadLocal.withInitial(() -> new float[KEY_CHUNK]);
    private static final ThreadLocal<int[]> KEY_OFFSETS = ThreadLocal.withInitial(() -> new int[KEY_CHUNK]);
    /** Per query head of a task: the online softmax's running max and sum. */
    private static final ThreadLocal<float[]> HEAD_STATE = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * For each of T query rows (row t at position pos[t], attending cache caches[t]) and each head:
     * softmax(q·kᵀ / sqrt(hd)) · v over the positions the cache lets that query see, streaming keys in chunks
     * with an online softmax (no full score matrix, whatever the context length).
     */
    protected void attend(KvCache[] caches, int[] positions, float[] q, float[] out, int T) {
        int nHeads = c.nHeads, hd = c.headDim, qDim = c.qDim();
        int group = nHeads / c.nKvHeads;
        float scale = (float) (1.0 / Math.sqrt(hd));
        long span = 0;
        for (int t = 0; t < T; t++) span += positions[t] - caches[t].firstVisible(positions[t]) + 1;
        // a task: one key-value head, one row, and hpt of the query heads sharing that key-value head, which read
        // each chunk of keys and values from memory once, then from L1 (every head's arithmetic is unchanged); the
        // whole group when there are enough tasks for the threads, one head per task otherwise (decoding few rows)
        int nKv = c.nKvHeads, hpt = T * nKv >= 4 * Parallel.global().threads() ? group : 1, subs = group / hpt;
        Parallel.forRange(T * nKv * subs, 1, span * nHeads * hd * 2, (from, to) -> {
            float[] sc = SCORES.get();
            int[] koff = KEY_OFFSETS.get();
            float[] state = HEAD_STATE.get();
            if (state.length < 2 * hpt) HEAD_STATE.set(state = new float[2 * hpt]);
            for (int task = from; task < to; task++) {
                int g = task / (T * subs), rest = task % (T * subs), t = rest / subs, h0 = g * group + (rest % subs) * hpt;
                KvCache cache = caches[t];
                float[] keys = cache.keys(), values = cache.values();
                int pos = positions[t];
                int kvo = g * hd;
                for (int i = 0; i < hpt; i++) {
                    int oo = t * qDim + (h0 + i) * hd;
                    java.util.Arrays.fill(out, oo, oo + hd, 0f);
                    state[2 * i] = Float.NEGATIVE_INFINITY;    // running max
                    state[2 * i + 1] = 0f;                     // running sum
                }
                for (int p0 = cache.firstVisible(pos); p0 <= pos; p0 += KEY_CHUNK) {
                    int n = Math.min(KEY_CHUNK, pos - p0 + 1);
                    for (int j = 0; j < n; j++) koff[j] = cache.offset(p0 + j) + kvo;
                    for (int i = 0; i < hpt; i++) {
                        int qo = t * qDim + (h0 + i) * hd, oo = qo;
                        float max = state[2 * i], sum = state[2 * i + 1], cmax = Float.NEGATIVE_INFINITY;
                        Kernels.dotRows(q, qo, keys, koff, n, hd, scale, sc);             // scores q·k / sqrt(hd)
                        for (int j = 0; j < n; j++) cmax = Math.max(cmax, sc[j]);
                        if (cmax > max) {
                            float r = Kernels.exp(max - cmax);
                            sum *= r;
                            for (int d = 0; d < hd; d++) out[oo + d] *= r;
                            max = cmax;
                        }
                        sum += Kernels.expShifted(sc, 0, n, max);                      // e_j = exp(score_j - max)
                        Kernels.axpyRows(sc, values, koff, n, out, oo, hd);     // out += sum_j e_j v_j, keys in order
                        state[2 * i] = max;
                        state[2 * i + 1] = sum;
                    }
                }
                for (int i = 0; i < hpt; i++) {
                    int oo = t * qDim + (h0 + i) * hd;
                    float inv = 1f / state[2 * i + 1];
                    for (int d = 0; d < hd; d++) out[oo + d] *= inv;
                }
            }
        });
    }

    /** SwiGLU MLP: out (T x dim) = down(silu(gate in) * up in). */
    protected void mlp(MlpWeights m, InferenceState s, float[] in, float[] out, int T) {
        int hidden = m.gate().rows();
        MatMul.matmulShared(in, T, m.gate(), s.hb, m.up(), s.hb2, null, null);
        Ops.swiglu(s.hb, s.hb2, T * hidden);
        m.down().matmul(s.hb, T, out);
    }

    protected static void addRows(float[] x, float[] y, int T, int dim) {
        Ops.add(x, y, T * dim);
    }
}
