package dev.exaone4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Small helpers for reading tokenizer.json components with clear errors. */
final class Json {
    private Json() {}

    /** The {@code type} of a component object; {@code what} names the component in errors. */
    static String type(JsonNode node, String what) {
        if (node == null || !node.isObject()) throw new IllegalArgumentException(what + " should be an object but is " + node);
        JsonNode t = node.get("type");
        if (t == null || !t.isTextual()) throw new IllegalArgumentException(what + " has no \"type\": " + abbreviate(node));
        return t.asText();
    }

    static List<JsonNode> array(JsonNode node, String field) {
        JsonNode a = node.get(field);
        if (a == null || !a.isArray()) throw new IllegalArgumentException("\"" + field + "\" should be an array in " + abbreviate(node));
        List<JsonNode> list = new ArrayList<>(a.size());
        a.forEach(list::add);
        return list;
    }

    static String text(JsonNode node, String field, String dflt) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? dflt : v.asText();
    }

    static boolean bool(JsonNode node, String field, boolean dflt) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? dflt : v.asBoolean();
    }

    static int integer(JsonNode node, String field, int dflt) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? dflt : v.asInt();
    }

    /** A Hugging Face pattern object: {@code {"Regex": "..."}} or {@code {"String": "..."}}. */
    static MatchFinder pattern(JsonNode pattern, String what) {
        if (pattern != null && pattern.has("Regex")) return MatchFinder.regex(pattern.get("Regex").asText());
        if (pattern != null && pattern.has("String")) return MatchFinder.literal(pattern.get("String").asText());
        throw new IllegalArgumentException(what + ": unsupported pattern " + pattern);
    }

    static String abbreviate(JsonNode node) {
        String s = String.valueOf(node);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
