package dev.exaone4j.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.exaone4j.gguf.GgufMetadata;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** GGUF vocabularies: the stories260K SentencePiece demo and the tiny models' byte-level BPE vocabularies. */
class GgufTokenizerTest {

    private static Tokenizer stories() {
        return Tokenizers.forModel(TestData.file("stories260K/stories260K.gguf"));
    }

    @Test
    void stories260kPromptIdsAndReferenceText() throws Exception {
        Tokenizer t = stories();
        assertThat(t.bosId()).isEqualTo(1);
        assertThat(t.eosId()).isEqualTo(2);
        assertThat(t.endOfGenerationIds()).contains(2);
        JsonNode refs = TestData.JSON.readTree(TestData.file("stories260K/reference.json").toFile());
        assertThat(refs.size()).isEqualTo(2);
        for (JsonNode ref : refs) {
            int[] promptIds = TestData.JSON.convertValue(ref.get("prompt_ids"), int[].class);
            int[] generated = TestData.JSON.convertValue(ref.get("generated_ids"), int[].class);
            String prompt = ref.get("prompt").asText();
            assertThat(t.encodePrompt(prompt)).as(prompt).containsExactly(promptIds);
            // the reference text is run.c's output: the prompt (its dummy-prefix space dropped after BOS) + continuation
            int[] all = concat(promptIds, generated);
            String text = ref.get("text").asText();
            assertThat(t.decode(all, true)).isEqualTo(text);
            assertThat(streamed(t, all, true)).isEqualTo(text);
            // encode without specials still adds SentencePiece's dummy prefix
            assertThat(t.encode(prompt)).containsExactly(Arrays.copyOfRange(promptIds, 1, promptIds.length));
            assertThat(t.decode(t.encode(prompt))).isEqualTo(prompt);
        }
    }

    @Test
    void stories260kByteFallbackAndSpecials() {
        Tokenizer t = stories();
        for (String s : List.of("Hello world", "  two  spaces ", "tab\tand\nnewline", "ünïcödé 한국어 😀 \u0301x", "a")) {
            int[] ids = t.encodePrompt(s);
            assertThat(ids[0]).isEqualTo(1);
            assertThat(t.decode(ids, true)).as(s).isEqualTo(s);
            assertThat(t.decode(Arrays.copyOfRange(ids, 1, ids.length))).as(s).isEqualTo(s);
        }
        assertThat(t.encodePrompt("")).containsExactly(1);
        assertThat(t.encode("")).isEmpty();
        // '한' is not in the 512-token vocabulary: its three UTF-8 bytes become <0xED><0x95><0x9C>
        int[] han = t.encode("한");
        assertThat(Arrays.stream(han).mapToObj(t::tokenText).toList()).containsExactly("\u2581", "<0xED>", "<0x95>", "<0x9C>");
        // control tokens written in the text are matched whole; the span after them gets the dummy prefix again
        int[] withSpecial = t.encode("hi</s>hi");
        assertThat(withSpecial).contains(2);
        assertThat(t.decode(withSpecial, false)).isEqualTo("hi</s> hi");
        assertThat(t.decode(withSpecial, true)).isEqualTo("hi hi");
        assertThat(t.isSpecial(1)).isTrue();
        assertThat(t.isSpecial(2)).isTrue();
        assertThat(t.isSpecial(403)).isFalse();
        assertThat(t.tokenId(t.tokenText(403))).isEqualTo(403);
        assertThat(t.vocabSize()).isEqualTo(512);
    }

    @Test
    void tinyByteLevelVocabulariesMatchReferenceIds() {
        check("tiny/exaone4-tiny-global/exaone4-tiny-global-F32.gguf", "exaone4-tiny");
        check("tiny/exaone-moe-tiny/exaone-moe-tiny-F32.gguf", "exaone-moe-tiny");
    }

