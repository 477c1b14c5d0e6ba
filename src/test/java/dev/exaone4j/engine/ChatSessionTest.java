package dev.exaone4j.engine;

import dev.exaone4j.chat.ChatFormat;
import dev.exaone4j.chat.ChatTemplates;
import dev.exaone4j.model.Model;
import dev.exaone4j.model.ModelLoader;
import dev.exaone4j.sampling.Sampler;
import dev.exaone4j.sampling.SamplerConfig;
import dev.exaone4j.testutil.SharedData;
import dev.exaone4j.tokenizer.Tokenizer;
import dev.exaone4j.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Multi-turn chat: the second turn reuses the cached prefix and still produces what a cold run produces. */
class ChatSessionTest {
    @Test
    void secondTurnReusesTheCacheAndMatchesAColdRun() throws Exception {
        Path path = SharedData.require("tiny/exaone4-tiny-hybrid4/hf");
        Tokenizer tok = Tokenizers.forModel(path);
        try (Model m = ModelLoader.load(path)) {
            ChatFormat f = ChatFormat.forModel(path, "exaone4", Map.of());
            ChatSession warm = new ChatSession(m, tok, f, new Sampler(SamplerConfig.GREEDY), 512);
            ChatSession.Reply a1 = warm.send("hello there", 20, null);
            ChatSession.Reply a2 = warm.send("tell me more about it", 20, null);
            assertThat(a1.reusedTokens()).isZero();
            assertThat(a2.reusedTokens()).isGreaterThan(10);

            // the same conversation in a session whose cache was emptied before the second turn
            ChatSession cold = new ChatSession(m, tok, f, new Sampler(SamplerConfig.GREEDY), 512);
            cold.send("hello there", 20, null);
            cold.dropCache();
            ChatSession.Reply c2 = cold.send("tell me more about it", 20, null);
            assertThat(c2.reusedTokens()).isZero();
            assertThat(c2.content()).isEqualTo(a2.content());
            assertThat(c2.reasoning()).isEqualTo(a2.reasoning());
        }
    }

    @Test
    void builtinTemplateForTheDemoModelChats() throws Exception {
        Path path = Path.of("models", "stories260K.gguf");
        Tokenizer tok = Tokenizers.forModel(path);
        try (Model m = ModelLoader.load(path)) {
            ChatFormat f = ChatTemplates.builtinFor("llama");
            ChatSession s = new ChatSession(m, tok, f, new Sampler(SamplerConfig.GREEDY), 512);
            StringBuilder streamed = new StringBuilder();
            ChatSession.Reply r = s.send("Once upon a time", 30, (reasoning, content) -> streamed.append(content));
            assertThat(r.generatedTokens()).isPositive();
            assertThat(streamed.toString()).isEqualTo(r.content());
            ChatSession.Reply r2 = s.send("And then?", 30, null);
            assertThat(r2.reusedTokens()).isPositive();
        }
    }
}
