package dev.exaone4j.chat.jinja;

import java.util.HashMap;
import java.util.Map;

/**
 * One level of variable bindings. Reads walk outwards; {@code set} always binds in this scope, which is what gives
 * jinja2's rule that assignments inside a loop body or macro do not leak out (hence {@code namespace()}).
 */
final class Scope {
    private final Scope parent;
    private final Map<String, Object> vars = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    /** The bound value or {@link Py#MISSING}. */
    Object lookup(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Object v = s.vars.getOrDefault(name, Py.MISSING);
            if (v != Py.MISSING) return v;
        }
        return Py.MISSING;
    }

    void set(String name, Object value) {
        vars.put(name, value);
    }
}
