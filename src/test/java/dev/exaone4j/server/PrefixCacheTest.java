package dev.exaone4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exaone4j.model.DecoderModel;
import dev.exaone4j.model.InferenceState;
import dev.exaone4j.model.Model;
import dev.exaone4j.model.ModelLoader;
import dev.exaone4j.testutil.RefLogits;
import dev.exaone4j.testutil.SharedData;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * The prefix cache on the hybrid (LLLG, window 8) model: a forked, cut-back state continues exactly like a fresh
 * computation as long as the sliding window is still in the ring (and is refused beyond); across requests, a shared
 * system prompt and the history of a conversation are reused, with outputs identical to a server without the cache.
 */
class PrefixCacheTest {
    @Test
    void forkedStatesContinueExactlyLikeFreshOnes() throws Exception {
        int[] ids = RefLogits.readIds(SharedData.require("tiny/tokens.txt"));
        try (Model m = ModelLoader.load(SharedData.require("tiny/exaone4-tiny-hybrid4/exaone4-tiny-hybrid4-F32.gguf"))) {
            DecoderModel dm = (DecoderModel) m;
            int v = m.config().vocabSize, batch = 4;
            InferenceState ws = InferenceState.workspace(m.config(), 32);
            // original: 20 tokens in chunks of 4 (ring = window 8 + 4 slots)
            InferenceState orig = InferenceState.sequence(m.config(), 64, batch);
            for (int p = 0; p < 20; p += 4) run(dm, ws, orig, Arrays.copyOfRange(ids, p, p + 4));
            int minUsable = orig.minTruncate();
            assertThat(minUsable).isEqualTo(20 - (12 - 8 + 1));
            for (int cut = minUsable; cut <= 20; cut++) {
                InferenceState fork = orig.copy();
                fork.truncate(cut);
                float[] got = run(dm, ws, fork, Arrays.copyOfRange(ids, cut, Math.min(cut + 4, 24)));
                InferenceState fresh = InferenceState.sequence(m.config(), 64, batch);
                float[] want = null;
                for (int p = 0; p < Math.min(cut + 4, 24); p += 4) want = run(dm, ws, fresh, Arrays.copyOfRange(ids, p, Math.min(p + 4, Math.min(cut + 4, 24))));
                int rowsGot = Math.min(cut + 4, 24) - cut, rowsWant = (Math.min(cut + 4, 24) - 1) % 4 + 1;
                for (int k = 0; k < v; k++) {
                    assertThat(got[(rowsGot - 1) * v + k]).as("cut %d token %d", cut, k).isCloseTo(want[(rowsWant - 1) * v + k], offset(1e-4f));
                }
            }
            // the original is untouched by its forks
            assertThat(orig.position()).isEqualTo(20);
            PrefixCache cache = new PrefixCache(1L << 30);
            assertThat(cache.put(ids, 20, orig)).isTrue();
            assertThat(cache.lookup(Arrays.copyOf(ids, 24)).length()).isEqualTo(20);
            int[] diverging = Arrays.copyOf(ids, 24);
            diverging[10] = (diverging[10] + 1) % v;   // shares 10 tokens: below what the ring can restore
            assertThat(cache.lookup(diverging)).isNull();
            diverging = Arrays.copyOf(ids, 24);
            diverging[17] = (diverging[17] + 1) % v;   // shares 17 tokens: restorable
            assertThat(cache.lookup(diverging).length()).isEqualTo(17);
        }
    }

    static float[] run(DecoderModel m, InferenceState ws, InferenceState s, int[] toks) {
        InferenceState[] rows = new InferenceState[toks.length];
        Arrays.fill(rows, s);
        return m.forwardRows(ws, rows, toks, toks.length).clone();
    }

    static String chat(InferenceServer s, List<Map<String, String>> messages) throws Exception {
        return chat(s, messages, 12);
    }