    private static void check(String gguf, String vocab) {
        Tokenizer t = Tokenizers.forModel(TestData.file(gguf));
        assertThat(t.bosId()).isEqualTo(1);
        assertThat(t.eosId()).isEqualTo(2);
        assertThat(t.endOfGenerationIds()).containsExactly(2);
        List<String> corpus = TestData.corpus();
        List<TestData.Expected> expected = TestData.expected(vocab);
        assertThat(expected).hasSameSizeAs(corpus);
        int mismatches = 0;
        for (int i = 0; i < corpus.size(); i++) {
            String text = corpus.get(i);
            int[] ids = t.encode(text);
            if (!expected.get(i).matches(ids)) {
                mismatches++;
                assertThat(ids).as(gguf + " corpus line " + (i + 1) + ": " + text).containsExactly(expected.get(i).ids());
            }
            if (expected.get(i).roundtrip()) assertThat(t.decode(ids)).as(gguf + " line " + (i + 1)).isEqualTo(text);
            if (i % 100 == 0) assertThat(t.encodePrompt(text)).containsExactly(ids); // add_bos_token is false
        }
        assertThat(mismatches).isZero();
    }

    @Test
    void exaone3DigitSplittingMatchesHuggingFace() {
        Tokenizer t = Tokenizers.forModel(TestData.file("tiny/exaone3-tiny/exaone3-tiny-F32.gguf"));
        HuggingFaceTokenizer hf = Djl.tokenizer(TestData.file("tiny/exaone3-tiny/hf/tokenizer.json"));
        List<String> texts = new ArrayList<>(TestData.corpus());
        texts.addAll(TrickyStrings.VALID);
        for (String text : texts) {
            assertThat(t.encode(text)).as(text).containsExactly(Djl.encode(hf, text));
        }
        assertThat(t.encode("2024")).hasSize(4);
        assertThat(t.encode("a\uD800b")).containsExactly(t.encode("a\uFFFDb"));
    }

    @Test
    void specialTokensAreMatchedWholeAndRenderedOrHidden() {
        Tokenizer t = Tokenizers.forModel(TestData.file("tiny/exaone4-tiny-global/exaone4-tiny-global-F32.gguf"));
        int[] ids = t.encode("Hi[|endofturn|][BOS]x");
        assertThat(ids).contains(2, 1);
        assertThat(t.decode(ids)).isEqualTo("Hi[|endofturn|][BOS]x");
        assertThat(t.decode(ids, true)).isEqualTo("Hix");
        assertThat(t.isSpecial(2)).isTrue();
        assertThat(t.tokenText(2)).isEqualTo("[|endofturn|]");
        assertThat(t.tokenId("[|endofturn|]")).isEqualTo(2);
        assertThat(t.tokenId("no such token")).isEqualTo(-1);
    }

    @Test
    void streamingNeverEmitsHalfACharacter() {
        Tokenizer t = Tokenizers.forModel(TestData.file("tiny/exaone4-tiny-global/exaone4-tiny-global-F32.gguf"));
        String text = "한국어 텍스트와 emoji 😀🎉 and ünïcödé [|endofturn|] end";
        int[] ids = t.encode(text);
        StreamingDecoder d = t.streamingDecoder(false);
        StringBuilder sb = new StringBuilder();
        int emptyEmissions = 0;
        for (int id : ids) {
            String piece = d.accept(id);
            if (piece.isEmpty()) emptyEmissions++;
            assertThat(piece).doesNotContain("\uFFFD");
            if (!piece.isEmpty()) {
                assertThat(Character.isHighSurrogate(piece.charAt(piece.length() - 1))).isFalse();
                assertThat(Character.isLowSurrogate(piece.charAt(0))).isFalse();
            }
            sb.append(piece);
        }
        sb.append(d.flush());
        assertThat(sb.toString()).isEqualTo(text);
        assertThat(emptyEmissions).as("multi-byte characters split across byte tokens are held back").isPositive();

        StreamingDecoder hidden = t.streamingDecoder(true);
        StringBuilder sb2 = new StringBuilder();
        for (int id : ids) sb2.append(hidden.accept(id));
        sb2.append(hidden.flush());
        assertThat(sb2.toString()).isEqualTo(text.replace("[|endofturn|]", ""));

        // an incomplete character at the end is flushed as U+FFFD
        StreamingDecoder partial = t.streamingDecoder(false);
        int[] han = t.encode("한");
        assertThat(han.length).isGreaterThan(1);
        assertThat(partial.accept(han[0])).isEmpty();
        assertThat(partial.flush()).isEqualTo("\uFFFD");
    }

