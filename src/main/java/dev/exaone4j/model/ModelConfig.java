package dev.exaone4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exaone4j.gguf.GgufFile;
import dev.exaone4j.gguf.GgufFormatException;
import dev.exaone4j.gguf.GgufMetadata;
import dev.exaone4j.gguf.GgufTensorInfo;

import java.util.Arrays;

/**
 * Hyperparameters of a model, read from GGUF metadata or a Hugging Face config.json and checked for
 * plausibility (every number read from a file is bounded before it sizes anything).
 */
public final class ModelConfig {
    public final Architecture arch;
    public final int dim;            // hidden size
    public final int nLayers;        // main decoder layers (MTP layers excluded)
    public final int nHeads;
    public final int nKvHeads;
    public final int headDim;
    public final int ffnDim;         // dense SwiGLU width
    public final int vocabSize;
    public final int contextLength;
    public final float eps;
    public final double ropeTheta;
    public final int ropeDim;        // rotated dimensions per head (== headDim for EXAONE)
    public final RopeStyle ropeStyle;
    public final float[] ropeDivisors; // per frequency divisor (llama3 scaling) or null
    public final int slidingWindow;  // 0 when no layer slides
    public final boolean[] slidingLayers;
    public final boolean ropeOnGlobalLayers;
    // Mixture of Experts (K-EXAONE); zero / null for dense models
    public final int nExperts;
    public final int nExpertsUsed;
    public final int moeFfnDim;
    public final int nSharedExperts;
    public final int sharedFfnDim;
    public final boolean[] moeLayers;
    public final float routedScale;
    public final boolean normTopk;
    public final int nextnLayers;    // MTP layers stored after the main layers
    public final int bosId;
    public final int eosId;

    private ModelConfig(Builder b) {
        this.arch = b.arch;
        this.dim = b.dim;
        this.nLayers = b.nLayers;
        this.nHeads = b.nHeads;
        this.nKvHeads = b.nKvHeads;
        this.headDim = b.headDim;
        this.ffnDim = b.ffnDim;
        this.vocabSize = b.vocabSize;
        this.contextLength = b.contextLength;
        this.eps = b.eps;
        this.ropeTheta = b.ropeTheta;
        this.ropeDim = b.ropeDim;
        this.ropeStyle = b.ropeStyle;
        this.ropeDivisors = b.ropeDivisors;
        this.slidingWindow = b.slidingWindow;
        this.slidingLayers = b.slidingLayers;
        this.ropeOnGlobalLayers = b.ropeOnGlobalLayers;
        this.nExperts = b.nExperts;
        this.nExpertsUsed = b.nExpertsUsed;
        this.moeFfnDim = b.moeFfnDim;
        this.nSharedExperts = b.nSharedExperts;
        this.sharedFfnDim = b.sharedFfnDim;
        this.moeLayers = b.moeLayers;
        this.routedScale = b.routedScale;
        this.normTopk = b.normTopk;
        this.nextnLayers = b.nextnLayers;
        this.bosId = b.bosId;
        this.eosId = b.eosId;
    }

    public int qDim() { return nHeads * headDim; }
    public int kvDim() { return nKvHeads * headDim; }

    public boolean isSliding(int layer) {
        return slidingLayers != null && layer < slidingLayers.length && slidingLayers[layer];
    }

    /** Whether layer l applies RoPE: sliding layers always; global layers only when no layer slides. */
    public boolean usesRope(int layer) {
        return isSliding(layer) || ropeOnGlobalLayers;
    }

    public boolean isMoe(int layer) {
        return moeLayers != null && layer < moeLayers.length && moeLayers[layer];
    }

    /** Bytes of K and V cached per token across all layers at f32, for an unbounded context. */
    public long kvBytesPerToken() {
        return 2L * kvDim() * Float.BYTES * nLayers;
    }

