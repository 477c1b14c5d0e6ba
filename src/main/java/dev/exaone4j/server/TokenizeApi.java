package dev.exaone4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code POST /tokenize} ({@code prompt} text, or a chat {@code messages} list rendered as for a chat completion) and
 * {@code POST /detokenize} ({@code tokens} back to text), in vLLM's shapes.
 */
final class TokenizeApi {
    private TokenizeApi() {}

    static ObjectNode tokenize(JsonNode body, LoadedModel m) {
        ChatCompletionRequest.checkModel(body, m);
        int[] ids;
        if (Params.get(body, "messages") != null) {
            ids = ChatPrompt.build(m, ChatCompletionRequest.parse(body, m)).ids();
        } else {
            String text = null;
            for (String f : new String[]{"prompt", "content", "text"}) {
                if (Params.get(body, f) != null) {
                    text = Params.string(body, f, f, null);
                    break;
                }
            }
            if (text == null) throw ApiError.invalid("prompt", "'prompt' (text) or 'messages' is required");
            boolean special = Params.bool(body, "add_special_tokens", "add_special_tokens", true);
            ids = special ? m.tokenizer.encodePrompt(text) : m.tokenizer.encode(text);
        }
        ObjectNode o = HttpIo.JSON.createObjectNode();
        ArrayNode arr = o.putArray("tokens");
        for (int id : ids) arr.add(id);
        o.put("count", ids.length);
        o.put("max_model_len", m.contextSize);
        if (Params.bool(body, "return_token_strs", "return_token_strs", false)) {
            ArrayNode strs = o.putArray("token_strs");
            for (int id : ids) strs.add(m.tokenizer.tokenText(id));
        }
        return o;
    }

    static ObjectNode detokenize(JsonNode body, LoadedModel m) {
        ChatCompletionRequest.checkModel(body, m);
        JsonNode t = Params.array(body, "tokens", "tokens");
        if (t == null) throw ApiError.invalid("tokens", "'tokens' is required");
        int[] ids = ids(t, "tokens", m);
        boolean skip = Params.bool(body, "skip_special_tokens", "skip_special_tokens", false);
        String text = m.tokenizer.decode(ids, skip);
        ObjectNode o = HttpIo.JSON.createObjectNode();
        o.put("prompt", text);
        o.put("content", text);
        return o;
    }

    /** An array of token ids, each checked against the vocabulary. */
    static int[] ids(JsonNode arr, String path, LoadedModel m) {
        if (!arr.isArray()) throw ApiError.invalid(path, "'" + path + "' must be an array of token ids");
        if (arr.size() > m.contextSize * 4L + 1024) throw ApiError.invalid(path, "'" + path + "' holds too many tokens");
        int[] ids = new int[arr.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode v = arr.get(i);
            if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() >= m.vocab) {
                throw ApiError.invalid(path, "'" + path + "[" + i + "]' must be a token id in [0, " + m.vocab + "), got " + v);
            }
            ids[i] = v.asInt();
        }
        return ids;
    }
}
