package dev.exaone4j.chat;

import dev.exaone4j.chat.jinja.TemplateError;

/**
 * A chat template failed to compile or render. {@link #getMessage()} reads {@code "chat template line N: detail"};
 * {@link #detail()} is the bare message, which for a template's own {@code raise_exception(msg)} is exactly
 * {@code msg} (as transformers reports it).
 */
public final class ChatTemplateException extends RuntimeException {
    private final TemplateError error;

    ChatTemplateException(TemplateError error) {
        super(error.getMessage(), error, false, false);
        this.error = error;
    }

    /** The bare message without line information. */
    public String detail() {
        return error.detail();
    }

    /** 1-based template line, or 0 when unknown. */
    public int line() {
        return error.line();
    }

    /** True when the template itself called {@code raise_exception} (a rejected conversation, not a bug). */
    public boolean raisedByTemplate() {
        return error.kind() == TemplateError.Kind.RAISED;
    }

    /** SYNTAX, RUNTIME, RAISED or LIMIT. */
    public TemplateError.Kind kind() {
        return error.kind();
    }
}
