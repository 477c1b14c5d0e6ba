package dev.exaone4j.quant;

import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.gguf.GgufWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random-weight GGUF models of the exact shape of a {@link SynthPreset}: metadata keys, tensor names, dims
 * (ggml order) and per-tensor types as llama.cpp's converter and quantizer write them for the architecture,
 * plus a small valid byte-level (gpt2) vocabulary padded to the preset's vocabulary size, so the file loads.
 * <p>
 * Weights are N(0, 0.02), norm weights 1 + N(0, 0.02), the router correction bias N(0, 0.01), and rope_freqs
 * the real llama3 factors. Generation streams tensor by tensor and is disk-bound: tensors stored as F32 with at
 * most 16M elements get independent random values; every other tensor is assembled from a pool of 1024
 * independently drawn and quantized blocks (one type block, or 256 values for float types) picked by a
 * xorshift generator, so statistics per block are realistic while nothing but the pool is ever quantized.
 * The output is a deterministic function of preset, type and seed.
 */
public final class SynthModel {
    private static final float WEIGHT_STD = 0.02f;
    private static final long DIRECT_LIMIT = 16L << 20;
    private static final int POOL = 1024;

    private enum Kind { WEIGHT, NORM, BIAS, ROPE }

    private record Spec(String name, long[] ne, Kind kind) {
        long elements() {
            long n = 1;
            for (long d : ne) n *= d;
            return n;
        }
    }

    private SynthModel() {}

    /** Writes the model atomically to {@code out}; {@code progress} may be null. */
    public static void write(SynthPreset p, FileType type, boolean pure, long seed, Path out, GgufWriter.Progress progress) throws IOException {
        build(p, type, pure, seed).write(out, progress);
    }

    /** A writer holding the model's metadata and tensor directory; tensor data is generated while writing. */
    public static GgufWriter build(SynthPreset p, FileType type, boolean pure, long seed) {
        GgufWriter w = new GgufWriter();
        metadata(w, p, type);
        List<Spec> specs = specs(p);
        specs.sort((a, b) -> TensorTypeRules.LLAMA_ORDER.compare(a.name(), b.name()));
        int nWv = (int) specs.stream().filter(s -> s.name().contains("attn_v.weight")).count();
        TensorTypeRules rules = new TensorTypeRules(type, pure, new TensorTypeRules.ModelInfo(p.arch(), p.blockCount(), p.heads(),
                p.kvHeads(), p.experts(), !p.tiedEmbeddings(), nWv));
        for (Spec s : specs) {
            GgmlType t = rules.typeFor(s.name(), s.ne(), GgmlType.F32);
            w.addTensor(s.name(), s.ne(), t, data(p, s, t, seed));
        }
        return w;
    }

    /** Number of parameters (elements of every tensor). */
    public static long parameterCount(SynthPreset p) {
        return specs(p).stream().mapToLong(Spec::elements).sum();
    }

    // ------------------------------------------------------------------ shape

