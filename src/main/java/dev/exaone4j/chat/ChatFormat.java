package dev.exaone4j.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.exaone4j.chat.jinja.RenderLimits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything needed to turn a conversation into a model's prompt: its chat template(s) (a single one, or named
 * ones like {@code default} and {@code tool_use}) and its special tokens. Immutable and thread-safe.
 *
 * <pre>{@code
 * ChatFormat fmt = ChatFormat.load(modelDir.resolve("tokenizer_config.json"), "exaone4");
 * String prompt = fmt.render(List.of(ChatMessage.user("Hi")), null, true, Map.of("enable_thinking", true));
 * }</pre>
 */
public final class ChatFormat {
    /** Name of a single, unnamed template. */
    public static final String DEFAULT = "default";
    /** transformers picks this named template when tools are passed. */
    public static final String TOOL_USE = "tool_use";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, ChatTemplate> templates;
    private final Map<String, Object> specialTokens;

    private ChatFormat(Map<String, ChatTemplate> templates, Map<String, ?> specialTokens) {
        if (templates.isEmpty()) throw new IllegalArgumentException("no chat template");
        this.templates = Collections.unmodifiableMap(new LinkedHashMap<>(templates));
        this.specialTokens = Collections.unmodifiableMap(new LinkedHashMap<>(specialTokens == null ? Map.of() : specialTokens));
    }

    /** One template (for example a GGUF's {@code tokenizer.chat_template}) with the model's special tokens. */
    public static ChatFormat of(String template, Map<String, ?> specialTokens) {
        return new ChatFormat(Map.of(DEFAULT, ChatTemplate.compile(template)), specialTokens);
    }

    /** Named templates (transformers' list form of {@code chat_template}). */
    public static ChatFormat ofNamed(Map<String, String> templates, Map<String, ?> specialTokens) {
        Map<String, ChatTemplate> compiled = new LinkedHashMap<>();
        templates.forEach((name, src) -> compiled.put(name, ChatTemplate.compile(src)));
        return new ChatFormat(compiled, specialTokens);
    }

