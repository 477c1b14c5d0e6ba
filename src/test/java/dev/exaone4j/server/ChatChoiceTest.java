package dev.exaone4j.server;

import dev.exaone4j.chat.ToolCall;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streaming output path of a chat choice: reasoning split from the answer and tool calls extracted, with tags cut
 * at every possible position; the deltas must add up to the non-streamed message.
 */
class ChatChoiceTest {
    record Out(String reasoning, String content, List<ToolCall> calls) {}

    static Out stream(String text, int cut, boolean startsInReasoning, boolean tools, String prefix) {
        ChatChoice c = new ChatChoice(0, startsInReasoning, tools, prefix, true);
        StringBuilder r = new StringBuilder(), a = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < text.length(); i += cut) {
            ChatChoice.Delta d = c.feed(text.substring(i, Math.min(text.length(), i + cut)));
            r.append(d.reasoning());
            a.append(d.content());
            calls.addAll(d.calls());
        }
        ChatChoice.Delta d = c.finish();
        r.append(d.reasoning());
        a.append(d.content());
        calls.addAll(d.calls());
        assertThat(r.toString()).isEqualTo(c.reasoningText.toString());
        assertThat(a.toString()).isEqualTo(c.content.toString());
        assertThat(calls).isEqualTo(c.calls);
        return new Out(r.toString(), a.toString(), calls);
    }

    @Test
    void reasoningIsSplitFromTheAnswerWhateverTheChunking() {
        String text = "Let me think about it.\n</think>\n\nThe answer is 42.";
        for (int cut = 1; cut <= text.length(); cut++) {
            Out o = stream(text, cut, true, false, "");
            assertThat(o.reasoning()).as("cut %d", cut).isEqualTo("Let me think about it.");
            assertThat(o.content()).as("cut %d", cut).isEqualTo("The answer is 42.");
        }
        Out o = stream("<think>hmm</think>Yes", 2, false, false, "");
        assertThat(o.reasoning()).isEqualTo("hmm");
        assertThat(o.content()).isEqualTo("Yes");
        o = stream("no thinking here", 3, false, false, "");
        assertThat(o.reasoning()).isEmpty();
        assertThat(o.content()).isEqualTo("no thinking here");
    }

    @Test
    void toolCallsAreExtractedWhateverTheChunking() {
        String text = "Checking.\n<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Seoul\"}}</tool_call>\n"
                + "<tool_call>{\"name\": \"get_time\", \"arguments\": {}}</tool_call>";
        for (int cut = 1; cut <= 20; cut++) {
            Out o = stream(text, cut, false, true, "");
            assertThat(o.calls()).extracting(ToolCall::name).containsExactly("get_weather", "get_time");
            assertThat(o.calls().getFirst().arguments()).isEqualTo("{\"city\": \"Seoul\"}");
            assertThat(o.calls()).allSatisfy(c -> assertThat(c.id()).startsWith("call_"));
            assertThat(o.content().strip()).isEqualTo("Checking.");
        }
    }

    @Test
    void aForcedPrefixCompletesTheCallAndMalformedBlocksStayText() {
        Out o = stream("{\"city\": \"Paris\"}}</tool_call>", 4, false, true, "<tool_call>{\"name\": \"get_weather\", \"arguments\": ");
        assertThat(o.calls()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("get_weather");
            assertThat(c.arguments()).isEqualTo("{\"city\": \"Paris\"}");
        });
        assertThat(o.content()).isEmpty();
        o = stream("<tool_call>{not json}</tool_call>", 5, false, true, "");
        assertThat(o.calls()).isEmpty();
        assertThat(o.content()).isEqualTo("<tool_call>{not json}</tool_call>");
    }

    @Test
    void whitespaceAroundCallsIsNotContent() {
        ChatChoice c = new ChatChoice(0, false, true, "", true);
        StringBuilder content = new StringBuilder();
        for (String chunk : List.of("<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>", "\n",
                "<tool_call>{\"name\": \"g\", \"arguments\": {}}</tool_call>", "\n")) {
            content.append(c.feed(chunk).content());
        }
        content.append(c.finish().content());
        assertThat(content.toString()).isEmpty();
        assertThat(c.calls).hasSize(2);
        // without calls, an answer keeps its trailing whitespace
        ChatChoice plain = new ChatChoice(0, false, true, "", true);
        String out = plain.feed("Hi \n").content() + plain.finish().content();
        assertThat(out).isEqualTo("Hi \n");
    }

    @Test
    void finishReasonBecomesToolCallsWhenCallsWereMade() {
        ChatChoice c = new ChatChoice(0, false, true, "", true);
        c.feed("<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>");
        c.finish();
        c.finish = new Sequence.Finish("stop", 3, 4, 0, null);
        assertThat(c.finishReason()).isEqualTo("tool_calls");
        c.finish = new Sequence.Finish("length", 3, 4, 0, null);
        assertThat(c.finishReason()).as("a generation cut by max_tokens says so, calls or not").isEqualTo("length");
    }
}
