package dev.exaone4j.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shipped chat cases (testdata/chat: the real Qwen3 template with tools and thinking; expected strings rendered by
 * jinja2 3.1.6 configured as transformers) must render byte for byte. Uses the copies in test resources so it always
 * runs; {@link #resourceCopiesMatchSharedTestdata()} checks the copies against ../shared/testdata when present.
 */
class ShippedChatCasesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SHARED = Path.of("../shared/testdata/chat");
    private static final String[] FILES = {"cases.jsonl", "expected.jsonl", "qwen3-tokenizer_config.json"};

    static String resource(String name) throws IOException {
        try (InputStream in = ShippedChatCasesTest.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static List<JsonNode> jsonLines(String text) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.split("\n")) if (!line.isBlank()) out.add(JSON.readTree(line));
        return out;
    }

    @TestFactory
    List<DynamicTest> everyCaseRendersByteForByte() throws IOException {
        ChatFormat format = ChatFormat.fromTokenizerConfig(JSON.readTree(resource("qwen3-tokenizer_config.json"))).orElseThrow();
        List<JsonNode> cases = jsonLines(resource("cases.jsonl"));
        List<JsonNode> expected = jsonLines(resource("expected.jsonl"));
        assertThat(cases).hasSameSizeAs(expected).hasSizeGreaterThanOrEqualTo(12);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            JsonNode c = cases.get(i);
            JsonNode e = expected.get(i);
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                assertThat(e.get("name").asText()).isEqualTo(c.get("name").asText());
                List<Object> messages = JSON.convertValue(c.get("messages"), List.class);
                List<Object> tools = c.hasNonNull("tools") ? JSON.convertValue(c.get("tools"), List.class) : null;
                boolean agp = !c.hasNonNull("add_generation_prompt") || c.get("add_generation_prompt").asBoolean();
                @SuppressWarnings("unchecked")
                Map<String, Object> kwargs = c.hasNonNull("kwargs") ? JSON.convertValue(c.get("kwargs"), Map.class) : new LinkedHashMap<>();
                assertThat(format.render(messages, tools, agp, kwargs)).isEqualTo(e.get("rendered").asText());
            }));
        }
        return tests;
    }

    @Test
    void resourceCopiesMatchSharedTestdata() throws IOException {
        if (!Files.isDirectory(SHARED)) {
            System.out.println("NOTICE: " + SHARED.toAbsolutePath() + " absent; skipping the drift check of the copied chat cases");
        }
        assumeTrue(Files.isDirectory(SHARED), "shared testdata absent");
        for (String f : FILES) {
            assertThat(resource(f)).as(f).isEqualTo(Files.readString(SHARED.resolve(f), StandardCharsets.UTF_8));
        }
    }
}
