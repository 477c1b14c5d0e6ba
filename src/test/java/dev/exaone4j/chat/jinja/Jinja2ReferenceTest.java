package dev.exaone4j.chat.jinja;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Differential test against jinja2 3.1.6 configured as transformers' {@code apply_chat_template}
 * (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols, transformers' tojson/raise_exception):
 * each line holds a template, a context and jinja2's output, or the class of the error it raised (and, for
 * {@code raise_exception}, the message).
 * <ul>
 *   <li>{@code jinja2-reference.jsonl} (~600 written cases): whitespace control (400 random combinations of tags,
 *       modifiers and surrounding whitespace), literals, operators and precedence, Python str/float/dict/list printing
 *       (incl. 400 random floats), string methods, filters, tests, macros, call blocks, loops, scoping, and fragments
 *       modelled on real Llama 3.1, Mistral, Hermes and DeepSeek templates.</li>
 *   <li>{@code jinja2-fuzz.jsonl} (~1500): random expressions mixing operators, filters, tests, methods and slicing on
 *       mixed types.</li>
 * </ul>
 * Left out: the cases where this interpreter deliberately differs (list.append allowed, range printed as a list),
 * generator reprs (jinja2 prints a memory address) and literal slices that jinja2's constant folder turns into
 * undefined.
 */
class Jinja2ReferenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> load(String name) throws IOException {
        String text;
        try (InputStream in = Jinja2ReferenceTest.class.getResourceAsStream(name)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.split("\n")) if (!line.isBlank()) out.add(JSON.readTree(line));
        return out;
    }

    private static void check(JsonNode c) {
        String template = c.get("template").asText();
        @SuppressWarnings("unchecked")
        Map<String, Object> ctx = JSON.convertValue(c.get("context"), Map.class);
        if (c.has("rendered")) {
            assertThat(JinjaTemplate.compile(template).render(ctx)).as(template).isEqualTo(c.get("rendered").asText());
        } else if (c.has("message")) {
            assertThatThrownBy(() -> JinjaTemplate.compile(template).render(ctx)).as(template)
                    .isInstanceOfSatisfying(TemplateError.class, e -> {
                        assertThat(e.kind()).isEqualTo(TemplateError.Kind.RAISED);
                        assertThat(e.detail()).isEqualTo(c.get("message").asText());
                    });
        } else {
            assertThatThrownBy(() -> JinjaTemplate.compile(template).render(ctx))
                    .as("jinja2 raised " + c.get("error").asText() + " for " + template)
                    .isInstanceOf(TemplateError.class);
        }
    }

    @TestFactory
    List<DynamicTest> writtenCasesMatchJinja2() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        int n = 0;
        for (JsonNode c : load("jinja2-reference.jsonl")) {
            String name = String.format("%03d %s", ++n, c.get("template").asText().replace("\n", "\\n"));
            tests.add(DynamicTest.dynamicTest(name.length() > 90 ? name.substring(0, 90) : name, () -> check(c)));
        }
        return tests;
    }

    @Test
    void randomExpressionsMatchJinja2() throws IOException {
        List<String> failures = new ArrayList<>();
        List<JsonNode> cases = load("jinja2-fuzz.jsonl");
        for (JsonNode c : cases) {
            try {
                check(c);
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        assertThat(cases).hasSizeGreaterThan(1000);
        assertThat(failures).isEmpty();
    }
}
