package dev.exaone4j.server;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.models.models.Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official OpenAI Java SDK against a real server on the stories260K demo model: chat, streaming equal to the
 * non-streamed text at temperature 0, usage, stop strings, logprobs, n > 1, completions, models.
 */
class OpenAiClientTest {
    static final String KEY = "test-key-123";
    static InferenceServer server;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(TestServers.config(TestServers.stories()).withApiKey(KEY));
        client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey(KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    static ChatCompletionCreateParams.Builder chat(String user, int max) {
        return ChatCompletionCreateParams.builder().model(server.modelId()).addUserMessage(user).temperature(0.0).maxCompletionTokens(max);
    }

    @Test
    void plainChatReturnsTextAndUsage() throws Exception {
        ChatCompletion c = client.chat().completions().create(chat("Once upon a time", 24).build());
        assertThat(c.choices()).hasSize(1);
        String text = c.choices().getFirst().message().content().orElseThrow();
        assertThat(text).isNotBlank();
        assertThat(c.model()).isEqualTo("stories260K");
        var usage = c.usage().orElseThrow();
        assertThat(usage.completionTokens()).isBetween(1L, 24L);
        assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
        // prompt tokens equal what /tokenize says for the same conversation
        var tok = TestServers.post(server, "/tokenize", "{\"messages\": [{\"role\": \"user\", \"content\": \"Once upon a time\"}]}", KEY).json();
        assertThat(usage.promptTokens()).isEqualTo(tok.get("count").asLong());
        String reason = c.choices().getFirst().finishReason().asString();
        if (reason.equals("length")) assertThat(usage.completionTokens()).isEqualTo(24);
    }

    @Test
    void streamedTextEqualsNonStreamedTextAtTemperatureZero() {
        ChatCompletionCreateParams p = chat("Tom had a red ball.", 40)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        ChatCompletion whole = client.chat().completions().create(p);
        StringBuilder sb = new StringBuilder();
        List<String> reasons = new ArrayList<>();
        long[] usage = {-1, -1};
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
            s.stream().forEach(ch -> {
                for (var choice : ch.choices()) {
                    choice.delta().content().ifPresent(sb::append);
                    choice.finishReason().ifPresent(r -> reasons.add(r.asString()));
                }
                ch.usage().ifPresent(u -> {
                    usage[0] = u.promptTokens();
                    usage[1] = u.completionTokens();
                });
            });
        }
        assertThat(sb.toString()).isEqualTo(whole.choices().getFirst().message().content().orElseThrow());
        assertThat(reasons).containsExactly(whole.choices().getFirst().finishReason().asString());
        assertThat(usage[0]).isEqualTo(whole.usage().orElseThrow().promptTokens());
        assertThat(usage[1]).isEqualTo(whole.usage().orElseThrow().completionTokens());
    }

