package dev.exaone4j.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.gguf.GgufFormatException;
import dev.exaone4j.gguf.GgufMetadata;
import dev.exaone4j.gguf.GgufWriter;
import dev.exaone4j.model.Architecture;
import dev.exaone4j.model.HfWeights;
import dev.exaone4j.model.ModelConfig;
import dev.exaone4j.quant.FileType;
import dev.exaone4j.quant.Quants;
import dev.exaone4j.quant.TensorTypeRules;
import dev.exaone4j.safetensors.HfCheckpoint;
import dev.exaone4j.tensor.Parallel;
import dev.exaone4j.tensor.WeightMatrix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Converts a Hugging Face folder (config.json, single or sharded safetensors, tokenizer.json,
 * tokenizer_config.json) to a GGUF file. Each tensor is read from the mapped shards, converted row chunk by row
 * chunk to its target type and streamed to the writer, so memory stays bounded whatever the checkpoint size.
 */
public final class HfToGguf {
    private HfToGguf() {}

    /** One output tensor: GGUF name, ggml dims, and where its float rows come from. */
    record Planned(String name, long[] ne, RowSource source) {}

    /** Produces rows of a tensor as floats: rows [first, first + n) into dst. */
    interface RowSource {
        void rows(long first, int n, float[] dst);
    }

    public static void convert(Path dir, Path out, FileType type, GgufWriter.Progress progress, Consumer<String> log) throws IOException {
        try (HfCheckpoint ck = HfCheckpoint.open(dir)) {
            ModelConfig c = ModelConfig.fromHf(ck.config(), dir.resolve("config.json").toString());
            if (c.arch == Architecture.LLAMA) {
                throw new IllegalArgumentException("convert supports EXAONE checkpoints (exaone, exaone4, exaone_moe); " + dir + " is model_type llama");
            }
            HfWeights w = new HfWeights(ck, c.arch, c.nLayers);
            GgufWriter gw = new GgufWriter();
            writeHyperparameters(gw, c, ck.config(), dir);
            TokenizerMetadata.write(gw, dir, c);
            List<Planned> plan = plan(c, w, ck);
            plan.sort(Comparator.comparing(Planned::name, TensorTypeRules.LLAMA_ORDER));
            List<String> names = plan.stream().map(Planned::name).toList();
            GgufMetadata md = new GgufMetadata(java.util.Map.of(
                    "general.architecture", c.arch.ggufName,
                    c.arch.ggufName + ".block_count", (long) (c.nLayers + mtpLayers(c, ck)),
                    c.arch.ggufName + ".attention.head_count", (long) c.nHeads,
                    c.arch.ggufName + ".attention.head_count_kv", (long) c.nKvHeads,
                    c.arch.ggufName + ".expert_count", (long) c.nExperts), dir.toString());
            TensorTypeRules rules = new TensorTypeRules(type, false, TensorTypeRules.ModelInfo.of(md, names));
            for (Planned p : plan) {
                GgmlType t = rules.typeFor(p.name(), p.ne(), GgmlType.F32);
                gw.addTensor(p.name(), p.ne(), t, sink -> stream(p, t, sink));
            }
            if (log != null) rules.notes().forEach(log);
            gw.putU32("general.quantization_version", 2);
            gw.putU32("general.file_type", type.llamaFtype);
            gw.write(out, progress);
        }
    }

    static int mtpLayers(ModelConfig c, HfCheckpoint ck) {
        return c.arch == Architecture.EXAONE_MOE && ck.tensor("mtp.fc.weight") != null ? c.nextnLayers : 0;
    }

    /** Writes a tensor in chunks of rows, converting each chunk on all cores. */
    static void stream(Planned p, GgmlType t, GgufWriter.Sink sink) throws IOException {
        int cols = (int) p.ne()[0];
        long rows = 1;
        for (int i = 1; i < p.ne().length; i++) rows *= p.ne()[i];
        long rowBytes = t.bytesFor(cols);
        int chunkRows = (int) Math.max(1, Math.min(rows, (8L << 20) / Math.max(1, (long) cols * 4)));
        float[] f = new float[chunkRows * cols];
        byte[] b = new byte[(int) (chunkRows * rowBytes)];
        for (long r0 = 0; r0 < rows; r0 += chunkRows) {
            int n = (int) Math.min(chunkRows, rows - r0);
            p.source().rows(r0, n, f);
            Parallel.forRange(n, Math.max(1, n / 16), (s, e) -> {
                for (int r = s; r < e; r++) Quants.quantize(t, f, r * cols, cols, b, (int) (r * rowBytes));
            });
            sink.write(b, 0, (int) (n * rowBytes));
        }
    }

    static RowSource matrix(WeightMatrix m) {
        return (first, n, dst) -> {
            for (int i = 0; i < n; i++) m.rowToFloat((int) (first + i), dst, i * m.cols());
        };
    }

