package dev.exaone4j.engine;

import dev.exaone4j.chat.ChatFormat;
import dev.exaone4j.chat.ChatMessage;
import dev.exaone4j.chat.ReasoningParser;
import dev.exaone4j.model.InferenceState;
import dev.exaone4j.model.Model;
import dev.exaone4j.sampling.Sampler;
import dev.exaone4j.tokenizer.StreamingDecoder;
import dev.exaone4j.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A multi-turn conversation rendered through the model's chat template. The KV cache is kept between turns:
 * each new prompt only runs the tokens after the longest prefix it shares with what the cache holds (as far as
 * the sliding-window rings allow rolling back). Replies stream as reasoning and answer deltas.
 */
public final class ChatSession {
    /** Receives streamed text: reasoning (inside think tags) and answer content. */
    public interface Listener {
        void onDelta(String reasoning, String content);
    }

    /** One finished reply with its measurements. */
    public record Reply(String reasoning, String content, int promptTokens, int reusedTokens, int generatedTokens,
                        long promptNanos, long generateNanos, String stopReason) {
        public double generateTokensPerSecond() {
            return generatedTokens <= 1 || generateNanos == 0 ? 0 : (generatedTokens - 1) * 1e9 / generateNanos;
        }

        public double promptTokensPerSecond() {
            int n = promptTokens - reusedTokens;
            return n <= 0 || promptNanos == 0 ? 0 : n * 1e9 / promptNanos;
        }
    }

    private final Model model;
    private final Tokenizer tok;
    private final ChatFormat format;
    private final Sampler sampler;
    private final InferenceState state;
    private final List<ChatMessage> messages = new ArrayList<>();
    private final boolean[] stop;
    private String system;
    private Boolean thinking;
    private int[] cached = new int[0];

    public ChatSession(Model model, Tokenizer tok, ChatFormat format, Sampler sampler, int context) {
        this.model = model;
        this.tok = tok;
        this.format = format;
        this.sampler = sampler;
        this.state = model.newState(context);
        this.stop = new boolean[model.config().vocabSize];
        for (int id : tok.endOfGenerationIds()) if (id >= 0 && id < stop.length) stop[id] = true;
    }

    public void setSystem(String system) {
        this.system = system;
    }

    /** enable_thinking for the template; null leaves the template's default. */
    public void setThinking(Boolean thinking) {
        this.thinking = thinking;
    }

    /** Forgets the conversation (the cache is reused only as far as the next prompt matches). */
    public void reset() {
        messages.clear();
    }

    /** Empties the KV cache (the conversation stays): the next turn recomputes its whole prompt. */
    public void dropCache() {
        cached = new int[0];
        state.truncate(0);
    }

    public List<ChatMessage> messages() {
        return List.copyOf(messages);
    }

    /** The token ids of the prompt for the conversation so far plus one more user message (the generation prompt). */
    public int[] promptFor(String user) {
        return encodeChat(tok, render(user));
    }

    /** The rendered template text for the conversation plus one user message, with the generation prompt. */
    public String render(String user) {
        List<ChatMessage> all = new ArrayList<>();
        if (system != null && !system.isEmpty()) all.add(ChatMessage.system(system));
        all.addAll(messages);
        all.add(ChatMessage.user(user));
        return format.render(all, null, true, thinking == null ? Map.of() : Map.of("enable_thinking", thinking));
    }

    /** The chat format of a model: its own template (GGUF or tokenizer_config.json), else the built-in for its architecture. */
    public static ChatFormat formatFor(java.nio.file.Path path, Model model, Tokenizer tok) throws java.io.IOException {
        Map<String, Object> specials = new java.util.LinkedHashMap<>();
        if (tok.bosId() >= 0) specials.put("bos_token", tok.tokenText(tok.bosId()));
        if (tok.eosId() >= 0) specials.put("eos_token", tok.tokenText(tok.eosId()));
        return ChatFormat.forModel(path, model.config().arch.ggufName, specials);
    }

    /** Tokenizes a rendered chat prompt: the tokenizer's BOS rule applies unless the template already wrote BOS. */
    public static int[] encodeChat(Tokenizer tok, String text) {
        int bos = tok.bosId();
        if (bos >= 0 && text.startsWith(tok.tokenText(bos))) return tok.encode(text);
        return tok.encodePrompt(text);
    }

    /** Sends a user message and generates the reply (at most maxTokens), streaming it to the listener. */
    public Reply send(String user, int maxTokens, Listener listener) {
        String text = render(user);
        int[] ids = encodeChat(tok, text);
        if (ids.length >= state.maxContext) {
            throw new IllegalArgumentException("the conversation needs " + ids.length + " tokens but the context holds " + state.maxContext + " (use /reset)");
        }
        // reuse the cached prefix (leave at least one token to run, stay within what the rings can roll back)
        int keep = 0;
        int limit = Math.min(Math.min(cached.length, state.position()), ids.length - 1);
        while (keep < limit && cached[keep] == ids[keep]) keep++;
        if (keep < state.minTruncate()) keep = 0;   // the rings cannot roll back that far: start over
        state.truncate(keep);
        long t0 = System.nanoTime();
        float[] logits = model.prefill(state, ids, keep, ids.length - keep, false);
        long t1 = System.nanoTime();

        ReasoningParser reasoning = ReasoningParser.forPrompt(text);
        StreamingDecoder dec = tok.streamingDecoder(false);
        StringBuilder r = new StringBuilder(), c = new StringBuilder();
        int budget = Math.min(maxTokens, state.maxContext - ids.length);
        int[] history = Arrays.copyOf(ids, ids.length + Math.max(0, budget));
        int n = ids.length, generated = 0;
        String reason = "length";
        int[] one = new int[1];
        while (generated < budget) {
            sampler.applyPenalties(logits, history, n);
            int next = sampler.sample(logits);
            if (stop[next]) {
                reason = "stop";
                break;
            }
            history[n++] = next;
            generated++;
            ReasoningParser.Delta d = reasoning.feed(dec.accept(next));
            emit(d, r, c, listener);
            if (generated == budget) break;
            one[0] = next;
            logits = model.forward(state, one, false);
        }
        emit(reasoning.feed(dec.flush()), r, c, listener);
        emit(reasoning.finish(), r, c, listener);
        long t2 = System.nanoTime();
        cached = Arrays.copyOf(history, n);
        messages.add(ChatMessage.user(user));
        messages.add(ChatMessage.assistant(c.toString(), r.isEmpty() ? null : r.toString(), null));
        return new Reply(r.toString(), c.toString(), ids.length, keep, generated, t1 - t0, t2 - t1, reason);
    }

    private static void emit(ReasoningParser.Delta d, StringBuilder r, StringBuilder c, Listener l) {
        if (d.isEmpty()) return;
        r.append(d.reasoning());
        c.append(d.content());
        if (l != null) l.onDelta(d.reasoning(), d.content());
    }
}
