package dev.exaone4j.chat;

import dev.exaone4j.chat.jinja.JinjaTemplate;
import dev.exaone4j.chat.jinja.RenderLimits;
import dev.exaone4j.chat.jinja.TemplateError;

import java.util.Map;
import java.util.Objects;

/**
 * One compiled chat template (Jinja2 source from {@code tokenizer_config.json}, {@code chat_template.jinja}, a GGUF's
 * {@code tokenizer.chat_template} or a built-in). Renders the way transformers' {@code apply_chat_template} does,
 * byte for byte, inside a sandbox bounded by {@link RenderLimits}. Immutable and thread-safe.
 *
 * <p>Use {@link ChatTemplates#context} to build the variables transformers passes, or {@link ChatFormat} to do both.
 */
public final class ChatTemplate {
    private final JinjaTemplate template;
    private final RenderLimits limits;

    private ChatTemplate(JinjaTemplate template, RenderLimits limits) {
        this.template = template;
        this.limits = limits;
    }

    /**
     * Compiles with {@link RenderLimits#DEFAULT}.
     *
     * @throws ChatTemplateException when the source does not parse (with the line), or uses an unknown filter or test
     */
    public static ChatTemplate compile(String source) {
        return compile(source, RenderLimits.DEFAULT);
    }

    public static ChatTemplate compile(String source, RenderLimits limits) {
        Objects.requireNonNull(limits, "limits");
        try {
            return new ChatTemplate(JinjaTemplate.compile(source), limits);
        } catch (TemplateError e) {
            throw new ChatTemplateException(e);
        }
    }

    /** The same template with other limits. */
    public ChatTemplate withLimits(RenderLimits newLimits) {
        return new ChatTemplate(template, Objects.requireNonNull(newLimits, "limits"));
    }

    public String source() {
        return template.source();
    }

    public RenderLimits limits() {
        return limits;
    }

    /**
     * Renders with the given top-level variables. Values may be null, booleans, numbers, strings, maps, lists, arrays,
     * Jackson {@code JsonNode}s and {@link ChatMessage}s; they are deep-copied, so the template cannot change them.
     *
     * @throws ChatTemplateException    when the template raises ({@link ChatTemplateException#raisedByTemplate()}),
     *                                  fails, or exceeds a limit
     * @throws IllegalArgumentException when a value has a type templates cannot see
     */
    public String render(Map<String, ?> context) {
        try {
            return template.render(ChatTemplates.plain(context), limits);
        } catch (TemplateError e) {
            throw new ChatTemplateException(e);
        }
    }
}