    static RowSource stacked(WeightMatrix[] experts) {
        int rowsPer = experts[0].rows();
        return (first, n, dst) -> {
            for (int i = 0; i < n; i++) {
                long r = first + i;
                WeightMatrix e = experts[(int) (r / rowsPer)];
                e.rowToFloat((int) (r % rowsPer), dst, i * e.cols());
            }
        };
    }

    static RowSource values(float[] v) {
        return (first, n, dst) -> System.arraycopy(v, (int) first * v.length, dst, 0, v.length);
    }

    /** Every tensor of the output with its GGUF name, ggml dims ({cols, rows[, experts]}) and source. */
    static List<Planned> plan(ModelConfig c, HfWeights w, HfCheckpoint ck) {
        List<Planned> p = new ArrayList<>();
        int dim = c.dim;
        mat(p, w, "token_embd.weight", c.vocabSize, dim);
        vec(p, w, "output_norm.weight", dim);
        boolean tied = ck.config().path("tie_word_embeddings").asBoolean(false) || !w.has("output.weight");
        if (!tied) mat(p, w, "output.weight", c.vocabSize, dim);
        if (c.ropeDivisors != null) {
            float[] f = ropeFreqsAsLlamaCpp(ck.config(), c);
            p.add(new Planned("rope_freqs.weight", new long[]{f.length}, values(f)));
        }
        int total = c.nLayers + mtpLayers(c, ck);
        for (int l = 0; l < total; l++) {
            String b = "blk." + l + ".";
            boolean mtp = l >= c.nLayers;
            mat(p, w, b + "attn_q.weight", c.qDim(), dim);
            mat(p, w, b + "attn_k.weight", c.kvDim(), dim);
            mat(p, w, b + "attn_v.weight", c.kvDim(), dim);
            mat(p, w, b + "attn_output.weight", dim, c.qDim());
            switch (c.arch) {
                case EXAONE -> {
                    vec(p, w, b + "attn_norm.weight", dim);
                    vec(p, w, b + "ffn_norm.weight", dim);
                    dense(p, w, b, c.ffnDim, dim);
                }
                case EXAONE4 -> {
                    vec(p, w, b + "attn_q_norm.weight", c.headDim);
                    vec(p, w, b + "attn_k_norm.weight", c.headDim);
                    vec(p, w, b + "post_attention_norm.weight", dim);
                    vec(p, w, b + "post_ffw_norm.weight", dim);
                    dense(p, w, b, c.ffnDim, dim);
                }
                case EXAONE_MOE -> {
                    vec(p, w, b + "attn_q_norm.weight", c.headDim);
                    vec(p, w, b + "attn_k_norm.weight", c.headDim);
                    vec(p, w, b + "attn_norm.weight", dim);
                    vec(p, w, b + "ffn_norm.weight", dim);
                    if (mtp || !c.isMoe(l)) {
                        dense(p, w, b, c.ffnDim, dim);
                    } else {
                        mat(p, w, b + "ffn_gate_inp.weight", c.nExperts, dim);
                        if (w.has(b + "exp_probs_b.bias")) vec(p, w, b + "exp_probs_b.bias", c.nExperts);
                        experts(p, w, b + "ffn_gate_exps.weight", c.nExperts, c.moeFfnDim, dim);
                        experts(p, w, b + "ffn_up_exps.weight", c.nExperts, c.moeFfnDim, dim);
                        experts(p, w, b + "ffn_down_exps.weight", c.nExperts, dim, c.moeFfnDim);
                        if (c.nSharedExperts > 0) {
                            mat(p, w, b + "ffn_gate_shexp.weight", c.sharedFfnDim, dim);
                            mat(p, w, b + "ffn_up_shexp.weight", c.sharedFfnDim, dim);
                            mat(p, w, b + "ffn_down_shexp.weight", dim, c.sharedFfnDim);
                        }
                    }
                    if (mtp) {
                        mat(p, w, b + "nextn.eh_proj.weight", dim, 2 * dim);
                        vec(p, w, b + "nextn.enorm.weight", dim);
                        vec(p, w, b + "nextn.hnorm.weight", dim);
                        vec(p, w, b + "nextn.shared_head_norm.weight", dim);
                    }
                }
                default -> throw new IllegalStateException(c.arch.toString());
            }
        }
        return p;
    }

