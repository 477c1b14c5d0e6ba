package dev.exaone4j.chat.jinja;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An immutable Python tuple (prints as {@code (a, b)}); {@code fields} optionally names the items like a namedtuple
 * (groupby's {@code grouper}/{@code list}), which only adds attribute access.
 */
record PyTuple(List<Object> items, List<String> fields) {
    PyTuple {
        items = Collections.unmodifiableList(new ArrayList<>(items));
        fields = fields == null ? List.of() : List.copyOf(fields);
    }

    PyTuple(List<Object> items) {
        this(items, null);
    }

    static PyTuple of(Object... xs) {
        return new PyTuple(Arrays.asList(xs));
    }

    /** The item named {@code name}, or {@link Py#MISSING}. */
    Object field(String name) {
        int i = fields.indexOf(name);
        return i >= 0 && i < items.size() ? items.get(i) : Py.MISSING;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PyTuple t && items.equals(t.items);
    }

    @Override
    public int hashCode() {
        return items.hashCode();
    }
}
