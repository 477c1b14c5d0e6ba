package dev.exaone4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON prefix automaton and the forced-call constraint: valid prefixes accepted, invalid ones refused, every cut completable. */
class JsonConstraintTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static boolean prefixOk(String s) {
        return new JsonPrefix().accept(s);
    }

    @Test
    void acceptsCompactJsonObjectsAndTheirPrefixes() throws Exception {
        String[] docs = {"{}", "{\"a\": 1}", "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"x\\\"y\\u00e9\"}}",
                "{\"n\": -0.5e+10, \"m\": [], \"o\": {}, \"s\": \"\"}", "{\"city\": \"Seoul\", \"days\": [1, 2, 3]}"};
        for (String d : docs) {
            JSON.readTree(d); // sanity: valid JSON
            for (int i = 0; i <= d.length(); i++) assertThat(prefixOk(d.substring(0, i))).as(d.substring(0, i)).isTrue();
            JsonPrefix p = new JsonPrefix();
            p.accept(d);
            assertThat(p.complete()).as(d).isTrue();
            assertThat(p.accept('x')).isFalse();
        }
    }

    @Test
    void refusesInvalidTextAndIdleWhitespace() {
        for (String bad : new String[]{"[", "\"a\"", "1", "{a", "{\"a\" :", "{\"a\":  1", "{\"a\":01", "{\"a\":1,}", "{\"a\":tru3", "{\"a\":\"\n",
                "{\"a\":-}", "{\"a\":1.}", " {", "{\"a\":\"\\x\"}", "{\"a\":[1 ]}"}) {
            assertThat(prefixOk(bad)).as(bad).isFalse();
        }
    }

    @Test
    void everyCutCanBeCompletedToValidJson() throws Exception {
        String d = "{\"a\":{\"b\":[1,-2.5e3,\"x\\u00\",true],\"k\":nul";
        for (int i = 0; i <= d.length(); i++) {
            JsonPrefix p = new JsonPrefix();
            String cut = d.substring(0, i);
            if (!p.accept(cut)) continue;
            String full = cut + p.completion();
            JsonNode n = JSON.readTree(full);
            assertThat(n.isObject()).as(full).isTrue();
        }
    }

    @Test
    void randomWalksStayValid() throws Exception {
        Random rnd = new Random(42);
        String alphabet = "{}[]\":,. -0123456789eE+truefalsnl\\uabcx";
        for (int trial = 0; trial < 300; trial++) {
            JsonPrefix p = new JsonPrefix();
            StringBuilder sb = new StringBuilder();
            for (int step = 0; step < 60 && !p.complete(); step++) {
                JsonPrefix t = new JsonPrefix();
                for (int tries = 0; tries < 50; tries++) {
                    char c = alphabet.charAt(rnd.nextInt(alphabet.length()));
                    t.copyFrom(p);
                    if (t.accept(c)) {
                        p.accept(c);
                        sb.append(c);
                        break;
                    }
                }
            }
            String full = sb + p.completion();
            assertThat(JSON.readTree(full).isObject()).as(full).isTrue();
        }
    }

    @Test
    void forcedCallPicksOneOfTheNamesThenAnObject() throws Exception {
        JsonConstraint c = new JsonConstraint(List.of("get_weather\", \"arguments\": ", "get_time\", \"arguments\": "), "}</tool_call>");
        assertThat(c.allows("get_")).isTrue();
        assertThat(c.allows("set")).isFalse();
        c.accept("get_");
        assertThat(c.allows("time\", \"arguments\": {")).isTrue();
        assertThat(c.allows("tim\"")).isFalse();
        assertThat(c.completion()).isEqualTo("weather\", \"arguments\": {}}</tool_call>");
        c.accept("time\", \"arg");
        c.accept("uments\": {\"tz\"");
        assertThat(c.done()).isFalse();
        String block = "{\"name\": \"get_time\", \"arguments\": {\"tz\"" + c.completion();
        assertThat(block).endsWith("</tool_call>");
        JsonNode n = JSON.readTree(block.substring(0, block.length() - "</tool_call>".length()));
        assertThat(n.get("name").asText()).isEqualTo("get_time");
        assertThat(n.get("arguments").has("tz")).isTrue();
        c.accept(": 9}");
        assertThat(c.done()).isTrue();
        assertThat(c.allows("x")).isFalse();
        assertThat(c.completion()).isEqualTo("}</tool_call>");
        assertThat(c.allows("")).isFalse();
    }
}
