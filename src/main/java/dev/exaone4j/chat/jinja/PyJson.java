package dev.exaone4j.chat.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps} as transformers' {@code tojson} filter calls it: {@code ensure_ascii=False},
 * separators {@code ", "}/{@code ": "} ({@code ","} between items when indenting), optional indent and key sorting.
 * {@link #dumps(Object)} is public for code that must write JSON exactly as Python would (CLI output, tool-call
 * arguments).
 */
public final class PyJson {
    private static final int MAX_DEPTH = 500;

    private final String indent;
    private final String itemSep;
    private final String keySep;
    private final boolean sortKeys;
    private final boolean ensureAscii;
    private final long max;
    private final StringBuilder sb = new StringBuilder();

    private PyJson(String indent, String itemSep, String keySep, boolean sortKeys, boolean ensureAscii, long max) {
        this.max = max;
        this.indent = indent;
        this.itemSep = itemSep;
        this.keySep = keySep;
        this.sortKeys = sortKeys;
        this.ensureAscii = ensureAscii;
    }

    /**
     * {@code json.dumps(value, ensure_ascii=False)} of plain Java data (null, booleans, numbers, strings, maps, lists,
     * arrays, Jackson nodes), e.g. {@code {"a": [1, 2.5, null]}}.
     *
     * @throws IllegalArgumentException for values JSON cannot represent
     */
    public static String dumps(Object value) {
        Object v = Values.context(java.util.Collections.singletonMap("v", value)).get("v");
        try {
            return dumps(v, null, null, false, false, Long.MAX_VALUE);
        } catch (TemplateError e) {
            throw new IllegalArgumentException(e.detail());
        }
    }

    /**
     * @param indent     null (single line), an int (spaces per level) or a string (used per level)
     * @param separators null or a 2-item list/tuple (item separator, key separator)
     * @param max        largest output in chars (a LIMIT error beyond)
     */
    static String dumps(Object value, Object indent, Object separators, boolean sortKeys, boolean ensureAscii, long max) {
        String ind = null;
        if (indent instanceof String s) ind = s;
        else if (indent != null && Py.isInt(indent)) ind = " ".repeat((int) Math.min(4096, Math.max(0, Py.toLong(indent))));
        else if (indent != null) throw TemplateError.typeError("indent must be an int or a string");
        String item = ind == null ? ", " : ",";
        String key = ": ";
        if (separators != null) {
            List<Object> seps = separators instanceof PyTuple t ? t.items() : separators instanceof List<?> l
                    ? new ArrayList<>(l) : null;
            if (seps == null || seps.size() != 2 || !(seps.get(0) instanceof String) || !(seps.get(1) instanceof String)) {
                throw TemplateError.typeError("separators must be a (item_separator, key_separator) pair");
            }
            item = (String) seps.get(0);
            key = (String) seps.get(1);
        }
        PyJson j = new PyJson(ind, item, key, sortKeys, ensureAscii, max);
        j.write(value, 0);
        return j.sb.toString();
    }

    private void newline(int level) {
        if (indent == null) return;
        sb.append('\n');
        for (int i = 0; i < level; i++) sb.append(indent);
    }

    private void write(Object v, int level) {
        if (level > MAX_DEPTH) throw TemplateError.runtime("Circular reference detected (or value nested too deeply)");
        if (sb.length() > max) throw new TemplateError(TemplateError.Kind.LIMIT, "JSON output exceeds the output limit");
        switch (v) {
            case null -> sb.append("null");
            case Boolean b -> sb.append(b ? "true" : "false");
            case Long l -> sb.append(l);
            case Double d -> sb.append(floatJson(d));
            case String s -> string(s);
            case PyTuple t -> array(t.items(), level);
            case List<?> l -> array(l, level);
            case Map<?, ?> m -> object(m, level);
            default -> throw TemplateError.typeError("Object of type " + Py.typeName(v) + " is not JSON serializable");
        }
    }

    private static String floatJson(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        return PyRepr.floatRepr(d);
    }

    private void array(List<?> items, int level) {
        if (items.isEmpty()) {
            sb.append("[]");
            return;
        }
        sb.append('[');
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) sb.append(itemSep);
            newline(level + 1);
            write(items.get(i), level + 1);
        }
        newline(level);
        sb.append(']');
    }

    private void object(Map<?, ?> map, int level) {
        if (map.isEmpty()) {
            sb.append("{}");
            return;
        }
        List<Map.Entry<String, Object>> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) entries.add(Map.entry(keyString(e.getKey()), nullSafe(e.getValue())));
        if (sortKeys) entries.sort((a, b) -> PyStrings.compare(a.getKey(), b.getKey()));
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : entries) {
            if (!first) sb.append(itemSep);
            first = false;
            newline(level + 1);
            string(e.getKey());
            sb.append(keySep);
            write(e.getValue() == NULL ? null : e.getValue(), level + 1);
        }
        newline(level);
        sb.append('}');
    }

    private static final Object NULL = new Object();

    private static Object nullSafe(Object v) {
        return v == null ? NULL : v;
    }

    private static String keyString(Object k) {
        return switch (k) {
            case String s -> s;
            case null -> "null";
            case Boolean b -> b ? "true" : "false";
            case Long l -> l.toString();
            case Double d -> floatJson(d);
            default -> throw TemplateError.typeError("keys must be str, int, float, bool or None, not " + Py.typeName(k));
        };
    }

    private void string(String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
