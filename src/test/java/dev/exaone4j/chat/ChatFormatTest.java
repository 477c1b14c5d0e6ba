package dev.exaone4j.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loading templates, the render context transformers builds, template selection, continuation, errors. */
class ChatFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void contextLikeTransformers() {
        Map<String, Object> ctx = ChatTemplates.context(List.of(ChatMessage.user("Hi")), null, true,
                Map.of("enable_thinking", false, "eos_token", "<override>"), Map.of("bos_token", "<s>", "eos_token", "</s>"));
        assertThat(ctx).containsEntry("tools", null).containsEntry("documents", null).containsEntry("add_generation_prompt", true)
                .containsEntry("bos_token", "<s>").containsEntry("eos_token", "<override>").containsEntry("enable_thinking", false);
        assertThat(ctx.get("messages")).isEqualTo(List.of(Map.of("role", "user", "content", "Hi")));
        assertThatThrownBy(() -> ChatTemplates.context(List.of(), null, true, Map.of("messages", 1), null))
                .isInstanceOf(IllegalArgumentException.class);
        String t = "{{ tools is none }} {{ tools is defined }} {{ bos_token }}";
        assertThat(ChatFormat.of(t, Map.of("bos_token", "<s>")).render(List.of(), null, false, null)).isEqualTo("True True <s>");
        assertThat(ChatFormat.of(t, Map.of()).render(List.of(), List.of(), false, null)).isEqualTo("False True ");
    }

    @Test
    void messagesAsTransformersSeesThem() {
        ChatMessage m = ChatMessage.assistant(null, "why", List.of(new ToolCall("c1", "f", "{\"a\": [1, 2]}"), new ToolCall(null, "g", "not json")));
        Map<String, Object> v = m.toTemplateValue();
        assertThat(v).containsEntry("role", "assistant").containsEntry("content", "").containsEntry("reasoning_content", "why");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> calls = (List<Map<String, Object>>) v.get("tool_calls");
        assertThat(calls.get(0)).containsEntry("id", "c1").containsEntry("type", "function");
        assertThat(calls.get(0).get("function")).isEqualTo(Map.of("name", "f", "arguments", Map.of("a", List.of(1, 2))));
        assertThat(calls.get(1).get("function")).isEqualTo(Map.of("name", "g", "arguments", "not json"));
        assertThat(ChatMessage.tool("r", "c1").toTemplateValue()).containsEntry("tool_call_id", "c1");
    }

    @Test
    void specialTokensFromTokenizerConfig() throws IOException {
        var cfg = JSON.readTree("{\"bos_token\": {\"content\": \"<s>\", \"__type\": \"AddedToken\"}, \"eos_token\": \"</s>\","
                + " \"unk_token\": null, \"pad_token\": \"\", \"additional_special_tokens\": [\"<a>\", {\"content\": \"<b>\"}]}");
        assertThat(ChatTemplates.specialTokens(cfg)).isEqualTo(Map.of("bos_token", "<s>", "eos_token", "</s>",
                "additional_special_tokens", List.of("<a>", "<b>")));
    }

    @Test
    void namedTemplatesPickToolUseWhenToolsAreGiven() throws IOException {
        var cfg = JSON.readTree("{\"chat_template\": [{\"name\": \"default\", \"template\": \"D\"}, {\"name\": \"tool_use\", \"template\": \"T\"}]}");
        ChatFormat f = ChatFormat.fromTokenizerConfig(cfg).orElseThrow();
        assertThat(f.templateNames()).containsExactly("default", "tool_use");
        assertThat(f.render(List.of(), null, true, null)).isEqualTo("D");
        assertThat(f.render(List.of(), List.of(), true, null)).isEqualTo("T");
        assertThat(ChatFormat.fromTokenizerConfig(JSON.readTree("{\"eos_token\": \"x\"}"))).isEmpty();
    }

    @Test
    void chatTemplateJinjaNextToTheConfigWins(@TempDir Path dir) throws IOException {
        Path cfg = dir.resolve("tokenizer_config.json");
        Files.writeString(cfg, "{\"chat_template\": \"from config\", \"eos_token\": \"E\"}");
        assertThat(ChatFormat.fromTokenizerConfig(cfg).orElseThrow().render(List.of(), null, true, null)).isEqualTo("from config");
        Files.writeString(dir.resolve("chat_template.jinja"), "from file {{ eos_token }}\n");
        assertThat(ChatFormat.fromTokenizerConfig(cfg).orElseThrow().render(List.of(), null, true, null)).isEqualTo("from file E");
    }

    @Test
    void loadFallsBackToTheBuiltinWithTheConfigsTokens(@TempDir Path dir) throws IOException {
        Path cfg = dir.resolve("tokenizer_config.json");
        Files.writeString(cfg, "{\"bos_token\": \"[BOS]\", \"eos_token\": \"[|endofturn|]\"}");
        ChatFormat f = ChatFormat.load(cfg, "exaone4");
        assertThat(f.specialTokens()).containsEntry("eos_token", "[|endofturn|]");
        assertThat(f.render(List.of(ChatMessage.user("Hi")), null, true, null))
                .isEqualTo("[|user|]\nHi[|endofturn|]\n[|assistant|]\n<think>\n\n</think>\n\n");
    }

    @Test
    void continuationCutsAfterTheFinalMessage() {
        ChatFormat f = ChatFormat.of(
                "{% for m in messages %}<{{ m.role }}>{{ m.content }}</{{ m.role }}>{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}", null);
        assertThat(f.renderContinuation(List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Sure, here")), null, null))
                .isEqualTo("<user>Hi</user><assistant>Sure, here");
        assertThat(f.renderContinuation(List.of(ChatMessage.assistant("trailing  ")), null, null))
                .isEqualTo("<assistant>trailing  ");
        ChatFormat stripping = ChatFormat.of("{% for m in messages %}[{{ m.content|trim }}]{% endfor %}", null);
        assertThat(stripping.renderContinuation(List.of(ChatMessage.assistant(" spaced  ")), null, null)).isEqualTo("[spaced");
    }

    @Test
    void templateErrorsAreChatTemplateExceptions() {
        ChatFormat f = ChatFormat.of("{% if messages|length == 0 %}{{ raise_exception('No messages!') }}{% endif %}ok", null);
        assertThatThrownBy(() -> f.render(List.of(), null, true, null))
                .isInstanceOfSatisfying(ChatTemplateException.class, e -> {
                    assertThat(e.raisedByTemplate()).isTrue();
                    assertThat(e.detail()).isEqualTo("No messages!");
                    assertThat(e.getMessage()).isEqualTo("chat template line 1: No messages!");
                });
        assertThatThrownBy(() -> ChatTemplate.compile("line1\n{{ x|nope }}"))
                .isInstanceOf(ChatTemplateException.class).hasMessage("chat template line 2: unknown filter 'nope'");
    }

    @Test
    void renderAcceptsJacksonTreesAndKeepsKeyOrder() throws IOException {
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("x", JSON.readTree("{\"b\": 1, \"a\": [true, null, 1.5]}"));
        assertThat(ChatTemplate.compile("{{ x }} {{ x|tojson }}").render(ctx))
                .isEqualTo("{'b': 1, 'a': [True, None, 1.5]} {\"b\": 1, \"a\": [true, null, 1.5]}");
    }
}
