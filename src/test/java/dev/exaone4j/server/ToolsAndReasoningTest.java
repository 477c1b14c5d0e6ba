package dev.exaone4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool calls and reasoning on the EXAONE 4.0 hybrid tiny model (random weights, built-in EXAONE 4.0 template). A random
 * model never calls a tool by itself, so the call path is forced with tool_choice (named and required): the call
 * must come back as a valid OpenAI tool call, streamed or not, and the conversation must round-trip through the
 * template. Thinking: with enable_thinking the prompt opens a think block, so everything generated is reasoning.
 */
class ToolsAndReasoningTest {
    static InferenceServer server;
    static OpenAIClient client;

    static final ChatCompletionFunctionTool WEATHER = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
            .name("get_weather").description("Current weather of a city")
            .parameters(FunctionParameters.builder()
                    .putAdditionalProperty("type", JsonValue.from("object"))
                    .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .putAdditionalProperty("required", JsonValue.from(List.of("city"))).build())
            .build()).build();
    static final ChatCompletionFunctionTool TIME = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
            .name("get_time").description("Current time").build()).build();

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(TestServers.config(TestServers.tinyHybrid()).withCtx(2048).withPrefixCache(0));
        client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey("unused").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    static ChatCompletionCreateParams.Builder weather() {
        return ChatCompletionCreateParams.builder().model(server.modelId()).addUserMessage("What is the weather in Seoul?")
                .addTool(WEATHER).addTool(TIME).temperature(0.0).maxCompletionTokens(30);
    }

    @Test
    void namedToolChoiceReturnsAValidToolCall() throws Exception {
        ChatCompletionCreateParams p = weather().toolChoice(ChatCompletionNamedToolChoice.builder()
                .function(ChatCompletionNamedToolChoice.Function.builder().name("get_weather").build()).build()).build();
        ChatCompletion c = client.chat().completions().create(p);
        var choice = c.choices().getFirst();
        assertThat(choice.finishReason().asString()).isEqualTo("tool_calls");
        assertThat(choice.message().content()).isEmpty();
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(call.id()).startsWith("call_");
        assertThat(call.function().name()).isEqualTo("get_weather");
        JsonNode args = TestServers.JSON.readTree(call.function().arguments());
        assertThat(args.isObject()).isTrue();
        assertThat(c.usage().orElseThrow().completionTokens()).isBetween(1L, 30L);

        // streamed: one tool_calls delta with the same name and arguments
        StringBuilder name = new StringBuilder(), arguments = new StringBuilder();
        String[] finish = {null};
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
            s.stream().forEach(ch -> ch.choices().forEach(x -> {
                x.delta().toolCalls().ifPresent(calls -> calls.forEach(tc -> tc.function().ifPresent(f -> {
                    f.name().ifPresent(name::append);
                    f.arguments().ifPresent(arguments::append);
                })));
                x.finishReason().ifPresent(r -> finish[0] = r.asString());
            }));
        }
        assertThat(name.toString()).isEqualTo("get_weather");
        assertThat(arguments.toString()).isEqualTo(call.function().arguments());
        assertThat(finish[0]).isEqualTo("tool_calls");
    }

    @Test
    void requiredToolChoiceCallsOneOfTheTools() throws Exception {
        ChatCompletion c = client.chat().completions().create(weather().toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED)
                .maxCompletionTokens(400).build());
        var call = c.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(call.function().name()).isIn("get_weather", "get_time");
        assertThat(TestServers.JSON.readTree(call.function().arguments()).isObject()).isTrue();
        assertThat(c.choices().getFirst().finishReason().asString()).isEqualTo("tool_calls");
    }

    @Test
    void forcedCallCutByMaxTokensReportsLength() throws Exception {
        // the call is closed minimally so its arguments parse, but it is unfinished: finish_reason says so
        ChatCompletion c = client.chat().completions().create(weather().toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED)
                .maxCompletionTokens(3).build());
        var choice = c.choices().getFirst();
        assertThat(choice.finishReason().asString()).isEqualTo("length");
        var call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(TestServers.JSON.readTree(call.function().arguments()).isObject()).isTrue();
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3L);
    }

    @Test
    void toolResultRoundTripsThroughTheTemplate() throws Exception {
        ChatCompletionCreateParams first = weather().toolChoice(ChatCompletionNamedToolChoice.builder()
                .function(ChatCompletionNamedToolChoice.Function.builder().name("get_weather").build()).build()).build();
        ChatCompletion c = client.chat().completions().create(first);
        var msg = c.choices().getFirst().message();
        var call = msg.toolCalls().orElseThrow().getFirst().asFunction();
        ChatCompletionCreateParams second = weather()
                .addMessage(msg)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("{\"temperature\": 21}").build())
                .build();
        ChatCompletion answer = client.chat().completions().create(second);
        assertThat(answer.choices()).hasSize(1);
        assertThat(answer.usage().orElseThrow().promptTokens()).isGreaterThan(c.usage().orElseThrow().promptTokens());

        // what the model saw: the call and the result rendered by the EXAONE 4.0 template
        String body = TestServers.JSON.writeValueAsString(Map.of("messages", List.of(
                Map.of("role", "user", "content", "What is the weather in Seoul?"),
                Map.of("role", "assistant", "content", "", "tool_calls", List.of(Map.of("id", call.id(), "type", "function",
                        "function", Map.of("name", "get_weather", "arguments", call.function().arguments())))),
                Map.of("role", "tool", "tool_call_id", call.id(), "content", "{\"temperature\": 21}"))));
        JsonNode tokens = TestServers.post(server, "/tokenize", body).json().get("tokens");
        String text = TestServers.post(server, "/detokenize", TestServers.JSON.writeValueAsString(Map.of("tokens", tokens))).json().get("prompt").asText();
        assertThat(text).contains("<tool_call>{\"name\": \"get_weather\", \"arguments\": ")
                .contains("[|tool|]\n<tool_result>{\"result\": \"{\\\"temperature\\\": 21}\"}</tool_result>[|endofturn|]")
                .endsWith("[|assistant|]\n<think>\n\n</think>\n\n");
    }

    @Test
    void toolChoiceNoneLeavesToolsOutOfThePrompt() throws Exception {
        String with = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]";
        int auto = TestServers.post(server, "/tokenize", with + "}").json().get("count").asInt();
        int none = TestServers.post(server, "/tokenize", with + ", \"tool_choice\": \"none\"}").json().get("count").asInt();
        int plain = TestServers.post(server, "/tokenize", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}").json().get("count").asInt();
        assertThat(none).isEqualTo(plain);
        assertThat(auto).isGreaterThan(plain);
    }

    @Test
    void thinkingSplitsReasoningFromContent() throws Exception {
        String req = "{\"messages\": [{\"role\": \"user\", \"content\": \"Why is the sky blue?\"}], \"temperature\": 0, \"max_tokens\": 24, "
                + "\"chat_template_kwargs\": {\"enable_thinking\": true}";
        JsonNode tok = TestServers.post(server, "/detokenize", TestServers.JSON.writeValueAsString(Map.of("tokens",
                TestServers.post(server, "/tokenize", req + "}").json().get("tokens")))).json();
        assertThat(tok.get("prompt").asText()).endsWith("[|assistant|]\n<think>\n");

        JsonNode whole = TestServers.post(server, "/v1/chat/completions", req + "}").json();
        JsonNode msg = whole.at("/choices/0/message");
        // the random model never closes the think block: everything it wrote is reasoning
        assertThat(msg.get("reasoning_content").asText()).isNotEmpty();
        assertThat(msg.get("content").asText()).isEmpty();

        // streamed reasoning deltas add up to the same reasoning
        String sse = TestServers.post(server, "/v1/chat/completions", req + ", \"stream\": true}").body();
        StringBuilder reasoning = new StringBuilder(), content = new StringBuilder();
        for (String line : sse.split("\n")) {
            if (!line.startsWith("data: {")) continue;
            JsonNode d = TestServers.JSON.readTree(line.substring(6)).at("/choices/0/delta");
            if (d.has("reasoning_content")) reasoning.append(d.get("reasoning_content").asText());
            if (d.has("content")) content.append(d.get("content").asText());
        }
        assertThat(sse.strip()).endsWith("data: [DONE]");
        assertThat(reasoning.toString()).isEqualTo(msg.get("reasoning_content").asText());
        assertThat(content.toString()).isEmpty();

        // thinking off (the EXAONE 4.0 default): no reasoning_content
        JsonNode off = TestServers.post(server, "/v1/chat/completions",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Why is the sky blue?\"}], \"temperature\": 0, \"max_tokens\": 24}").json();
        assertThat(off.at("/choices/0/message").has("reasoning_content")).isFalse();
        assertThat(off.at("/choices/0/message/content").asText()).isNotEmpty();
    }

    @Test
    void jsonObjectResponseFormatGivesAnObject() throws Exception {
        JsonNode r = TestServers.post(server, "/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"Give JSON\"}], "
                + "\"temperature\": 0, \"max_tokens\": 20, \"response_format\": {\"type\": \"json_object\"}}").json();
        String content = r.at("/choices/0/message/content").asText();
        assertThat(TestServers.JSON.readTree(content).isObject()).as(content).isTrue();
    }
}
