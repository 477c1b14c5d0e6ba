package dev.exaone4j.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** bin/compare-llamacpp rejects bad arguments with one clear line and exit status 2, before it installs or runs anything. */
class CompareLlamacppScriptTest {
    private static final Path SCRIPT = Path.of("bin/compare-llamacpp").toAbsolutePath();

    private record Result(int status, String stderr) {}

    private static Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), err);
    }

    @Test
    void namesWhatIsWrongWithTheArguments() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(SCRIPT), "bin/compare-llamacpp not found from " + Path.of("").toAbsolutePath());
        Result noModel = run("-p", "16");
        assertThat(noModel.status()).isEqualTo(2);
        assertThat(noModel.stderr()).contains("-m FILE.gguf is required");

        Result missing = run("-m", "/nonexistent/model.gguf");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.stderr()).contains("model file '/nonexistent/model.gguf' not found");

        Path demo = Path.of("models/stories260K.gguf");
        Result badCount = run("-m", demo.toString(), "-p", "0");
        assertThat(badCount.status()).isEqualTo(2);
        assertThat(badCount.stderr()).contains("-p must be a positive integer, got '0'");

        Result unknown = run("-m", demo.toString(), "--frobnicate");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("unknown argument '--frobnicate'");
    }
}
