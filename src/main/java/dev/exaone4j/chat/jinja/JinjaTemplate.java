package dev.exaone4j.chat.jinja;

import dev.exaone4j.chat.jinja.Ast.Stmt;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A compiled Jinja2 template. Immutable and thread-safe; each {@link #render} runs in its own sandboxed interpreter.
 *
 * <pre>{@code
 * JinjaTemplate t = JinjaTemplate.compile("{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}");
 * String s = t.render(Map.of("messages", List.of(Map.of("role", "user", "content", "hi"))));
 * }</pre>
 */
public final class JinjaTemplate {
    private final String source;
    private final List<Stmt> body;

    private JinjaTemplate(String source, List<Stmt> body) {
        this.source = source;
        this.body = body;
    }

    /**
     * Parses a template.
     *
     * @throws TemplateError (kind SYNTAX or LIMIT) with the offending line, including for unknown filters and tests
     */
    public static JinjaTemplate compile(String source) {
        Objects.requireNonNull(source, "source");
        try {
            return new JinjaTemplate(source, Parser.parse(source));
        } catch (StackOverflowError e) {
            throw new TemplateError(TemplateError.Kind.LIMIT, "template nested too deeply", 0);
        }
    }

    public String source() {
        return source;
    }

    /** Renders with {@link RenderLimits#DEFAULT}. */
    public String render(Map<String, ?> context) {
        return render(context, RenderLimits.DEFAULT);
    }

    /**
     * Renders with the given top-level variables (values are deep-copied into the template value model, see
     * {@link Values}).
     *
     * @throws TemplateError           when the template fails, raises, or exceeds a limit
     * @throws IllegalArgumentException when the context holds a value the template model cannot represent
     */
    public String render(Map<String, ?> context, RenderLimits limits) {
        Objects.requireNonNull(limits, "limits");
        Map<String, Object> ctx = Values.context(context == null ? Map.of() : context);
        return new Interpreter(limits).render(body, ctx);
    }
}
