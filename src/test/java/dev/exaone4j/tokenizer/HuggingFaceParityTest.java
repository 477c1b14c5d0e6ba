package dev.exaone4j.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exact parity with Hugging Face tokenizers on the real vocabularies: every corpus line against the reference ids
 * (and decode round trip where Hugging Face round-trips), plus the tricky strings against DJL directly.
 */
class HuggingFaceParityTest {
    private static final List<String> NAMES = List.of("exaone4-tiny", "exaone-moe-tiny", "qwen3", "qwen3-superbpe");

    private static final java.util.Map<String, Tokenizer> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

    static Path json(String name) {
        return TestData.file("tokenizers/" + name + "/tokenizer.json");
    }

    /** Each tokenizer is loaded once for the whole class. */
    static Tokenizer load(String name) {
        Path p = json(name);
        return LOADED.computeIfAbsent(name, n -> Tokenizers.fromTokenizerJson(p));
    }

    @ParameterizedTest
    @ValueSource(strings = {"exaone4-tiny", "exaone-moe-tiny", "qwen3", "qwen3-superbpe"})
    void corpusIdsMatchReference(String name) {
        Tokenizer t = load(name);
        List<String> corpus = TestData.corpus();
        List<TestData.Expected> expected = TestData.expected(name);
        assertThat(expected).hasSameSizeAs(corpus);
        int roundtrips = 0;
        for (int i = 0; i < corpus.size(); i++) {
            String text = corpus.get(i);
            int[] ids = t.encode(text);
            if (!expected.get(i).matches(ids)) {
                assertThat(ids).as(name + " corpus line " + (i + 1) + ": " + text).containsExactly(expected.get(i).ids());
            }
            if (expected.get(i).roundtrip()) {
                assertThat(t.decode(ids)).as(name + " round trip of line " + (i + 1)).isEqualTo(text);
                roundtrips++;
            }
        }
        assertThat(roundtrips).isGreaterThan(corpus.size() - 40);
        assertThat(NAMES).contains(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"exaone4-tiny", "exaone-moe-tiny", "qwen3", "qwen3-superbpe"})
    void trickyStringsMatchDjl(String name) {
        Tokenizer t = load(name);
        HuggingFaceTokenizer hf = Djl.tokenizer(json(name));
        for (String s : TrickyStrings.VALID) {
            int[] ids = t.encode(s);
            assertThat(ids).as(name + " encode " + escape(s)).containsExactly(Djl.encode(hf, s));
            assertThat(t.decode(ids)).as(name + " decode " + escape(s)).isEqualTo(hf.decode(Djl.toLongs(ids), false));
            assertThat(t.decode(ids, true)).as(name + " decode skipping specials " + escape(s))
                    .isEqualTo(hf.decode(Djl.toLongs(ids), true));
        }
    }

    @Test
    void qwen3SpecialTokensAndConfig() {
        Tokenizer t = load("qwen3");
        assertThat(t.eosId()).as("eos_token from tokenizer_config.json").isEqualTo(151645);
        assertThat(t.bosId()).isEqualTo(-1);
        assertThat(t.endOfGenerationIds()).contains(151645, 151643);
        assertThat(t.vocabSize()).isEqualTo(151669);
        int[] ids = t.encode("<|im_start|>user\nhi<|im_end|>\n<think>\n</think>");
        assertThat(ids).startsWith(151644).contains(151645, 151667, 151668);
        assertThat(t.isSpecial(151645)).isTrue();
        assertThat(t.isSpecial(151667)).as("<think> is an added but not special token").isFalse();
        assertThat(t.decode(ids, true)).isEqualTo("user\nhi\n<think>\n</think>");
        assertThat(t.encodePrompt("hi")).containsExactly(t.encode("hi"));
        assertThat(t.tokenText(151644)).isEqualTo("<|im_start|>");
        assertThat(t.tokenId("<|im_start|>")).isEqualTo(151644);
        // SuperBPE: one merge crosses word boundaries
        Tokenizer s = load("qwen3-superbpe");
        HuggingFaceTokenizer hf = Djl.tokenizer(json("qwen3-superbpe"));
        String text = "The system is not available at the moment, please try again later.";
        assertThat(s.encode(text)).containsExactly(Djl.encode(hf, text));
        assertThat(s.encode(text).length).isLessThan(t.encode(text).length);
    }

    @Test
    void streamingAndConcurrentEncodingAgreeWithPlainCalls() throws Exception {
        Tokenizer t = load("qwen3");
        List<String> corpus = TestData.corpus();
        // every line: a token that finishes one character and starts the next (Korean in byte-level BPE) must not
        // make the stream emit a half character
        for (Tokenizer tok : List.of(t, load("qwen3-superbpe"))) {
            for (int i = 0; i < corpus.size(); i++) {
                int[] ids = tok.encode(corpus.get(i));
                assertThat(GgufTokenizerTest.streamed(tok, ids, false)).as("streamed line " + (i + 1)).isEqualTo(tok.decode(ids));
            }
        }
        for (String tricky : List.of(" \uD1A0\uD070", "\uFFFD\u00E9", "\uFFFD\uFFFD\uD55C\uAD6D\uC5B4 \uD83D\uDE00")) {
            for (String name : List.of("qwen3", "exaone4-tiny", "exaone-moe-tiny")) {
                Tokenizer tok = load(name);
                int[] ids = tok.encode(tricky);
                assertThat(GgufTokenizerTest.streamed(tok, ids, false)).as(name + ": " + tricky).isEqualTo(tok.decode(ids)).isEqualTo(tricky);
            }
        }
        int[][] sequential = new int[corpus.size()][];
        for (int i = 0; i < corpus.size(); i += 3) sequential[i] = t.encode(corpus.get(i));
        Tokenizer shared = load("qwen3-superbpe");
        int[][] expectedSuper = new int[corpus.size()][];
        for (int i = 0; i < corpus.size(); i += 3) expectedSuper[i] = shared.encode(corpus.get(i));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int start = w;
                futures.add(pool.submit(() -> {
                    for (int i = start * 3; i < corpus.size(); i += 12) {
                        assertThat(t.encode(corpus.get(i))).isEqualTo(sequential[i]);
                        assertThat(shared.encode(corpus.get(i))).isEqualTo(expectedSuper[i]);
                    }
                }));
            }
            for (var f : futures) f.get();
        } finally {
            pool.shutdown();
        }
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || Character.getType(cp) == Character.FORMAT
                    || Character.isWhitespace(cp) && cp != ' ') {
                sb.append(String.format("\\u%04X", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append('"').toString();
    }
}
