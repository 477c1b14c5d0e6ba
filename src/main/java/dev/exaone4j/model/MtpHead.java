package dev.exaone4j.model;

import dev.exaone4j.tensor.MatMul;
import dev.exaone4j.tensor.Ops;
import dev.exaone4j.tensor.WeightMatrix;

/**
 * K-EXAONE's multi-token-prediction (MTP) head (spec §4.8; vLLM {@code ExaoneMoeMTP}): one extra dense decoder
 * layer that, from the main model's final-normed hidden state h_p at position p and the token t_{p+1} that
 * followed it, predicts t_{p+2}. Its row p ("MTP position" p) is
 * <pre>
 *   e = RMSNorm_enorm(embed[t_{p+1}])        token_embd shared with the main model           (dim)
 *   g = RMSNorm_hnorm(h_p)                                                                    (dim)
 *   y = W_eh · concat(e, g)                  eh_proj (dim, 2·dim), embedding half first       (dim)
 *   y = y + Attention(RMSNorm_attn(y))       QK-norm, full causal attention, NO RoPE, own KV cache
 *   y = y + SwiGLU(RMSNorm_ffn(y))           dense FFN (ffnDim)
 *   o = RMSNorm_shared_head(y)               the head's final norm                            (dim)
 *   logits = W_out · o                       the main model's output head                     (vocab)
 * </pre>
 * Drafting more tokens than there are MTP layers reuses the one layer, as vLLM does: the next draft row takes the
 * previous row's o in place of h_p. o is final-normed like the main model's h (vLLM's {@code ExaoneMoeMTP.forward}
 * returns the {@code mtp.norm} output, which is both the logits input and the hidden state of the next step), so
 * hnorm always sees the same kind of input.
 *
 * <p>Weights: GGUF {@code blk.N.nextn.{eh_proj,enorm,hnorm,shared_head_norm}} plus the layer's {@code blk.N.attn_*},
 * {@code attn_norm}, {@code ffn_norm} and dense {@code ffn_gate/up/down}, N = nLayers; a Hugging Face checkpoint's
 * {@code mtp.*} tensors are found under the same names through {@link HfWeights#hfName}.
 */
public final class MtpHead {
    private final ExaoneMoeModel model;
    private final ModelConfig c;
    private final int layer;                       // N = nLayers: the MTP layer's index (attention weights, cache)
    private final WeightMatrix ehProj;             // (dim, 2·dim)
    private final float[] enorm, hnorm;            // (dim)
    private final float[] attnNorm, ffnNorm;       // (dim)
    private final DecoderModel.MlpWeights mlp;     // gate/up (ffnDim, dim), down (dim, ffnDim)
    private final float[] sharedHeadNorm;          // (dim)

    private MtpHead(ExaoneMoeModel model) {
        this.model = model;
        this.c = model.c;
        this.layer = c.nLayers;
        Weights w = model.w;
        String p = "blk." + layer + ".";
        this.ehProj = w.matrix(p + "nextn.eh_proj.weight", c.dim, 2 * c.dim);
        this.enorm = w.vector(p + "nextn.enorm.weight", c.dim);
        this.hnorm = w.vector(p + "nextn.hnorm.weight", c.dim);
        this.sharedHeadNorm = w.vector(p + "nextn.shared_head_norm.weight", c.dim);
        this.attnNorm = w.vector(p + "attn_norm.weight", c.dim);
        this.ffnNorm = w.vector(p + "ffn_norm.weight", c.dim);
        this.mlp = model.loadMlp(p, "", c.ffnDim);
        if (model.attn[layer] == null) throw new IllegalArgumentException("model " + w.source() + " has no MTP head (its MTP layer has no attention weights)");
    }

    /** Whether the model carries an MTP head this class can run. */
    public static boolean available(Model model) {
        return model instanceof ExaoneMoeModel m && m.c.nextnLayers > 0
                && m.w.has("blk." + m.c.nLayers + ".nextn.eh_proj.weight") && m.attn[m.c.nLayers] != null;
    }

    /** The model's MTP head; a clear error when it has none. */
    public static MtpHead of(Model model) {
        String src = model.weights().source();
        if (!(model instanceof ExaoneMoeModel m)) {
            throw new IllegalArgumentException("model " + src + " has no MTP head (MTP is implemented for K-EXAONE / exaone-moe models; this one is " + model.config().arch + ")");
        }
        if (!available(model)) throw new IllegalArgumentException("model " + src + " has no MTP head");
        return new MtpHead(m);
    }

    public Model model() {
        return model;
    }

    /**
     * One sequence as seen by the main model and the MTP head together. The main {@link InferenceState} holds one
     * cache more than the main layers: cache[nLayers] is the MTP layer's (global: every MTP row stays visible). The
     * MTP head runs between main forward calls and borrows that state's activation buffers, never its hidden rows or
     * logits.
     * <p>Bookkeeping, with P = main position: the MTP cache holds rows [0, position); the main hidden states of
     * positions [position, P) wait in {@code pending} (with the main input token of each) until the token after
     * each is known; rows a draft chain wrote beyond position are scratch, dropped by the next main forward.
     */
    public final class State {
        final InferenceState main;
        int position;                 // committed MTP rows
        int drafted;                  // draft rows written after them (discarded by the next main forward)
        final float[] pendingHidden;  // (maxBatch, dim): final-normed main hidden states of positions [position, P)
        final int[] pendingTokens;    // main input token of each pending position
        int pending;
        final float[] in2;            // (maxBatch, 2·dim): concat(e, g) rows
        final float[] out;            // (maxBatch, dim): the o rows of the last MTP call
        final float[] chained;        // (dim): the h of the next draft row
        float[] logits = new float[0];

