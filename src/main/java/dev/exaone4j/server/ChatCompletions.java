package dev.exaone4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.exaone4j.chat.ToolCall;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}: renders the conversation, queues one sequence per choice and answers with one
 * {@code chat.completion} object or, with {@code stream}, {@code chat.completion.chunk} events ending in
 * {@code data: [DONE]} (plus a usage chunk with {@code stream_options.include_usage}).
 */
final class ChatCompletions {
    private ChatCompletions() {}

    static void handle(HttpExchange ex, JsonNode body, InferenceServer.Engine engine) throws IOException, InterruptedException {
        LoadedModel m = engine.model();
        ChatCompletionRequest r = ChatCompletionRequest.parse(body, m);
        ChatPrompt p = ChatPrompt.build(m, r);
        GenerationParams gp = r.params;
        int maxTokens = gp.resolveMaxTokens(p.ids().length, m.contextSize, "messages");
        engine.scheduler().checkFits(p.ids().length, maxTokens, gp.maxTokensParam() == null ? "messages" : gp.maxTokensParam());

        GenerationRun run = new GenerationRun(engine.scheduler(), engine.heartbeatMillis());
        ChatChoice[] choices = new ChatChoice[gp.n()];
        boolean parseTools = r.tools != null && !r.toolChoice.mode().equals("none");
        for (int i = 0; i < gp.n(); i++) {
            choices[i] = new ChatChoice(i, p.startsInReasoning(), parseTools, p.toolPrefix(), r.parallelToolCalls);
            run.add(new Sequence(i, p.ids(), gp, maxTokens, m.contextSize, m, p.constraint() == null ? null : p.constraint().get(), run));
        }
        String id = "chatcmpl-" + Ids.random(24);
        long created = System.currentTimeMillis() / 1000;
        run.submit();
        try {
            if (gp.stream()) stream(ex, m, run, choices, id, created, gp.includeUsage());
            else respond(ex, m, run, choices, id, created, gp.logprobs());
        } catch (IOException | InterruptedException | RuntimeException e) {
            run.cancel();
            throw e;
        }
    }

    private static void stream(HttpExchange ex, LoadedModel m, GenerationRun run, ChatChoice[] choices, String id, long created,
                               boolean includeUsage) throws IOException, InterruptedException {
        SseWriter sse = new SseWriter(ex);
        sse.open();
        for (ChatChoice c : choices) {
            ObjectNode delta = HttpIo.JSON.createObjectNode().put("role", "assistant").put("content", "");
            sse.event(chunk(m, id, created, c.index, delta, null, List.of(), includeUsage));
        }
        List<List<TokenLogprob>> pendingLp = new ArrayList<>();
        for (int i = 0; i < choices.length; i++) pendingLp.add(new ArrayList<>());
        int open = choices.length;
        while (open > 0) {
            GenerationRun.Event ev = run.next(run.heartbeatMillis);
            if (ev == null) {
                sse.keepAlive();
                continue;
            }
            switch (ev) {
                case GenerationRun.Text t -> {
                    ChatChoice c = choices[t.choice()];
                    if (t.logprob() != null) {
                        pendingLp.get(t.choice()).add(t.logprob());
                        c.logprobs.add(t.logprob());
                    }
                    ChatChoice.Delta d = c.feed(t.text());
                    if (!d.isEmpty()) sendDelta(sse, m, id, created, c, d, pendingLp.get(t.choice()), includeUsage);
                }
                case GenerationRun.Done d -> {
                    ChatChoice c = choices[d.choice()];
                    c.finish = d.finish();
                    open--;
                    if (d.finish().error() != null) {
                        sse.event(d.finish().error().toJson());
                        continue;
                    }
                    ChatChoice.Delta f = c.finish();
                    if (!f.isEmpty()) sendDelta(sse, m, id, created, c, f, pendingLp.get(d.choice()), includeUsage);
                    sse.event(chunk(m, id, created, c.index, HttpIo.JSON.createObjectNode(), c.finishReason(), pendingLp.get(d.choice()), includeUsage));
                    pendingLp.get(d.choice()).clear();
                }
            }
        }
        if (includeUsage) {
            ObjectNode u = base(m, id, created, "chat.completion.chunk");
            u.putArray("choices");
            u.set("usage", usage(choices));
            sse.event(u);
        }
        sse.done();
    }