    /**
     * The model's own chat format next to a {@code tokenizer_config.json}: {@code chat_template.jinja} in the same
     * folder wins (plus any {@code additional_chat_templates/NAME.jinja}), else the config's {@code chat_template}
     * (a string, or a list of {@code {"name", "template"}}). Special tokens come from the config.
     *
     * @return empty when the model ships no template
     */
    public static Optional<ChatFormat> fromTokenizerConfig(Path tokenizerConfigJson) throws IOException {
        try {
            return readTokenizerConfig(tokenizerConfigJson);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(tokenizerConfigJson + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException | ChatTemplateException e) {
            // a template that does not parse: say which file it came from
            throw new IllegalArgumentException(tokenizerConfigJson + ": " + e.getMessage(), e);
        }
    }

    private static Optional<ChatFormat> readTokenizerConfig(Path tokenizerConfigJson) throws IOException {
        JsonNode config = JSON.readTree(tokenizerConfigJson.toFile());
        Map<String, String> sources = new LinkedHashMap<>();
        Path dir = tokenizerConfigJson.toAbsolutePath().getParent();
        Path jinja = dir.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinja)) {
            sources.put(DEFAULT, Files.readString(jinja, StandardCharsets.UTF_8));
            Path extra = dir.resolve("additional_chat_templates");
            if (Files.isDirectory(extra)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(extra, "*.jinja")) {
                    for (Path p : ds) {
                        String name = p.getFileName().toString();
                        sources.put(name.substring(0, name.length() - ".jinja".length()), Files.readString(p, StandardCharsets.UTF_8));
                    }
                }
            }
        } else {
            sources.putAll(templatesIn(config));
        }
        if (sources.isEmpty()) return Optional.empty();
        return Optional.of(ofNamed(sources, ChatTemplates.specialTokens(config)));
    }

    /** The chat format declared inside a parsed {@code tokenizer_config.json}, if any (no file lookups). */
    public static Optional<ChatFormat> fromTokenizerConfig(JsonNode config) {
        Map<String, String> sources = templatesIn(config);
        if (sources.isEmpty()) return Optional.empty();
        return Optional.of(ofNamed(sources, ChatTemplates.specialTokens(config)));
    }

    /**
     * The model's own format if it ships one ({@link #fromTokenizerConfig(Path)}), else the built-in for
     * {@code architecture} with the config's special tokens.
     */
    public static ChatFormat load(Path tokenizerConfigJson, String architecture) throws IOException {
        Optional<ChatFormat> own = fromTokenizerConfig(tokenizerConfigJson);
        if (own.isPresent()) return own.get();
        JsonNode config = JSON.readTree(tokenizerConfigJson.toFile());   // parsed above: valid JSON
        return ChatTemplates.builtinFor(architecture, ChatTemplates.specialTokens(config));
    }

    /**
     * The chat format of a model: a Hugging Face folder's own template (tokenizer_config.json /
     * chat_template.jinja), a GGUF file's {@code tokenizer.chat_template} (and named {@code tokenizer.chat_templates}),
     * else the built-in for {@code architecture}. {@code specialTokens} (bos_token, eos_token, ...) fill in what the
     * file does not say.
     */
    public static ChatFormat forModel(Path model, String architecture, Map<String, ?> specialTokens) throws IOException {
        if (Files.isDirectory(model)) {
            Path cfg = model.resolve("tokenizer_config.json");
            if (Files.isRegularFile(cfg)) return load(cfg, architecture);
            return ChatTemplates.builtinFor(architecture, specialTokens);
        }
        try (dev.exaone4j.gguf.GgufFile f = dev.exaone4j.gguf.GgufFile.open(model)) {
            dev.exaone4j.gguf.GgufMetadata md = f.metadata();
            Map<String, String> named = new LinkedHashMap<>();
            if (md.has("tokenizer.chat_template")) named.put(DEFAULT, md.getString("tokenizer.chat_template"));
            if (md.has("tokenizer.chat_templates")) {
                for (String name : md.getStringArray("tokenizer.chat_templates")) {
                    String key = "tokenizer.chat_template." + name;
                    if (md.has(key)) named.put(name, md.getString(key));
                }
            }
            if (named.isEmpty()) return ChatTemplates.builtinFor(architecture, specialTokens);
            return ofNamed(named, specialTokens);
        }
    }

    private static Map<String, String> templatesIn(JsonNode config) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode t = config == null ? null : config.get("chat_template");
        if (t == null || t.isNull()) return out;
        if (t.isTextual()) {
            out.put(DEFAULT, t.textValue());
        } else if (t.isArray()) {
            for (JsonNode e : t) {
                if (e.hasNonNull("name") && e.hasNonNull("template")) out.put(e.get("name").asText(), e.get("template").asText());
            }
        } else if (t.isObject()) {
            t.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }

    /** The same format with other render limits. */
    public ChatFormat withLimits(RenderLimits limits) {
        Map<String, ChatTemplate> t = new LinkedHashMap<>();
        templates.forEach((k, v) -> t.put(k, v.withLimits(limits)));
        return new ChatFormat(t, specialTokens);
    }

    /** The same templates with other special tokens (e.g. a GGUF's BOS/EOS strings). */
    public ChatFormat withSpecialTokens(Map<String, ?> tokens) {
        return new ChatFormat(templates, tokens);
    }

    public Set<String> templateNames() {
        return templates.keySet();
    }

    public Map<String, Object> specialTokens() {
        return specialTokens;
    }

    /**
     * The template transformers would pick: the only one; with tools, {@code tool_use} when present; else
     * {@code default}.
     *
     * @throws IllegalStateException when several named templates exist but none fits
     */
    public ChatTemplate template(boolean withTools) {
        if (templates.size() == 1) return templates.values().iterator().next();
        if (withTools && templates.containsKey(TOOL_USE)) return templates.get(TOOL_USE);
        ChatTemplate t = templates.get(DEFAULT);
        if (t == null) {
            throw new IllegalStateException("this model has several chat templates " + templates.keySet()
                    + " and none is named 'default'");
        }
        return t;
    }

    /** A named template, or null. */
    public ChatTemplate template(String name) {
        return templates.get(name);
    }

    /**
     * Renders a conversation like {@code tokenizer.apply_chat_template(messages, tools=tools,
     * add_generation_prompt=..., **kwargs)}.
     *
     * @param messages {@link ChatMessage}s or OpenAI-shaped maps
     * @param tools    tool schemas or null (null and an empty list differ, as in transformers)
     * @param kwargs   extra template variables (e.g. {@code enable_thinking}), or null
     * @throws ChatTemplateException when the template raises or fails
     */
    public String render(List<?> messages, List<?> tools, boolean addGenerationPrompt, Map<String, ?> kwargs) {
        return template(tools != null).render(ChatTemplates.context(messages, tools, addGenerationPrompt, kwargs, specialTokens));
    }

    /**
     * Renders for continuing the final (assistant) message, like transformers' {@code continue_final_message=True}: no
     * generation prompt, and the text is cut right after the final message's content so the model carries on from it.
     *
     * @throws IllegalArgumentException when the final message's content does not appear in the rendering
     */
    public String renderContinuation(List<?> messages, List<?> tools, Map<String, ?> kwargs) {
        String rendered = render(messages, tools, false, kwargs);
        if (messages == null || messages.isEmpty()) throw new IllegalArgumentException("no final message to continue");
        Object last = messages.get(messages.size() - 1);
        Object content = last instanceof ChatMessage m ? m.content() : last instanceof Map<?, ?> map ? map.get("content") : null;
        if (content instanceof List<?> parts) {
            content = null;
            for (int i = parts.size() - 1; i >= 0 && content == null; i--) {
                if (parts.get(i) instanceof Map<?, ?> p && p.get("text") instanceof String s) content = s;
            }
        }
        if (!(content instanceof String text)) throw new IllegalArgumentException("the final message has no text content");
        String stripped = text.strip();
        int at = rendered.lastIndexOf(stripped);
        if (at < 0) {
            throw new IllegalArgumentException("the final message does not appear in the chat after applying the chat template");
        }
        String lead = text.stripLeading();
        if (rendered.startsWith(text, at) && text.equals(lead)) return rendered.substring(0, at + lead.length());
        return rendered.substring(0, at + stripped.length());
    }
}
