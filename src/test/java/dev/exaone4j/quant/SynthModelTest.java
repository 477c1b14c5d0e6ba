package dev.exaone4j.quant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.gguf.GgufFile;
import dev.exaone4j.gguf.GgufTensorInfo;
import dev.exaone4j.gguf.GgufWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SynthModel}: tensor inventory and metadata identical (names, value types, dims, storage types) to the
 * converter's output for the tiny EXAONE 4.0 / K-EXAONE models when given their shapes; the named presets'
 * parameter and tensor counts match the real models; llama3 rope factors equal the converter's; written
 * files load, hold plausible random weights, and are deterministic in the seed.
 */
class SynthModelTest {
    private static final Path TINY = QuantTestData.TESTDATA.resolve("tiny");

    @TempDir
    Path tmp;

    private static SynthPreset tinyGlobal() {
        return new SynthPreset("tiny-global", "exaone4", 64, 4, 4, 2, 16, 128, 512, true, 4096, 0, null, true, 1e6,
                0, 0, 0, 0, 0, 0, 0f, 300);
    }

    private static SynthPreset tinyHybrid4() {
        return new SynthPreset("tiny-hybrid4", "exaone4", 64, 4, 4, 2, 16, 128, 512, false, 4096, 8, "LLLG", true, 1e6,
                0, 0, 0, 0, 0, 0, 0f, 300);
    }

    private static SynthPreset tinyMoe() {
        return new SynthPreset("tiny-moe", "exaone-moe", 64, 8, 4, 2, 16, 128, 512, false, 4096, 8, "LLLG", false, 1e6,
                8, 2, 32, 1, 1, 1, 2.5f, 300);
    }

    @Test
    void tinyShapesReproduceTheConverterLayout() throws IOException {
        Map<SynthPreset, String> cases = new LinkedHashMap<>();
        cases.put(tinyGlobal(), "exaone4-tiny-global");
        cases.put(tinyHybrid4(), "exaone4-tiny-hybrid4");
        cases.put(tinyMoe(), "exaone-moe-tiny");
        QuantTestData.assumeFile(TINY.resolve("exaone-moe-tiny/exaone-moe-tiny-F32.gguf"));
        for (Map.Entry<SynthPreset, String> c : cases.entrySet()) {
            Path out = tmp.resolve(c.getValue() + ".gguf");
            SynthModel.write(c.getKey(), FileType.F32, false, 7, out, null);
            try (GgufFile got = GgufFile.open(out); GgufFile want = GgufFile.open(TINY.resolve(c.getValue() + "/" + c.getValue() + "-F32.gguf"))) {
                Map<String, Integer> gotTypes = GgufWriter.valueTypes(got), wantTypes = GgufWriter.valueTypes(want);
                gotTypes.keySet().removeAll(Set.of("general.quantization_version"));
                assertThat(gotTypes).as(c.getValue() + " metadata keys and value types").containsExactlyInAnyOrderEntriesOf(wantTypes);
                for (String k : want.metadata().asMap().keySet()) {
                    if (k.startsWith("tokenizer.") || k.startsWith("general.")) continue;
                    assertThat(render(got.metadata().get(k))).as(c.getValue() + " " + k).isEqualTo(render(want.metadata().get(k)));
                }
                assertThat(got.tensors().keySet()).as(c.getValue() + " tensors").containsExactlyInAnyOrderElementsOf(want.tensors().keySet());
                for (GgufTensorInfo w : want.tensors().values()) {
                    GgufTensorInfo g = got.tensor(w.name());
                    assertThat(g.ne()).as(w.name()).containsExactly(w.ne());
                    assertThat(g.type()).as(w.name()).isEqualTo(w.type());
                }
                if (want.tensor("rope_freqs.weight") != null) {
                    assertThat(QuantTestData.dequantizeAll(got.tensor("rope_freqs.weight")))
                            .containsExactly(QuantTestData.dequantizeAll(want.tensor("rope_freqs.weight")));
                }
            }
        }
    }

    private static String render(Object v) {
        return v instanceof dev.exaone4j.gguf.GgufMetadata.Array a ? java.util.Arrays.deepToString(new Object[] {a.values()}) : String.valueOf(v);
    }

    @Test
    void llama3RopeFactorsEqualTheConverterForHeadDim64() {
        QuantTestData.assumeQuantData();
        JsonNode rope = QuantTestData.deqRecords(QuantTestData.F32_FILE).get("rope_freqs.weight").get("first");
        float[] got = SynthModel.llama3RopeFactors(64, 1e6);
        assertThat(got).hasSize(rope.size());
        for (int i = 0; i < got.length; i++) assertThat(got[i]).as("factor " + i).isEqualTo((float) rope.get(i).asDouble());
    }

