package dev.exaone4j.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code tokenize} contract scripts rely on: ids comma-separated, one line per prompt or per JSON line. */
class TokenizeCommandTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static Path shared(String relative) {
        Path p = Path.of("../shared/testdata").resolve(relative);
        if (!Files.exists(p)) System.out.println("NOTICE: " + p + " is absent; skipping");
        Assumptions.assumeTrue(Files.exists(p), "shared test data " + p + " is absent");
        return p;
    }

    @Test
    void promptIdsOfTheStoriesModel() {
        Path model = shared("stories260K/stories260K.gguf");
        Run r = run("tokenize", "-m", model.toString(), "-p", "Once upon a time");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("1,403,407,261,378\n");
    }

    @Test
    void defaultModelIsTheShippedDemo() {
        Assumptions.assumeTrue(Files.exists(Path.of("models/stories260K.gguf")), "models/stories260K.gguf is not shipped here");
        Run r = run("tokenize", "-p", "Lily and Ben");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("1,317,269,368,302\n");
    }

    @Test
    void jsonlLinesGiveIdsWithoutSpecialTokens() throws Exception {
        Path in = tmp.resolve("in.jsonl");
        Files.writeString(in, "{\"text\": \"<패턴>과 일치하는 태그만 고려합니다\"}\n\n{\"text\": \"\", \"lang\": \"x\"}\n{\"text\": \"[|endofturn|]\\n\"}\n");
        Path tok = shared("tokenizers/exaone4-tiny/tokenizer.json");
        Run viaJson = run("tokenize", "--tokenizer", tok.toString(), "--jsonl", in.toString());
        assertThat(viaJson.code()).as(viaJson.err()).isZero();
        List<String> lines = viaJson.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo(Files.readAllLines(shared("tokenizers/exaone4-tiny/expected.jsonl")).get(0)
                .replaceAll(".*\"ids\": ?\"([0-9,]*)\".*", "$1"));
        assertThat(lines.get(1)).isEmpty();
        assertThat(lines.get(2)).startsWith("2,");
        Run viaGguf = run("tokenize", "-m", shared("tiny/exaone4-tiny-global/exaone4-tiny-global-F32.gguf").toString(), "--jsonl", in.toString());
        assertThat(viaGguf.out()).isEqualTo(viaJson.out());
    }

    @Test
    void errorsAreClear() throws Exception {
        Run both = run("tokenize", "-p", "x", "--jsonl", "a.jsonl");
        assertThat(both.code()).isNotZero();
        assertThat(both.err()).contains("exactly one of -p TEXT or --jsonl FILE");
        Run missing = run("tokenize", "-m", "no/such.gguf", "-p", "x");
        assertThat(missing.err()).contains("error:").contains("no/such.gguf");
        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"txt\": 1}\n");
        Run noText = run("tokenize", "--tokenizer", shared("tokenizers/exaone4-tiny/tokenizer.json").toString(), "--jsonl", bad.toString());
        assertThat(noText.err()).contains("line 1 has no \"text\" string");
    }
}