    /**
     * llama3 RoPE divisors computed the way llama.cpp's converter does (in float32 arithmetic on float32
     * frequencies), so a converted file carries the very bytes of llama.cpp's {@code rope_freqs}.
     */
    static float[] ropeFreqsAsLlamaCpp(JsonNode cfg, ModelConfig c) {
        JsonNode s = cfg.get("rope_scaling");
        if (s == null || s.isNull()) s = cfg.get("rope_parameters");
        float factor = (float) s.path("factor").asDouble(8), low = (float) s.path("low_freq_factor").asDouble(1);
        float high = (float) s.path("high_freq_factor").asDouble(4), orig = (float) s.path("original_max_position_embeddings").asDouble(8192);
        float lowWavelen = orig / low, highWavelen = orig / high;
        int dim = c.ropeDim;
        float[] out = new float[dim / 2];
        for (int i = 0; i < out.length; i++) {
            float exponent = (float) (2 * i) / dim;
            float freq = 1f / (float) Math.pow((float) c.ropeTheta, exponent);
            float wavelen = (float) (2 * Math.PI) / freq;
            if (wavelen < highWavelen) out[i] = 1f;
            else if (wavelen > lowWavelen) out[i] = factor;
            else {
                float smooth = (orig / wavelen - low) / (high - low);
                out[i] = 1f / ((1f - smooth) / factor + smooth);
            }
        }
        return out;
    }

    static void dense(List<Planned> p, HfWeights w, String b, int ffn, int dim) {
        mat(p, w, b + "ffn_gate.weight", ffn, dim);
        mat(p, w, b + "ffn_up.weight", ffn, dim);
        mat(p, w, b + "ffn_down.weight", dim, ffn);
    }

    static void mat(List<Planned> p, HfWeights w, String name, int rows, int cols) {
        p.add(new Planned(name, new long[]{cols, rows}, matrix(w.matrix(name, rows, cols))));
    }

    static void vec(List<Planned> p, HfWeights w, String name, int n) {
        p.add(new Planned(name, new long[]{n}, values(w.vector(name, n))));
    }

    static void experts(List<Planned> p, HfWeights w, String name, int n, int rows, int cols) {
        p.add(new Planned(name, new long[]{cols, rows, n}, stacked(w.experts(name, n, rows, cols))));
    }

    /** The hyperparameter keys llama.cpp's converter writes for the architecture. */
    static void writeHyperparameters(GgufWriter gw, ModelConfig c, JsonNode cfg, Path dir) {
        String a = c.arch.ggufName + ".";
        gw.putString("general.architecture", c.arch.ggufName);
        gw.putString("general.type", "model");
        gw.putString("general.name", dir.toAbsolutePath().normalize().getFileName().toString());
        gw.putU32(a + "block_count", c.nLayers + (c.arch == Architecture.EXAONE_MOE ? c.nextnLayers : 0));
        gw.putU32(a + "context_length", c.contextLength);
        gw.putU32(a + "embedding_length", c.dim);
        gw.putU32(a + "feed_forward_length", c.ffnDim);
        gw.putU32(a + "attention.head_count", c.nHeads);
        gw.putU32(a + "attention.head_count_kv", c.nKvHeads);
        gw.putF32(a + "rope.freq_base", (float) c.ropeTheta);
        gw.putF32(a + "attention.layer_norm_rms_epsilon", c.eps);
        if (c.arch == Architecture.EXAONE) {
            gw.putU32(a + "rope.dimension_count", c.ropeDim);
            return;
        }
        gw.putU32(a + "attention.key_length", c.headDim);
        gw.putU32(a + "attention.value_length", c.headDim);
        gw.putU32(a + "vocab_size", c.vocabSize);
        if (c.slidingWindow > 0) {
            gw.putU32(a + "attention.sliding_window", c.slidingWindow);
            boolean[] pat = new boolean[c.nLayers];
            for (int l = 0; l < c.nLayers; l++) pat[l] = c.isSliding(l);
            gw.putBools(a + "attention.sliding_window_pattern", pat);
        }
        if (c.arch == Architecture.EXAONE_MOE) {
            gw.putU32(a + "expert_count", c.nExperts);
            gw.putU32(a + "expert_used_count", c.nExpertsUsed);
            if (cfg.has("n_group")) gw.putU32(a + "expert_group_count", cfg.get("n_group").asInt());
            if (cfg.has("topk_group")) gw.putU32(a + "expert_group_used_count", cfg.get("topk_group").asInt());
            gw.putU32(a + "expert_gating_func", 2);
            gw.putU32(a + "expert_feed_forward_length", c.moeFfnDim);
            gw.putU32(a + "expert_shared_count", c.nSharedExperts);
            gw.putU32(a + "expert_shared_feed_forward_length", c.sharedFfnDim);
            gw.putF32(a + "expert_weights_scale", c.routedScale);
            gw.putBool(a + "expert_weights_norm", c.normTopk);
            int leading = 0;
            while (leading < c.nLayers && !c.isMoe(leading)) leading++;
            gw.putU32(a + "leading_dense_block_count", leading);
            gw.putU32(a + "nextn_predict_layers", c.nextnLayers);
            gw.putString(a + "rope.scaling.type", "none");
        }
    }

    /** Checks the output path before any work: not the input, parent exists. */
    public static void checkPaths(Path in, Path out) {
        if (!HfCheckpoint.isCheckpointDir(in)) throw new GgufFormatException(in + ": not a Hugging Face model folder (config.json is missing)");
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) throw new IllegalArgumentException("output folder " + parent + " does not exist");
    }
}