    @Test
    void namedPresetsHaveTheRealShapes() {
        SynthPreset small = SynthPreset.named("exaone4-1.2b");
        assertThat(SynthModel.parameterCount(small)).isEqualTo(1_279_391_488L + 32);
        SynthPreset big = SynthPreset.named("exaone4-32b");
        assertThat(SynthModel.parameterCount(big)).isEqualTo(32_003_216_384L + 64);
        SynthPreset k = SynthPreset.named("k-exaone-236b");
        assertThat(SynthModel.parameterCount(k)).isEqualTo(237_099_669_632L);
        GgufWriter w = SynthModel.build(k, FileType.Q4_K_M, false, 1);
        assertThat(w.tensors()).hasSize(781);
        Map<String, GgufWriter.Tensor> t = new LinkedHashMap<>();
        w.tensors().forEach(x -> t.put(x.name(), x));
        assertThat(t.get("blk.1.ffn_gate_exps.weight").ne()).containsExactly(6144, 2048, 128);
        assertThat(t.get("blk.1.ffn_down_exps.weight").ne()).containsExactly(2048, 6144, 128);
        assertThat(t.get("blk.48.nextn.eh_proj.weight").ne()).containsExactly(12288, 6144);
        assertThat(t.get("blk.47.attn_q.weight").ne()).containsExactly(6144, 8192);
        assertThat(t.get("blk.1.ffn_gate_inp.weight").type()).isEqualTo(GgmlType.F32);
        assertThat(t.get("blk.1.exp_probs_b.bias").type()).isEqualTo(GgmlType.F32);
        assertThat(t.get("output.weight").type()).isEqualTo(GgmlType.Q6_K);
        assertThat(t.get("token_embd.weight").type()).isEqualTo(GgmlType.Q4_K);
        assertThat(t.get("blk.0.ffn_down.weight").type()).isEqualTo(GgmlType.Q6_K);       // use_more_bits(0, 49)
        assertThat(t.get("blk.10.ffn_down_exps.weight").type()).isEqualTo(GgmlType.Q4_K); // (10 - 6) % 3 != 2
        assertThat(t.get("blk.11.ffn_down_exps.weight").type()).isEqualTo(GgmlType.Q6_K); // (11 - 6) % 3 == 2
        assertThat(w.get("exaone-moe.block_count").value()).isEqualTo(49L);
        assertThat(((boolean[]) ((dev.exaone4j.gguf.GgufMetadata.Array) w.get("exaone-moe.attention.sliding_window_pattern").value()).values()))
                .hasSize(48).startsWith(true, true, true, false);
        SynthPreset slice = SynthPreset.named("k-exaone-slice-3");
        assertThat(slice.layers()).isEqualTo(3);
        assertThat(slice.blockCount()).isEqualTo(4);
        assertThatThrownBy(() -> SynthPreset.named("exaone5")).hasMessageContaining("exaone4-1.2b").hasMessageContaining("k-exaone-slice-N");
        assertThatThrownBy(() -> SynthPreset.named("k-exaone-slice-0")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writtenFilesLoadHoldRandomWeightsAndAreDeterministic() throws IOException {
        Path a = tmp.resolve("a.gguf"), b = tmp.resolve("b.gguf"), c = tmp.resolve("c.gguf");
        SynthModel.write(tinyMoe(), FileType.Q4_K_M, false, 42, a, null);
        SynthModel.write(tinyMoe(), FileType.Q4_K_M, false, 42, b, null);
        SynthModel.write(tinyMoe(), FileType.Q4_K_M, false, 43, c, null);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        assertThat(Files.readAllBytes(a)).isNotEqualTo(Files.readAllBytes(c));
        try (GgufFile f = GgufFile.open(a)) {
            assertThat(f.metadata().getLong("general.file_type")).isEqualTo(15);
            assertThat(f.metadata().getStringArray("tokenizer.ggml.tokens")).hasSize(512).contains("[BOS]", "[|endofturn|]", "Ġ", "a");
            assertThat(f.metadata().getStringArray("tokenizer.ggml.tokens")[300]).isEqualTo("[|endofturn|]");
            assertThat(f.metadata().getStringArray("tokenizer.ggml.tokens")).doesNotHaveDuplicates();
            for (GgufTensorInfo t : f.tensors().values()) {
                float[] v = QuantTestData.dequantizeAll(t);
                double sum = 0, sq = 0;
                for (float x : v) {
                    assertThat(Float.isFinite(x)).isTrue();
                    sum += x;
                    sq += (double) x * x;
                }
                double mean = sum / v.length, std = Math.sqrt(sq / v.length - mean * mean);
                if (t.name().endsWith("norm.weight")) {
                    assertThat(mean).as(t.name()).isBetween(0.95, 1.05);
                } else if (t.name().endsWith(".weight") && t.ne().length >= 2) {
                    assertThat(std).as(t.name() + " std").isBetween(0.012, 0.03);
                    assertThat(Math.abs(mean)).as(t.name() + " mean").isLessThan(0.005);
                }
            }
        }
    }
}
