package dev.exaone4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exaone4j.sampling.SamplerConfig;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The generation settings shared by {@code /v1/chat/completions} and {@code /v1/completions}, validated and bounded:
 * sampling ({@code temperature}, {@code top_p}, {@code top_k}, {@code min_p}, penalties, {@code seed}), limits
 * ({@code max_tokens} / {@code max_completion_tokens}, {@code stop}, {@code ignore_eos}), {@code n}, logprobs and
 * streaming options.
 *
 * @param maxTokens   completion limit, or null for "until the context is full"
 * @param topLogprobs alternatives per token (0 with logprobs alone)
 * @param logitBias   added to the logits of these token ids before sampling ({@code logit_bias}, each in [-100, 100])
 * @param maxTokensParam the field the limit came from ({@code max_tokens} or {@code max_completion_tokens}), for
 *                       errors; null when the request gave none (the endpoint's default applies, cut to the context)
 */
record GenerationParams(float temperature, float topP, int topK, float minP, float repetitionPenalty,
                        float presencePenalty, float frequencyPenalty, Long seed, Integer maxTokens, List<String> stop,
                        int n, boolean logprobs, int topLogprobs, boolean ignoreEos, boolean stream, boolean includeUsage,
                        Map<Integer, Float> logitBias, String maxTokensParam) {
    static final int MAX_N = 16;
    static final int MAX_STOPS = 16;
    static final int MAX_STOP_LENGTH = 1024;
    private static final SecureRandom SEEDS = new SecureRandom();

    /**
     * Reads the shared fields of a request body.
     *
     * @param chat       chat semantics ({@code logprobs} boolean + {@code top_logprobs}) or completions semantics
     *                   ({@code logprobs} an integer 0..5)
     * @param defaultMax max_tokens when absent (null: until the context is full)
     */
    static GenerationParams parse(JsonNode body, LoadedModel m, boolean chat, Integer defaultMax) {
        float temperature = (float) Params.number(body, "temperature", "temperature", 1.0, 0, false, 2);
        float topP = (float) Params.number(body, "top_p", "top_p", 1.0, 0, true, 1);
        long topK = Params.integer(body, "top_k", "top_k", 0, -1, m.vocab);
        float minP = (float) Params.number(body, "min_p", "min_p", 0, 0, false, 1);
        float rep = (float) Params.number(body, "repetition_penalty", "repetition_penalty", 1.0, 0, true, 10);
        float presence = (float) Params.number(body, "presence_penalty", "presence_penalty", 0, -2, false, 2);
        float frequency = (float) Params.number(body, "frequency_penalty", "frequency_penalty", 0, -2, false, 2);
        Long seed = Params.get(body, "seed") == null ? null : Params.integer(body, "seed", "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);

        Integer maxTokens = defaultMax;
        String maxTokensParam = null;
        for (String f : new String[]{"max_tokens", "max_completion_tokens"}) {
            if (Params.get(body, f) != null) {
                maxTokens = (int) Params.integer(body, f, f, 0, 1, m.contextSize);
                maxTokensParam = f;
            }
        }
        List<String> stop = parseStop(body);
        int n = (int) Params.integer(body, "n", "n", 1, 1, MAX_N);
        if (Params.get(body, "best_of") != null) {
            long bestOf = Params.integer(body, "best_of", "best_of", 1, 1, MAX_N);
            if (bestOf != n) throw ApiError.invalid("best_of", "'best_of' is not supported (it must equal n)");
        }

        boolean logprobs;
        int top;
        if (chat) {
            logprobs = Params.bool(body, "logprobs", "logprobs", false);
            top = (int) Params.integer(body, "top_logprobs", "top_logprobs", 0, 0, 20);
            if (top > 0 && !logprobs) throw ApiError.invalid("top_logprobs", "'top_logprobs' requires 'logprobs': true");
        } else {
            JsonNode lp = Params.get(body, "logprobs");
            logprobs = lp != null;
            top = lp == null ? 0 : (int) Params.integer(body, "logprobs", "logprobs", 0, 0, 5);
        }
        boolean ignoreEos = Params.bool(body, "ignore_eos", "ignore_eos", false);
        boolean stream = Params.bool(body, "stream", "stream", false);
        JsonNode so = Params.object(body, "stream_options", "stream_options");
        boolean includeUsage = false;
        if (so != null) {   // ignored without stream (some clients reuse one set of parameters for both)
            includeUsage = stream && Params.bool(so, "include_usage", "stream_options.include_usage", false);
        }
        return new GenerationParams(temperature, topP, topK < 0 ? 0 : (int) topK, minP, rep, presence, frequency, seed,
                maxTokens, stop, n, logprobs, top, ignoreEos, stream, includeUsage, parseLogitBias(body, m.vocab), maxTokensParam);
    }

    private static Map<Integer, Float> parseLogitBias(JsonNode body, int vocab) {
        JsonNode lb = Params.object(body, "logit_bias", "logit_bias");
        Map<Integer, Float> out = new LinkedHashMap<>();
        if (lb == null) return out;
        if (lb.size() > 1024) throw ApiError.invalid("logit_bias", "'logit_bias' may hold at most 1024 tokens");
        for (var e : lb.properties()) {
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException x) {
                throw ApiError.invalid("logit_bias", "'logit_bias' keys must be token ids, got '" + e.getKey() + "'");
            }
            if (id < 0 || id >= vocab) throw ApiError.invalid("logit_bias", "'logit_bias' token id " + id + " is outside [0, " + vocab + ")");
            out.put(id, (float) Params.number(lb, e.getKey(), "logit_bias." + e.getKey(), 0, -100, false, 100));
        }
        return Map.copyOf(out);
    }

    private static List<String> parseStop(JsonNode body) {
        JsonNode v = Params.get(body, "stop");
        List<String> out = new ArrayList<>();
        if (v == null) return out;
        if (v.isTextual()) {
            out.add(v.textValue());
        } else if (v.isArray()) {
            if (v.size() > MAX_STOPS) throw ApiError.invalid("stop", "'stop' may hold at most " + MAX_STOPS + " strings, got " + v.size());
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isTextual()) throw ApiError.invalid("stop", "'stop[" + i + "]' must be a string, got " + Params.kind(v.get(i)));
                out.add(v.get(i).textValue());
            }
        } else {
            throw ApiError.invalid("stop", "'stop' must be a string or an array of strings, got " + Params.kind(v));
        }
        for (String s : out) {
            if (s.isEmpty()) throw ApiError.invalid("stop", "'stop' strings must not be empty");
            if (s.length() > MAX_STOP_LENGTH) throw ApiError.invalid("stop", "'stop' strings may be at most " + MAX_STOP_LENGTH + " characters long");
        }
        return List.copyOf(out);
    }

    /**
     * The completion limit for a prompt of promptTokens: max_tokens if it fits, else the rest of the context; 400 with
     * both numbers when the prompt leaves no room or prompt + max_tokens exceed the context.
     */
    int resolveMaxTokens(int promptTokens, int contextSize, String promptParam) {
        if (promptTokens >= contextSize) {
            throw ApiError.contextLength(promptParam, "This model's maximum context length is " + contextSize
                    + " tokens. However, your " + promptParam + " resulted in " + promptTokens + " tokens, which leaves no room for a completion.");
        }
        if (maxTokens == null) return contextSize - promptTokens;
        if (maxTokensParam == null) return Math.min(maxTokens, contextSize - promptTokens);   // a default, not a request
        if (promptTokens + maxTokens > contextSize) {
            throw ApiError.contextLength(maxTokensParam, "This model's maximum context length is " + contextSize
                    + " tokens. However, you requested " + (promptTokens + maxTokens) + " tokens (" + promptTokens + " in the "
                    + promptParam + ", " + maxTokens + " for the completion). Please reduce the length of the " + promptParam + " or " + maxTokensParam + ".");
        }
        return maxTokens;
    }

    /**
     * The seed of choice i of a seeded request: the seed itself for the first (so n = 1 and the first of n agree),
     * a hash of (seed, i) for the others, so neighbouring seeds' choices do not coincide.
     */
    static long choiceSeed(long seed, int choice) {
        if (choice == 0) return seed;
        long z = seed + 0x9E3779B97F4A7C15L * choice;   // splitmix64 finalizer
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The sampling configuration of choice i (penalties are applied separately, see {@link Sequence}). */
    SamplerConfig sampling(int choice) {
        long s = seed != null ? choiceSeed(seed, choice) : SEEDS.nextLong();
        return new SamplerConfig(temperature, topK, topP, minP, 1f, 0f, 0f, 0, s);
    }

    /** Whether any penalty is active. */
    boolean penalized() {
        return repetitionPenalty != 1f || presencePenalty != 0f || frequencyPenalty != 0f;
    }
}
