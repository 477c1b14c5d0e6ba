package dev.exaone4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.exaone4j.chat.ChatFormat;
import dev.exaone4j.chat.ChatTemplateException;
import dev.exaone4j.chat.jinja.PyJson;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code render-template}: renders chat-template test cases like transformers' {@code apply_chat_template}. Input: JSON
 * lines {@code {"name", "messages", "tools"?, "add_generation_prompt"? (default true), "kwargs"?}}. Output: one JSON line
 * per case, {@code {"name", "rendered"}} or {@code {"name", "error"}} when the template raises or fails (for
 * {@code raise_exception(msg)} the error is exactly {@code msg}), written as Python's {@code json.dumps(...,
 * ensure_ascii=False)} would.
 */
@Command(name = "render-template", mixinStandardHelpOptions = true,
        description = "Render chat-template cases (JSONL) with a model's chat template, as transformers would.")
public final class RenderTemplateCommand implements Callable<Integer> {
    static final class Source {
        @Option(names = "--config", paramLabel = "tokenizer_config.json",
                description = "Template and special tokens from this file (chat_template.jinja next to it wins).")
        Path config;

        @Option(names = "--template", paramLabel = "FILE.jinja", description = "Template source file.")
        Path template;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--jsonl", required = true, paramLabel = "CASES.jsonl", description = "Input cases, one JSON object per line.")
    Path jsonl;

    @Override
    public Integer call() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ChatFormat format;
        if (!Files.isRegularFile(jsonl)) throw new IllegalArgumentException(jsonl + ": " + dev.exaone4j.gguf.GgufFile.whyNotAFile(jsonl));
        if (source.config != null) {
            if (!Files.isRegularFile(source.config)) {
                throw new IllegalArgumentException(source.config + ": " + dev.exaone4j.gguf.GgufFile.whyNotAFile(source.config));
            }
            format = ChatFormat.fromTokenizerConfig(source.config)
                    .orElseThrow(() -> new IllegalArgumentException("no chat template in " + source.config));
        } else {
            if (!Files.isRegularFile(source.template)) {
                throw new IllegalArgumentException(source.template + ": " + dev.exaone4j.gguf.GgufFile.whyNotAFile(source.template));
            }
            format = ChatFormat.of(Files.readString(source.template, StandardCharsets.UTF_8), Map.of());
        }
        Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        try (BufferedReader in = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                JsonNode c;
                try {
                    c = json.readTree(line);
                } catch (com.fasterxml.jackson.core.JacksonException e) {
                    out.flush();   // the cases before it are already answered
                    throw new IllegalArgumentException(jsonl + " line " + lineNo + ": not valid JSON: " + e.getOriginalMessage());
                }
                if (c == null || !c.isObject()) {
                    out.flush();
                    throw new IllegalArgumentException(jsonl + " line " + lineNo + ": expected a JSON object");
                }
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("name", c.get("name"));
                try {
                    result.put("rendered", render(json, format, c));
                } catch (ChatTemplateException e) {
                    result.put("error", e.raisedByTemplate() ? e.detail() : e.getMessage());
                } catch (IllegalArgumentException | IllegalStateException e) {
                    result.put("error", "case line " + lineNo + ": " + e.getMessage());
                }
                out.write(PyJson.dumps(result));
                out.write('\n');
            }
        }
        out.flush();
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static String render(ObjectMapper json, ChatFormat format, JsonNode c) {
        List<Object> messages = c.has("messages") ? json.convertValue(c.get("messages"), List.class) : new ArrayList<>();
        JsonNode toolsNode = c.get("tools");
        List<Object> tools = toolsNode == null || toolsNode.isNull() ? null : json.convertValue(toolsNode, List.class);
        JsonNode agp = c.get("add_generation_prompt");
        boolean addGenerationPrompt = agp == null || agp.isNull() || agp.asBoolean();
        JsonNode kw = c.get("kwargs");
        Map<String, Object> kwargs = kw == null || kw.isNull() ? new LinkedHashMap<>() : json.convertValue(kw, Map.class);
        return format.render(messages, tools, addGenerationPrompt, kwargs);
    }
}
