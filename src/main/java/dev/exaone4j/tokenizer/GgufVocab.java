package dev.exaone4j.tokenizer;

import dev.exaone4j.gguf.GgufMetadata;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a tokenizer from GGUF {@code tokenizer.ggml.*} metadata: byte-level BPE ({@code gpt2}) with the
 * pre-tokenizer named by {@code tokenizer.ggml.pre}, or SentencePiece-style ({@code llama}).
 */
final class GgufVocab {
    private GgufVocab() {}

    /** Pre-tokenizer names understood for {@code gpt2} vocabularies. */
    static final List<String> SUPPORTED_PRE = List.of("gpt2", "exaone4", "exaone", "exaone-moe", "qwen2", "llama-bpe", "llama3");

    /** Token texts that end a turn wherever they appear as control tokens (llama.cpp's end-of-generation list). */
    static final Set<String> END_OF_TURN_TEXTS = Set.of("<|endofturn|>", "[|endofturn|]", "<|eot_id|>", "<|eom_id|>",
            "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<EOT>", "<|end_of_text|>");

    static Tokenizer load(GgufMetadata md) {
        String model = md.getString("tokenizer.ggml.model");
        String[] tokens = md.getStringArray("tokenizer.ggml.tokens");
        int n = tokens.length;
        if (n == 0) throw new IllegalArgumentException("GGUF tokenizer.ggml.tokens is empty");
        int[] types = md.has("tokenizer.ggml.token_type") ? md.getIntArray("tokenizer.ggml.token_type") : filled(n, SentencePieceTokenizer.NORMAL);
        if (types.length != n) throw new IllegalArgumentException("GGUF tokenizer.ggml.token_type has " + types.length + " entries for " + n + " tokens");
        int bos = id(md, "tokenizer.ggml.bos_token_id", n);
        int eos = id(md, "tokenizer.ggml.eos_token_id", n);
        int unk = id(md, "tokenizer.ggml.unknown_token_id", n);
        int[] eog = endOfGeneration(md, tokens, types, eos);

        List<AddedVocabulary.AddedToken> specials = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int t = types[i];
            if (t == SentencePieceTokenizer.CONTROL || t == SentencePieceTokenizer.UNKNOWN || t == SentencePieceTokenizer.USER_DEFINED) {
                specials.add(new AddedVocabulary.AddedToken(i, tokens[i], t != SentencePieceTokenizer.USER_DEFINED,
                        false, false, false, false));
            }
        }
        AddedVocabulary added = new AddedVocabulary(specials, null);

        switch (model) {
            case "llama" -> {
                float[] scores = md.has("tokenizer.ggml.scores") ? md.getFloatArray("tokenizer.ggml.scores") : new float[n];
                SpmModel spm = new SpmModel(tokens, scores, unk);
                return new SentencePieceTokenizer(spm, types, added, bos, eos,
                        md.getBool("tokenizer.ggml.add_bos_token", true),
                        md.getBool("tokenizer.ggml.add_eos_token", false),
                        md.getBool("tokenizer.ggml.add_space_prefix", true), eog,
                        "GGUF SentencePiece vocabulary (" + n + " tokens)");
            }
            case "gpt2" -> {
                String pre = md.getString("tokenizer.ggml.pre", null);
                if (pre == null) {
                    throw new IllegalArgumentException("GGUF byte-level BPE vocabulary has no tokenizer.ggml.pre; supported pre-tokenizers: " + SUPPORTED_PRE);
                }
                PreTokenizer preTokenizer = preTokenizer(pre);
                Map<String, Integer> vocab = new HashMap<>(n * 2);
                for (int i = 0; i < n; i++) vocab.put(tokens[i], i);
                String[] mergeStrings = md.getStringArray("tokenizer.ggml.merges");
                List<String[]> merges = new ArrayList<>(mergeStrings.length);
                for (String m : mergeStrings) merges.add(BpeModel.splitMerge(m));
                BpeModel bpe = new BpeModel(tokens, vocab, merges, BpeModel.Options.DEFAULT);
                boolean addBos = md.getBool("tokenizer.ggml.add_bos_token", false);
                boolean addEos = md.getBool("tokenizer.ggml.add_eos_token", false);
                PostProcessor post = new PostProcessor.Surround(
                        addBos && bos >= 0 ? new int[] {bos} : new int[0], addEos && eos >= 0 ? new int[] {eos} : new int[0]);
                return new PipelineTokenizer(new PipelineTokenizer.Parts(added, null, preTokenizer, bpe, post,
                        new Decoder.ByteLevelDecoder(), bos, eos, eog, false, false,
                        "GGUF byte-level BPE vocabulary (" + n + " tokens, pre '" + pre + "')"));
            }
            default -> throw new IllegalArgumentException("unsupported GGUF tokenizer.ggml.model '" + model + "' (supported: gpt2, llama)");
        }
    }

    /** The pre-tokenizer llama.cpp uses for a {@code tokenizer.ggml.pre} name. */
    static PreTokenizer preTokenizer(String pre) {
        PreTokenizer byteLevel = new PreTokenizer.ByteLevelSplit(false, false);
        return switch (pre) {
            case "gpt2", "exaone4" -> new PreTokenizer.ByteLevelSplit(false, true);
            case "exaone" -> new PreTokenizer.Sequence(List.of(
                    new PreTokenizer.Split(PreTokenizer.eachChar(CharClasses::isNumber), PreTokenizer.Behavior.ISOLATED, false),
                    new PreTokenizer.ByteLevelSplit(false, true)));
            case "exaone-moe" -> split(SplitScanner.EXAONE_MOE, byteLevel);
            case "qwen2" -> split(SplitScanner.QWEN2, byteLevel);
            case "llama-bpe", "llama3" -> split(SplitScanner.LLAMA3, byteLevel);
            default -> throw new IllegalArgumentException("unsupported GGUF tokenizer.ggml.pre '" + pre + "' (supported: " + SUPPORTED_PRE + ")");
        };
    }

    private static PreTokenizer split(String pattern, PreTokenizer then) {
        return new PreTokenizer.Sequence(List.of(
                new PreTokenizer.Split(MatchFinder.regex(pattern), PreTokenizer.Behavior.ISOLATED, false), then));
    }

    /** A token id key; absent, negative or out-of-range values (GGUF writes -1 as 0xFFFFFFFF) mean none. */
    /** A special token id: -1 when the key is absent, an error when it names no token of the vocabulary. */
    private static int id(GgufMetadata md, String key, int n) {
        if (!md.has(key)) return -1;
        long v = md.getLong(key);
        if (v < 0 || v >= n) throw new IllegalArgumentException("metadata key '" + key + "' = " + v + " is not a token of the vocabulary (" + n + " tokens)");
        return (int) v;
    }

    private static int[] endOfGeneration(GgufMetadata md, String[] tokens, int[] types, int eos) {
        Set<Integer> ids = new LinkedHashSet<>();
        if (eos >= 0) ids.add(eos);
        for (String key : List.of("tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id")) {
            int v = id(md, key, tokens.length);
            if (v >= 0) ids.add(v);
        }
        for (int i = 0; i < tokens.length; i++) {
            if ((types[i] == SentencePieceTokenizer.CONTROL || types[i] == SentencePieceTokenizer.USER_DEFINED)
                    && END_OF_TURN_TEXTS.contains(tokens[i])) ids.add(i);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