    /**
     * Bytes of K and V (f32) a sequence holds with globalSlots positions in each global layer's cache (up to the
     * context) and sliding rings of window + ringBatch slots (at most the context): the KV cache's exact size.
     */
    public long kvBytes(int globalSlots, int ringBatch, int context) {
        long slot = 2L * kvDim() * Float.BYTES, total = 0;
        for (int l = 0; l < nLayers; l++) total += slot * (isSliding(l) ? Math.min((long) slidingWindow + ringBatch, context) : Math.min(globalSlots, context));
        return total;
    }

    /** Bytes of K and V (f32) the MTP head's own cache holds with globalSlots positions (its layers are global). */
    public long mtpKvBytes(int globalSlots) {
        return 2L * kvDim() * Float.BYTES * globalSlots * Math.max(1, nextnLayers);
    }

    /** The layer pattern as a string: L = sliding window, G = global. */
    public String layerPattern() {
        StringBuilder sb = new StringBuilder();
        for (int l = 0; l < nLayers; l++) sb.append(isSliding(l) ? 'L' : 'G');
        return sb.toString();
    }

    // ---------------------------------------------------------------- GGUF

    public static ModelConfig fromGguf(GgufFile f) {
        GgufMetadata md = f.metadata();
        String src = f.path().toString();
        String archName = md.getString("general.architecture");
        Architecture arch;
        try {
            arch = Architecture.fromGguf(archName);
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException(src + ": " + e.getMessage());
        }
        String p = archName + ".";
        Builder b = new Builder(arch, src);
        int blockCount = md.getInt(p + "block_count", 1, 4096);
        b.nextnLayers = md.getInt(p + "nextn_predict_layers", 0, 16, 0);
        b.nLayers = blockCount - b.nextnLayers;
        b.dim = md.getInt(p + "embedding_length", 1, 1 << 17);
        b.nHeads = md.getInt(p + "attention.head_count", 1, 4096);
        b.nKvHeads = md.getInt(p + "attention.head_count_kv", 1, 4096, b.nHeads);
        b.headDim = md.getInt(p + "attention.key_length", 1, 4096, b.dim / b.nHeads);
        int valueLength = md.getInt(p + "attention.value_length", 1, 4096, b.headDim);
        if (valueLength != b.headDim) {
            throw new GgufFormatException(src + ": " + p + "attention.value_length " + valueLength + " differs from key_length " + b.headDim + " (not an EXAONE attention)");
        }
        b.ffnDim = md.getInt(p + "feed_forward_length", 1, 1 << 20);
        b.contextLength = md.getInt(p + "context_length", 1, 1 << 24, 4096);
        String epsKey = md.has(p + "attention.layer_norm_rms_epsilon") ? p + "attention.layer_norm_rms_epsilon" : p + "attention.layer_norm_epsilon";
        b.eps = md.has(epsKey) ? (float) md.getDouble(epsKey) : 1e-5f;
        b.ropeTheta = md.has(p + "rope.freq_base") ? md.getDouble(p + "rope.freq_base") : 10000.0;
        b.ropeDim = md.getInt(p + "rope.dimension_count", 1, 4096, b.headDim);
        b.ropeStyle = arch == Architecture.LLAMA ? RopeStyle.NORM : RopeStyle.NEOX;
        String scalingType = md.has(p + "rope.scaling.type") ? String.valueOf(md.get(p + "rope.scaling.type")) : "none";
        double scalingFactor = md.has(p + "rope.scaling.factor") ? md.getDouble(p + "rope.scaling.factor") : 1.0;
        if (!scalingType.equals("none") && !(scalingType.equals("linear") && scalingFactor == 1.0)) {
            throw new GgufFormatException(src + ": " + p + "rope.scaling.type '" + scalingType + "' (factor " + scalingFactor
                    + ") is not supported (supported: none; llama3 scaling comes as the rope_freqs tensor)");
        }
        GgufTensorInfo embd = f.tensor("token_embd.weight");
        if (md.has(p + "vocab_size")) b.vocabSize = md.getInt(p + "vocab_size", 1, 1 << 24);
        else if (md.has("tokenizer.ggml.tokens")) b.vocabSize = md.getArray("tokenizer.ggml.tokens").length();
        else if (embd != null && embd.ne().length == 2) b.vocabSize = (int) Math.min(Integer.MAX_VALUE, embd.ne()[1]);
        else throw new GgufFormatException(src + ": cannot determine the vocabulary size");
        GgufTensorInfo rf = f.tensor("rope_freqs.weight");
        if (rf != null) {
            if (rf.elementCount() != b.ropeDim / 2) throw new GgufFormatException(src + ": tensor 'rope_freqs.weight' has " + rf.elementCount() + " values, expected " + b.ropeDim / 2);
            b.ropeDivisors = new dev.exaone4j.tensor.WeightMatrix("rope_freqs.weight", rf.type(), 1, b.ropeDim / 2, rf.data()).rowToFloatArray();
        }
        if (arch == Architecture.EXAONE4 || arch == Architecture.EXAONE_MOE) {
            b.slidingWindow = md.getInt(p + "attention.sliding_window", 0, 1 << 24, 0);
            if (b.slidingWindow > 0) {
                b.slidingLayers = new boolean[b.nLayers];
                if (md.has(p + "attention.sliding_window_pattern") && md.get(p + "attention.sliding_window_pattern") instanceof GgufMetadata.Array) {
                    boolean[] pat = md.getBoolArray(p + "attention.sliding_window_pattern");
                    if (pat.length < b.nLayers) throw new GgufFormatException(src + ": " + p + "attention.sliding_window_pattern has " + pat.length + " entries for " + b.nLayers + " layers");
                    System.arraycopy(pat, 0, b.slidingLayers, 0, b.nLayers);
                } else {
                    int period = md.getInt(p + "attention.sliding_window_pattern", 1, 4096, 4);
                    for (int l = 0; l < b.nLayers; l++) b.slidingLayers[l] = (l + 1) % period != 0;
                }
            } else if (md.get(p + "attention.sliding_window_pattern") instanceof GgufMetadata.Array a && a.valueType() == 7
                    && anyTrue(md.getBoolArray(p + "attention.sliding_window_pattern"))) {
                throw new GgufFormatException(src + ": " + p + "attention.sliding_window_pattern marks sliding-window layers but "
                        + p + "attention.sliding_window is " + (md.has(p + "attention.sliding_window") ? "0" : "missing"));
            }
        }
        b.ropeOnGlobalLayers = b.slidingWindow == 0 || !anyTrue(b.slidingLayers);
        if (arch == Architecture.EXAONE_MOE) {
            b.nExperts = md.getInt(p + "expert_count", 1, 1 << 16);
            b.nExpertsUsed = md.getInt(p + "expert_used_count", 1, b.nExperts);
            b.moeFfnDim = md.getInt(p + "expert_feed_forward_length", 1, 1 << 20);
            b.nSharedExperts = md.getInt(p + "expert_shared_count", 0, 64, 0);
            b.sharedFfnDim = md.getInt(p + "expert_shared_feed_forward_length", 0, 1 << 22, b.moeFfnDim * b.nSharedExperts);
            b.routedScale = md.getFloat(p + "expert_weights_scale", 1f);
            b.normTopk = md.getBool(p + "expert_weights_norm", false);
            int gating = md.getInt(p + "expert_gating_func", 0, 16, 2);
            if (gating != 2) throw new GgufFormatException(src + ": " + p + "expert_gating_func = " + gating + " is not supported (K-EXAONE uses sigmoid = 2)");
            int groups = md.getInt(p + "expert_group_count", 1, b.nExperts, 1);
            if (groups != 1) {
                throw new GgufFormatException(src + ": " + p + "expert_group_count " + groups + " (group-limited routing) is not supported; K-EXAONE uses 1");
            }
            if (b.sharedFfnDim != b.moeFfnDim * b.nSharedExperts) {
                throw new GgufFormatException(src + ": " + p + "expert_shared_feed_forward_length " + b.sharedFfnDim + " is not "
                        + b.nSharedExperts + " shared experts x " + b.moeFfnDim);
            }
            int leading = md.getInt(p + "leading_dense_block_count", 0, b.nLayers, 1);
            b.moeLayers = new boolean[b.nLayers];
            for (int l = leading; l < b.nLayers; l++) b.moeLayers[l] = true;
        }
        b.bosId = md.getInt("tokenizer.ggml.bos_token_id", -1, Integer.MAX_VALUE, -1);
        b.eosId = md.getInt("tokenizer.ggml.eos_token_id", -1, Integer.MAX_VALUE, -1);
        return b.build();
    }

