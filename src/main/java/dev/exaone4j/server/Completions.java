package dev.exaone4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/completions}: a raw prompt (a string, or token ids) continued as is, answered with one
 * {@code text_completion} object or, with {@code stream}, text_completion chunks ending in {@code data: [DONE]}.
 * {@code echo} prepends the prompt; {@code logprobs} (0..5) returns per-token log-probabilities.
 */
final class Completions {
    private Completions() {}

    /** One choice's accumulated output. */
    private static final class Choice {
        final StringBuilder text = new StringBuilder();
        final List<TokenLogprob> logprobs = new ArrayList<>();
        Sequence.Finish finish;
    }

    static void handle(HttpExchange ex, JsonNode body, InferenceServer.Engine engine) throws IOException, InterruptedException {
        LoadedModel m = engine.model();
        ChatCompletionRequest.checkModel(body, m);
        JsonNode pr = Params.get(body, "prompt");
        if (pr == null) throw ApiError.invalid("prompt", "'prompt' is required");
        String promptText = null;
        int[] ids;
        if (pr.isTextual()) {
            promptText = pr.textValue();
            ids = m.tokenizer.encodePrompt(promptText);
        } else if (pr.isArray()) {
            if (pr.isEmpty()) throw ApiError.invalid("prompt", "'prompt' must not be empty");
            JsonNode first = pr.get(0);
            if (first.isTextual() || first.isArray()) {
                if (pr.size() != 1) throw ApiError.invalid("prompt", "'prompt' may hold one prompt only (batches are not supported; send one request per prompt)");
                if (first.isTextual()) {
                    promptText = first.textValue();
                    ids = m.tokenizer.encodePrompt(promptText);
                } else {
                    ids = TokenizeApi.ids(first, "prompt[0]", m);
                }
            } else {
                ids = TokenizeApi.ids(pr, "prompt", m);
            }
        } else {
            throw ApiError.invalid("prompt", "'prompt' must be a string, an array of token ids, or an array holding one of those; got " + Params.kind(pr));
        }
        if (ids.length == 0) throw ApiError.invalid("prompt", "'prompt' is empty after tokenization");
        String suffix = Params.string(body, "suffix", "suffix", null);
        if (suffix != null && !suffix.isEmpty()) throw ApiError.invalid("suffix", "'suffix' (fill-in-the-middle) is not supported");
        boolean echo = Params.bool(body, "echo", "echo", false);
        GenerationParams gp = GenerationParams.parse(body, m, false, 16);
        if (echo && gp.logprobs()) throw ApiError.invalid("echo", "'echo' together with 'logprobs' (prompt log-probabilities) is not supported");
        int maxTokens = gp.resolveMaxTokens(ids.length, m.contextSize, "prompt");
        engine.scheduler().checkFits(ids.length, maxTokens, gp.maxTokensParam() == null ? "prompt" : gp.maxTokensParam());

        String echoText = echo ? (promptText != null ? promptText : m.tokenizer.decode(ids, true)) : "";
        GenerationRun run = new GenerationRun(engine.scheduler(), engine.heartbeatMillis());
        Choice[] choices = new Choice[gp.n()];
        for (int i = 0; i < gp.n(); i++) {
            choices[i] = new Choice();
            run.add(new Sequence(i, ids, gp, maxTokens, m.contextSize, m, null, run));
        }
        String id = "cmpl-" + Ids.random(24);
        long created = System.currentTimeMillis() / 1000;
        run.submit();
        try {
            if (gp.stream()) stream(ex, m, run, choices, id, created, echoText, gp.includeUsage());
            else respond(ex, m, run, choices, id, created, echoText, gp.logprobs());
        } catch (IOException | InterruptedException | RuntimeException e) {
            run.cancel();
            throw e;
        }
    }

    private static void stream(HttpExchange ex, LoadedModel m, GenerationRun run, Choice[] choices, String id, long created,
                               String echo, boolean includeUsage) throws IOException, InterruptedException {
        SseWriter sse = new SseWriter(ex);
        sse.open();
        if (!echo.isEmpty()) {
            for (int i = 0; i < choices.length; i++) sse.event(chunk(m, id, created, i, echo, null, null, includeUsage));
        }
        int open = choices.length;
        while (open > 0) {
            GenerationRun.Event ev = run.next(run.heartbeatMillis);
            if (ev == null) {
                sse.keepAlive();
                continue;
            }
            switch (ev) {
                case GenerationRun.Text t -> {
                    Choice c = choices[t.choice()];
                    c.text.append(t.text());
                    ObjectNode lp = null;
                    if (t.logprob() != null) {
                        int before = c.logprobs.size();
                        c.logprobs.add(t.logprob());
                        lp = logprobsJson(m, c, before);
                    }
                    if (!t.text().isEmpty() || lp != null) sse.event(chunk(m, id, created, t.choice(), t.text(), null, lp, includeUsage));
                }
                case GenerationRun.Done d -> {
                    choices[d.choice()].finish = d.finish();
                    open--;
                    if (d.finish().error() != null) {
                        sse.event(d.finish().error().toJson());
                        continue;
                    }
                    sse.event(chunk(m, id, created, d.choice(), "", d.finish().reason(), null, includeUsage));
                }
            }
        }
        if (includeUsage) {
            ObjectNode u = base(m, id, created);
            u.putArray("choices");
            u.set("usage", usage(choices));
            sse.event(u);
        }
        sse.done();
    }