        State(int maxContext, int maxBatch) {
            main = new InferenceState(c, Math.min(maxContext, c.contextLength), maxBatch, c.nLayers + 1);
            int b = main.maxBatch;
            pendingHidden = new float[b * c.dim];
            pendingTokens = new int[b];
            in2 = new float[b * 2 * c.dim];
            out = new float[b * c.dim];
            chained = new float[c.dim];
        }

        /** The main model's state (run it through {@link MtpHead#advance}, which keeps the hidden states the head needs). */
        public InferenceState main() {
            return main;
        }

        /** Main position P: tokens in the main model's cache. */
        public int mainPosition() {
            return main.position();
        }

        /** MTP rows committed to its cache (each built from a main hidden state). */
        public int mtpPosition() {
            return position;
        }

        /** Bytes held by the KV caches (main layers and MTP layer). */
        public long kvBytes() {
            return main.kvBytes();
        }
    }

    /** A fresh sequence: empty main and MTP caches. */
    public State newState(int maxContext) {
        return newState(maxContext, DecoderModel.DEFAULT_MAX_BATCH);
    }

    /** A fresh sequence whose forward calls run at most maxBatch rows at a time (sliding rings: window + maxBatch). */
    public State newState(int maxContext, int maxBatch) {
        if (maxBatch < 2) throw new IllegalArgumentException("maxBatch must be >= 2, got " + maxBatch);
        return new State(maxContext, maxBatch);
    }

    // ------------------------------------------------------------------ the head itself

    /**
     * The head alone, on hidden states computed elsewhere: appends n rows to the MTP cache, row i pairing the
     * final-normed hidden state hidden[hOff + i·dim ..] with tokens[tOff + i]. Returns the logits of the last row
     * (vocab) or, with allLogits, of every row (n x vocab); the array belongs to the state. A state driven this way is
     * not also driven through {@link #advance}.
     */
    public float[] forward(State st, float[] hidden, int hOff, int[] tokens, int tOff, int n, boolean allLogits) {
        float[] logits = run(st, hidden, hOff, tokens, tOff, n, allLogits ? Logits.ALL : Logits.LAST);
        st.position += n;
        return logits;
    }

    private enum Logits { NONE, LAST, ALL }

    private float[] run(State st, float[] hidden, int hOff, int[] tokens, int tOff, int n, Logits want) {
        if (n < 1 || n > st.main.maxBatch) throw new IllegalArgumentException("MTP rows per call must be in [1, " + st.main.maxBatch + "], got " + n);
        InferenceState s = st.main;
        int dim = c.dim, vocab = c.vocabSize;
        for (int t = 0; t < n; t++) {
            int tok = tokens[tOff + t];
            if (tok < 0 || tok >= vocab) throw new IllegalArgumentException("token id " + tok + " is outside the vocabulary [0, " + vocab + ")");
            int row = t * 2 * dim;
            model.tokenEmbd.rowToFloat(tok, st.in2, row);
            Ops.rmsnorm(st.in2, row, st.in2, row, enorm, dim, c.eps);                       // e
            Ops.rmsnorm(st.in2, row + dim, hidden, hOff + t * dim, hnorm, dim, c.eps);      // g
        }
        ehProj.matmul(st.in2, n, s.x);                                                      // y = W_eh·[e; g]
        Ops.rmsnormRows(s.xb, s.x, attnNorm, n, dim, c.eps);
        model.attention(layer, s, s.xb, s.xb2, n, s.caches[layer], st.position + st.drafted); // no RoPE: layer >= nLayers
        DecoderModel.addRows(s.x, s.xb2, n, dim);                                           // y += Attention(norm(y))
        Ops.rmsnormRows(s.xb, s.x, ffnNorm, n, dim, c.eps);
        model.mlp(mlp, s, s.xb, s.xb2, n);
        DecoderModel.addRows(s.x, s.xb2, n, dim);                                           // y += SwiGLU(norm(y))
        Ops.rmsnormRows(st.out, s.x, sharedHeadNorm, n, dim, c.eps);                        // o
        System.arraycopy(st.out, (n - 1) * dim, st.chained, 0, dim);
        if (want == Logits.NONE) return null;
        int rows = want == Logits.ALL ? n : 1;
        if (st.logits.length != rows * vocab) st.logits = new float[rows * vocab];
        if (want == Logits.ALL) MatMul.matmulRowwise(model.output, st.out, n, st.logits);
        else MatMul.matmulRowwise(model.output, st.chained, 1, st.logits);
        return st.logits;
    }

    // ------------------------------------------------------------------ main model and head together

