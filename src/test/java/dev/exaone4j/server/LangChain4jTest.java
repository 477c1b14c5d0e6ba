package dev.exaone4j.server;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** LangChain4j's OpenAI integration (JDK HTTP client) against the server: chat, streaming, a tool round trip, thinking. */
class LangChain4jTest {
    static OpenAiChatModel chatModel(InferenceServer s, Map<String, Object> custom) {
        return OpenAiChatModel.builder().baseUrl(s.baseUrl() + "/v1").apiKey("lc4j-key").modelName(s.modelId())
                .temperature(0.0).maxTokens(30).timeout(Duration.ofSeconds(60)).maxRetries(0).returnThinking(true)
                .customParameters(custom).build();
    }

    static String streamed(InferenceServer s, String user) throws Exception {
        OpenAiStreamingChatModel m = OpenAiStreamingChatModel.builder().baseUrl(s.baseUrl() + "/v1").apiKey("lc4j-key")
                .modelName(s.modelId()).temperature(0.0).maxTokens(30).timeout(Duration.ofSeconds(60)).build();
        StringBuilder sb = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        m.chat(user, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                sb.append(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse r = done.get(60, TimeUnit.SECONDS);
        assertThat(r.aiMessage().text()).isEqualTo(sb.toString());
        assertThat(r.tokenUsage().outputTokenCount()).isPositive();
        return sb.toString();
    }

    @Test
    void chatAndStreamingAgree() throws Exception {
        try (InferenceServer s = TestServers.start(TestServers.config(TestServers.stories()).withApiKey("lc4j-key"))) {
            String text = chatModel(s, Map.of()).chat("Once upon a time");
            assertThat(text).isNotBlank();
            assertThat(streamed(s, "Once upon a time")).isEqualTo(text);
        }
    }

    @Test
    void toolCallRoundTripAndThinking() throws Exception {
        try (InferenceServer s = TestServers.start(TestServers.config(TestServers.tinyHybrid()).withCtx(2048).withApiKey("lc4j-key"))) {
            ToolSpecification weather = ToolSpecification.builder().name("get_weather").description("weather of a city")
                    .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();
            OpenAiChatModel model = chatModel(s, Map.of());
            UserMessage q = UserMessage.from("Weather in Seoul?");
            ChatResponse r = model.chat(ChatRequest.builder().messages(q).toolSpecifications(weather).toolChoice(ToolChoice.REQUIRED).build());
            AiMessage ai = r.aiMessage();
            assertThat(ai.hasToolExecutionRequests()).isTrue();
            ToolExecutionRequest call = ai.toolExecutionRequests().getFirst();
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(TestServers.JSON.readTree(call.arguments()).isObject()).isTrue();
            ChatResponse after = model.chat(ChatRequest.builder()
                    .messages(List.of(q, ai, ToolExecutionResultMessage.from(call, "{\"temperature\": 21}")))
                    .toolSpecifications(weather).build());
            assertThat(after.aiMessage()).isNotNull();
            assertThat(after.tokenUsage().inputTokenCount()).isGreaterThan(r.tokenUsage().inputTokenCount());

            // thinking switched on through chat_template_kwargs: the reasoning arrives as the message's thinking
            AiMessage thought = chatModel(s, Map.of("chat_template_kwargs", Map.of("enable_thinking", true)))
                    .chat(ChatRequest.builder().messages(UserMessage.from("Why?")).build()).aiMessage();
            assertThat(thought.thinking()).isNotBlank();
        }
    }
}
