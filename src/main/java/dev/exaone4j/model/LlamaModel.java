package dev.exaone4j.model;

import dev.exaone4j.tensor.Ops;

/**
 * Llama-shaped pre-norm decoder: {@code llama} (Llama 2/3 GGUFs such as stories260K) and {@code exaone}
 * (EXAONE 3.x, the same graph with NeoX RoPE and llama3 frequency scaling). No QK-norm, RoPE on every layer.
 * <pre>
 *   h = x + Attention(RMSNorm_attn(x))
 *   x = h + SwiGLU(RMSNorm_ffn(h))
 * </pre>
 */
public final class LlamaModel extends DecoderModel {
    private final float[][] attnNorm;   // (layer, dim)
    private final float[][] ffnNorm;    // (layer, dim)
    private final MlpWeights[] mlp;     // (layer) gate/up (ffn, dim), down (dim, ffn)

    public LlamaModel(ModelConfig c, Weights w) {
        super(c, w, false);
        attnNorm = new float[c.nLayers][];
        ffnNorm = new float[c.nLayers][];
        mlp = new MlpWeights[c.nLayers];
        for (int l = 0; l < c.nLayers; l++) {
            String p = "blk." + l + ".";
            attnNorm[l] = w.vector(p + "attn_norm.weight", c.dim);
            ffnNorm[l] = w.vector(p + "ffn_norm.weight", c.dim);
            mlp[l] = loadMlp(p, "", c.ffnDim);
        }
    }

    @Override
    protected void layer(int l, InferenceState s, int T) {
        int dim = c.dim;
        Ops.rmsnormRows(s.xb, s.x, attnNorm[l], T, dim, c.eps);
        attention(l, s, s.xb, s.xb2, T);
        addRows(s.x, s.xb2, T, dim);                          // h = x + Attention(norm(x))
        Ops.rmsnormRows(s.xb, s.x, ffnNorm[l], T, dim, c.eps);
        mlp(mlp[l], s, s.xb, s.xb2, T);
        addRows(s.x, s.xb2, T, dim);                          // x = h + SwiGLU(norm(h))
    }
}
