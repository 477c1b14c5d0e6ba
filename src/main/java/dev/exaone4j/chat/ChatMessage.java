package dev.exaone4j.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One conversation turn, in OpenAI's chat shape.
 *
 * @param role             {@code system}, {@code user}, {@code assistant}, {@code tool} (templates may accept others)
 * @param content          the text; null is passed to templates as an empty string (real templates call string
 *                         methods on it)
 * @param reasoningContent the assistant's reasoning ({@code reasoning_content}), or null
 * @param toolCalls        the assistant's tool calls, never null
 * @param toolCallId       for {@code tool} messages, the id of the call answered, or null
 * @param name             optional participant or tool name, or null
 */
public record ChatMessage(String role, String content, String reasoningContent, List<ToolCall> toolCalls,
                          String toolCallId, String name) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content, null, List.of(), null, null);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content, null, List.of(), null, null);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content, null, List.of(), null, null);
    }

    public static ChatMessage assistant(String content, String reasoningContent, List<ToolCall> toolCalls) {
        return new ChatMessage("assistant", content, reasoningContent, toolCalls, null, null);
    }

    public static ChatMessage tool(String content, String toolCallId) {
        return new ChatMessage("tool", content, null, List.of(), toolCallId, null);
    }

    /**
     * The message as transformers hands it to a template: a dict with {@code role}, {@code content} and, when set,
     * {@code reasoning_content}, {@code tool_calls} (each {@code {id?, type: "function", function: {name, arguments}}},
     * arguments parsed into a dict when they are a JSON object, else left as the string), {@code tool_call_id},
     * {@code name}.
     */
    public Map<String, Object> toTemplateValue() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content == null ? "" : content);
        if (reasoningContent != null) m.put("reasoning_content", reasoningContent);
        if (!toolCalls.isEmpty()) {
            List<Object> calls = new ArrayList<>();
            for (ToolCall c : toolCalls) {
                Map<String, Object> fn = new LinkedHashMap<>();
                fn.put("name", c.name());
                fn.put("arguments", parseArguments(c.arguments()));
                Map<String, Object> call = new LinkedHashMap<>();
                if (c.id() != null) call.put("id", c.id());
                call.put("type", "function");
                call.put("function", fn);
                calls.add(call);
            }
            m.put("tool_calls", calls);
        }
        if (toolCallId != null) m.put("tool_call_id", toolCallId);
        if (name != null) m.put("name", name);
        return m;
    }

    private static Object parseArguments(String json) {
        try {
            Object v = JSON.readValue(json, Object.class);
            return v instanceof Map<?, ?> ? v : json;
        } catch (JsonProcessingException e) {
            return json;
        }
    }
}