    // ---------------------------------------------------------------- Hugging Face

    public static ModelConfig fromHf(JsonNode c, String src) {
        String modelType = c.path("model_type").asText("");
        Architecture arch;
        try {
            arch = Architecture.fromHfModelType(modelType);
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException(src + ": " + e.getMessage());
        }
        Builder b = new Builder(arch, src);
        b.dim = hfInt(c, src, "hidden_size", 1, 1 << 17, null);
        b.nLayers = hfInt(c, src, arch == Architecture.EXAONE ? "num_layers" : "num_hidden_layers", 1, 4096, null);
        b.nHeads = hfInt(c, src, "num_attention_heads", 1, 4096, null);
        b.nKvHeads = hfInt(c, src, "num_key_value_heads", 1, 4096, b.nHeads);
        b.headDim = hfInt(c, src, "head_dim", 1, 4096, b.dim / b.nHeads);
        b.ffnDim = hfInt(c, src, "intermediate_size", 1, 1 << 20, null);
        b.vocabSize = hfInt(c, src, "vocab_size", 1, 1 << 24, null);
        b.contextLength = hfInt(c, src, "max_position_embeddings", 1, 1 << 24, 4096);
        b.eps = (float) hfNumber(c, src, c.has("rms_norm_eps") ? "rms_norm_eps" : "layer_norm_epsilon", 1e-5);
        JsonNode ropeParams = c.get("rope_parameters");
        if (ropeParams != null && !ropeParams.isNull() && !ropeParams.isObject()) throw new GgufFormatException(src + ": rope_parameters must be an object, got " + ropeParams);
        b.ropeTheta = c.has("rope_theta") ? hfNumber(c, src, "rope_theta", 10000.0)
                : ropeParams != null && ropeParams.has("rope_theta") ? hfNumber(ropeParams, src, "rope_parameters.rope_theta", 10000.0) : 10000.0;
        b.ropeDim = b.headDim;
        b.ropeStyle = RopeStyle.NEOX;
        hfBool(c, src, "tie_word_embeddings", false);   // whether it ties is decided by the checkpoint having lm_head; the type is checked
        JsonNode scaling = c.get("rope_scaling");
        if (scaling != null && !scaling.isNull() && !scaling.isObject()) throw new GgufFormatException(src + ": rope_scaling must be an object or null, got " + scaling);
        if (scaling == null || scaling.isNull()) scaling = ropeParams;
        if (scaling != null && scaling.isObject()) {
            String type = scaling.path("rope_type").asText(scaling.path("type").asText("default"));
            if (type.equals("llama3")) {
                if (!scaling.has("factor")) throw new GgufFormatException(src + ": rope_scaling of type llama3 has no factor");
                double factor = hfNumber(scaling, src, "rope_scaling.factor", 8), low = hfNumber(scaling, src, "rope_scaling.low_freq_factor", 1),
                        high = hfNumber(scaling, src, "rope_scaling.high_freq_factor", 4),
                        original = hfNumber(scaling, src, "rope_scaling.original_max_position_embeddings", 8192);
                if (!(factor > 0) || !(low > 0) || !(high > low) || !(original > 0) || Double.isInfinite(factor + high + original)) {
                    throw new GgufFormatException(src + ": rope_scaling (llama3) factor " + factor + ", low_freq_factor " + low + ", high_freq_factor "
                            + high + ", original_max_position_embeddings " + original + " are implausible (all > 0, high > low)");
                }
                b.ropeDivisors = llama3Divisors(b.ropeDim, b.ropeTheta, factor, low, high, original);
            } else if (!type.equals("default")) {
                throw new GgufFormatException(src + ": rope scaling type '" + type + "' is not supported (supported: default, llama3)");
            }
        }
        if (arch == Architecture.EXAONE4 || arch == Architecture.EXAONE_MOE) {
            JsonNode sw = c.get("sliding_window");
            b.slidingWindow = sw != null && sw.isNumber() ? sw.asInt() : 0;
            if (b.slidingWindow < 0 || b.slidingWindow > (1 << 24)) throw new GgufFormatException(src + ": sliding_window " + b.slidingWindow + " is out of range");
            b.slidingLayers = hfLayerTypes(c, src, b.nLayers, b.slidingWindow);
        }
        b.ropeOnGlobalLayers = b.slidingWindow == 0 || !anyTrue(b.slidingLayers);
        if (b.slidingWindow > 0 && !anyTrue(b.slidingLayers)) b.slidingWindow = 0;
        if (arch == Architecture.EXAONE_MOE) {
            b.nExperts = hfInt(c, src, "num_experts", 1, 1 << 16, null);
            b.nExpertsUsed = hfInt(c, src, "num_experts_per_tok", 1, b.nExperts, null);
            b.moeFfnDim = hfInt(c, src, "moe_intermediate_size", 1, 1 << 20, null);
            b.nSharedExperts = hfInt(c, src, "num_shared_experts", 0, 64, 0);
            b.sharedFfnDim = b.moeFfnDim * b.nSharedExperts;
            b.routedScale = (float) hfNumber(c, src, "routed_scaling_factor", 1.0);
            b.normTopk = hfBool(c, src, "norm_topk_prob", false);
            int groups = c.has("n_group") && !c.get("n_group").isNull() ? hfInt(c, src, "n_group", 1, b.nExperts, 1) : 1;
            if (groups != 1) throw new GgufFormatException(src + ": n_group " + groups + " (group-limited routing) is not supported; K-EXAONE uses 1");
            String scoring = c.path("scoring_func").asText("sigmoid");
            if (!scoring.equals("sigmoid")) throw new GgufFormatException(src + ": scoring_func '" + scoring + "' is not supported (K-EXAONE uses sigmoid)");
            b.moeLayers = new boolean[b.nLayers];
            JsonNode types = c.get("mlp_layer_types");
            if (types != null && types.isArray()) {
                if (types.size() != b.nLayers) throw new GgufFormatException(src + ": mlp_layer_types has " + types.size() + " entries for " + b.nLayers + " layers");
                for (int l = 0; l < b.nLayers; l++) {
                    String t = types.get(l).asText();
                    if (!t.equals("dense") && !t.equals("sparse")) throw new GgufFormatException(src + ": mlp_layer_types[" + l + "] = '" + t + "' (expected dense or sparse)");
                    b.moeLayers[l] = t.equals("sparse");
                }
            } else {
                String key = c.has("first_k_dense_replace") ? "first_k_dense_replace" : "first_last_k_dense_replace";
                int leading = hfInt(c, src, key, 0, b.nLayers, 1);
                for (int l = leading; l < b.nLayers; l++) b.moeLayers[l] = true;
            }
            b.nextnLayers = hfInt(c, src, "num_nextn_predict_layers", 0, 16, 1);
        }
        b.bosId = c.path("bos_token_id").isInt() ? c.get("bos_token_id").asInt() : -1;
        b.eosId = c.path("eos_token_id").isInt() ? c.get("eos_token_id").asInt()
                : c.path("eos_token_id").isArray() && !c.get("eos_token_id").isEmpty() ? c.get("eos_token_id").get(0).asInt() : -1;
        return b.build();
    }

