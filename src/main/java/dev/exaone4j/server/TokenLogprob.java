package dev.exaone4j.server;

/**
 * The log-probability of a generated token under the model's distribution (softmax of the logits after penalties,
 * before temperature and filtering), with the most likely alternatives.
 *
 * @param id      the generated token
 * @param logprob its log-probability
 * @param topIds  the most likely tokens at this position, most likely first (empty when none were asked for)
 * @param topLogprobs their log-probabilities
 * @param offset  where the token's text starts in the generated text (chars; set when the text is released)
 */
record TokenLogprob(int id, float logprob, int[] topIds, float[] topLogprobs, int offset) {
    /** This entry with its text offset. */
    TokenLogprob at(int offset) {
        return new TokenLogprob(id, logprob, topIds, topLogprobs, offset);
    }

    /**
     * How a token is shown: its text, or for a token holding part of a UTF-8 character {@code bytes:\xNN..} (as
     * OpenAI shows them; its {@code bytes} field has the raw bytes).
     */
    static String display(LoadedModel m, int id) {
        String text = m.displayText(id);
        byte[] raw = m.tokenBytes(id);
        if (java.util.Arrays.equals(raw, text.getBytes(java.nio.charset.StandardCharsets.UTF_8))) return text;
        StringBuilder sb = new StringBuilder("bytes:");
        for (byte b : raw) sb.append(String.format("\\x%02x", b & 0xff));
        return sb.toString();
    }

    /** The chat form {@code {"token", "logprob", "bytes", "top_logprobs": [...]}}. */
    com.fasterxml.jackson.databind.node.ObjectNode toChatJson(LoadedModel m) {
        com.fasterxml.jackson.databind.node.ObjectNode o = entry(m, id, logprob);
        com.fasterxml.jackson.databind.node.ArrayNode top = o.putArray("top_logprobs");
        for (int i = 0; i < topIds.length; i++) top.add(entry(m, topIds[i], topLogprobs[i]));
        return o;
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode entry(LoadedModel m, int id, float lp) {
        com.fasterxml.jackson.databind.node.ObjectNode o = HttpIo.JSON.createObjectNode();
        o.put("token", display(m, id));
        o.put("logprob", finite(lp));
        com.fasterxml.jackson.databind.node.ArrayNode bytes = o.putArray("bytes");
        for (byte b : m.tokenBytes(id)) bytes.add(b & 0xff);
        return o;
    }

    /** JSON has no infinity: an impossible token's logprob is reported as -9999. */
    static double finite(float lp) {
        return Float.isFinite(lp) ? lp : -9999.0;
    }

    /** Normalizer and alternatives of one logits row, computed before sampling may touch the row. */
    record Row(float logSumExp, int[] topIds, float[] topLogprobs) {
        TokenLogprob of(int id, float logit) {
            return new TokenLogprob(id, logit - logSumExp, topIds, topLogprobs, 0);
        }
    }

    /** log Σ exp(row) and the k most likely entries (ties: lower id first). */
    static Row analyze(float[] row, int k) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : row) max = Math.max(max, v);
        double sum = 0;
        for (float v : row) sum += Math.exp(v - max);
        float lse = (float) (max + Math.log(sum));
        int n = Math.min(k, row.length);
        int[] ids = new int[n];
        float[] lps = new float[n];
        int size = 0;
        for (int i = 0; i < row.length; i++) {
            float v = row[i];
            if (size == n && (n == 0 || v <= row[ids[n - 1]])) continue;
            int pos = size < n ? size++ : n - 1;
            while (pos > 0 && row[ids[pos - 1]] < v) {
                ids[pos] = ids[pos - 1];
                pos--;
            }
            ids[pos] = i;
        }
        for (int i = 0; i < n; i++) lps[i] = row[ids[i]] - lse;
        return new Row(lse, ids, lps);
    }
}
