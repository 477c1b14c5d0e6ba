package dev.exaone4j.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One-megabyte documents of a single shape (one long word, spaces, digits, newlines, Korean without spaces, a superword run that K-EXAONE's pre-tokenizer keeps as one piece) must encode in linear-ish time on every
 * kind of tokenizer: no quadratic merge loops, no regex backtracking blow-up, no recursion.
 */
class TokenizerScalingTest {
    private static final int MB = 1 << 20;
    private static final long BOUND_NANOS = 20_000_000_000L;

    private static String repeat(String unit, int chars) {
        StringBuilder sb = new StringBuilder(chars + unit.length());
        while (sb.length() < chars) sb.append(unit);
        return sb.substring(0, chars);
    }

    static Map<String, String> documents() {
        Map<String, String> docs = new LinkedHashMap<>();
        Random r = new Random(1);
        StringBuilder word = new StringBuilder(MB);
        for (int i = 0; i < MB; i++) word.append((char) ('a' + r.nextInt(26)));
        docs.put("one long word", word.toString());
        docs.put("spaces", repeat(" ", MB));
        docs.put("digits", repeat("31415926535897932384", MB));
        docs.put("newlines", repeat("\n", MB));
        docs.put("korean without spaces", repeat("한국어텍스트는공백없이", MB / 3));
        docs.put("superword run", repeat("the cat sat on the mat and ", MB));
        return docs;
    }

    @Test
    void megabyteDocumentsEncodeWithinBounds() {
        Map<String, Tokenizer> tokenizers = new LinkedHashMap<>();
        tokenizers.put("exaone-moe GGUF", Tokenizers.forModel(TestData.file("tiny/exaone-moe-tiny/exaone-moe-tiny-Q8_0.gguf")));
        tokenizers.put("exaone3 GGUF", Tokenizers.forModel(TestData.file("tiny/exaone3-tiny/exaone3-tiny-Q8_0.gguf")));
        tokenizers.put("stories260K GGUF", Tokenizers.forModel(TestData.file("stories260K/stories260K.gguf")));
        tokenizers.put("qwen3 tokenizer.json", Tokenizers.fromTokenizerJson(TestData.file("tokenizers/qwen3/tokenizer.json")));
        Map<String, String> docs = documents();
        for (var t : tokenizers.entrySet()) {
            for (var d : docs.entrySet()) {
                long t0 = System.nanoTime();
                int[] ids = t.getValue().encode(d.getValue());
                long nanos = System.nanoTime() - t0;
                System.out.printf("%-22s %-22s %8d ids %7.1f ms%n", t.getKey(), d.getKey(), ids.length, nanos / 1e6);
                assertThat(nanos).as(t.getKey() + " on 1 MB of " + d.getKey()).isLessThan(BOUND_NANOS);
                assertThat(ids).isNotEmpty();
                assertThat(t.getValue().decode(ids)).as(t.getKey() + " round trip of " + d.getKey()).isEqualTo(d.getValue());
            }
        }
        assertThat(List.copyOf(docs.keySet())).hasSize(6);
    }
}
