package dev.exaone4j.model;

import dev.exaone4j.tensor.MatMul;
import dev.exaone4j.tensor.Ops;
import dev.exaone4j.tensor.WeightMatrix;

/**
 * K-EXAONE ({@code exaone-moe}): pre-norm decoder layers, per-head QK RMSNorm, RoPE on sliding-window layers
 * only (global layers have no positional encoding), leading dense SwiGLU layers, then Mixture-of-Experts
 * layers: a sigmoid router picks the top-k experts by score + correction bias, weights them by their unbiased
 * scores (renormalized, times routed_scaling_factor), and adds the shared expert(s) without weight.
 * <pre>
 *   h = x + Attention(RMSNorm_attn(x))
 *   x = h + FFN(RMSNorm_ffn(h))          FFN = SwiGLU (dense layers) or MoE
 * </pre>
 */
public class ExaoneMoeModel extends DecoderModel {
    /** Router and experts of one MoE layer. */
    public record MoeWeights(WeightMatrix router, float[] bias, WeightMatrix[] gate, WeightMatrix[] up, WeightMatrix[] down, MlpWeights shared) {}

    protected final float[][] attnNorm;   // (layer, dim)
    protected final float[][] ffnNorm;    // (layer, dim)
    protected final MlpWeights[] dense;   // dense layers: gate/up (ffn, dim), down (dim, ffn)
    protected final MoeWeights[] moe;     // MoE layers: router (experts, dim), experts gate/up (moeFfn, dim), down (dim, moeFfn)

    public ExaoneMoeModel(ModelConfig c, Weights w) {
        super(c, w, true);
        attnNorm = new float[c.nLayers][];
        ffnNorm = new float[c.nLayers][];
        dense = new MlpWeights[c.nLayers];
        moe = new MoeWeights[c.nLayers];
        // the router's correction bias is optional for the whole model, not per layer: some layers without it
        // means a damaged file, and routing those layers unbiased would silently change the experts chosen
        int firstMoe = -1;
        for (int l = 0; l < c.nLayers && firstMoe < 0; l++) if (c.isMoe(l)) firstMoe = l;
        routerBias = firstMoe >= 0 && w.has("blk." + firstMoe + ".exp_probs_b.bias");
        for (int l = 0; l < c.nLayers; l++) {
            String p = "blk." + l + ".";
            attnNorm[l] = w.vector(p + "attn_norm.weight", c.dim);
            ffnNorm[l] = w.vector(p + "ffn_norm.weight", c.dim);
            if (c.isMoe(l)) moe[l] = loadMoe(p);
            else dense[l] = loadMlp(p, "", c.ffnDim);
        }
    }

    /** Whether the MoE layers carry the router's correction bias (all of them or none). */
    private final boolean routerBias;

    private float[] noBias(String p, int n) {
        if (w.has(p + "exp_probs_b.bias")) {
            throw new IllegalArgumentException("tensor '" + p + "exp_probs_b.bias' is present but the first MoE layer has none: the router biases must be in every MoE layer or none");
        }
        return new float[n];
    }

    private MoeWeights loadMoe(String p) {
        int n = c.nExperts, f = c.moeFfnDim;
        return new MoeWeights(
                w.matrix(p + "ffn_gate_inp.weight", n, c.dim),
                routerBias ? w.vector(p + "exp_probs_b.bias", n) : noBias(p, n),
                w.experts(p + "ffn_gate_exps.weight", n, f, c.dim),
                w.experts(p + "ffn_up_exps.weight", n, f, c.dim),
                w.experts(p + "ffn_down_exps.weight", n, c.dim, f),
                c.nSharedExperts > 0 ? loadMlp(p, "_shexp", c.sharedFfnDim) : null);
    }

    @Override
    protected void layer(int l, InferenceState s, int T) {
        int dim = c.dim;
        Ops.rmsnormRows(s.xb, s.x, attnNorm[l], T, dim, c.eps);
        attention(l, s, s.xb, s.xb2, T);
        addRows(s.x, s.xb2, T, dim);                          // h = x + Attention(norm(x))
        Ops.rmsnormRows(s.xb, s.x, ffnNorm[l], T, dim, c.eps);
        if (moe[l] != null) moeFfn(moe[l], s, s.xb, s.xb2, T);
        else mlp(dense[l], s, s.xb, s.xb2, T);
        addRows(s.x, s.xb2, T, dim);                          // x = h + FFN(norm(h))
    }