    /**
     * Runs n tokens through the main model at its next positions (as {@link Model#forward}) and keeps their hidden
     * states for the MTP head; drops the rows of any previous draft chain. When the kept rows would exceed a batch,
     * the older ones are run through the head right away (the token after each is known by then).
     */
    public float[] advance(State st, int[] tokens, int off, int n, boolean allLogits) {
        return advance(st, tokens, off, n, allLogits, false);
    }

    /** {@link #advance(State, int[], int, int, boolean)}; prompt: the tokens are prompt tokens (see {@link Model#prefill}). */
    public float[] advance(State st, int[] tokens, int off, int n, boolean allLogits, boolean prompt) {
        st.drafted = 0;
        int dim = c.dim;
        return model.forward(st.main, tokens, off, n, allLogits, (hidden, first, T) -> {
            if (st.pending > 0 && st.pending + T > st.main.maxBatch) commitPending(st, tokens[off + first], Logits.NONE);
            System.arraycopy(hidden, 0, st.pendingHidden, st.pending * dim, T * dim);
            System.arraycopy(tokens, off + first, st.pendingTokens, st.pending, T);
            st.pending += T;
        }, prompt);
    }

    /**
     * Runs the head over every kept main hidden state whose next token is known, i.e. all but the last (the token
     * after it is still to be chosen). Returns the logits of those rows (rows x vocab) with allLogits, else null.
     */
    public float[] settle(State st, boolean allLogits) {
        if (st.pending < 2) return null;
        st.drafted = 0;
        int last = st.pending - 1;
        int lastToken = st.pendingTokens[last];
        float[] lastHidden = java.util.Arrays.copyOfRange(st.pendingHidden, last * c.dim, st.pending * c.dim);
        st.pending = last;
        float[] logits = commitPending(st, lastToken, allLogits ? Logits.ALL : Logits.NONE);
        System.arraycopy(lastHidden, 0, st.pendingHidden, 0, c.dim);
        st.pendingTokens[0] = lastToken;
        st.pending = 1;
        return logits;
    }

    /**
     * First draft step, once the token at the main position is chosen: runs the head over every kept main hidden
     * state (the last one paired with {@code next}) and returns the logits of the last row, which predict the token
     * after {@code next}.
     */
    public float[] draftFirst(State st, int next) {
        if (st.pending == 0) throw new IllegalStateException("the MTP head has no main hidden state to start from (run the main model first)");
        st.drafted = 0;
        return commitPending(st, next, Logits.LAST);
    }

    /** A further draft step: the previous MTP row's o paired with the token drafted from it. */
    public float[] draftNext(State st, int drafted) {
        if (st.pending != 0) throw new IllegalStateException("draftNext follows draftFirst");
        float[] logits = run(st, st.chained.clone(), 0, new int[]{drafted}, 0, 1, Logits.LAST);
        st.drafted++;
        return logits;
    }

    /**
     * Rolls the sequence back to main position pos (after rejected speculative tokens): the main caches forget
     * positions >= pos (sliding rings keep what they need for a rollback of up to maxBatch + 1 positions, see
     * {@link KvCache}), the MTP head forgets its draft rows and the hidden states of the forgotten positions. The MTP's
     * committed rows stay, so pos must keep the token their last row used, the one at position mtpPosition().
     */
    public void rollback(State st, int pos) {
        if (pos <= st.position && pos != st.main.position()) {
            throw new IllegalArgumentException("cannot roll back to position " + pos + ": the MTP head already used the token at position " + st.position);
        }
        st.main.truncate(pos);
        st.drafted = 0;
        st.pending = pos - st.position;
    }

    /**
     * Main model and head over a whole sequence from an empty state: returns the head's logits of rows 0..n−2 ((n−1) x
     * vocab; row i uses the hidden state at i and token i+1 and predicts token i+2).
     */
    public float[] logitsAll(State st, int[] ids) {
        if (st.main.position() != 0) throw new IllegalStateException("logitsAll needs a fresh state");
        if (ids.length < 2) throw new IllegalArgumentException("the MTP head needs at least 2 tokens (hidden state and next token), got " + ids.length);
        int vocab = c.vocabSize;
        float[] all = new float[(ids.length - 1) * vocab];
        int chunk = st.main.maxBatch - 1, rows = 0;
        for (int done = 0; done < ids.length; done += chunk) {
            int n = Math.min(chunk, ids.length - done);
            advance(st, ids, done, n, false, true);
            float[] l = settle(st, true);
            if (l == null) continue;
            System.arraycopy(l, 0, all, rows * vocab, l.length);
            rows += l.length / vocab;
        }
        return all;
    }

    /** Runs the kept hidden states (at most maxBatch; the last one paired with lastNext) through the head and commits them. */
    private float[] commitPending(State st, int lastNext, Logits want) {
        int n = st.pending;
        int[] next = new int[n];
        System.arraycopy(st.pendingTokens, 1, next, 0, n - 1);
        next[n - 1] = lastNext;
        st.drafted = 0;
        float[] logits = run(st, st.pendingHidden, 0, next, 0, n, want);
        st.position += n;
        st.pending = 0;
        return logits;
    }
}
