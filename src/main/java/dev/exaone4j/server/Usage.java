package dev.exaone4j.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The {@code usage} object: prompt tokens (counted once for all choices), generated tokens, cached prompt tokens. */
final class Usage {
    private Usage() {}

    static ObjectNode json(int promptTokens, int completionTokens, int cachedTokens) {
        ObjectNode u = HttpIo.JSON.createObjectNode();
        u.put("prompt_tokens", promptTokens);
        u.put("completion_tokens", completionTokens);
        u.put("total_tokens", promptTokens + completionTokens);
        u.putObject("prompt_tokens_details").put("cached_tokens", cachedTokens);
        return u;
    }
}