    /** Per-layer sliding flags: layer_types, else sliding_window_pattern (int period or "LLLG" string). */
    static boolean[] hfLayerTypes(JsonNode c, String src, int nLayers, int window) {
        boolean[] s = new boolean[nLayers];
        JsonNode types = c.get("layer_types");
        if (types != null && !types.isNull() && !types.isArray()) throw new GgufFormatException(src + ": layer_types must be a list, got " + types);
        if (types != null && types.isArray()) {
            if (types.size() != nLayers) throw new GgufFormatException(src + ": layer_types has " + types.size() + " entries for " + nLayers + " layers");
            for (int l = 0; l < nLayers; l++) {
                String t = types.get(l).asText();
                if (!t.equals("sliding_attention") && !t.equals("full_attention")) throw new GgufFormatException(src + ": layer_types[" + l + "] = '" + t + "' (expected sliding_attention or full_attention)");
                if (t.equals("sliding_attention") && window <= 0) {
                    throw new GgufFormatException(src + ": layer_types[" + l + "] is sliding_attention but sliding_window is "
                            + (c.has("sliding_window") ? c.get("sliding_window") : "missing"));
                }
                s[l] = t.equals("sliding_attention");
            }
            return s;
        }
        if (window == 0) return s;
        JsonNode pat = c.get("sliding_window_pattern");
        if (pat == null || pat.isNull()) pat = com.fasterxml.jackson.databind.node.IntNode.valueOf(4);
        if (pat.isInt()) {
            int p = pat.asInt();
            if (p < 1) throw new GgufFormatException(src + ": sliding_window_pattern " + p + " must be >= 1");
            for (int l = 0; l < nLayers; l++) s[l] = (l + 1) % p != 0;
        } else if (pat.isTextual()) {
            String p = pat.asText();
            if (p.isEmpty() || !p.matches("[LG]+")) throw new GgufFormatException(src + ": sliding_window_pattern '" + p + "' must consist of L and G");
            for (int l = 0; l < nLayers; l++) s[l] = p.charAt(l % p.length()) == 'L';
        } else {
            throw new GgufFormatException(src + ": sliding_window_pattern must be an int or a string");
        }
        return s;
    }

