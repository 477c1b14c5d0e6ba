package dev.exaone4j.chat.jinja;

/**
 * jinja2's default {@code Undefined}: prints as empty, is falsy, iterates as empty and has length 0, but attribute or
 * item access, calls and arithmetic on it fail with {@link #message()}.
 */
final class Undefined {
    private final String message;

    private Undefined(String message) {
        this.message = message;
    }

    /** A name that is not defined anywhere. */
    static Undefined name(String name) {
        return new Undefined("'" + name + "' is undefined");
    }

    /** A missing attribute of {@code owner}. */
    static Undefined attribute(Object owner, String attr) {
        return new Undefined("'" + Py.objectTypeRepr(owner) + "' has no attribute '" + attr + "'");
    }

    /** A missing item of {@code owner}. */
    static Undefined item(Object owner, Object key) {
        if (key instanceof String s) return attribute(owner, s);
        return new Undefined(Py.objectTypeRepr(owner) + " has no element " + PyRepr.repr(key));
    }

    static Undefined hint(String message) {
        return new Undefined(message);
    }

    String message() {
        return message;
    }

    TemplateError error() {
        return TemplateError.runtime(message);
    }

    @Override
    public String toString() {
        return "";
    }
}