    /**
     * out (T x dim) = Σ_j w_j · Expert_{idx_j}(in) + Shared(in). Tokens are grouped by expert so each chosen
     * expert's weights are streamed once per batch; experts no token chose are never read.
     */
    protected void moeFfn(MoeWeights m, InferenceState s, float[] in, float[] out, int T) {
        int dim = c.dim, nExp = c.nExperts, k = c.nExpertsUsed, f = c.moeFfnDim;
        float[] logits = new float[T * nExp];
        m.router().matmul(in, T, logits);                     // router logits in f32
        int[] chosen = new int[T * k];
        float[] weight = new float[T * k];
        int[] count = new int[nExp];
        for (int t = 0; t < T; t++) route(m.bias(), logits, t * nExp, chosen, weight, t * k, count);

        java.util.Arrays.fill(out, 0, T * dim, 0f);
        for (int e = 0; e < nExp; e++) {
            int n = count[e];
            if (n == 0) continue;
            float[] xe = new float[n * dim], we = new float[n];
            int[] te = new int[n];
            int i = 0;
            for (int t = 0; t < T; t++) {
                for (int j = 0; j < k; j++) {
                    if (chosen[t * k + j] != e) continue;
                    System.arraycopy(in, t * dim, xe, i * dim, dim);
                    we[i] = weight[t * k + j];
                    te[i++] = t;
                }
            }
            float[] g = new float[n * f], u = new float[n * f], y = new float[n * dim];
            boolean[] exact = MatMul.exactRows(), exactE = null;     // the expert's rows keep their tokens' marks
            if (exact != null && exact.length >= T) {
                exactE = new boolean[n];
                for (i = 0; i < n; i++) exactE[i] = exact[te[i]];
            }
            MatMul.exactRows(exactE);
            try {
                MatMul.matmulShared(xe, n, m.gate()[e], g, m.up()[e], u, null, null);
                Ops.swiglu(g, u, n * f);
                m.down()[e].matmul(g, n, y);
            } finally {
                MatMul.exactRows(exact);
            }
            for (i = 0; i < n; i++) {
                dev.exaone4j.tensor.Kernels.axpy(we[i], y, i * dim, out, te[i] * dim, dim);
            }
        }
        if (m.shared() != null) {
            float[] sh = new float[T * dim];
            mlp(m.shared(), s, in, sh, T);
            Ops.add(out, sh, T * dim);
        }
    }

    /**
     * Sigmoid routing of one token: scores s = σ(logits); the top-k of s + bias are chosen (ties: lower index);
     * weights are the chosen unbiased scores, divided by their sum when norm_topk_prob, times the scale.
     */
    protected void route(float[] bias, float[] logits, int lo, int[] chosen, float[] weight, int co, int[] count) {
        int nExp = c.nExperts, k = c.nExpertsUsed;
        float[] score = new float[nExp];
        for (int e = 0; e < nExp; e++) score[e] = (float) (1.0 / (1.0 + Math.exp(-logits[lo + e])));
        boolean[] taken = new boolean[nExp];
        float sum = 0f;
        for (int j = 0; j < k; j++) {
            int best = -1;
            float bestV = Float.NEGATIVE_INFINITY;
            for (int e = 0; e < nExp; e++) {
                float v = score[e] + bias[e];
                if (!taken[e] && (best < 0 || v > bestV)) {
                    best = e;
                    bestV = v;
                }
            }
            taken[best] = true;
            chosen[co + j] = best;
            weight[co + j] = score[best];
            sum += score[best];
            count[best]++;
        }
        float norm = c.normTopk ? 1f / (sum + 1e-20f) : 1f;
        for (int j = 0; j < k; j++) weight[co + j] *= norm * c.routedScale;
    }
}
