package dev.exaone4j.chat;

import dev.exaone4j.cli.RenderTemplateCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code exaone4j render-template}: the contract external scripts call. */
class RenderTemplateCliTest {
    static String run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new RenderTemplateCommand()).execute(args);
            assertThat(code).isZero();
        } finally {
            System.setOut(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void configAndJsonlReproduceExpectedOutputByteForByte(@TempDir Path dir) throws IOException {
        Path cfg = dir.resolve("tokenizer_config.json");
        Path cases = dir.resolve("cases.jsonl");
        Files.writeString(cfg, ShippedChatCasesTest.resource("qwen3-tokenizer_config.json"));
        Files.writeString(cases, ShippedChatCasesTest.resource("cases.jsonl"));
        assertThat(run("--config", cfg.toString(), "--jsonl", cases.toString()))
                .isEqualTo(ShippedChatCasesTest.resource("expected.jsonl"));
    }

    @Test
    void templateFileAndErrors(@TempDir Path dir) throws IOException {
        Path tpl = dir.resolve("t.jinja");
        Path cases = dir.resolve("c.jsonl");
        Files.writeString(tpl, "{% if messages|length == 0 %}{{ raise_exception('need a message') }}{% endif %}"
                + "{{ messages[0].content }}|{{ add_generation_prompt }}|{{ enable_thinking }}|{{ tools|length if tools is not none else 'none' }}\n");
        Files.writeString(cases, """
                {"name": "ok", "messages": [{"role": "user", "content": "héllo"}], "kwargs": {"enable_thinking": true}, "tools": [{"a": 1}]}
                {"name": "raised", "messages": []}
                {"name": "no-gen", "messages": [{"role": "user", "content": "x"}], "add_generation_prompt": false}
                """);
        assertThat(run("--template", tpl.toString(), "--jsonl", cases.toString())).isEqualTo("""
                {"name": "ok", "rendered": "héllo|True|True|1"}
                {"name": "raised", "error": "need a message"}
                {"name": "no-gen", "rendered": "x|False||none"}
                """);
    }
}