    private static void sendDelta(SseWriter sse, LoadedModel m, String id, long created, ChatChoice c, ChatChoice.Delta d,
                                  List<TokenLogprob> lps, boolean includeUsage) throws IOException {
        if (!d.reasoning().isEmpty()) {
            ObjectNode delta = HttpIo.JSON.createObjectNode().put("reasoning_content", d.reasoning());
            sse.event(chunk(m, id, created, c.index, delta, null, d.content().isEmpty() && d.calls().isEmpty() ? lps : List.of(), includeUsage));
            if (d.content().isEmpty() && d.calls().isEmpty()) lps.clear();
        }
        if (!d.content().isEmpty()) {
            ObjectNode delta = HttpIo.JSON.createObjectNode().put("content", d.content());
            sse.event(chunk(m, id, created, c.index, delta, null, lps, includeUsage));
            lps.clear();
        }
        if (!d.calls().isEmpty()) {
            int base = c.calls.size() - d.calls().size();
            ObjectNode delta = HttpIo.JSON.createObjectNode();
            ArrayNode arr = delta.putArray("tool_calls");
            for (int k = 0; k < d.calls().size(); k++) arr.add(toolCall(d.calls().get(k), base + k));
            sse.event(chunk(m, id, created, c.index, delta, null, lps, includeUsage));
            lps.clear();
        }
    }

    private static void respond(HttpExchange ex, LoadedModel m, GenerationRun run, ChatChoice[] choices, String id, long created,
                                boolean logprobs) throws IOException, InterruptedException {
        DelayedJsonResponse resp = new DelayedJsonResponse(ex, run.heartbeatMillis);
        int open = choices.length;
        ApiError error = null;
        while (open > 0) {
            resp.tick();
            GenerationRun.Event ev = run.next(run.heartbeatMillis);
            if (ev == null) continue;
            switch (ev) {
                case GenerationRun.Text t -> {
                    ChatChoice c = choices[t.choice()];
                    if (t.logprob() != null) c.logprobs.add(t.logprob());
                    c.feed(t.text());
                }
                case GenerationRun.Done d -> {
                    ChatChoice c = choices[d.choice()];
                    c.finish = d.finish();
                    if (d.finish().error() != null) error = d.finish().error();
                    c.finish();
                    open--;
                }
            }
        }
        if (error != null) {
            resp.sendError(error);
            return;
        }
        ObjectNode o = base(m, id, created, "chat.completion");
        ArrayNode arr = o.putArray("choices");
        for (ChatChoice c : choices) {
            ObjectNode ch = arr.addObject();
            ch.put("index", c.index);
            ObjectNode msg = ch.putObject("message");
            msg.put("role", "assistant");
            if (c.content.isEmpty() && !c.calls.isEmpty()) msg.putNull("content");
            else msg.put("content", c.content.toString());
            if (!c.reasoningText.isEmpty()) msg.put("reasoning_content", c.reasoningText.toString());
            if (!c.calls.isEmpty()) {
                ArrayNode calls = msg.putArray("tool_calls");
                for (int k = 0; k < c.calls.size(); k++) {
                    ObjectNode tc = toolCall(c.calls.get(k), k);
                    tc.remove("index");
                    calls.add(tc);
                }
            }
            if (logprobs) ch.set("logprobs", logprobsJson(m, c.logprobs));
            else ch.putNull("logprobs");
            ch.put("finish_reason", c.finishReason());
        }
        o.set("usage", usage(choices));
        resp.send(200, o);
    }

    private static ObjectNode base(LoadedModel m, String id, long created, String object) {
        ObjectNode o = HttpIo.JSON.createObjectNode();
        o.put("id", id);
        o.put("object", object);
        o.put("created", created);
        o.put("model", m.id);
        o.put("system_fingerprint", InferenceServer.FINGERPRINT);
        return o;
    }

    private static ObjectNode chunk(LoadedModel m, String id, long created, int index, ObjectNode delta, String finishReason,
                                    List<TokenLogprob> lps, boolean usageField) {
        ObjectNode o = base(m, id, created, "chat.completion.chunk");
        ObjectNode ch = o.putArray("choices").addObject();
        ch.put("index", index);
        ch.set("delta", delta);
        if (lps.isEmpty()) ch.putNull("logprobs");
        else ch.set("logprobs", logprobsJson(m, lps));
        if (finishReason == null) ch.putNull("finish_reason");
        else ch.put("finish_reason", finishReason);
        if (usageField) o.putNull("usage");
        return o;
    }

    private static ObjectNode logprobsJson(LoadedModel m, List<TokenLogprob> lps) {
        ObjectNode o = HttpIo.JSON.createObjectNode();
        ArrayNode content = o.putArray("content");
        for (TokenLogprob lp : lps) content.add(lp.toChatJson(m));
        o.putNull("refusal");
        return o;
    }

    private static ObjectNode toolCall(ToolCall call, int index) {
        ObjectNode tc = HttpIo.JSON.createObjectNode();
        tc.put("index", index);
        tc.put("id", call.id());
        tc.put("type", "function");
        ObjectNode fn = tc.putObject("function");
        fn.put("name", call.name());
        fn.put("arguments", call.arguments());
        return tc;
    }

    private static ObjectNode usage(ChatChoice[] choices) {
        int prompt = 0, completion = 0, cached = 0;
        for (ChatChoice c : choices) {
            if (c.finish == null) continue;
            prompt = c.finish.promptTokens();
            completion += c.finish.completionTokens();
            if (c.index == 0) cached = c.finish.cachedTokens();
        }
        return Usage.json(prompt, completion, cached);
    }
}