    /** llama3 RoPE scaling as per-frequency divisors (the values llama.cpp stores in rope_freqs). */
    public static float[] llama3Divisors(int rotDim, double theta, double factor, double lowFreqFactor, double highFreqFactor, double originalMax) {
        float[] d = new float[rotDim / 2];
        double lowWavelen = originalMax / lowFreqFactor, highWavelen = originalMax / highFreqFactor;
        for (int i = 0; i < d.length; i++) {
            double inv = Math.pow(theta, -2.0 * i / rotDim);
            double wavelen = 2 * Math.PI / inv;
            if (wavelen < highWavelen) d[i] = 1f;
            else if (wavelen > lowWavelen) d[i] = (float) factor;
            else {
                double s = (originalMax / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                d[i] = (float) (1.0 / ((1 - s) / factor + s));
            }
        }
        return d;
    }

    /** A number field (key may be a dotted path for the message; the last part is looked up in c); absent or null: dflt. */
    private static double hfNumber(JsonNode c, String src, String key, double dflt) {
        JsonNode n = c.get(key.substring(key.lastIndexOf('.') + 1));
        if (n == null || n.isNull()) return dflt;
        if (!n.isNumber()) throw new GgufFormatException(src + ": config field '" + key + "' should be a number but is " + n);
        return n.asDouble();
    }

    /** A boolean field; absent or null: dflt. */
    private static boolean hfBool(JsonNode c, String src, String key, boolean dflt) {
        JsonNode n = c.get(key);
        if (n == null || n.isNull()) return dflt;
        if (!n.isBoolean()) throw new GgufFormatException(src + ": config field '" + key + "' should be true or false but is " + n);
        return n.asBoolean();
    }

    private static int hfInt(JsonNode c, String src, String key, int min, int max, Integer dflt) {
        JsonNode n = c.get(key);
        if (n == null || n.isNull()) {
            if (dflt == null) throw new GgufFormatException(src + ": config field '" + key + "' is missing");
            return dflt;
        }
        if (!n.canConvertToLong() || !n.isIntegralNumber()) throw new GgufFormatException(src + ": config field '" + key + "' should be an integer but is " + n);
        long v = n.asLong();
        if (v < min || v > max) throw new GgufFormatException(src + ": config field '" + key + "' = " + v + " is outside [" + min + ", " + max + "]");
        return (int) v;
    }

    private static boolean anyTrue(boolean[] a) {
        if (a == null) return false;
        for (boolean x : a) if (x) return true;
        return false;
    }

    /** Mutable staging for the two parsers; {@link #build()} validates the combination. */
    static final class Builder {
        final Architecture arch;
        final String src;
        int dim, nLayers, nHeads, nKvHeads, headDim, ffnDim, vocabSize, contextLength, ropeDim;
        float eps;
        double ropeTheta;
        RopeStyle ropeStyle;
        float[] ropeDivisors;
        int slidingWindow;
        boolean[] slidingLayers;
        boolean ropeOnGlobalLayers = true;
        int nExperts, nExpertsUsed, moeFfnDim, nSharedExperts, sharedFfnDim, nextnLayers;
        boolean[] moeLayers;
        float routedScale = 1f;
        boolean normTopk;
        int bosId = -1, eosId = -1;

        Builder(Architecture arch, String src) {
            this.arch = arch;
            this.src = src;
        }

        ModelConfig build() {
            if (nLayers < 1) throw new GgufFormatException(src + ": the model has " + nLayers + " decoder layers");
            if (nHeads % nKvHeads != 0) throw new GgufFormatException(src + ": " + nHeads + " attention heads is not a multiple of " + nKvHeads + " KV heads");
            if (ropeDim > headDim || ropeDim % 2 != 0) throw new GgufFormatException(src + ": RoPE dimension " + ropeDim + " must be even and at most the head dimension " + headDim);
            if (ropeDivisors != null && ropeDivisors.length != ropeDim / 2) throw new GgufFormatException(src + ": " + ropeDivisors.length + " RoPE frequency factors for " + ropeDim + " rotary dimensions");
            if (!(eps > 0 && eps < 1)) throw new GgufFormatException(src + ": RMSNorm epsilon " + eps + " is implausible");
            if (!(ropeTheta > 0) || Double.isInfinite(ropeTheta)) throw new GgufFormatException(src + ": RoPE base " + ropeTheta + " is implausible");
            if (ropeDivisors != null) {
                for (int i = 0; i < ropeDivisors.length; i++) {
                    if (!(ropeDivisors[i] > 0) || Float.isInfinite(ropeDivisors[i])) {
                        throw new GgufFormatException(src + ": RoPE frequency factor #" + i + " = " + ropeDivisors[i] + " is implausible (rope_freqs / rope_scaling)");
                    }
                }
            }
            if (!(routedScale > 0) || Float.isInfinite(routedScale)) throw new GgufFormatException(src + ": expert weights scale " + routedScale + " is implausible");
            if ((long) nHeads * headDim > (1 << 20)) throw new GgufFormatException(src + ": attention width " + nHeads + " x " + headDim + " is implausible");
            if (slidingLayers != null && slidingLayers.length != nLayers) slidingLayers = Arrays.copyOf(slidingLayers, nLayers);
            return new ModelConfig(this);
        }
    }
}
