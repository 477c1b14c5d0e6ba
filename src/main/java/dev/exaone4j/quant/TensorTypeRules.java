package dev.exaone4j.quant;

import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.gguf.GgufMetadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which type each tensor gets when a model is quantized to a {@link FileType}, following llama.cpp's
 * {@code llama_tensor_get_type}: only 2-D/3-D {@code *weight} tensors are quantized (norms, 1-D tensors, the
 * MoE router {@code ffn_gate_inp} and biases such as {@code exp_probs_b} keep their type); the output head
 * (or the tied token embedding) gets Q6_K in block-quantized mixes (Q8_0 when its rows do not fit 256);
 * {@code attn_v}, {@code ffn_down}, {@code attn_output} and {@code attn_qkv} get more bits per the ftype and
 * the {@code use_more_bits} layer pattern; 8-expert models get Q8_0 {@code attn_k}/{@code attn_v}; rows whose
 * length is not a multiple of the block size fall back (Q4_K to Q5_0, Q5_K to Q5_1, Q6_K to Q8_0, other
 * block-32 types to F16, then F16 if still misfit). Differences from llama.cpp, all outside its supported
 * paths: Q2_K/Q3_K misfits use Q4_0 where llama.cpp would use IQ4_NL (not produced by exaone4j), and
 * {@code --pure} still applies the misfit fallback where llama.cpp would abort.
 * <p>
 * The rules count {@code attn_v} and {@code ffn_down} tensors as they go, so tensors must be presented in
 * {@link #LLAMA_ORDER} (llama.cpp's order: non-layer tensors by name, then by layer number, then by name).
 * One instance serves one model.
 */
public final class TensorTypeRules {

    /** Facts about the model the rules depend on. {@code nLayer} is {@code {arch}.block_count}. */
    public record ModelInfo(String arch, int nLayer, int nHead, int nHeadKv, int nExpert, boolean hasOutput, int nAttentionWv) {
        /** Reads the facts from GGUF metadata and the model's tensor names. */
        public static ModelInfo of(GgufMetadata md, Collection<String> tensorNames) {
            String arch = md.getString("general.architecture", "");
            int nLayer = (int) first(md.get(arch + ".block_count"));
            int nHead = (int) first(md.get(arch + ".attention.head_count"));
            int nHeadKv = md.has(arch + ".attention.head_count_kv") ? (int) first(md.get(arch + ".attention.head_count_kv")) : nHead;
            int nExpert = (int) first(md.get(arch + ".expert_count"));
            boolean hasOutput = tensorNames.contains("output.weight");
            int nWv = 0;
            for (String n : tensorNames) {
                if (n.contains("attn_v.weight") || n.contains("attn_qkv.weight") || n.contains("attn_kv_b.weight")) nWv++;
            }
            return new ModelInfo(arch, nLayer, nHead, nHeadKv, nExpert, hasOutput, nWv);
        }

        private static long first(Object v) {
            if (v == null) return 0;
            if (v instanceof Long l) return l;
            if (v instanceof GgufMetadata.Array a && a.values() instanceof long[] l && l.length > 0) return l[0];
            return 0;
        }

        /** llama.cpp's n_gqa() of layer 0. */
        int gqa() {
            return nHeadKv > 0 ? nHead / nHeadKv : 0;
        }
    }

    /** llama.cpp's tensor order ({@code weight_name_comparer}): layer number (-1 outside blocks), then bytewise name. */
    public static final Comparator<String> LLAMA_ORDER = (a, b) -> {
        int la = layerOf(a), lb = layerOf(b);
        if (la != lb) return Integer.compare(la, lb);
        return java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    };

    private final FileType ftype;
    private final boolean pure;
    private final ModelInfo info;
    private final List<String> notes = new ArrayList<>();
    private int iAttentionWv, iFfnDown, iFfnGate, iFfnUp;

    public TensorTypeRules(FileType ftype, boolean pure, ModelInfo info) {
        this.ftype = ftype;
        this.pure = pure;
        this.info = info;
    }

    /** The layer number of a {@code blk.N.*} name as C's {@code sscanf("blk.%d.")} reads it, or -1. */
    public static int layerOf(String name) {
        if (!name.startsWith("blk.")) return -1;
        int i = 4, n = name.length();
        while (i < n && Character.isWhitespace(name.charAt(i))) i++;
        boolean neg = false;
        if (i < n && (name.charAt(i) == '-' || name.charAt(i) == '+')) neg = name.charAt(i++) == '-';
        int start = i;
        long v = 0;
        while (i < n && name.charAt(i) >= '0' && name.charAt(i) <= '9' && v < Integer.MAX_VALUE) v = v * 10 + (name.charAt(i++) - '0');
        if (i == start) return -1;
        return (int) (neg ? -v : v);
    }

    /** Number of dimensions as ggml counts them (trailing 1s ignored). */
    static int nDims(long[] ne) {
        int n = ne.length;
        while (n > 1 && ne[n - 1] == 1) n--;
        return n;
    }

    /** Whether llama.cpp's quantizer touches this tensor at all (2-D/3-D weights that are not norms or routers). */
    public static boolean isQuantizable(String name, long[] ne) {
        boolean q = name.endsWith("weight");
        q &= nDims(ne) >= 2;
        q &= !name.contains("_norm.weight");
        q &= !name.contains("ffn_gate_inp.weight");
        q &= !name.contains("altup") && !name.contains("laurel") && !name.contains("per_layer_model_proj");
        q &= !name.equals("position_embd.weight") && !name.equals("token_types.weight");
        q &= !name.contains("ssm_conv1d.weight") && !name.contains("shortconv.conv.weight");
        q &= !isRwkvSmall(name);
        q &= !name.contains("attn_rel_b.weight");
        return q;
    }

    private static boolean isRwkvSmall(String name) {
        for (String s : new String[] {"time_mix_first", "time_mix_w0", "time_mix_w1", "time_mix_w2", "time_mix_v0", "time_mix_v1",
                "time_mix_v2", "time_mix_a0", "time_mix_a1", "time_mix_a2", "time_mix_g1", "time_mix_g2", "time_mix_decay_w1",
                "time_mix_decay_w2", "time_mix_lerp_fused"}) {
            if (name.contains(s + ".weight")) return true;
        }
        return false;
    }

    /** Messages about fallbacks taken so far (row lengths that do not fit a type). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /**
     * The type tensor {@code name} (dims {@code ne}, stored as {@code current}) gets. Non-quantizable tensors
     * keep {@code current}. Call once per tensor, in {@link #LLAMA_ORDER}.
     */
    public GgmlType typeFor(String name, long[] ne, GgmlType current) {
        if (!isQuantizable(name, ne)) return current;
        GgmlType t = ftype.defaultType;
        if (!pure && ftype.isQuantized()) {
            t = rules(name, ne, t);
        }
        return fit(name, ne, t);
    }

    private static boolean useMoreBits(int iLayer, int nLayers) {
        return iLayer < nLayers / 8 || iLayer >= 7 * nLayers / 8 || (iLayer - nLayers / 8) % 3 == 2;
    }

    private int layerFor(int counter, String name) {
        if (Math.max(1, info.nExpert()) > 1) {
            int l = layerOf(name);
            if (l < 0 || l >= info.nLayer()) {
                throw new IllegalArgumentException("cannot place tensor " + name + " in a layer of [0, " + info.nLayer() + ")");
            }
            return l;
        }
        return counter;
    }

    private boolean is(FileType... fs) {
        for (FileType f : fs) if (ftype == f) return true;
        return false;
    }

    private GgmlType rules(String name, long[] ne, GgmlType t) {
        boolean falcon = info.arch().equals("falcon");
        int nLayer = info.nLayer();
        if (name.equals("output.weight") || (!info.hasOutput() && name.equals("token_embd.weight"))) {
            if (falcon || ne[0] % t.blockSize != 0) t = GgmlType.Q8_0;
            else if (t != GgmlType.Q8_0) t = GgmlType.Q6_K;
        } else if (name.equals("token_embd.weight") || name.equals("per_layer_token_embd.weight")) {
            // only the IQ and TQ mixes change the token embedding
        } else if (name.contains("attn_v.weight")) {
            if (is(FileType.Q2_K)) t = info.gqa() >= 4 ? GgmlType.Q4_K : GgmlType.Q3_K;
            else if (is(FileType.Q3_K_M)) t = iAttentionWv < 2 ? GgmlType.Q5_K : GgmlType.Q4_K;
            else if (is(FileType.Q3_K_L)) t = GgmlType.Q5_K;
            else if (is(FileType.Q4_K_M, FileType.Q5_K_M) && useMoreBits(iAttentionWv, info.nAttentionWv())) t = GgmlType.Q6_K;
            else if (is(FileType.Q4_K_S) && iAttentionWv < 4) t = GgmlType.Q5_K;
            if (is70B() && (t == GgmlType.Q3_K || t == GgmlType.Q4_K)) t = GgmlType.Q5_K;
            if (info.nExpert() == 8) t = GgmlType.Q8_0;
            ++iAttentionWv;
        } else if (name.contains("attn_k.weight")) {
            if (info.nExpert() == 8) t = GgmlType.Q8_0;
        } else if (name.contains("attn_q.weight")) {
            // only the IQ3 mixes change attn_q
        } else if (name.contains("ffn_down")) {
            int iLayer = layerFor(iFfnDown, name);
            if (is(FileType.Q2_K)) t = GgmlType.Q3_K;
            else if (is(FileType.Q3_K_M)) {
                t = iLayer < nLayer / 16 ? GgmlType.Q5_K : !falcon || useMoreBits(iLayer, nLayer) ? GgmlType.Q4_K : GgmlType.Q3_K;
            } else if (is(FileType.Q3_K_L)) t = falcon ? GgmlType.Q4_K : GgmlType.Q5_K;
            else if (is(FileType.Q4_K_M)) {
                if (falcon) t = iLayer < nLayer / 16 ? GgmlType.Q6_K : useMoreBits(iLayer, nLayer) ? GgmlType.Q5_K : GgmlType.Q4_K;
                else if (useMoreBits(iLayer, nLayer)) t = GgmlType.Q6_K;
            } else if (is(FileType.Q5_K_M) && useMoreBits(iLayer, nLayer)) t = GgmlType.Q6_K;
            else if (is(FileType.Q4_K_S) && !falcon && iLayer < nLayer / 8) t = GgmlType.Q5_K;
            ++iFfnDown;
        } else if (name.contains("attn_output.weight")) {
            if (!falcon) {
                if (info.nExpert() == 8) {
                    if (is(FileType.Q2_K, FileType.Q3_K_S, FileType.Q3_K_M, FileType.Q4_K_S, FileType.Q4_K_M)) t = GgmlType.Q5_K;
                } else {
                    if (is(FileType.Q2_K)) t = GgmlType.Q3_K;
                    else if (is(FileType.Q3_K_M)) t = GgmlType.Q4_K;
                    else if (is(FileType.Q3_K_L)) t = GgmlType.Q5_K;
                }
            } else if (is(FileType.Q3_K_L)) {
                t = GgmlType.Q4_K;
            }
        } else if (name.contains("attn_qkv.weight")) {
            if (is(FileType.Q3_K_M, FileType.Q3_K_L)) t = GgmlType.Q4_K;
            else if (is(FileType.Q4_K_M)) t = GgmlType.Q5_K;
            else if (is(FileType.Q5_K_M)) t = GgmlType.Q6_K;
        } else if (name.contains("ffn_gate")) {
            layerFor(iFfnGate, name);
            ++iFfnGate;
        } else if (name.contains("ffn_up")) {
            layerFor(iFfnUp, name);
            ++iFfnUp;
        }
        return t;
    }

    /** llama.cpp's LLM_TYPE_70B: an 80-layer llama with grouped KV heads. */
    private boolean is70B() {
        return info.arch().equals("llama") && info.nLayer() == 80 && info.nHead() != info.nHeadKv();
    }

    /** The misfit fallback: a type whose block size divides the row length. */
    private GgmlType fit(String name, long[] ne, GgmlType t) {
        if (ne[0] % t.blockSize == 0) return t;
        GgmlType f = switch (t) {
            case Q2_K, Q3_K -> GgmlType.Q4_0;
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            default -> GgmlType.F16;
        };
        if (ne[0] % f.blockSize != 0) f = GgmlType.F16;
        notes.add(name + ": " + ne[0] + " columns are not a multiple of " + t.blockSize + " (" + t + "); using " + f);
        return f;
    }
}
