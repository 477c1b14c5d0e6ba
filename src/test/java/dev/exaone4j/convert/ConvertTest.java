package dev.exaone4j.convert;

import dev.exaone4j.tensor.ActivationPrecision;
import dev.exaone4j.gguf.GgufFile;
import dev.exaone4j.gguf.GgufTensorInfo;
import dev.exaone4j.model.Model;
import dev.exaone4j.model.ModelLoader;
import dev.exaone4j.quant.FileType;
import dev.exaone4j.testutil.RefLogits;
import dev.exaone4j.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * convert against llama.cpp's own converter and quantizer: for every tiny model, the Hugging Face folder converted
 * to F32 gives logits identical to the shipped F32 GGUF; converted to Q8_0 / Q4_0 every tensor's bytes equal the
 * shipped llama.cpp files' (so the logits are those files' logits, within the README tolerances of the references).
 */
class ConvertTest {
    @TempDir
    Path tmp;

    static final String[] MODELS = {"exaone4-tiny-global", "exaone4-tiny-hybrid4", "exaone4-tiny-hybrid64", "exaone3-tiny", "exaone-moe-tiny"};

    @ParameterizedTest
    @ValueSource(strings = {"exaone4-tiny-global", "exaone4-tiny-hybrid4", "exaone4-tiny-hybrid64", "exaone3-tiny", "exaone-moe-tiny"})
    void f32ConversionGivesIdenticalLogits(String m) throws Exception {
        Path dir = SharedData.require("tiny/" + m);
        Path out = tmp.resolve(m + ".gguf");
        HfToGguf.convert(dir.resolve("hf"), out, FileType.F32, null, null);
        int[] ids = RefLogits.readIds(SharedData.require("tiny/tokens.txt"));
        float[] a, b;
        try (Model x = ModelLoader.load(out, ActivationPrecision.F32)) {
            a = x.forward(x.newState(64), ids, true).clone();
        }
        try (Model x = ModelLoader.load(dir.resolve(m + "-F32.gguf"), ActivationPrecision.F32)) {
            b = x.forward(x.newState(64), ids, true).clone();
        }
        assertThat(a).containsExactly(b);
        assertSameTensors(out, dir.resolve(m + "-F32.gguf"));
    }

    @ParameterizedTest
    @CsvSource({"exaone4-tiny-hybrid4,Q8_0", "exaone4-tiny-hybrid4,Q4_0", "exaone-moe-tiny,Q8_0", "exaone-moe-tiny,Q4_0",
            "exaone3-tiny,Q8_0", "exaone3-tiny,Q4_0", "exaone4-tiny-global,Q4_0"})
    void quantizedConversionEqualsLlamaCppBytesAndMatchesReference(String m, String type) throws Exception {
        Path dir = SharedData.require("tiny/" + m);
        Path out = tmp.resolve(m + "-" + type + ".gguf");
        HfToGguf.convert(dir.resolve("hf"), out, FileType.parse(type), null, null);
        assertSameTensors(out, dir.resolve(m + "-" + type + ".gguf"));
        int[] ids = RefLogits.readIds(SharedData.require("tiny/tokens.txt"));
        float[] ours;
        try (Model x = ModelLoader.load(out, ActivationPrecision.F32)) {
            ours = x.forward(x.newState(64), ids, true).clone();
        }
        RefLogits ref = RefLogits.read(dir.resolve("refs/" + m + ".ref-f64-deq-" + type + ".txt"));
        assertThat(ref.rel(ours)).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void keepsMetadataAndTokenizerAsLlamaCppWritesThem() throws Exception {
        Path dir = SharedData.require("tiny/exaone-moe-tiny");
        Path out = tmp.resolve("moe.gguf");
        HfToGguf.convert(dir.resolve("hf-bf16"), out, FileType.BF16, null, null);
        try (GgufFile a = GgufFile.open(out); GgufFile b = GgufFile.open(dir.resolve("exaone-moe-tiny-F32.gguf"))) {
            for (String k : b.metadata().asMap().keySet()) {
                if (k.equals("general.name") || k.equals("general.file_type")) continue;
                Object va = a.metadata().get(k), vb = b.metadata().get(k);
                assertThat(va).as("metadata key %s", k).isNotNull();
                if (vb instanceof dev.exaone4j.gguf.GgufMetadata.Array arr) {
                    assertThat(((dev.exaone4j.gguf.GgufMetadata.Array) va).values()).as(k).isEqualTo(arr.values());
                } else {
                    assertThat(va).as(k).isEqualTo(vb);
                }
            }
            assertThat(a.tensors().keySet()).containsExactlyInAnyOrderElementsOf(b.tensors().keySet());
            assertThat(a.tensor("blk.1.ffn_gate_exps.weight").ne()).containsExactly(64, 32, 8);
        }
    }

    @Test
    void writesAtomicallyAndReportsBadInput() throws Exception {
        Path notHf = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> HfToGguf.checkPaths(notHf, tmp.resolve("x.gguf"))).hasMessageContaining("config.json");
        Path dir = SharedData.require("tiny/exaone4-tiny-hybrid4/hf");
        Path out = tmp.resolve("o.gguf");
        HfToGguf.convert(dir, out, FileType.F16, null, null);
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("o.gguf"))).containsExactly("o.gguf");
        }
    }

    static void assertSameTensors(Path ours, Path theirs) {
        try (GgufFile a = GgufFile.open(ours); GgufFile b = GgufFile.open(theirs)) {
            assertThat(a.tensors().keySet()).containsExactlyInAnyOrderElementsOf(b.tensors().keySet());
            for (GgufTensorInfo tb : b.tensors().values()) {
                GgufTensorInfo ta = a.tensor(tb.name());
                assertThat(ta.type()).as(tb.name()).isEqualTo(tb.type());
                assertThat(ta.ne()).as(tb.name()).containsExactly(tb.ne());
                assertThat(Arrays.equals(ta.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), tb.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)))
                        .as("bytes of %s", tb.name()).isTrue();
            }
        }
    }
}