    @Test
    void streamingContinuationKeepsTheLeadingSpace() {
        Tokenizer t = stories();
        int[] ids = t.encode(" there was");
        StreamingDecoder d = t.streamingDecoder(true);
        StringBuilder sb = new StringBuilder();
        for (int id : ids) sb.append(d.accept(id));
        assertThat(sb.append(d.flush()).toString()).isEqualTo("  there was");
    }

    @Test
    void unsupportedVocabulariesAreRejectedByName() {
        Map<String, Object> kv = new HashMap<>();
        kv.put("tokenizer.ggml.model", "bert");
        kv.put("tokenizer.ggml.tokens", new GgufMetadata.Array(8, new String[] {"a", "b"}));
        assertThatThrownBy(() -> Tokenizers.fromGguf(new GgufMetadata(kv, "x.gguf")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bert'");
        kv.put("tokenizer.ggml.model", "gpt2");
        kv.put("tokenizer.ggml.pre", "deepseek-coder");
        kv.put("tokenizer.ggml.merges", new GgufMetadata.Array(8, new String[] {"a b"}));
        assertThatThrownBy(() -> Tokenizers.fromGguf(new GgufMetadata(kv, "x.gguf")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'deepseek-coder'");
    }

    @Test
    void forModelNamesWhatIsMissing() throws Exception {
        Path missing = Path.of("no/such/model.gguf");
        assertThatThrownBy(() -> Tokenizers.forModel(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString());
        Path dir = Files.createTempDirectory("tok-empty");
        try {
            assertThatThrownBy(() -> Tokenizers.forModel(dir)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(dir.resolve("tokenizer.json").toString());
        } finally {
            Files.delete(dir);
        }
        // a Hugging Face folder works through its tokenizer.json
        Tokenizer hf = Tokenizers.forModel(TestData.file("tiny/exaone4-tiny-global/hf"));
        Tokenizer gguf = Tokenizers.forModel(TestData.file("tiny/exaone4-tiny-global/exaone4-tiny-global-Q8_0.gguf"));
        String s = "The quick brown fox, 12345 — 한국어!";
        assertThat(hf.encode(s)).containsExactly(gguf.encode(s));
    }

    @Test
    void tokenBytesJoinToTheTextsBytes() {
        // each token's bytes (raw for a byte-fallback or byte-level token cut inside a character) join to the
        // UTF-8 of the text, so an API client can rebuild characters spread over several tokens
        String s = "ünïcödé 한국어 😀 \u0301x, tab\tand\nnewline";
        Tokenizer spm = stories();
        Tokenizer bpe = Tokenizers.forModel(TestData.file("tiny/exaone4-tiny-global/exaone4-tiny-global-Q8_0.gguf"));
        Tokenizer hf = Tokenizers.forModel(TestData.file("tiny/exaone4-tiny-global/hf"));
        for (Tokenizer t : List.of(spm, bpe, hf)) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int partial = 0;
            for (int id : t.encode(s)) {
                byte[] b = t.tokenBytes(id);
                out.writeBytes(b);
                if (!Arrays.equals(b, streamed(t, new int[] {id}, false).getBytes(java.nio.charset.StandardCharsets.UTF_8))) partial++;
            }
            String expected = t == spm ? " " + s : s;   // SentencePiece's dummy-prefix space is part of its first token
            assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(expected);
            if (t == spm) assertThat(partial).as("stories260K spells 한국어 in byte tokens").isPositive();
        }
    }

    static String streamed(Tokenizer t, int[] ids, boolean skipSpecial) {
        StreamingDecoder d = t.streamingDecoder(skipSpecial);
        StringBuilder sb = new StringBuilder();
        for (int id : ids) sb.append(d.accept(id));
        return sb.append(d.flush()).toString();
    }

    static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
