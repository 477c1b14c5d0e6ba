package dev.exaone4j.chat.jinja;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Evaluated call arguments: positional values and keyword values in call order. */
record Args(List<Object> positional, Map<String, Object> keywords) {
    static final Args EMPTY = new Args(List.of(), Map.of());

    static Args of(Object... positional) {
        return new Args(java.util.Arrays.asList(positional), Map.of());
    }

    int size() {
        return positional.size();
    }

    /** The argument at {@code index} or named {@code name}, else {@code dflt}. */
    Object get(int index, String name, Object dflt) {
        if (index >= 0 && index < positional.size()) return positional.get(index);
        if (name != null && keywords.containsKey(name)) return keywords.get(name);
        return dflt;
    }

    boolean has(int index, String name) {
        return (index >= 0 && index < positional.size()) || (name != null && keywords.containsKey(name));
    }

    /** Fails like Python when more than {@code max} positional arguments or an unknown keyword are given. */
    Args check(String fn, int max, String... names) {
        if (positional.size() > max) {
            throw TemplateError.typeError(fn + "() takes at most " + max + " positional argument(s) ("
                    + positional.size() + " given)");
        }
        for (String k : keywords.keySet()) {
            if (!List.of(names).contains(k)) {
                throw TemplateError.typeError(fn + "() got an unexpected keyword argument '" + k + "'");
            }
        }
        return this;
    }

    /** The positional arguments after the first {@code n}. */
    Args drop(int n) {
        return new Args(positional.subList(Math.min(n, positional.size()), positional.size()), keywords);
    }

    Args withKeywords(Map<String, Object> extra) {
        Map<String, Object> k = new LinkedHashMap<>(keywords);
        k.putAll(extra);
        return new Args(positional, k);
    }
}
