package dev.exaone4j.chat;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ToolCallParserTest {
    static ToolCallParser.Delta feedSplit(String text, int... cuts) {
        ToolCallParser p = new ToolCallParser();
        StringBuilder content = new StringBuilder();
        List<ToolCallParser.Result> calls = new ArrayList<>();
        int prev = 0;
        List<Integer> all = new ArrayList<>();
        for (int c : cuts) all.add(c);
        all.add(text.length());
        for (int cut : all) {
            ToolCallParser.Delta d = p.feed(text.substring(prev, cut));
            assertThat(d.content()).doesNotContain("<tool_call>", "\"arguments\"");
            content.append(d.content());
            calls.addAll(d.calls());
            prev = cut;
        }
        ToolCallParser.Delta d = p.finish();
        content.append(d.content());
        calls.addAll(d.calls());
        return new ToolCallParser.Delta(content.toString(), calls);
    }

    static final String TWO_CALLS = "Let me check <both>.\n<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Seoul\"}}</tool_call>\n"
            + "<tool_call>\n{\"name\": \"search\", \"arguments\": \"{\\\"q\\\": \\\"cats\\\"}\"}\n</tool_call> done";

    @Test
    void extractsCallsAtEverySplitPoint() {
        for (int i = 0; i <= TWO_CALLS.length(); i++) {
            for (int j = i; j <= TWO_CALLS.length(); j += 7) {
                ToolCallParser.Delta d = feedSplit(TWO_CALLS, i, j);
                assertThat(d.content()).as("cuts %d,%d", i, j).isEqualTo("Let me check <both>.\n\n done");
                assertThat(d.calls()).extracting(ToolCallParser.Result::call).containsExactly(
                        new ToolCall(null, "get_weather", "{\"city\": \"Seoul\"}"),
                        new ToolCall(null, "search", "{\"q\": \"cats\"}"));
            }
        }
    }

    @Test
    void callsArriveAsSoonAsTheyClose() {
        ToolCallParser p = new ToolCallParser();
        assertThat(p.feed("Hi <tool_ca")).isEqualTo(new ToolCallParser.Delta("Hi ", List.of()));
        assertThat(p.feed("ll>{\"name\": \"f\", ").calls()).isEmpty();
        assertThat(p.insideCall()).isTrue();
        ToolCallParser.Delta d = p.feed("\"arguments\": {}}</tool_call> bye");
        assertThat(d.content()).isEqualTo(" bye");
        assertThat(d.calls()).singleElement().satisfies(r -> assertThat(r.call()).isEqualTo(new ToolCall(null, "f", "{}")));
    }

    @Test
    void malformedBlocksStayTextInPlace() {
        // a closed block that is not a call stays in the content where the model wrote it, also when streamed
        String text = "a<tool_call>{\"name\": \"f\", \"arguments\": {oops}</tool_call>b";
        ToolCallParser.Delta d = ToolCallParser.parse(text);
        assertThat(d.content()).isEqualTo(text);
        assertThat(d.calls()).isEmpty();
        ToolCallParser p = new ToolCallParser();
        StringBuilder streamed = new StringBuilder();
        for (String chunk : List.of("A", "<tool_call>{bad}", "</tool_call>B")) streamed.append(p.feed(chunk).content());
        streamed.append(p.finish().content());
        assertThat(streamed.toString()).isEqualTo("A<tool_call>{bad}</tool_call>B");
        for (String bad : List.of("<tool_call>{\"arguments\": {}}</tool_call>", "<tool_call>{\"name\": \"f\"} trailing</tool_call>",
                "<tool_call>  </tool_call>")) {
            ToolCallParser.Delta x = ToolCallParser.parse(bad);
            assertThat(x.calls()).as(bad).isEmpty();
            assertThat(x.content()).isEqualTo(bad);
        }
        // in a list with valid calls, the bad item is reported with the block's raw text
        ToolCallParser.Delta mixed = ToolCallParser.parse("<tool_call>[{\"name\": \"f\"}, {\"arguments\": {}}]</tool_call>");
        assertThat(mixed.calls()).hasSize(2);
        assertThat(mixed.calls().get(1).error()).contains("name");
    }

    @Test
    void bareStringArgumentsBecomeJson() {
        assertThat(ToolCallParser.parse("<tool_call>{\"name\": \"f\", \"arguments\": \"Seoul\"}</tool_call>").calls().get(0).call().arguments())
                .isEqualTo("\"Seoul\"");
        assertThat(ToolCallParser.parse("<tool_call>{\"name\": \"f\", \"arguments\": \"{\\\"city\\\": \\\"Seoul\\\"}\"}</tool_call>").calls().get(0).call().arguments())
                .isEqualTo("{\"city\": \"Seoul\"}");
    }

    @Test
    void unterminatedBlockAtEndOfGeneration() {
        ToolCallParser.Delta ok = ToolCallParser.parse("<tool_call>{\"name\": \"f\", \"parameters\": {\"x\": 1.0}}");
        assertThat(ok.calls().get(0).call()).isEqualTo(new ToolCall(null, "f", "{\"x\": 1.0}"));
        ToolCallParser.Delta bad = ToolCallParser.parse("<tool_call>{\"name\": \"f\", \"argu");
        assertThat(bad.calls().get(0).error()).startsWith("unterminated tool call");
        assertThat(bad.calls().get(0).raw()).isEqualTo("{\"name\": \"f\", \"argu");
    }

    @Test
    void arraysOpenAiShapeIdsAndPlainText() {
        ToolCallParser.Delta d = ToolCallParser.parse("<tool_call>[{\"name\": \"a\", \"arguments\": {\"k\": [1, \"é\"]}}, "
                + "{\"id\": \"call_9\", \"type\": \"function\", \"function\": {\"name\": \"b\"}}]</tool_call>");
        assertThat(d.calls()).extracting(ToolCallParser.Result::call).containsExactly(
                new ToolCall(null, "a", "{\"k\": [1, \"é\"]}"), new ToolCall("call_9", "b", "{}"));
        assertThat(ToolCallParser.parse("no calls, just <tool> talk and <tool_call").content())
                .isEqualTo("no calls, just <tool> talk and <tool_call");
    }
}