    static String chat(InferenceServer s, List<Map<String, String>> messages, int maxTokens) throws Exception {
        String body = TestServers.JSON.writeValueAsString(Map.of("messages", messages, "temperature", 0, "max_tokens", maxTokens,
                "logprobs", true));
        TestServers.Reply r = TestServers.post(s, "/v1/chat/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    @Test
    void sharedSystemPromptAndConversationHistoryAreReused() throws Exception {
        ServerConfig base = TestServers.config(TestServers.tinyHybrid()).withCtx(1024).withParallel(1, 8);
        try (InferenceServer cached = TestServers.start(base); InferenceServer plain = TestServers.start(base.withPrefixCache(0))) {
            String system = "You are a careful assistant. Answer briefly and politely, and never make things up. ".repeat(3);
            List<Map<String, String>> a = List.of(Map.of("role", "system", "content", system), Map.of("role", "user", "content", "What is a cat?"));
            List<Map<String, String>> b = List.of(Map.of("role", "system", "content", system), Map.of("role", "user", "content", "Name a river."));

            JsonNode ra = TestServers.JSON.readTree(chat(cached, a));
            assertThat(ra.at("/usage/prompt_tokens_details/cached_tokens").asInt()).isZero();
            JsonNode rb = TestServers.JSON.readTree(chat(cached, b));
            int cachedB = rb.at("/usage/prompt_tokens_details/cached_tokens").asInt();
            assertThat(cachedB).as("the shared system turn is reused").isGreaterThan(40);
            assertThat(cachedB).isLessThan(rb.at("/usage/prompt_tokens").asInt());
            assertThat(rb.at("/choices/0/message/content")).isEqualTo(TestServers.JSON.readTree(chat(plain, b)).at("/choices/0/message/content"));

            // the next turn of conversation a reuses (almost) all of its first prompt
            String reply = ra.at("/choices/0/message/content").asText();
            List<Map<String, String>> a2 = List.of(a.get(0), a.get(1), Map.of("role", "assistant", "content", reply), Map.of("role", "user", "content", "And a dog?"));
            JsonNode ra2 = TestServers.JSON.readTree(chat(cached, a2));
            assertThat(ra2.at("/usage/prompt_tokens_details/cached_tokens").asInt()).isGreaterThanOrEqualTo(ra.at("/usage/prompt_tokens").asInt() - 2);
            assertThat(ra2.at("/choices/0/message/content")).isEqualTo(TestServers.JSON.readTree(chat(plain, a2)).at("/choices/0/message/content"));

            // the very same request again: everything but the last prompt token comes from the cache
            JsonNode again = TestServers.JSON.readTree(chat(cached, b));
            assertThat(again.at("/usage/prompt_tokens_details/cached_tokens").asInt()).isEqualTo(again.at("/usage/prompt_tokens").asInt() - 1);
            assertThat(again.at("/choices/0/message/content")).isEqualTo(rb.at("/choices/0/message/content"));
            assertThat(TestServers.metric(cached, "exaone4j_prefix_cache_hits_total", null)).isGreaterThanOrEqualTo(3);
            assertThat(TestServers.metric(cached, "exaone4j_prefix_cache_hit_tokens_total", null)).isGreaterThan(100);
        }
    }

    @Test
    void withEightBitActivationsAHitEqualsAColdRunToo() throws Exception {
        // generated tokens computed with 8-bit activations differ slightly from the same tokens read as a prompt, so a
        // finished conversation is not cached there; a follow-up reuses the prompt prefix and answers as a cold server
        Path q8 = SharedData.require("tiny/exaone4-tiny-hybrid64/exaone4-tiny-hybrid64-Q8_0.gguf");
        ServerConfig base = TestServers.config(q8).withCtx(1024).withParallel(1, 8);
        try (InferenceServer cached = TestServers.start(base); InferenceServer plain = TestServers.start(base.withPrefixCache(0))) {
            String system = "You are a careful assistant. Answer briefly and politely. ".repeat(3);
            List<Map<String, String>> a = List.of(Map.of("role", "system", "content", system), Map.of("role", "user", "content", "What is a cat?"));
            JsonNode ra = TestServers.JSON.readTree(chat(cached, a, 80));
            String reply = ra.at("/choices/0/message/content").asText();
            List<Map<String, String>> a2 = List.of(a.get(0), a.get(1), Map.of("role", "assistant", "content", reply), Map.of("role", "user", "content", "And a dog?"));
            JsonNode hit = TestServers.JSON.readTree(chat(cached, a2, 40));
            assertThat(hit.at("/usage/prompt_tokens_details/cached_tokens").asInt()).as("the first prompt is reused").isGreaterThan(20);
            JsonNode cold = TestServers.JSON.readTree(chat(plain, a2, 40));
            assertThat(hit.at("/choices/0/message/content")).isEqualTo(cold.at("/choices/0/message/content"));
            // the same bits: every token's logprob equal
            assertThat(hit.at("/choices/0/logprobs/content").toString()).isEqualTo(cold.at("/choices/0/logprobs/content").toString());
            // raw completions continuing a finished generation's own text
            String prompt = "Once upon a time, in a small village by the sea, there lived an old fisherman who";
            String req = "{\"prompt\": %s, \"max_tokens\": %d, \"temperature\": 0, \"logprobs\": 1}";
            String gen = TestServers.JSON.readTree(TestServers.post(cached, "/v1/completions", req.formatted(TestServers.JSON.writeValueAsString(prompt), 80)).body())
                    .at("/choices/0/text").asText();
            String next = TestServers.JSON.writeValueAsString(prompt + gen + " And then");
            JsonNode c1 = TestServers.JSON.readTree(TestServers.post(cached, "/v1/completions", req.formatted(next, 40)).body());
            JsonNode c2 = TestServers.JSON.readTree(TestServers.post(plain, "/v1/completions", req.formatted(next, 40)).body());
            assertThat(c1.at("/choices/0/logprobs").toString()).isEqualTo(c2.at("/choices/0/logprobs").toString());
        }
    }
}
