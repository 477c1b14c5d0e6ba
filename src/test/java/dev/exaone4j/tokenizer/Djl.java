package dev.exaone4j.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The test oracle: Hugging Face tokenizers (Rust) through DJL, without truncation and without special tokens. */
final class Djl {
    private Djl() {}

    private static final Map<Path, HuggingFaceTokenizer> CACHE = new ConcurrentHashMap<>();

    static HuggingFaceTokenizer tokenizer(Path tokenizerJson) {
        return CACHE.computeIfAbsent(tokenizerJson.toAbsolutePath().normalize(), p -> {
            try {
                return HuggingFaceTokenizer.builder().optTokenizerPath(p).optAddSpecialTokens(false)
                        .optTruncation(false).optPadding(false).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A tokenizer from tokenizer.json text (not cached: close it after use). */
    static HuggingFaceTokenizer fromJson(String json, boolean addSpecialTokens) {
        try {
            return HuggingFaceTokenizer.newInstance(new java.io.ByteArrayInputStream(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    Map.of("addSpecialTokens", String.valueOf(addSpecialTokens), "truncation", "false", "padding", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] encode(HuggingFaceTokenizer t, String text) {
        return toInts(t.encode(text, false, false).getIds());
    }

    static int[] toInts(long[] ids) {
        return Arrays.stream(ids).mapToInt(x -> (int) x).toArray();
    }

    static long[] toLongs(int[] ids) {
        return Arrays.stream(ids).mapToLong(x -> x).toArray();
    }

    /** The token strings of an encoding. */
    static String[] tokens(HuggingFaceTokenizer t, String text) {
        Encoding e = t.encode(text, false, false);
        return e.getTokens();
    }
}