    private static void respond(HttpExchange ex, LoadedModel m, GenerationRun run, Choice[] choices, String id, long created,
                                String echo, boolean logprobs) throws IOException, InterruptedException {
        DelayedJsonResponse resp = new DelayedJsonResponse(ex, run.heartbeatMillis);
        int open = choices.length;
        ApiError error = null;
        while (open > 0) {
            resp.tick();
            GenerationRun.Event ev = run.next(run.heartbeatMillis);
            if (ev == null) continue;
            switch (ev) {
                case GenerationRun.Text t -> {
                    Choice c = choices[t.choice()];
                    c.text.append(t.text());
                    if (t.logprob() != null) c.logprobs.add(t.logprob());
                }
                case GenerationRun.Done d -> {
                    choices[d.choice()].finish = d.finish();
                    if (d.finish().error() != null) error = d.finish().error();
                    open--;
                }
            }
        }
        if (error != null) {
            resp.sendError(error);
            return;
        }
        ObjectNode o = base(m, id, created);
        ArrayNode arr = o.putArray("choices");
        for (int i = 0; i < choices.length; i++) {
            Choice c = choices[i];
            ObjectNode ch = arr.addObject();
            ch.put("text", echo + c.text);
            ch.put("index", i);
            if (logprobs) ch.set("logprobs", logprobsJson(m, c, 0));
            else ch.putNull("logprobs");
            ch.put("finish_reason", c.finish.reason());
        }
        o.set("usage", usage(choices));
        resp.send(200, o);
    }

    /** The completions logprobs object for entries [from, end). */
    private static ObjectNode logprobsJson(LoadedModel m, Choice c, int from) {
        ObjectNode o = HttpIo.JSON.createObjectNode();
        ArrayNode tokens = o.putArray("tokens");
        ArrayNode lps = o.putArray("token_logprobs");
        ArrayNode top = o.putArray("top_logprobs");
        ArrayNode offsets = o.putArray("text_offset");
        for (int i = from; i < c.logprobs.size(); i++) {
            TokenLogprob lp = c.logprobs.get(i);
            tokens.add(TokenLogprob.display(m, lp.id()));
            lps.add(TokenLogprob.finite(lp.logprob()));
            ObjectNode t = top.addObject();
            for (int k = 0; k < lp.topIds().length; k++) t.put(TokenLogprob.display(m, lp.topIds()[k]), TokenLogprob.finite(lp.topLogprobs()[k]));
            offsets.add(lp.offset());
        }
        return o;
    }

    private static ObjectNode base(LoadedModel m, String id, long created) {
        ObjectNode o = HttpIo.JSON.createObjectNode();
        o.put("id", id);
        o.put("object", "text_completion");
        o.put("created", created);
        o.put("model", m.id);
        o.put("system_fingerprint", InferenceServer.FINGERPRINT);
        return o;
    }

    private static ObjectNode chunk(LoadedModel m, String id, long created, int index, String text, String finishReason,
                                    ObjectNode logprobs, boolean usageField) {
        ObjectNode o = base(m, id, created);
        ObjectNode ch = o.putArray("choices").addObject();
        ch.put("text", text);
        ch.put("index", index);
        if (logprobs == null) ch.putNull("logprobs");
        else ch.set("logprobs", logprobs);
        if (finishReason == null) ch.putNull("finish_reason");
        else ch.put("finish_reason", finishReason);
        if (usageField) o.putNull("usage");
        return o;
    }

    private static ObjectNode usage(Choice[] choices) {
        int prompt = 0, completion = 0;
        for (Choice c : choices) {
            if (c.finish == null) continue;
            prompt = c.finish.promptTokens();
            completion += c.finish.completionTokens();
        }
        return Usage.json(prompt, completion, choices[0].finish == null ? 0 : choices[0].finish.cachedTokens());
    }
}