    private static List<Spec> specs(SynthPreset p) {
        List<Spec> s = new ArrayList<>();
        long h = p.hidden(), v = p.vocab(), hd = p.headDim(), q = (long) p.heads() * hd, kv = (long) p.kvHeads() * hd, f = p.ffn();
        s.add(new Spec("token_embd.weight", new long[] {h, v}, Kind.WEIGHT));
        s.add(new Spec("output_norm.weight", new long[] {h}, Kind.NORM));
        if (!p.tiedEmbeddings()) s.add(new Spec("output.weight", new long[] {h, v}, Kind.WEIGHT));
        if (p.llama3Rope()) s.add(new Spec("rope_freqs.weight", new long[] {hd / 2}, Kind.ROPE));
        for (int i = 0; i < p.blockCount(); i++) {
            String b = "blk." + i + ".";
            boolean mtp = i >= p.layers();
            s.add(new Spec(b + "attn_q.weight", new long[] {h, q}, Kind.WEIGHT));
            s.add(new Spec(b + "attn_k.weight", new long[] {h, kv}, Kind.WEIGHT));
            s.add(new Spec(b + "attn_v.weight", new long[] {h, kv}, Kind.WEIGHT));
            s.add(new Spec(b + "attn_output.weight", new long[] {q, h}, Kind.WEIGHT));
            s.add(new Spec(b + "attn_q_norm.weight", new long[] {hd}, Kind.NORM));
            s.add(new Spec(b + "attn_k_norm.weight", new long[] {hd}, Kind.NORM));
            if (!p.isMoe()) {
                s.add(new Spec(b + "post_attention_norm.weight", new long[] {h}, Kind.NORM));
                s.add(new Spec(b + "post_ffw_norm.weight", new long[] {h}, Kind.NORM));
                addDenseFfn(s, b, h, f);
                continue;
            }
            s.add(new Spec(b + "attn_norm.weight", new long[] {h}, Kind.NORM));
            s.add(new Spec(b + "ffn_norm.weight", new long[] {h}, Kind.NORM));
            if (mtp) {
                s.add(new Spec(b + "nextn.eh_proj.weight", new long[] {2 * h, h}, Kind.WEIGHT));
                s.add(new Spec(b + "nextn.enorm.weight", new long[] {h}, Kind.NORM));
                s.add(new Spec(b + "nextn.hnorm.weight", new long[] {h}, Kind.NORM));
                s.add(new Spec(b + "nextn.shared_head_norm.weight", new long[] {h}, Kind.NORM));
                addDenseFfn(s, b, h, f);
            } else if (i < p.leadingDense()) {
                addDenseFfn(s, b, h, f);
            } else {
                long e = p.experts(), ef = p.expertFfn(), sf = (long) p.expertFfn() * p.sharedExperts();
                s.add(new Spec(b + "ffn_gate_inp.weight", new long[] {h, e}, Kind.WEIGHT));
                s.add(new Spec(b + "exp_probs_b.bias", new long[] {e}, Kind.BIAS));
                s.add(new Spec(b + "ffn_gate_exps.weight", new long[] {h, ef, e}, Kind.WEIGHT));
                s.add(new Spec(b + "ffn_up_exps.weight", new long[] {h, ef, e}, Kind.WEIGHT));
                s.add(new Spec(b + "ffn_down_exps.weight", new long[] {ef, h, e}, Kind.WEIGHT));
                if (sf > 0) {
                    s.add(new Spec(b + "ffn_gate_shexp.weight", new long[] {h, sf}, Kind.WEIGHT));
                    s.add(new Spec(b + "ffn_up_shexp.weight", new long[] {h, sf}, Kind.WEIGHT));
                    s.add(new Spec(b + "ffn_down_shexp.weight", new long[] {sf, h}, Kind.WEIGHT));
                }
            }
        }
        return s;
    }

    private static void addDenseFfn(List<Spec> s, String b, long h, long f) {
        s.add(new Spec(b + "ffn_gate.weight", new long[] {h, f}, Kind.WEIGHT));
        s.add(new Spec(b + "ffn_up.weight", new long[] {h, f}, Kind.WEIGHT));
        s.add(new Spec(b + "ffn_down.weight", new long[] {f, h}, Kind.WEIGHT));
    }

    // ------------------------------------------------------------------ metadata

