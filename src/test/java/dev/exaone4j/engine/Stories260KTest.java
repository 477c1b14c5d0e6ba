package dev.exaone4j.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.exaone4j.model.Model;
import dev.exaone4j.model.ModelLoader;
import dev.exaone4j.sampling.Sampler;
import dev.exaone4j.sampling.SamplerConfig;
import dev.exaone4j.tokenizer.Tokenizer;
import dev.exaone4j.tokenizer.Tokenizers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped demo model against llama2.c's run.c at temperature 0 (src/test/resources/stories260K/reference.json,
 * copied from shared/testdata): prompt tokenization, 200 greedy ids and the text must be identical.
 */
class Stories260KTest {
    static final Path MODEL = Path.of("models", "stories260K.gguf");

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void greedyContinuationEqualsLlama2c(int which) throws Exception {
        JsonNode ref;
        try (InputStream in = getClass().getResourceAsStream("/stories260K/reference.json")) {
            ref = new ObjectMapper().readTree(in).get(which);
        }
        int[] promptIds = ids(ref.get("prompt_ids"));
        int[] expected = ids(ref.get("generated_ids"));
        Tokenizer tok = Tokenizers.forModel(MODEL);
        assertThat(tok.encodePrompt(ref.get("prompt").asText())).containsExactly(promptIds);
        try (Model m = ModelLoader.load(MODEL)) {
            Generator.Result r = Generator.generate(m, m.newState(512), promptIds, expected.length,
                    new Sampler(SamplerConfig.GREEDY), new int[0], null);
            assertThat(r.tokens()).containsExactly(expected);
            StringBuilder text = new StringBuilder(ref.get("prompt").asText());
            var dec = tok.streamingDecoder(false);
            for (int id : r.tokens()) text.append(dec.accept(id));
            text.append(dec.flush());
            assertThat(text.toString()).isEqualTo(ref.get("text").asText());
        }
    }

    static int[] ids(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }
}
