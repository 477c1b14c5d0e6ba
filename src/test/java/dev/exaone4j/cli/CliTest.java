package dev.exaone4j.cli;

import dev.exaone4j.testutil.CliRun;
import dev.exaone4j.testutil.RefLogits;
import dev.exaone4j.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;



import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command-line contracts scripts rely on: output formats of logits, generate --print-ids, inspect. */
class CliTest {
    @TempDir
    Path tmp;

    /** logits evaluates a prompt: prompt rows keep f32 activations whatever --activations says (exact tolerance). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"default, 1e-4", "f32, 1e-4", "q8, 1e-4"})
    void logitsWritesOneLinePerPositionMatchingTheReference(String activations, double tol) throws Exception {
        Path model = SharedData.require("tiny/exaone4-tiny-hybrid4/exaone4-tiny-hybrid4-Q8_0.gguf");
        Path ref = SharedData.require("tiny/exaone4-tiny-hybrid4/refs/exaone4-tiny-hybrid4.ref-f64-deq-Q8_0.txt");
        String ids = Files.readString(SharedData.require("tiny/tokens.txt")).trim();
        Path out = tmp.resolve("l.txt");
        List<String> args = new java.util.ArrayList<>(List.of("logits", "-m", model.toString(), "--prompt-ids", ids, "--out", out.toString()));
        if (!activations.equals("default")) args.addAll(List.of("--activations", activations));
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(24);
        float[] ours = new float[24 * 512];
        for (int i = 0; i < 24; i++) {
            String[] parts = lines.get(i).split(" ");
            assertThat(parts).hasSize(512);
            for (int v = 0; v < 512; v++) ours[i * 512 + v] = Float.parseFloat(parts[v]);
        }
        assertThat(RefLogits.read(ref).rel(ours)).isLessThan(tol);
    }

    @Test
    void badActivationPrecisionIsAClearError() {
        CliRun r = CliRun.run("logits", "-m", "models/stories260K.gguf", "--prompt-ids", "1", "--activations", "fp4", "--out", tmp.resolve("o").toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("fp4").contains("f32, q8");
    }

    @Test
    void generatePrintIdsIsOneCommaSeparatedLine() {
        CliRun r = CliRun.run("generate", "-m", "models/stories260K.gguf", "--prompt-ids", "1,403,407,261,378", "-n", "8", "--temp", "0", "--print-ids");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().trim()).isEqualTo("432,383,286,261,376,298,315,421");
        assertThat(r.err()).contains("tokens/s");
    }

    @Test
    void generateStreamsTextAndIsReproducibleWithASeed() {
        CliRun a = CliRun.run("generate", "-p", "Once upon a time", "-n", "30", "--seed", "7");
        CliRun b = CliRun.run("generate", "-p", "Once upon a time", "-n", "30", "--seed", "7");
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(a.out()).startsWith("Once upon a time").isEqualTo(b.out());
    }

    @Test
    void chatReadsTurnsFromPipedStdin() {
        java.io.InputStream old = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("Once upon a time\n/think on\n/reset\nLily and Ben\n".getBytes(StandardCharsets.UTF_8)));
            CliRun r = CliRun.run("chat", "--temp", "0", "-n", "20");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("[thinking on]").contains("[conversation reset]");
            assertThat(r.err()).contains("tokens/s");
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void inspectDescribesTheHybridLayout() {
        Path model = SharedData.require("tiny/exaone4-tiny-hybrid64/exaone4-tiny-hybrid64-Q4_0.gguf");
        CliRun r = CliRun.run("inspect", "-m", model.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("architecture:  exaone4").contains("LLLGLLLG").contains("no positional encoding")
                .contains("Q4_0").contains("KV cache:").contains("runnable:      yes");
    }

    @Test
    void badArgumentsGiveClearErrors() {
        CliRun r = CliRun.run("generate", "--prompt-ids", "1,x,3", "-n", "2");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("'x' is not a token id");
        CliRun r2 = CliRun.run("logits", "-m", "/nonexistent/model.gguf", "--prompt-ids", "1", "--out", tmp.resolve("o").toString());
        assertThat(r2.err()).contains("/nonexistent/model.gguf").contains("does not exist");
        CliRun r3 = CliRun.run("generate", "--prompt-ids", "1,99999", "-n", "2");
        assertThat(r3.err()).contains("99999").contains("vocabulary");
        CliRun r4 = CliRun.run("generate", "-p", "hi", "--temp", "-1");
        assertThat(r4.err()).contains("temperature");
    }
}
