package dev.exaone4j.quant;

import dev.exaone4j.cli.Main;
import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.gguf.GgufFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code quantize} and {@code synth} commands end to end through {@link Main#run}. */
class QuantCliTest {
    @TempDir
    Path tmp;

    private record Result(int code, String err) {}

    private static Result run(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Result(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void quantizeReproducesLlamaQuantizeAndShowsProgress() throws IOException {
        QuantTestData.assumeQuantData();
        Path out = tmp.resolve("m.gguf");
        Result r = run("quantize", QuantTestData.F32_FILE.toString(), out.toString(), "Q4_K_M", "--threads", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("Q4_K_M").contains("writing").contains("100%");
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(QuantTestData.QUANT.resolve("gguf/quantref-exaone4-Q4_K_M.gguf")));

        Path pure = tmp.resolve("p.gguf");
        Result p = run("quantize", QuantTestData.F32_FILE.toString(), pure.toString(), "q5_k", "--pure", "-q");
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(Files.readAllBytes(pure)).isEqualTo(Files.readAllBytes(QuantTestData.QUANT.resolve("gguf/quantref-exaone4-Q5_K.gguf")));
    }

    @Test
    void quantizeRejectsBadInputClearly() throws IOException {
        QuantTestData.assumeQuantData();
        Result bad = run("quantize", QuantTestData.F32_FILE.toString(), tmp.resolve("x.gguf").toString(), "Q4_Z");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("Q4_Z").contains("valid types").contains("Q4_K_M").contains("Q8_0");
        assertThat(tmp.resolve("x.gguf")).doesNotExist();

        Result missing = run("quantize", tmp.resolve("nope.gguf").toString(), tmp.resolve("y.gguf").toString(), "Q8_0");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("nope.gguf");

        Path copy = tmp.resolve("same.gguf");
        Files.copy(QuantTestData.F32_FILE, copy);
        Result same = run("quantize", copy.toString(), copy.toString(), "Q8_0");
        assertThat(same.code()).isNotZero();
        assertThat(same.err()).contains("is the input");
    }

    @Test
    void synthWritesALoadableOneLayerSliceOfTheRealShape() throws IOException {
        Path out = tmp.resolve("s.gguf");
        Result r = run("synth", "--preset", "exaone4-1.2b", "--layers", "1", "--type", "Q2_K", "--pure", "--seed", "5", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("exaone4-1.2b").contains("1 layers");
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.metadata().getString("general.architecture")).isEqualTo("exaone4");
            assertThat(f.metadata().getLong("exaone4.block_count")).isEqualTo(1);
            assertThat(f.metadata().getLong("exaone4.embedding_length")).isEqualTo(2048);
            assertThat(f.metadata().getLong("general.file_type")).isEqualTo(10);
            assertThat(f.metadata().getStringArray("tokenizer.ggml.tokens")).hasSize(102400);
            assertThat(f.metadata().getStringArray("tokenizer.ggml.tokens")[361]).isEqualTo("[|endofturn|]");
            assertThat(f.tensor("token_embd.weight").ne()).containsExactly(2048, 102400);
            assertThat(f.tensor("token_embd.weight").type()).isEqualTo(GgmlType.Q2_K);
            assertThat(f.tensor("blk.0.ffn_down.weight").ne()).containsExactly(4096, 2048);
            assertThat(f.tensor("blk.0.attn_k.weight").ne()).containsExactly(2048, 512);
            assertThat(f.tensor("rope_freqs.weight").ne()).containsExactly(32);
            assertThat(f.tensor("output.weight")).isNull();
            assertThat(f.tensors()).hasSize(3 + 11); // token_embd, output_norm, rope_freqs + one layer
        }
        Result bad = run("synth", "--preset", "exaone9", "--type", "Q4_0", "-o", tmp.resolve("z.gguf").toString());
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("exaone9").contains("k-exaone-236b");
    }
}
