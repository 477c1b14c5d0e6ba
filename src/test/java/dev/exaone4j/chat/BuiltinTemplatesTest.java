package dev.exaone4j.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Built-in templates for models without one, per spec §5.3 (EXAONE 4.0) and §5.4 (K-EXAONE). */
class BuiltinTemplatesTest {
    static final List<?> TOOLS = json("[{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", "
            + "\"description\": \"Weather\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}}}]");
    static final ChatMessage USER = ChatMessage.user("Hi");
    static final ChatMessage SYSTEM = ChatMessage.system("You are EXAONE.");
    static final ChatMessage ANSWER = ChatMessage.assistant("Hello!", "greet", List.of());
    static final ChatMessage FOLLOW_UP = ChatMessage.user("And now?");
    static final ChatMessage CALLS = ChatMessage.assistant("", null, List.of(
            new ToolCall("c1", "get_weather", "{\"city\": \"Seoul\"}"), new ToolCall("c2", "get_weather", "{\"city\":\"Busan\"}")));
    static final ChatMessage RESULT1 = ChatMessage.tool("18C", "c1");
    static final ChatMessage RESULT2 = ChatMessage.tool("20C", "c2");

    static List<?> json(String text) {
        try {
            return new ObjectMapper().readValue(text, List.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String render(String arch, List<ChatMessage> messages, List<?> tools, boolean addGenerationPrompt, Map<String, ?> kwargs) {
        return ChatTemplates.builtinFor(arch).render(messages, tools, addGenerationPrompt, kwargs);
    }

    @Test
    void architectureNames() {
        assertThat(ChatTemplates.builtinName("exaone")).isEqualTo("exaone3");
        assertThat(ChatTemplates.builtinName("exaone4")).isEqualTo("exaone4");
        assertThat(ChatTemplates.builtinName("exaone-moe")).isEqualTo("exaone-moe");
        assertThat(ChatTemplates.builtinName("exaone_moe")).isEqualTo("exaone-moe");
        assertThat(ChatTemplates.builtinName("llama")).isEqualTo("plain");
        assertThat(ChatTemplates.builtinName(null)).isEqualTo("plain");
    }

    @Test
    void exaone4ThinkingOffByDefault() {
        String expected = "[|user|]\nHi[|endofturn|]\n[|assistant|]\n<think>\n\n</think>\n\n";
        assertThat(render("exaone4", List.of(USER), null, true, null)).isEqualTo(expected);
        assertThat(render("exaone4", List.of(USER), null, true, Map.of("enable_thinking", false))).isEqualTo(expected);
        assertThat(render("exaone4", List.of(USER), null, true, Map.of("enable_thinking", true)))
                .isEqualTo("[|user|]\nHi[|endofturn|]\n[|assistant|]\n<think>\n");
        assertThat(render("exaone4", List.of(USER), null, false, null)).isEqualTo("[|user|]\nHi[|endofturn|]\n");
        // as the official template: only a real true opens thinking
        assertThat(render("exaone4", List.of(USER), null, true, Map.of("enable_thinking", "false"))).isEqualTo(expected);
    }

    @Test
    void exaone4MultiTurnDropsEarlierReasoning() {
        assertThat(render("exaone4", List.of(SYSTEM, USER, ANSWER, FOLLOW_UP), null, true, null)).isEqualTo(
                "[|system|]\nYou are EXAONE.[|endofturn|]\n[|user|]\nHi[|endofturn|]\n"
                        + "[|assistant|]\n<think>\n\n</think>\n\nHello![|endofturn|]\n"
                        + "[|user|]\nAnd now?[|endofturn|]\n[|assistant|]\n<think>\n\n</think>\n\n");
        assertThat(render("exaone4", List.of(USER, ChatMessage.assistant("<think>\nplan\n</think>\n\nAnswer")), null, false, null))
                .isEqualTo("[|user|]\nHi[|endofturn|]\n[|assistant|]\n<think>\n\n</think>\n\nAnswer[|endofturn|]\n");
        assertThat(render("exaone4", List.of(USER, ANSWER), null, false, Map.of("skip_think", false)))
                .isEqualTo("[|user|]\nHi[|endofturn|]\n[|assistant|]\n<think>\ngreet\n</think>\n\nHello![|endofturn|]\n");
    }

    @Test
    void exaone4ToolsAndToolResults() {
        String out = render("exaone4", List.of(SYSTEM, USER, CALLS, RESULT1, RESULT2), TOOLS, true, null);
        assertThat(out).startsWith("[|system|]\nYou are EXAONE.\n\n# Available Tools\n");
        assertThat(out).contains("<tool>{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Weather\", "
                + "\"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}}}</tool>\n");
        assertThat(out).contains("<tool_call>{\"name\": function_1_name, \"arguments\": {argument_1_name: argument_1_value, "
                + "argument_2_name: argument_2_value}}</tool_call>");
        assertThat(out).endsWith("[|endofturn|]\n[|user|]\nHi[|endofturn|]\n"
                + "[|assistant|]\n<think>\n\n</think>\n\n"
                + "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Seoul\"}}</tool_call>\n"
                + "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Busan\"}}</tool_call>[|endofturn|]\n"
                + "[|tool|]\n<tool_result>{\"result\": \"18C\"}</tool_result>\n<tool_result>{\"result\": \"20C\"}</tool_result>[|endofturn|]\n"
                + "[|assistant|]\n<think>\n\n</think>\n\n");
        String toolsOnly = render("exaone4", List.of(USER), TOOLS, true, null);
        assertThat(toolsOnly).startsWith("[|system|]\n# Available Tools\n").contains("[|endofturn|]\n[|user|]\nHi[|endofturn|]\n");
        String withText = render("exaone4", List.of(USER, ChatMessage.assistant("Checking.", null, List.of(CALLS.toolCalls().get(0)))),
                TOOLS, false, null);
        assertThat(withText).endsWith("[|assistant|]\n<think>\n\n</think>\n\nChecking.\n"
                + "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Seoul\"}}</tool_call>[|endofturn|]\n");
        // details of the official template: its typographic apostrophe, "\n\n" after an empty system text, no think
        // block in an empty assistant turn, a newline before the calls when the content was only reasoning
        assertThat(toolsOnly).contains("the user\u2019s query");
        assertThat(render("exaone4", List.of(ChatMessage.system(""), USER), TOOLS, false, null)).startsWith("[|system|]\n\n\n# Available Tools\n");
        assertThat(render("exaone4", List.of(USER, ChatMessage.assistant("", null, null), USER), null, false, null))
                .contains("[|assistant|]\n[|endofturn|]\n");
        String reasoningOnly = render("exaone4", List.of(USER, ChatMessage.assistant("<think>r</think>", null, List.of(CALLS.toolCalls().get(0)))),
                TOOLS, false, null);
        assertThat(reasoningOnly).endsWith("[|assistant|]\n<think>\n\n</think>\n\n\n<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Seoul\"}}</tool_call>[|endofturn|]\n");
    }

    @Test
    void kExaoneThinkingOnByDefault() {
        assertThat(render("exaone-moe", List.of(USER), null, true, null))
                .isEqualTo("<|user|>\nHi<|endofturn|>\n<|assistant|>\n<think>\n");
        assertThat(render("exaone-moe", List.of(USER), null, true, Map.of("enable_thinking", true)))
                .isEqualTo("<|user|>\nHi<|endofturn|>\n<|assistant|>\n<think>\n");
        assertThat(render("exaone-moe", List.of(USER), null, true, Map.of("enable_thinking", false)))
                .isEqualTo("<|user|>\nHi<|endofturn|>\n<|assistant|>\n<think>\n\n</think>\n\n");
        assertThat(render("exaone-moe", List.of(SYSTEM, USER, ChatMessage.assistant("<think>\nplan\n</think>\n\nHello!"), FOLLOW_UP), null, true, null))
                .isEqualTo("<|system|>\nYou are EXAONE.<|endofturn|>\n<|user|>\nHi<|endofturn|>\n<|assistant|>\nHello!<|endofturn|>\n"
                        + "<|user|>\nAnd now?<|endofturn|>\n<|assistant|>\n<think>\n");
    }

    @Test
    void kExaoneToolDeclarationsAndResults() {
        assertThat(render("exaone-moe", List.of(SYSTEM, USER, CALLS, RESULT1, RESULT2), TOOLS, true, null)).isEqualTo(
                "<|tool_declare|>\n# Tools\n<tool>{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Weather\", "
                        + "\"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}}}</tool><|endofturn|>\n"
                        + "<|system|>\nYou are EXAONE.<|endofturn|>\n<|user|>\nHi<|endofturn|>\n"
                        + "<|assistant|>\n<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Seoul\"}}</tool_call>\n"
                        + "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Busan\"}}</tool_call><|endofturn|>\n"
                        + "<|tool|>\n<tool_result>{\"result\": \"18C\"}</tool_result>\n<tool_result>{\"result\": \"20C\"}</tool_result><|endofturn|>\n"
                        + "<|assistant|>\n<think>\n");
    }

    @Test
    void exaone3() {
        assertThat(render("exaone", List.of(USER, ChatMessage.assistant("Hello!"), FOLLOW_UP), null, true, null))
                .isEqualTo("[|system|][|endofturn|]\n[|user|]Hi\n[|assistant|]Hello![|endofturn|]\n[|user|]And now?\n[|assistant|]");
        assertThat(render("exaone", List.of(SYSTEM, USER), null, true, null))
                .isEqualTo("[|system|]You are EXAONE.[|endofturn|]\n[|user|]Hi\n[|assistant|]");
    }

    @Test
    void plainFallbackForLlama() {
        assertThat(render("llama", List.of(SYSTEM, USER, ChatMessage.assistant("Hello!"), FOLLOW_UP), null, true, null))
                .isEqualTo("You are EXAONE.\n\nUser: Hi\nAssistant: Hello!\nUser: And now?\nAssistant:");
    }

    @Test
    void multipartContentKeepsTheTextParts() {
        Map<String, Object> msg = Map.of("role", "user", "content", List.of(
                Map.of("type", "text", "text", "part1 "), Map.of("type", "image"), Map.of("type", "text", "text", "part2")));
        assertThat(ChatTemplates.builtinFor("exaone4").render(List.of(msg), null, false, null))
                .isEqualTo("[|user|]\npart1 part2[|endofturn|]\n");
    }
}
