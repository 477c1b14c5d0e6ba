package dev.exaone4j.chat.jinja;

/**
 * A template failed to compile or render. {@link #getMessage()} reads {@code "chat template line N: detail"};
 * {@link #detail()} is the bare message (for {@code raise_exception(msg)} exactly {@code msg}).
 */
public final class TemplateError extends RuntimeException {
    /** What went wrong, so callers can tell a template's own {@code raise_exception} from a bug or a limit. */
    public enum Kind {
        /** The template source does not parse (or uses an unknown filter, test or tag). */
        SYNTAX,
        /** Evaluation failed (undefined value, wrong type, ...), as jinja2 would raise. */
        RUNTIME,
        /** The template called {@code raise_exception(msg)}. */
        RAISED,
        /** A sandbox limit was hit (output size, steps, time, nesting). */
        LIMIT
    }

    private final Kind kind;
    private final String detail;
    private int line;

    public TemplateError(Kind kind, String detail, int line) {
        super(detail, null, false, false);
        this.kind = kind;
        this.detail = detail;
        this.line = line;
    }

    TemplateError(Kind kind, String detail) {
        this(kind, detail, 0);
    }

    static TemplateError runtime(String detail) {
        return new TemplateError(Kind.RUNTIME, detail);
    }

    static TemplateError typeError(String detail) {
        return new TemplateError(Kind.RUNTIME, detail);
    }

    public Kind kind() {
        return kind;
    }

    /** The bare message without line information. */
    public String detail() {
        return detail;
    }

    /** 1-based template line, or 0 when unknown. */
    public int line() {
        return line;
    }

    void lineIfUnknown(int l) {
        if (line <= 0) line = l;
    }

    @Override
    public String getMessage() {
        return line > 0 ? "chat template line " + line + ": " + detail : "chat template: " + detail;
    }
}
