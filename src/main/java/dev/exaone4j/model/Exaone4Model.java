package dev.exaone4j.model;

import dev.exaone4j.tensor.Ops;

/**
 * EXAONE 4.0 ({@code exaone4}), "QK-Reorder-Norm": no norm before attention or MLP; RMSNorm on each
 * sub-layer's output before it is added to the residual stream; per-head RMSNorm on Q and K before RoPE.
 * Hybrid models (32B) interleave sliding-window layers (RoPE, window W) with global layers (no positional
 * encoding); all-global models (1.2B) use RoPE everywhere.
 * <pre>
 *   h = x + RMSNorm_post_attn(Attention(x))
 *   x = h + RMSNorm_post_ffw(SwiGLU(h))
 * </pre>
 */
public final class Exaone4Model extends DecoderModel {
    private final float[][] postAttnNorm;   // (layer, dim)
    private final float[][] postFfwNorm;    // (layer, dim)
    private final MlpWeights[] mlp;         // (layer) gate/up (ffn, dim), down (dim, ffn)

    public Exaone4Model(ModelConfig c, Weights w) {
        super(c, w, true);
        postAttnNorm = new float[c.nLayers][];
        postFfwNorm = new float[c.nLayers][];
        mlp = new MlpWeights[c.nLayers];
        for (int l = 0; l < c.nLayers; l++) {
            String p = "blk." + l + ".";
            postAttnNorm[l] = w.vector(p + "post_attention_norm.weight", c.dim);
            postFfwNorm[l] = w.vector(p + "post_ffw_norm.weight", c.dim);
            mlp[l] = loadMlp(p, "", c.ffnDim);
        }
    }

    @Override
    protected void layer(int l, InferenceState s, int T) {
        int dim = c.dim;
        attention(l, s, s.x, s.xb, T);                        // a = Attention(x)
        Ops.rmsnormRows(s.xb, s.xb, postAttnNorm[l], T, dim, c.eps);
        addRows(s.x, s.xb, T, dim);                           // h = x + norm(a)
        mlp(mlp[l], s, s.x, s.xb, T);                         // m = SwiGLU(h)
        Ops.rmsnormRows(s.xb, s.xb, postFfwNorm[l], T, dim, c.eps);
        addRows(s.x, s.xb, T, dim);                           // x = h + norm(m)
    }
}
