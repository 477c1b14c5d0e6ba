package dev.exaone4j.server;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Typed, bounded access to fields of a JSON request object. Every getter treats a missing field and JSON null alike
 * (the default applies) and throws {@link ApiError#invalid} naming the field (its full path, like
 * {@code messages[2].content}) when the value has the wrong type or lies outside its bounds.
 */
final class Params {
    private Params() {}

    /** The field's value, or null when absent or JSON null. */
    static JsonNode get(JsonNode obj, String field) {
        JsonNode v = obj == null ? null : obj.get(field);
        return v == null || v.isNull() || v.isMissingNode() ? null : v;
    }

    /** A number in [lo, hi] (lo excluded when loOpen), or dflt when absent. */
    static double number(JsonNode obj, String field, String path, double dflt, double lo, boolean loOpen, double hi) {
        JsonNode v = get(obj, field);
        if (v == null) return dflt;
        if (!v.isNumber()) throw ApiError.invalid(path, "'" + path + "' must be a number, got " + kind(v));
        double d = v.asDouble();
        boolean ok = (loOpen ? d > lo : d >= lo) && d <= hi && !Double.isNaN(d);
        if (!ok) {
            throw ApiError.invalid(path, "'" + path + "' must be in " + (loOpen ? "(" : "[") + fmt(lo) + ", " + fmt(hi) + "], got " + v.asText());
        }
        return d;
    }

    /** An integer in [lo, hi], or dflt when absent. */
    static long integer(JsonNode obj, String field, String path, long dflt, long lo, long hi) {
        JsonNode v = get(obj, field);
        if (v == null) return dflt;
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw ApiError.invalid(path, "'" + path + "' must be an integer, got " + (v.isNumber() ? v.asText() : kind(v)));
        }
        if (v.isBigInteger() || v.asDouble() < lo || v.asDouble() > hi) {
            throw ApiError.invalid(path, "'" + path + "' must be in [" + lo + ", " + hi + "], got " + v.asText());
        }
        return v.asLong();
    }

    /** A boolean, or dflt when absent. */
    static boolean bool(JsonNode obj, String field, String path, boolean dflt) {
        JsonNode v = get(obj, field);
        if (v == null) return dflt;
        if (!v.isBoolean()) throw ApiError.invalid(path, "'" + path + "' must be a boolean, got " + kind(v));
        return v.booleanValue();
    }

    /** A string, or dflt when absent. */
    static String string(JsonNode obj, String field, String path, String dflt) {
        JsonNode v = get(obj, field);
        if (v == null) return dflt;
        if (!v.isTextual()) throw ApiError.invalid(path, "'" + path + "' must be a string, got " + kind(v));
        return v.textValue();
    }

    /** A required string. */
    static String requiredString(JsonNode obj, String field, String path) {
        String s = string(obj, field, path, null);
        if (s == null) throw ApiError.invalid(path, "'" + path + "' is required");
        return s;
    }

    /** An object, or null when absent. */
    static JsonNode object(JsonNode obj, String field, String path) {
        JsonNode v = get(obj, field);
        if (v != null && !v.isObject()) throw ApiError.invalid(path, "'" + path + "' must be an object, got " + kind(v));
        return v;
    }

    /** An array, or null when absent. */
    static JsonNode array(JsonNode obj, String field, String path) {
        JsonNode v = get(obj, field);
        if (v != null && !v.isArray()) throw ApiError.invalid(path, "'" + path + "' must be an array, got " + kind(v));
        return v;
    }

    /** The JSON type of a value, for messages. */
    static String kind(JsonNode v) {
        if (v == null || v.isNull()) return "null";
        if (v.isTextual()) return "a string";
        if (v.isBoolean()) return "a boolean";
        if (v.isNumber()) return "a number";
        if (v.isArray()) return "an array";
        if (v.isObject()) return "an object";
        return v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