    private static void metadata(GgufWriter w, SynthPreset p, FileType type) {
        String a = p.arch();
        w.putString("general.architecture", a);
        w.putString("general.type", "model");
        w.putString("general.name", p.name() + " (synthetic random weights)");
        w.putU32(a + ".block_count", p.blockCount());
        w.putU32(a + ".context_length", p.contextLength());
        w.putU32(a + ".embedding_length", p.hidden());
        w.putU32(a + ".feed_forward_length", p.ffn());
        w.putU32(a + ".attention.head_count", p.heads());
        w.putU32(a + ".attention.head_count_kv", p.kvHeads());
        w.putF32(a + ".rope.freq_base", (float) p.ropeTheta());
        w.putF32(a + ".attention.layer_norm_rms_epsilon", 1e-5f);
        if (p.isMoe()) {
            w.putU32(a + ".expert_count", p.experts());
            w.putU32(a + ".expert_used_count", p.expertsUsed());
            w.putU32(a + ".expert_group_count", 1);
            w.putU32(a + ".expert_group_used_count", 1);
            w.putU32(a + ".expert_gating_func", 2);
        }
        w.putU32(a + ".attention.key_length", p.headDim());
        w.putU32(a + ".attention.value_length", p.headDim());
        w.putU32(a + ".vocab_size", p.vocab());
        if (p.slidingWindow() > 0) {
            w.putU32(a + ".attention.sliding_window", p.slidingWindow());
            boolean[] pattern = new boolean[p.layers()];
            for (int i = 0; i < pattern.length; i++) pattern[i] = p.isSliding(i);
            w.putBools(a + ".attention.sliding_window_pattern", pattern);
        }
        if (p.isMoe()) {
            w.putU32(a + ".expert_feed_forward_length", p.expertFfn());
            w.putU32(a + ".expert_shared_count", p.sharedExperts());
            w.putU32(a + ".expert_shared_feed_forward_length", (long) p.expertFfn() * p.sharedExperts());
            w.putF32(a + ".expert_weights_scale", p.expertWeightsScale());
            w.putBool(a + ".expert_weights_norm", true);
            w.putU32(a + ".leading_dense_block_count", p.leadingDense());
            w.putU32(a + ".nextn_predict_layers", p.nextnLayers());
            w.putString(a + ".rope.scaling.type", "none");
        }
        vocabulary(w, p);
        w.putU32("general.quantization_version", 2);
        w.putU32("general.file_type", type.llamaFtype);
    }

