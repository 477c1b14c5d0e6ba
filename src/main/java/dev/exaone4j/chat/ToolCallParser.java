package dev.exaone4j.chat;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.exaone4j.chat.jinja.PyJson;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Extracts {@code <tool_call>{"name": ..., "arguments": ...}</tool_call>} blocks (the format EXAONE 4.0, K-EXAONE and
 * Hermes-style templates ask for) from model output, incrementally: feed decoded chunks, get back the answer text that
 * is safe to stream and every call as soon as its closing tag arrives. Text that might be the start of an opening tag
 * is held back; text inside a block is never emitted as content. One instance per generation; not thread-safe.
 *
 * <p>A block may hold one call object or a JSON array of them. {@code arguments} (or {@code parameters}) may be an
 * object, or a string holding JSON; it is returned as JSON text, re-serialized like Python's {@code json.dumps} (as
 * vLLM's hermes parser does), a string holding JSON is passed through as is and any other string JSON-encoded, a
 * missing one becomes {@code "{}"}. A block whose JSON
 * is malformed or has no name stays in the content as the model wrote it (in place); one never closed that does
 * not parse is reported at the end as an error entry with its raw text; nothing is dropped. Run it on the answer text that {@link ReasoningParser} produces.
 */
public final class ToolCallParser {
    /** One parsed block item: a call, or an error with the raw text of the block. */
    public record Result(ToolCall call, String error, String raw) {
        public boolean ok() {
            return call != null;
        }
    }

    /** Newly decided answer text and newly completed calls (in order). */
    public record Delta(String content, List<Result> calls) {
        public static final Delta EMPTY = new Delta("", List.of());

        public boolean isEmpty() {
            return content.isEmpty() && calls.isEmpty();
        }
    }

    public static final String OPEN = "<tool_call>";
    public static final String CLOSE = "</tool_call>";

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final String openTag;
    private final String closeTag;
    private final StringBuilder pending = new StringBuilder();
    private boolean inside;

    public ToolCallParser(String openTag, String closeTag) {
        this.openTag = Objects.requireNonNull(openTag, "openTag");
        this.closeTag = Objects.requireNonNull(closeTag, "closeTag");
        if (openTag.isEmpty() || closeTag.isEmpty()) throw new IllegalArgumentException("empty tag");
    }

    /** {@code <tool_call>}/{@code </tool_call>}. */
    public ToolCallParser() {
        this(OPEN, CLOSE);
    }

    /** Parses a complete text at once. */
    public static Delta parse(String text) {
        ToolCallParser p = new ToolCallParser();
        Delta a = p.feed(text);
        Delta b = p.finish();
        List<Result> calls = new ArrayList<>(a.calls());
        calls.addAll(b.calls());
        return new Delta(a.content() + b.content(), calls);
    }

    /** Whether the text fed so far ends inside an unclosed block. */
    public boolean insideCall() {
        return inside;
    }

    /** Consumes a chunk; returns the content now safe to emit and the calls completed by it. */
    public Delta feed(String chunk) {
        pending.append(chunk);
        StringBuilder content = new StringBuilder();
        List<Result> calls = new ArrayList<>();
        while (true) {
            if (inside) {
                int end = pending.indexOf(closeTag);
                if (end < 0) break;
                List<Result> block = parseBlock(pending.substring(0, end), true);
                if (block.stream().noneMatch(Result::ok)) {
                    // a malformed block stays text, where the model wrote it
                    content.append(openTag).append(pending, 0, end).append(closeTag);
                } else {
                    calls.addAll(block);
                }
                pending.delete(0, end + closeTag.length());
                inside = false;
            } else {
                int start = pending.indexOf(openTag);
                if (start >= 0) {
                    content.append(pending, 0, start);
                    pending.delete(0, start + openTag.length());
                    inside = true;
                    continue;
                }
                int emit = pending.length() - ReasoningParser.partialTagLength(pending, openTag);
                content.append(pending, 0, emit);
                pending.delete(0, emit);
                break;
            }
        }
        return content.isEmpty() && calls.isEmpty() ? Delta.EMPTY : new Delta(content.toString(), List.copyOf(calls));
    }

    /** Flushes: held-back text is content; an unclosed block is parsed if it is complete JSON, else reported. */
    public Delta finish() {
        String rest = pending.toString();
        pending.setLength(0);
        if (!inside) return rest.isEmpty() ? Delta.EMPTY : new Delta(rest, List.of());
        inside = false;
        return new Delta("", parseBlock(rest, false));
    }

    private static List<Result> parseBlock(String raw, boolean closed) {
        String body = raw.strip();
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JacksonException e) {
            String why = closed ? "malformed tool call JSON: " : "unterminated tool call: ";
            return List.of(new Result(null, why + e.getOriginalMessage(), raw));
        }
        if (node == null || node.isMissingNode()) {
            return List.of(new Result(null, closed ? "empty tool call" : "unterminated empty tool call", raw));
        }
        List<Result> out = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode item : node) out.add(toCall(item, raw));
            if (out.isEmpty()) out.add(new Result(null, "empty tool call list", raw));
        } else {
            out.add(toCall(node, raw));
        }
        return out;
    }

    private static boolean isJson(String text) {
        try {
            return JSON.readTree(text) != null && !text.isBlank();
        } catch (JacksonException e) {
            return false;
        }
    }

    private static Result toCall(JsonNode n, String raw) {
        if (!n.isObject()) return new Result(null, "tool call is not a JSON object", raw);
        JsonNode fn = n.has("function") && n.get("function").isObject() && !n.has("name") ? n.get("function") : n;
        JsonNode name = fn.get("name");
        if (name == null || !name.isTextual() || name.textValue().isBlank()) {
            return new Result(null, "tool call has no \"name\"", raw);
        }
        JsonNode args = fn.has("arguments") ? fn.get("arguments") : fn.get("parameters");
        String arguments;
        if (args == null || args.isNull()) {
            arguments = "{}";
        } else if (args.isTextual()) {
            // a string holding JSON is the arguments as OpenAI sends them; any other string is a bare value, which
            // clients can only parse once it is JSON itself (as vLLM's json.dumps makes it)
            arguments = isJson(args.textValue()) ? args.textValue() : PyJson.dumps(args);
        } else {
            arguments = PyJson.dumps(args);
        }
        String id = n.hasNonNull("id") && n.get("id").isTextual() ? n.get("id").textValue() : null;
        return new Result(new ToolCall(id, name.textValue(), arguments), null, raw);
    }
}
