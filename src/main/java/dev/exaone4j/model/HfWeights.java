package dev.exaone4j.model;

import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.gguf.GgufFormatException;
import dev.exaone4j.safetensors.HfCheckpoint;
import dev.exaone4j.safetensors.SafetensorsFile;
import dev.exaone4j.tensor.WeightMatrix;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@link Weights} of a Hugging Face checkpoint: GGUF tensor names are translated to the checkpoint's own
 * ({@link #hfName}), weights stay in the mapped safetensors shards (F32, F16 or BF16, stored [out, in]).
 */
public final class HfWeights implements Weights {
    private final HfCheckpoint ckpt;
    private final Architecture arch;
    private final int nLayers;

    public HfWeights(HfCheckpoint ckpt, Architecture arch, int nLayers) {
        this.ckpt = ckpt;
        this.arch = arch;
        this.nLayers = nLayers;
    }

    public HfCheckpoint checkpoint() {
        return ckpt;
    }

    /**
     * The checkpoint's name for a GGUF tensor name (expert = index into a stacked expert tensor, else -1),
     * or null when the architecture has no such tensor.
     */
    public static String hfName(Architecture arch, int nLayers, String gguf, int expert) {
        boolean e3 = arch == Architecture.EXAONE;
        switch (gguf) {
            case "token_embd.weight": return e3 ? "transformer.wte.weight" : "model.embed_tokens.weight";
            case "output_norm.weight": return e3 ? "transformer.ln_f.weight" : "model.norm.weight";
            case "output.weight": return "lm_head.weight";
            default: break;
        }
        if (!gguf.startsWith("blk.")) return null;
        int dot = gguf.indexOf('.', 4);
        int b = Integer.parseInt(gguf.substring(4, dot));
        String rest = gguf.substring(dot + 1);
        boolean mtp = arch == Architecture.EXAONE_MOE && b >= nLayers;
        String p = e3 ? "transformer.h." + b + "." : mtp ? "mtp.layers." + (b - nLayers) + "." : "model.layers." + b + ".";
        if (mtp) {
            switch (rest) {
                case "nextn.eh_proj.weight": return "mtp.fc.weight";
                case "nextn.enorm.weight": return "mtp.pre_fc_norm_embedding.weight";
                case "nextn.hnorm.weight": return "mtp.pre_fc_norm_hidden.weight";
                case "nextn.shared_head_norm.weight": return "mtp.norm.weight";
                default: break;
            }
        }
        if (e3) {
            return switch (rest) {
                case "attn_norm.weight" -> p + "ln_1.weight";
                case "ffn_norm.weight" -> p + "ln_2.weight";
                case "attn_q.weight" -> p + "attn.attention.q_proj.weight";
                case "attn_k.weight" -> p + "attn.attention.k_proj.weight";
                case "attn_v.weight" -> p + "attn.attention.v_proj.weight";
                case "attn_output.weight" -> p + "attn.attention.out_proj.weight";
                case "ffn_gate.weight" -> p + "mlp.c_fc_0.weight";
                case "ffn_up.weight" -> p + "mlp.c_fc_1.weight";
                case "ffn_down.weight" -> p + "mlp.c_proj.weight";
                default -> null;
            };
        }
        return switch (rest) {
            case "attn_q.weight" -> p + "self_attn.q_proj.weight";
            case "attn_k.weight" -> p + "self_attn.k_proj.weight";
            case "attn_v.weight" -> p + "self_attn.v_proj.weight";
            case "attn_output.weight" -> p + "self_attn.o_proj.weight";
            case "attn_q_norm.weight" -> p + "self_attn.q_norm.weight";
            case "attn_k_norm.weight" -> p + "self_attn.k_norm.weight";
            case "ffn_gate.weight" -> p + "mlp.gate_proj.weight";
            case "ffn_up.weight" -> p + "mlp.up_proj.weight";
            case "ffn_down.weight" -> p + "mlp.down_proj.weight";
            case "attn_norm.weight" -> p + "input_layernorm.weight";
            // EXAONE 4.0's post_attention_layernorm normalizes the attention output; elsewhere it is the pre-FFN norm
            case "post_attention_norm.weight" -> p + "post_attention_layernorm.weight";
            case "ffn_norm.weight" -> p + "post_attention_layernorm.weight";
            case "post_ffw_norm.weight" -> p + "post_feedforward_layernorm.weight";
            case "ffn_gate_inp.weight" -> p + "mlp.gate.weight";
            case "exp_probs_b.bias" -> p + "mlp.e_score_correction_bias";
            case "ffn_gate_shexp.weight" -> p + "mlp.shared_experts.gate_proj.weight";
            case "ffn_up_shexp.weight" -> p + "mlp.shared_experts.up_proj.weight";
            case "ffn_down_shexp.weight" -> p + "mlp.shared_experts.down_proj.weight";
            case "ffn_gate_exps.weight" -> p + "mlp.experts." + expert + ".gate_proj.weight";
            case "ffn_up_exps.weight" -> p + "mlp.experts." + expert + ".up_proj.weight";
            case "ffn_down_exps.weight" -> p + "mlp.experts." + expert + ".down_proj.weight";
            default -> null;
        };
    }

    private SafetensorsFile.Entry find(String gguf, int expert) {
        String hf = hfName(arch, nLayers, gguf, expert);
        return hf == null ? null : ckpt.tensor(hf);
    }

    private SafetensorsFile.Entry require(String gguf, int expert) {
        String hf = hfName(arch, nLayers, gguf, expert);
        SafetensorsFile.Entry e = hf == null ? null : ckpt.tensor(hf);
        if (e == null) throw new GgufFormatException(ckpt.dir() + ": tensor '" + (hf == null ? gguf : hf) + "' is missing from the checkpoint");
        return e;
    }

    static GgmlType typeOf(SafetensorsFile.Entry e) {
        return switch (e.dtype()) {
            case "F32" -> GgmlType.F32;
            case "F16" -> GgmlType.F16;
            case "BF16" -> GgmlType.BF16;
            default -> throw new GgufFormatException(e.file() + ": tensor '" + e.name() + "' has dtype " + e.dtype() + " (supported: F32, F16, BF16)");
        };
    }

    @Override
    public boolean has(String name) {
        return find(name, 0) != null;
    }

    @Override
    public WeightMatrix matrix(String name, int rows, int cols) {
        return matrix(require(name, -1), rows, cols);
    }

    private WeightMatrix matrix(SafetensorsFile.Entry e, int rows, int cols) {
        long[] s = e.shape();
        boolean ok = s.length == 2 ? s[0] == rows && s[1] == cols : s.length == 1 && rows == 1 && s[0] == cols;
        if (!ok) throw new GgufFormatException(e.file() + ": tensor '" + e.name() + "' has shape " + Arrays.toString(s)
                + " but the config needs [" + rows + ", " + cols + "]");
        return new WeightMatrix(e.name(), typeOf(e), rows, cols, e.data());
    }

    @Override
    public float[] vector(String name, int n) {
        return matrix(require(name, -1), 1, n).rowToFloatArray();
    }

    @Override
    public WeightMatrix[] experts(String name, int n, int rows, int cols) {
        WeightMatrix[] out = new WeightMatrix[n];
        for (int e = 0; e < n; e++) out[e] = matrix(require(name, e), rows, cols);
        return out;
    }

    @Override
    public String source() {
        return ckpt.dir().toString();
    }

    @Override
    public long totalBytes() {
        return ckpt.totalBytes();
    }

    @Override
    public Map<GgmlType, Integer> typeCounts() {
        Map<GgmlType, Integer> m = new EnumMap<>(GgmlType.class);
        for (SafetensorsFile.Entry e : ckpt.tensors().values()) {
            GgmlType t = switch (e.dtype()) { case "F16" -> GgmlType.F16; case "BF16" -> GgmlType.BF16; case "F32" -> GgmlType.F32; default -> null; };
            if (t != null) m.merge(t, 1, Integer::sum);
        }
        return m;
    }

    @Override
    public String dominantType() {
        Map<String, Long> bytes = new java.util.HashMap<>();
        for (SafetensorsFile.Entry e : ckpt.tensors().values()) if (e.shape().length >= 2) bytes.merge(e.dtype(), e.data().byteSize(), Long::sum);
        return bytes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("F32");
    }

    @Override
    public void close() {
        ckpt.close();
    }
}
