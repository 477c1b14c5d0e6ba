package dev.exaone4j.server;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Stop strings split across pieces are held back and never emitted; text that turns out harmless is released. */
class StopMatcherTest {
    static String run(List<String> stops, String... pieces) {
        StopMatcher m = new StopMatcher(stops);
        StringBuilder sb = new StringBuilder();
        for (String p : pieces) {
            sb.append(m.accept(p));
            if (m.matched()) return sb + "|STOP";
        }
        return sb + m.flush();
    }

    @Test
    void holdsBackPartialMatches() {
        assertThat(run(List.of("END"), "abc E", "N", "D tail")).isEqualTo("abc |STOP");
        assertThat(run(List.of("END"), "abc E", "N", "x")).isEqualTo("abc ENx");
        assertThat(run(List.of("END"), "abc EN")).isEqualTo("abc EN");
        StopMatcher m = new StopMatcher(List.of("END"));
        assertThat(m.accept("abc EN")).isEqualTo("abc ");
    }

    @Test
    void earliestOfSeveralStopsWins() {
        assertThat(run(List.of("xyz", "b"), "aaxy", "zb")).isEqualTo("aa|STOP");
        assertThat(run(List.of("\n\n", "."), "Hi", ".", " more")).isEqualTo("Hi|STOP");
        assertThat(run(List.of(), "as", "is")).isEqualTo("asis");
    }
}
