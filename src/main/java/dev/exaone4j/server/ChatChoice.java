package dev.exaone4j.server;

import dev.exaone4j.chat.ReasoningParser;
import dev.exaone4j.chat.ToolCall;
import dev.exaone4j.chat.ToolCallParser;

import java.util.ArrayList;
import java.util.List;

/**
 * One choice of a chat completion as it streams: generated text goes through the reasoning splitter
 * ({@code <think>...</think>} → {@code reasoning_content}) and then, when tools are in play, the tool-call parser
 * ({@code <tool_call>{json}</tool_call>} → {@code tool_calls}). Each call returns the delta that became final, so the
 * streamed deltas concatenate to exactly the non-streamed message.
 */
final class ChatChoice {
    /** What a piece of output added: reasoning text, answer text and completed tool calls. */
    record Delta(String reasoning, String content, List<ToolCall> calls) {
        static final Delta EMPTY = new Delta("", "", List.of());

        boolean isEmpty() {
            return reasoning.isEmpty() && content.isEmpty() && calls.isEmpty();
        }
    }

    final int index;
    private final ReasoningParser reasoning;
    private final ToolCallParser tools;
    private final boolean parallelCalls;
    final StringBuilder content = new StringBuilder();
    final StringBuilder reasoningText = new StringBuilder();
    final List<ToolCall> calls = new ArrayList<>();
    final List<TokenLogprob> logprobs = new ArrayList<>();
    private String heldSpace = "";
    Sequence.Finish finish;

    /**
     * @param startsInReasoning the prompt left a think block open
     * @param parseTools        run the tool-call parser (tools given and tool_choice not none)
     * @param toolPrefix        a forced call's opening already in the prompt (fed to the parser first), or ""
     */
    ChatChoice(int index, boolean startsInReasoning, boolean parseTools, String toolPrefix, boolean parallelCalls) {
        this.index = index;
        this.reasoning = new ReasoningParser(startsInReasoning);
        this.tools = parseTools ? new ToolCallParser() : null;
        this.parallelCalls = parallelCalls;
        if (tools != null && !toolPrefix.isEmpty()) tools.feed(toolPrefix);
    }

    /** Consumes generated text. */
    Delta feed(String text) {
        if (text.isEmpty()) return Delta.EMPTY;
        return apply(reasoning.feed(text), false);
    }

    /** Flushes everything held back at the end of the generation. */
    Delta finish() {
        return apply(reasoning.finish(), true);
    }

    private Delta apply(ReasoningParser.Delta r, boolean last) {
        String answer = r.content();
        List<ToolCall> newCalls = new ArrayList<>();
        if (tools != null) {
            ToolCallParser.Delta t = tools.feed(answer);
            StringBuilder sb = new StringBuilder(t.content());
            collect(t.calls(), sb, newCalls);
            if (last) {
                ToolCallParser.Delta f = tools.finish();
                sb.append(f.content());
                collect(f.calls(), sb, newCalls);
            }
            // whitespace the answer ends with is held back: between or around calls it is not content
            String all = heldSpace + sb;
            heldSpace = "";
            int j = all.length();
            while (j > 0 && Character.isWhitespace(all.charAt(j - 1))) j--;
            if (!last) {
                heldSpace = all.substring(j);
                all = all.substring(0, j);
            } else if (j == 0 && (!calls.isEmpty() || !newCalls.isEmpty())) {
                all = "";
            }
            answer = all;
        }
        reasoningText.append(r.reasoning());
        content.append(answer);
        calls.addAll(newCalls);
        if (r.reasoning().isEmpty() && answer.isEmpty() && newCalls.isEmpty()) return Delta.EMPTY;
        return new Delta(r.reasoning(), answer, newCalls);
    }

    /** Valid calls get an id; a malformed block goes back into the text, as the model wrote it. */
    private void collect(List<ToolCallParser.Result> results, StringBuilder text, List<ToolCall> out) {
        for (ToolCallParser.Result res : results) {
            if (res.ok()) {
                if (!parallelCalls && (!calls.isEmpty() || !out.isEmpty())) continue;
                out.add(res.call().withId(res.call().id() != null ? res.call().id() : newId()));
            } else {
                text.append(ToolCallParser.OPEN).append(res.raw());
                if (!res.error().startsWith("unterminated")) text.append(ToolCallParser.CLOSE);
            }
        }
    }

    /**
     * The OpenAI finish reason: tool_calls when calls were made and the generation ended by itself, else the
     * sequence's own; a generation cut by max_tokens stays {@code length} even when it holds calls (a forced call
     * cut short is closed minimally to stay valid JSON, its arguments unfinished: a client must not run it blindly).
     */
    String finishReason() {
        if (finish == null) return null;
        String r = finish.reason();
        if (!calls.isEmpty() && r.equals("stop")) return "tool_calls";
        return r;
    }

    static String newId() {
        return "call_" + Ids.random(24);
    }
}
