package dev.exaone4j.cli;

import dev.exaone4j.testutil.CliRun;
import dev.exaone4j.testutil.SharedData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;




import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code tokenize} contract scripts rely on: ids comma-separated, one line per prompt or per JSON line. */
class TokenizeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void promptIdsOfTheStoriesModel() {
        Path model = SharedData.require("stories260K/stories260K.gguf");
        CliRun r = CliRun.run("tokenize", "-m", model.toString(), "-p", "Once upon a time");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("1,403,407,261,378\n");
    }

    @Test
    void defaultModelIsTheShippedDemo() {
        Assumptions.assumeTrue(Files.exists(Path.of("models/stories260K.gguf")), "models/stories260K.gguf is not shipped here");
        CliRun r = CliRun.run("tokenize", "-p", "Lily and Ben");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("1,317,269,368,302\n");
    }

    @Test
    void jsonlLinesGiveIdsWithoutSpecialTokens() throws Exception {
        Path in = tmp.resolve("in.jsonl");
        Files.writeString(in, "{\"text\": \"<패턴>과 일치하는 태그만 고려합니다\"}\n\n{\"text\": \"\", \"lang\": \"x\"}\n{\"text\": \"[|endofturn|]\\n\"}\n");
        Path tok = SharedData.require("tokenizers/exaone4-tiny/tokenizer.json");
        CliRun viaJson = CliRun.run("tokenize", "--tokenizer", tok.toString(), "--jsonl", in.toString());
        assertThat(viaJson.code()).as(viaJson.err()).isZero();
        List<String> lines = viaJson.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo(Files.readAllLines(SharedData.require("tokenizers/exaone4-tiny/expected.jsonl")).get(0)
                .replaceAll(".*\"ids\": ?\"([0-9,]*)\".*", "$1"));
        assertThat(lines.get(1)).isEmpty();
        assertThat(lines.get(2)).startsWith("2,");
        CliRun viaGguf = CliRun.run("tokenize", "-m", SharedData.require("tiny/exaone4-tiny-global/exaone4-tiny-global-F32.gguf").toString(), "--jsonl", in.toString());
        assertThat(viaGguf.out()).isEqualTo(viaJson.out());
    }

    @Test
    void errorsAreClear() throws Exception {
        CliRun both = CliRun.run("tokenize", "-p", "x", "--jsonl", "a.jsonl");
        assertThat(both.code()).isNotZero();
        assertThat(both.err()).contains("exactly one of -p TEXT or --jsonl FILE");
        CliRun missing = CliRun.run("tokenize", "-m", "no/such.gguf", "-p", "x");
        assertThat(missing.err()).contains("error:").contains("no/such.gguf");
        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"txt\": 1}\n");
        CliRun noText = CliRun.run("tokenize", "--tokenizer", SharedData.require("tokenizers/exaone4-tiny/tokenizer.json").toString(), "--jsonl", bad.toString());
        assertThat(noText.err()).contains("line 1 has no \"text\" string");
    }
}