    @Test
    void stopStringIsNeverEmittedAndEndsTheGeneration() {
        String full = client.chat().completions().create(chat("The little dog", 60).build()).choices().getFirst().message().content().orElseThrow();
        assertThat(full.length()).isGreaterThan(12);
        // a stop string taken from the middle of the greedy output
        String stop = full.substring(full.length() / 2, full.length() / 2 + 3);
        int cut = full.indexOf(stop);
        ChatCompletionCreateParams p = chat("The little dog", 60).stop(stop).build();
        ChatCompletion c = client.chat().completions().create(p);
        assertThat(c.choices().getFirst().message().content().orElseThrow()).isEqualTo(full.substring(0, cut));
        assertThat(c.choices().getFirst().finishReason().asString()).isEqualTo("stop");
        StringBuilder sb = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
            s.stream().forEach(ch -> ch.choices().forEach(x -> x.delta().content().ifPresent(sb::append)));
        }
        assertThat(sb.toString()).isEqualTo(full.substring(0, cut));
    }

    @Test
    void logprobsAreReportedPerToken() {
        ChatCompletion c = client.chat().completions().create(chat("A cat", 8).logprobs(true).topLogprobs(3).build());
        var lp = c.choices().getFirst().logprobs().orElseThrow().content().orElseThrow();
        assertThat(lp).isNotEmpty();
        for (var t : lp) {
            assertThat(t.logprob()).isLessThanOrEqualTo(0.0);
            assertThat(t.topLogprobs()).hasSize(3);
            // greedy: the chosen token is the most likely one
            assertThat(t.logprob()).isCloseTo(t.topLogprobs().getFirst().logprob(), org.assertj.core.data.Offset.offset(1e-5));
        }
        String joined = lp.stream().map(t -> t.token()).collect(Collectors.joining());
        assertThat(joined).isEqualTo(c.choices().getFirst().message().content().orElseThrow());
    }

    @Test
    void logprobsEndWithTheTextAtAStopString() throws Exception {
        String req = "{\"prompt\": \"Once upon a time\", \"max_tokens\": 24, \"temperature\": 0, \"logprobs\": 1%s}";
        JsonNode full = TestServers.post(server, "/v1/completions", req.formatted(""), KEY).json().get("choices").get(0);
        String text = full.get("text").asText();
        assertThat(text.length()).isGreaterThan(12);
        // a stop string from the middle of the text, starting one character into a token
        JsonNode offsets = full.get("logprobs").get("text_offset");
        int k = offsets.size() / 2, at = offsets.get(k).asInt() + 1;
        String stop = text.substring(at, Math.min(text.length(), at + 6));
        JsonNode cut = TestServers.post(server, "/v1/completions", req.formatted(", \"stop\": " + TestServers.JSON.writeValueAsString(stop)), KEY)
                .json().get("choices").get(0);
        String kept = cut.get("text").asText();
        assertThat(kept).isEqualTo(text.substring(0, text.indexOf(stop)));
        JsonNode lp = cut.get("logprobs");
        // the tokens are those whose text begins in the kept text: offsets inside it, joined they cover it
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < lp.get("tokens").size(); i++) {
            assertThat(lp.get("text_offset").get(i).asInt()).isEqualTo(joined.length()).isLessThan(kept.length());
            joined.append(lp.get("tokens").get(i).asText());
        }
        assertThat(joined.toString()).startsWith(kept);
        // chat: the same, the logprob tokens join to the content (here no token straddles the cut)
        ChatCompletion c = client.chat().completions().create(chat("Once upon a time", 24).logprobs(true).build());
        String content = c.choices().getFirst().message().content().orElseThrow();
        var all = c.choices().getFirst().logprobs().orElseThrow().content().orElseThrow();
        int half = all.size() / 2, from = 0;
        for (int i = 0; i < half; i++) from += all.get(i).token().length();
        String chatStop = content.substring(from, Math.min(content.length(), from + 4));
        ChatCompletion s = client.chat().completions().create(chat("Once upon a time", 24).logprobs(true).stop(chatStop).build());
        String sContent = s.choices().getFirst().message().content().orElseThrow();
        assertThat(sContent).isEqualTo(content.substring(0, content.indexOf(chatStop)));
        String sJoined = s.choices().getFirst().logprobs().orElseThrow().content().orElseThrow().stream()
                .map(t -> t.token()).collect(Collectors.joining());
        assertThat(sJoined).isEqualTo(sContent);
    }

    @Test
    void aByteTokenReportsItsRawByte() throws Exception {
        // stories260K spells characters outside its vocabulary with <0xNN> byte tokens; force one
        int id = -1, value = -1;
        JsonNode strs = TestServers.post(server, "/tokenize", "{\"prompt\": \"\ud55c\", \"add_special_tokens\": false, \"return_token_strs\": true}", KEY).json();
        for (int i = 0; i < strs.get("tokens").size() && id < 0; i++) {
            String str = strs.get("token_strs").get(i).asText();
            if (str.matches("<0x[0-9A-F]{2}>")) {
                id = strs.get("tokens").get(i).asInt();
                value = Integer.parseInt(str.substring(3, 5), 16);
            }
        }
        assertThat(id).as(strs.toString()).isPositive();
        JsonNode r = TestServers.post(server, "/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], "
                + "\"max_tokens\": 1, \"temperature\": 0, \"logprobs\": true, \"top_logprobs\": 2, \"logit_bias\": {\"" + id + "\": 100}}", KEY).json();
        JsonNode t = r.get("choices").get(0).get("logprobs").get("content").get(0);
        assertThat(t.get("bytes").toString()).isEqualTo("[" + value + "]");
        String shown = "bytes:\\x%02x".formatted(value);
        assertThat(t.get("token").asText()).isEqualTo(shown);
        // completions: the same token shown the same way, its top alternatives keyed apart
        JsonNode c = TestServers.post(server, "/v1/completions", "{\"prompt\": \"Hi\", \"max_tokens\": 1, \"temperature\": 0, \"logprobs\": 2, "
                + "\"logit_bias\": {\"" + id + "\": 100}}", KEY).json();
        assertThat(c.get("choices").get(0).get("logprobs").get("tokens").get(0).asText()).isEqualTo(shown);
    }

    @Test
    void stopStringsHoldInJsonMode() throws Exception {
        String req = "{\"messages\": [{\"role\": \"user\", \"content\": \"Give JSON\"}], \"response_format\": {\"type\": \"json_object\"}, "
                + "\"max_tokens\": 40, \"temperature\": 0%s}";
        String full = TestServers.post(server, "/v1/chat/completions", req.formatted(""), KEY).json()
                .get("choices").get(0).get("message").get("content").asText();
        assertThat(full.length()).isGreaterThan(4);
        String stop = full.substring(2, 4);
        JsonNode cut = TestServers.post(server, "/v1/chat/completions", req.formatted(", \"stop\": " + TestServers.JSON.writeValueAsString(stop)), KEY)
                .json().get("choices").get(0);
        assertThat(cut.get("message").get("content").asText()).isEqualTo(full.substring(0, full.indexOf(stop)));
        assertThat(cut.get("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void seededChoicesDoNotRepeatTheNextSeed() throws Exception {
        // choice 1 of seed s used to be choice 0 of seed s + 1
        String req = "{\"prompt\": \"The dog\", \"max_tokens\": 12, \"temperature\": 1, \"n\": 2, \"seed\": %d}";
        JsonNode a = TestServers.post(server, "/v1/completions", req.formatted(1), KEY).json().get("choices");
        JsonNode b = TestServers.post(server, "/v1/completions", req.formatted(2), KEY).json().get("choices");
        assertThat(a.get(1).get("text").asText()).isNotEqualTo(b.get(0).get("text").asText());
        // the first choice of n is the n = 1 answer for the same seed
        JsonNode one = TestServers.post(server, "/v1/completions", req.formatted(1).replace("\"n\": 2", "\"n\": 1"), KEY).json().get("choices");
        assertThat(one.get(0).get("text").asText()).isEqualTo(a.get(0).get("text").asText());
    }

    @Test
    void severalChoicesWithSeedsAreIndependentAndCounted() {
        ChatCompletionCreateParams p = ChatCompletionCreateParams.builder().model(server.modelId()).addUserMessage("Lily went")
                .temperature(1.0).seed(7).n(3).maxCompletionTokens(12).build();
        ChatCompletion a = client.chat().completions().create(p);
        ChatCompletion b = client.chat().completions().create(p);
        assertThat(a.choices()).hasSize(3);
        long sum = 0;
        for (int i = 0; i < 3; i++) {
            assertThat(a.choices().get(i).index()).isEqualTo(i);
            assertThat(a.choices().get(i).message().content()).isEqualTo(b.choices().get(i).message().content());
        }
        assertThat(a.usage().orElseThrow().completionTokens()).isBetween(3L, 36L);
        // streamed, the choices interleave and reassemble by index to the same texts
        StringBuilder[] parts = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
        int[] finished = new int[3];
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
            s.stream().forEach(ch -> ch.choices().forEach(x -> {
                x.delta().content().ifPresent(parts[(int) x.index()]::append);
                if (x.finishReason().isPresent()) finished[(int) x.index()]++;
            }));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(parts[i].toString()).isEqualTo(a.choices().get(i).message().content().orElseThrow());
            assertThat(finished[i]).isEqualTo(1);
        }
    }

    @Test
    void completionsEndpointContinuesRawText() {
        CompletionCreateParams p = CompletionCreateParams.builder().model(server.modelId()).prompt("Once upon a time")
                .temperature(0.0).maxTokens(20).build();
        Completion c = client.completions().create(p);
        String text = c.choices().getFirst().text();
        assertThat(text).isNotEmpty();
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(5); // BOS + 4 tokens, as llama2.c
        StringBuilder sb = new StringBuilder();
        try (var s = client.completions().createStreaming(p)) {
            s.stream().forEach(ch -> ch.choices().forEach(x -> sb.append(x.text())));
        }
        assertThat(sb.toString()).isEqualTo(text);
    }

    @Test
    void logitBiasSteersTheTokens() throws Exception {
        var r = TestServers.post(server, "/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": 5, \"temperature\": 0, \"logit_bias\": {\"400\": 100}, \"logprobs\": 0}", KEY).json();
        var tokens = r.at("/choices/0/logprobs/tokens");
        assertThat(tokens.size()).isEqualTo(5);
        String one = TestServers.post(server, "/detokenize", "{\"tokens\": [400]}", KEY).json().get("prompt").asText().strip();
        for (var t : tokens) assertThat(t.asText().strip()).isEqualTo(one);
    }

    @Test
    void listsTheModel() {
        List<Model> models = new ArrayList<>();
        client.models().list().autoPager().forEach(models::add);
        assertThat(models).extracting(Model::id).containsExactly("stories260K");
        assertThat(client.models().retrieve("stories260K").id()).isEqualTo("stories260K");
    }

    @Test
    void extraSamplingFieldsAreAccepted() {
        ChatCompletion c = client.chat().completions().create(chat("A bird", 10).temperature(0.7).topP(0.9).seed(3)
                .presencePenalty(0.5).frequencyPenalty(0.5)
                .putAdditionalBodyProperty("top_k", JsonValue.from(20))
                .putAdditionalBodyProperty("min_p", JsonValue.from(0.05))
                .putAdditionalBodyProperty("repetition_penalty", JsonValue.from(1.1)).build());
        assertThat(c.choices().getFirst().message().content().orElseThrow()).isNotNull();
    }
}
