package dev.exaone4j.chat;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Helpers around chat templates: the render context transformers builds, special tokens from
 * {@code tokenizer_config.json}, and built-in templates for models that ship none.
 *
 * <p>Built-ins by architecture (GGUF {@code general.architecture} or HF {@code model_type}):
 * <ul>
 *   <li>{@code exaone} (EXAONE 3.0/3.5): {@code [|system|]...[|endofturn|]\n}, no newline after the role marker,
 *       user turns end with {@code \n}, empty system turn when none is given, prompt {@code [|assistant|]}.</li>
 *   <li>{@code exaone4} (EXAONE 4.0): spec §5.3 — thinking off by default ({@code enable_thinking=true} opens
 *       {@code <think>}), "# Available Tools" section with {@code <tool>{json}</tool>}, tool results as
 *       {@code [|tool|]\n<tool_result>{"result": ...}</tool_result>}.</li>
 *   <li>{@code exaone-moe} / {@code exaone_moe} (K-EXAONE): spec §5.4 — {@code <|role|>} markers,
 *       {@code <|tool_declare|>} block, thinking on by default.</li>
 *   <li>anything else, including {@code llama} (e.g. the stories260K demo): a plain {@code User: ...\nAssistant:}
 *       transcript.</li>
 * </ul>
 * A template shipped with the model always takes precedence (see {@link ChatFormat#load}).
 */
public final class ChatTemplates {
    /** The special-token keys transformers exposes to templates ({@code special_tokens_map}). */
    public static final List<String> SPECIAL_TOKEN_KEYS = List.of("bos_token", "eos_token", "unk_token", "sep_token",
            "pad_token", "cls_token", "mask_token", "additional_special_tokens");

    private static final Set<String> RESERVED = Set.of("messages", "tools", "documents", "add_generation_prompt");

    private ChatTemplates() {
    }

    /**
     * The variables transformers passes to a chat template: {@code messages} (dicts; {@link ChatMessage}s are converted
     * with {@link ChatMessage#toTemplateValue()}), {@code tools} (None when null), {@code documents} (None),
     * {@code add_generation_prompt}, then the special tokens and the extra {@code kwargs} (such as
     * {@code enable_thinking}) as top-level variables, kwargs winning.
     *
     * @param messages      {@link ChatMessage}s or maps in OpenAI shape
     * @param tools         tool schemas (usually {@code {"type": "function", "function": {...}}}), or null for none
     * @param kwargs        extra template variables, or null
     * @param specialTokens e.g. {@code bos_token}, {@code eos_token}, or null
     */
    public static Map<String, Object> context(List<?> messages, List<?> tools, boolean addGenerationPrompt,
                                              Map<String, ?> kwargs, Map<String, ?> specialTokens) {
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("messages", plainValue(messages == null ? List.of() : messages));
        ctx.put("tools", tools == null ? null : plainValue(tools));
        ctx.put("documents", null);
        ctx.put("add_generation_prompt", addGenerationPrompt);
        if (specialTokens != null) {
            for (Map.Entry<String, ?> e : specialTokens.entrySet()) {
                if (!RESERVED.contains(e.getKey())) ctx.put(e.getKey(), plainValue(e.getValue()));
            }
        }
        if (kwargs != null) {
            for (Map.Entry<String, ?> e : kwargs.entrySet()) {
                if (RESERVED.contains(e.getKey())) {
                    throw new IllegalArgumentException("template kwargs may not redefine '" + e.getKey() + "'");
                }
                ctx.put(e.getKey(), plainValue(e.getValue()));
            }
        }
        return ctx;
    }

    /**
     * transformers' {@code special_tokens_map} from a {@code tokenizer_config.json}: each of {@link #SPECIAL_TOKEN_KEYS}
     * that is set, as its string content (AddedToken objects {@code {"content": ...}} are unwrapped).
     */
    public static Map<String, Object> specialTokens(JsonNode tokenizerConfig) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (tokenizerConfig == null) return out;
        for (String key : SPECIAL_TOKEN_KEYS) {
            JsonNode v = tokenizerConfig.get(key);
            if (v == null || v.isNull()) continue;
            if (v.isArray()) {
                List<Object> list = new ArrayList<>();
                for (JsonNode x : v) {
                    String s = tokenText(x);
                    if (s != null) list.add(s);
                }
                if (!list.isEmpty()) out.put(key, list);
            } else {
                String s = tokenText(v);
                if (s != null && !s.isEmpty()) out.put(key, s);
            }
        }
        return out;
    }

    private static String tokenText(JsonNode v) {
        if (v.isTextual()) return v.textValue();
        if (v.isObject() && v.has("content")) return v.get("content").asText();
        return null;
    }

    /** The built-in template source for an architecture (see the class comment for the mapping). */
    public static String builtinSource(String architecture) {
        return resource(builtinName(architecture) + ".jinja");
    }

    /** Which built-in an architecture gets: {@code exaone3}, {@code exaone4}, {@code exaone-moe} or {@code plain}. */
    public static String builtinName(String architecture) {
        String a = architecture == null ? "" : architecture.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (a) {
            case "exaone", "exaone3" -> "exaone3";
            case "exaone4" -> "exaone4";
            case "exaone-moe" -> "exaone-moe";
            default -> "plain";
        };
    }

    /** The built-in chat format for an architecture, without special tokens. */
    public static ChatFormat builtinFor(String architecture) {
        return builtinFor(architecture, Map.of());
    }

    /** The built-in chat format for an architecture, with the model's special tokens (bos_token, eos_token, ...). */
    public static ChatFormat builtinFor(String architecture, Map<String, ?> specialTokens) {
        return ChatFormat.of(builtinSource(architecture), specialTokens);
    }

    private static String resource(String name) {
        try (InputStream in = ChatTemplates.class.getResourceAsStream("builtin/" + name)) {
            if (in == null) throw new IllegalStateException("missing built-in template resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces {@link ChatMessage}s and {@link ToolCall}s inside a context by plain maps. */
    static Map<String, Object> plain(Map<String, ?> context) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (context != null) context.forEach((k, v) -> out.put(k, plainValue(v)));
        return out;
    }

    private static Object plainValue(Object v) {
        if (v instanceof ChatMessage m) return m.toTemplateValue();
        if (v instanceof ToolCall c) {
            Map<String, Object> fn = new LinkedHashMap<>();
            fn.put("name", c.name());
            fn.put("arguments", c.arguments());
            return fn;
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, plainValue(x)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            for (Object x : c) out.add(plainValue(x));
            return out;
        }
        return v;
    }
}