    /** GPT-2's byte to printable-character map. */
    static String byteToken(int b) {
        if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) return String.valueOf((char) b);
        int n = 0;
        for (int c = 0; c < b; c++) {
            if (!((c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE && c <= 0xFF))) n++;
        }
        return String.valueOf((char) (256 + n));
    }

    /**
     * [PAD]=0, [BOS]=1, [UNK]=2, chat specials from 3, [|endofturn|] at the preset's eos id (all CONTROL), the
     * 256 GPT-2 byte tokens (NORMAL) right after the specials, every other id an UNUSED placeholder; no merges.
     */
    private static void vocabulary(GgufWriter w, SynthPreset p) {
        int v = p.vocab();
        String[] tokens = new String[v];
        long[] types = new long[v];
        String[] specials = {"[PAD]", "[BOS]", "[UNK]", "[|system|]", "[|user|]", "[|assistant|]", "[|tool|]", "<think>", "</think>",
                "<tool_call>", "</tool_call>"};
        if (v < specials.length + 257) throw new IllegalArgumentException("vocabulary of " + v + " is too small for the synthetic tokenizer");
        for (int i = 0; i < specials.length; i++) {
            tokens[i] = specials[i];
            types[i] = 3;
        }
        if (p.eos() < specials.length) throw new IllegalArgumentException("eos id " + p.eos() + " collides with the synthetic special tokens");
        tokens[p.eos()] = "[|endofturn|]";
        types[p.eos()] = 3;
        int id = specials.length;
        for (int b = 0; b < 256; b++, id++) {
            if (id == p.eos()) id++;
            tokens[id] = byteToken(b);
            types[id] = 1;
        }
        for (int i = 0; i < v; i++) {
            if (tokens[i] == null) {
                tokens[i] = "<unused" + i + ">";
                types[i] = 5;
            }
        }
        w.putString("tokenizer.ggml.model", "gpt2");
        w.putString("tokenizer.ggml.pre", p.arch().equals("exaone-moe") ? "exaone-moe" : "exaone4");
        w.putStrings("tokenizer.ggml.tokens", tokens);
        w.putInts("tokenizer.ggml.token_type", GgufWriter.INT32, types);
        w.putStrings("tokenizer.ggml.merges");
        w.putU32("tokenizer.ggml.bos_token_id", 1);
        w.putU32("tokenizer.ggml.eos_token_id", p.eos());
        w.putU32("tokenizer.ggml.unknown_token_id", 2);
        w.putU32("tokenizer.ggml.padding_token_id", 0);
        w.putBool("tokenizer.ggml.add_bos_token", false);
        w.putBool("tokenizer.ggml.add_eos_token", false);
    }

    /**
     * llama3 RoPE frequency factors (factor 16, low 1, high 4, original context 8192) as the converter's torch code
     * evaluates them: frequencies and the smoothing formula in F32, the wavelength 2 pi / freq rounded from F64.
     */
    static float[] llama3RopeFactors(int headDim, double theta) {
        final float factor = 16f, lowFreqFactor = 1f, highFreqFactor = 4f, oldContext = 8192f;
        float lowWavelen = oldContext / lowFreqFactor, highWavelen = oldContext / highFreqFactor;
        float[] out = new float[headDim / 2];
        for (int i = 0; i < out.length; i++) {
            float exponent = (float) (2 * i) / headDim;
            float freq = 1.0f / (float) Math.pow((float) theta, exponent);
            float wavelen = (float) (2 * Math.PI / freq);
            if (wavelen < highWavelen) {
                out[i] = 1f;
            } else if (wavelen > lowWavelen) {
                out[i] = factor;
            } else {
                float smooth = (oldContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                out[i] = 1f / ((1f - smooth) / factor + smooth);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ data

    private static long seedFor(long seed, String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xff)) * 0x100000001b3L;
        return seed * 0x9E3779B97F4A7C15L ^ h;
    }

    private static float value(Kind kind, SplittableRandom r) {
        double g = r.nextGaussian();
        return switch (kind) {
            case NORM -> (float) (1 + 0.02 * g);
            case BIAS -> (float) (0.01 * g);
            default -> (float) (WEIGHT_STD * g);
        };
    }

    private static GgufWriter.TensorData data(SynthPreset p, Spec s, GgmlType t, long seed) {
        if (s.kind() == Kind.ROPE) {
            float[] f = llama3RopeFactors(p.headDim(), p.ropeTheta());
            byte[] b = new byte[f.length * 4];
            Quants.quantize(GgmlType.F32, f, 0, f.length, b, 0);
            return GgufWriter.bytes(b);
        }
        if (t == GgmlType.F32 && s.elements() <= DIRECT_LIMIT) return sink -> direct(s, seedFor(seed, s.name()), sink);
        return sink -> pooled(s, t, seedFor(seed, s.name()), sink);
    }

    /** Independent random values for every element, written as F32 in chunks. */
    private static void direct(Spec s, long seed, GgufWriter.Sink sink) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[8192];
        byte[] b = new byte[x.length * 4];
        for (long done = 0, n = s.elements(); done < n; ) {
            int len = (int) Math.min(x.length, n - done);
            for (int i = 0; i < len; i++) x[i] = value(s.kind(), r);
            Quants.quantize(GgmlType.F32, x, 0, len, b, 0);
            sink.write(b, 0, len * 4);
            done += len;
        }
    }

    /** Units of {@code unit} elements drawn from a pool of pre-quantized random units. */
    private static void pooled(Spec s, GgmlType t, long seed, GgufWriter.Sink sink) throws IOException {
        int unit;
        if (t.isQuantized()) {
            unit = t.blockSize;
        } else {
            unit = 1;
            for (int u : new int[] {256, 64, 16, 4}) {
                if (s.ne()[0] % u == 0) {
                    unit = u;
                    break;
                }
            }
        }
        int unitBytes = (int) t.bytesFor(unit);
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[unit];
        byte[] pool = new byte[POOL * unitBytes];
        for (int k = 0; k < POOL; k++) {
            for (int i = 0; i < unit; i++) x[i] = value(s.kind(), r);
            Quants.quantize(t, x, 0, unit, pool, k * unitBytes);
        }
        long units = s.elements() / unit;
        int perBuf = Math.max(1, (1 << 20) / unitBytes);
        byte[] buf = new byte[perBuf * unitBytes];
        long state = r.nextLong() | 1;
        for (long done = 0; done < units; ) {
            int m = (int) Math.min(perBuf, units - done);
            for (int k = 0; k < m; k++) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                int pick = (int) ((state >>> 33) % POOL);
                System.arraycopy(pool, pick * unitBytes, buf, k * unitBytes, unitBytes);
            }
            sink.write(buf, 0, m * unitBytes);
            done += m;
        }
    }
}
