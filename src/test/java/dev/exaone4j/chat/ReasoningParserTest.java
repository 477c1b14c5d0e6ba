package dev.exaone4j.chat;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReasoningParserTest {
    /** Feeds {@code text} in chunks cut at the given offsets and returns {reasoning, content}. */
    static String[] feedSplit(ReasoningParser p, String text, int... cuts) {
        StringBuilder r = new StringBuilder();
        StringBuilder c = new StringBuilder();
        int prev = 0;
        for (int cut : cuts) {
            ReasoningParser.Delta d = p.feed(text.substring(prev, cut));
            r.append(d.reasoning());
            c.append(d.content());
            prev = cut;
        }
        ReasoningParser.Delta d = p.feed(text.substring(prev));
        r.append(d.reasoning());
        c.append(d.content());
        d = p.finish();
        r.append(d.reasoning());
        c.append(d.content());
        return new String[]{r.toString(), c.toString()};
    }

    @Test
    void splitsAtEverySingleAndDoubleCutPoint() {
        String text = "<think>\nLet me add.\n2+2=4\n</think>\n\nThe answer is 4.";
        for (int i = 0; i <= text.length(); i++) {
            for (int j = i; j <= text.length(); j++) {
                String[] out = feedSplit(new ReasoningParser(false), text, i, j);
                assertThat(out).as("cuts %d,%d", i, j).containsExactly("Let me add.\n2+2=4", "The answer is 4.");
            }
        }
    }

    @Test
    void characterByCharacterStreamingNeverLeaksTags() {
        String text = "<think>plan</think>answer";
        ReasoningParser p = new ReasoningParser(false);
        StringBuilder c = new StringBuilder();
        for (char ch : text.toCharArray()) {
            ReasoningParser.Delta d = p.feed(String.valueOf(ch));
            assertThat(d.content() + d.reasoning()).doesNotContain("<", ">");
            c.append(d.content());
        }
        c.append(p.finish().content());
        assertThat(c.toString()).isEqualTo("answer");
    }

    @Test
    void promptThatAlreadyOpenedThinking() {
        String text = "step one\nstep two\n</think>\n\nDone.";
        for (int i = 0; i <= text.length(); i++) {
            assertThat(feedSplit(new ReasoningParser(true), text, i)).containsExactly("step one\nstep two", "Done.");
        }
        assertThat(ReasoningParser.forPrompt("[|assistant|]\n<think>\n").inReasoning()).isTrue();
        assertThat(ReasoningParser.forPrompt("[|assistant|]\n<think>\n\n</think>\n\n").inReasoning()).isFalse();
        assertThat(ReasoningParser.forPrompt("[|user|]\nHi").inReasoning()).isFalse();
        // only the generation prompt counts: a tag the user wrote opens nothing
        assertThat(ReasoningParser.forPrompt("[|user|]\nWhat does the <think> tag do?[|endofturn|]\n[|assistant|]\n").inReasoning()).isFalse();
        // the template's line breaks after the block go, the answer's own indentation stays
        assertThat(feedSplit(new ReasoningParser(true), "r</think>\n\n    indented code", 3)).containsExactly("r", "    indented code");
    }

    @Test
    void noTagsMeansAllContentAndPartialTagsAreFlushed() {
        assertThat(ReasoningParser.parse("plain answer", false)).isEqualTo(new ReasoningParser.Delta("", "plain answer"));
        assertThat(ReasoningParser.parse("a < b and <thin", false)).isEqualTo(new ReasoningParser.Delta("", "a < b and <thin"));
        assertThat(ReasoningParser.parse("x </think> y", false)).isEqualTo(new ReasoningParser.Delta("", "x </think> y"));
        ReasoningParser p = new ReasoningParser(false);
        assertThat(p.feed("answer <th")).isEqualTo(new ReasoningParser.Delta("", "answer "));
        assertThat(p.feed("e end")).isEqualTo(new ReasoningParser.Delta("", "<the end"));
    }

    @Test
    void unclosedReasoningAtEndOfGeneration() {
        ReasoningParser p = new ReasoningParser(true);
        assertThat(p.feed("thinking  ").reasoning()).isEqualTo("thinking");
        assertThat(p.feed("more\n</thi").reasoning()).isEqualTo("  more");
        assertThat(p.finish()).isEqualTo(new ReasoningParser.Delta("\n</thi", ""));
    }

    @Test
    void multipleBlocksAndUntrimmedMode() {
        assertThat(ReasoningParser.parse("<think>a</think>b<think>c</think>d", false)).isEqualTo(new ReasoningParser.Delta("ac", "bd"));
        ReasoningParser exact = new ReasoningParser("<think>", "</think>", false, false);
        List<ReasoningParser.Delta> ds = List.of(exact.feed("<think>\nr\n</think>\n\nc"), exact.finish());
        assertThat(ds.get(0)).isEqualTo(new ReasoningParser.Delta("\nr\n", "\n\nc"));
    }
}
