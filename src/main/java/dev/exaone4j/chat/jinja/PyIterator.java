package dev.exaone4j.chat.jinja;

import java.util.List;
import java.util.function.Supplier;

/**
 * A one-shot Python iterator: what jinja2's {@code map}, {@code select}, {@code selectattr}, {@code unique},
 * {@code batch}, {@code items} and {@code reverse} filters return. Like a generator it is always truthy, has no length,
 * cannot be indexed, prints as {@code <generator object ...>}, computes its items (and raises their errors) only when
 * first iterated, and is exhausted afterwards.
 */
final class PyIterator {
    private final String typeName;
    private final String label;
    private Supplier<List<Object>> source;
    private List<Object> items;
    private int pos;

    PyIterator(String typeName, String label, Supplier<List<Object>> source) {
        this.typeName = typeName;
        this.label = label;
        this.source = source;
    }

    static PyIterator generator(String function, Supplier<List<Object>> source) {
        return new PyIterator("generator", "<generator object " + function + ">", source);
    }

    String typeName() {
        return typeName;
    }

    String label() {
        return label;
    }

    private List<Object> items() {
        if (items == null) {
            Supplier<List<Object>> s = source;
            source = null;
            items = s.get();
        }
        return items;
    }

    /** The items not yet consumed; consumes them. */
    List<Object> drain() {
        List<Object> all = items();
        List<Object> rest = new java.util.ArrayList<>(all.subList(pos, all.size()));
        pos = all.size();
        return rest;
    }

    /** The next item, or {@link Py#MISSING} when exhausted. */
    Object next() {
        List<Object> all = items();
        return pos < all.size() ? all.get(pos++) : Py.MISSING;
    }
}
