package dev.exaone4j.chat.jinja;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts caller-supplied Java values into the interpreter's value model (a deep copy, so templates can neither
 * reach Java objects nor mutate the caller's data). Accepted: null, Boolean, integral numbers (to long), other numbers
 * (to double), CharSequence, Character, Map (keys: strings or numbers), Collection, arrays and Jackson
 * {@link JsonNode}s. Anything else is rejected.
 */
final class Values {
    private static final int MAX_DEPTH = 500;

    private Values() {
    }

    static Map<String, Object> context(Map<String, ?> ctx) {
        Map<String, Object> out = new LinkedHashMap<>();
        IdentityHashMap<Object, Boolean> path = new IdentityHashMap<>();
        for (Map.Entry<String, ?> e : ctx.entrySet()) out.put(e.getKey(), convert(e.getValue(), 0, path));
        return out;
    }

    private static Object convert(Object v, int depth, IdentityHashMap<Object, Boolean> path) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("template context nested too deeply");
        switch (v) {
            case null -> {
                return null;
            }
            case String s -> {
                return s;
            }
            case Boolean b -> {
                return b;
            }
            case Long l -> {
                return l;
            }
            case Integer i -> {
                return i.longValue();
            }
            case Short s -> {
                return s.longValue();
            }
            case Byte b -> {
                return b.longValue();
            }
            case BigInteger bi -> {
                if (bi.bitLength() < 64) return bi.longValue();
                return bi.doubleValue();
            }
            case BigDecimal bd -> {
                return bd.doubleValue();
            }
            case Number n -> {
                return n.doubleValue();
            }
            case CharSequence cs -> {
                return cs.toString();
            }
            case Character c -> {
                return c.toString();
            }
            case JsonNode node -> {
                return fromJson(node, depth);
            }
            default -> { }
        }
        if (path.put(v, Boolean.TRUE) != null) throw new IllegalArgumentException("template context contains a cycle");
        try {
            if (v instanceof Map<?, ?> m) {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    Object k = convert(e.getKey(), depth + 1, path);
                    if (k instanceof List<?> || k instanceof Map<?, ?>) {
                        throw new IllegalArgumentException("template context map keys must be strings or numbers");
                    }
                    out.put(k, convert(e.getValue(), depth + 1, path));
                }
                return out;
            }
            if (v instanceof Collection<?> c) {
                List<Object> out = new ArrayList<>(c.size());
                for (Object x : c) out.add(convert(x, depth + 1, path));
                return out;
            }
            if (v.getClass().isArray()) {
                int n = java.lang.reflect.Array.getLength(v);
                List<Object> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) out.add(convert(java.lang.reflect.Array.get(v, i), depth + 1, path));
                return out;
            }
        } finally {
            path.remove(v);
        }
        throw new IllegalArgumentException("unsupported template value type " + v.getClass().getName());
    }

    private static Object fromJson(JsonNode n, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("template context nested too deeply");
        if (n == null || n.isNull() || n.isMissingNode()) return null;
        if (n.isTextual()) return n.textValue();
        if (n.isBoolean()) return n.booleanValue();
        if (n.isIntegralNumber()) return n.canConvertToLong() ? (Object) n.longValue() : n.doubleValue();
        if (n.isNumber()) return n.doubleValue();
        if (n.isArray()) {
            List<Object> out = new ArrayList<>(n.size());
            for (JsonNode x : n) out.add(fromJson(x, depth + 1));
            return out;
        }
        if (n.isObject()) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : n.properties()) out.put(e.getKey(), fromJson(e.getValue(), depth + 1));
            return out;
        }
        if (n.isBinary()) throw new IllegalArgumentException("binary JSON values are not supported in templates");
        return n.asText();
    }
}
