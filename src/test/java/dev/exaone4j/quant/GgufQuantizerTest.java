package dev.exaone4j.quant;

import dev.exaone4j.gguf.GgufFile;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Whole-file reproduction of llama-quantize: quantizing the shared F32 models with {@link GgufQuantizer} must
 * give the shared quantized files byte for byte (metadata order and types, tensor order, per-tensor types of the
 * default mixes, data, padding): the quant reference model for every type (pure) and the Q4_K_M / Q5_K_M mixes,
 * the tiny EXAONE models (Q8_0 and Q4_0 mixes, Q4_0 pure; the MoE one exercises the 8-expert rules) and
 * stories260K (Q4_0 mix with its F16 fallback for 172-column rows).
 */
class GgufQuantizerTest {
    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> quantRefFilesAreReproducedByteForByte() {
        QuantTestData.assumeQuantData();
        return QuantTestData.ggufFiles().stream()
                .filter(p -> !QuantTestData.typeOf(p).equals("F32"))
                .map(p -> DynamicTest.dynamicTest(QuantTestData.typeOf(p), () -> {
                    String type = QuantTestData.typeOf(p);
                    boolean pure = !type.endsWith("_M");
                    assertReproduces(QuantTestData.F32_FILE, p, FileType.parse(type), pure, 2);
                }));
    }

    @TestFactory
    Stream<DynamicTest> tinyModelsAreReproducedByteForByte() {
        Path tiny = QuantTestData.TESTDATA.resolve("tiny");
        QuantTestData.assumeFile(tiny.resolve("exaone4-tiny-global/exaone4-tiny-global-F32.gguf"));
        List<DynamicTest> tests = new ArrayList<>();
        for (String model : List.of("exaone4-tiny-global", "exaone4-tiny-hybrid4", "exaone4-tiny-hybrid64", "exaone3-tiny", "exaone-moe-tiny")) {
            Path dir = tiny.resolve(model);
            Path f32 = dir.resolve(model + "-F32.gguf");
            for (String variant : List.of("Q8_0", "Q4_0", "Q4_0-pure")) {
                Path want = dir.resolve(model + "-" + variant + ".gguf");
                if (!Files.isRegularFile(want)) continue;
                boolean pure = variant.endsWith("-pure");
                FileType ft = FileType.parse(variant.replace("-pure", ""));
                tests.add(DynamicTest.dynamicTest(model + " " + variant, () -> assertReproduces(f32, want, ft, pure, 1)));
            }
        }
        return tests.stream();
    }

    @Test
    void stories260KQ4_0MixWithF16FallbackIsReproduced() throws IOException {
        Path dir = QuantTestData.TESTDATA.resolve("stories260K");
        QuantTestData.assumeFile(dir.resolve("stories260K.gguf"));
        List<String> notes = new ArrayList<>();
        Path out = tmp.resolve("s.gguf");
        GgufQuantizer.quantize(dir.resolve("stories260K.gguf"), out, FileType.Q4_0, false, 2, null, notes::add);
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(dir.resolve("stories260K-Q4_0.gguf")));
        assertThat(notes).anyMatch(n -> n.contains("ffn_down") && n.contains("F16"));
        Path out8 = tmp.resolve("s8.gguf");
        GgufQuantizer.quantize(dir.resolve("stories260K.gguf"), out8, FileType.Q8_0, false, 1, null, null);
        assertThat(Files.readAllBytes(out8)).isEqualTo(Files.readAllBytes(dir.resolve("stories260K-Q8_0.gguf")));
    }

    @Test
    void mixesGiveTheListedPerTensorTypes() {
        QuantTestData.assumeQuantData();
        for (String mix : List.of("Q4_K_M", "Q5_K_M")) {
            List<String> listing = new ArrayList<>();
            try (GgufFile in = GgufFile.open(QuantTestData.F32_FILE)) {
                for (GgufQuantizer.Entry e : GgufQuantizer.plan(in, FileType.parse(mix), false, null)) {
                    listing.add(String.format("tensor %-40s %-6s ne=%s", e.source().name(), e.type(), e.source().shapeString()));
                }
            }
            List<String> want;
            try {
                want = Files.readAllLines(QuantTestData.QUANT.resolve("listings/quantref-exaone4-" + mix + ".listing.txt")).stream()
                        .filter(l -> l.startsWith("tensor ")).map(l -> l.replaceAll("\\s+", " ")).toList();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            assertThat(listing.stream().map(l -> l.replaceAll("\\s+", " ")).toList()).as(mix).isEqualTo(want);
        }
    }

    @Test
    void unknownTypeNameListsTheValidOnes() {
        assertThatThrownBy(() -> FileType.parse("Q4_X"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Q4_X").hasMessageContaining("Q4_K_M").hasMessageContaining("BF16").hasMessageContaining("Q5_K");
        assertThat(FileType.parse("q4_k")).isEqualTo(FileType.Q4_K_S);
        assertThat(FileType.parse("Q3_K")).isEqualTo(FileType.Q3_K_S);
    }

    private void assertReproduces(Path f32, Path want, FileType type, boolean pure, int threads) throws IOException {
        Path out = tmp.resolve(want.getFileName().toString() + ".out");
        GgufQuantizer.quantize(f32, out, type, pure, threads, null, null);
        byte[] got = Files.readAllBytes(out);
        byte[] ref = Files.readAllBytes(want);
        if (!java.util.Arrays.equals(got, ref)) {
            long at = java.util.Arrays.mismatch(got, ref);
            throw new AssertionError(want.getFileName() + ": differs at byte " + at + " (sizes " + got.length + " vs " + ref.length + ")");
        }
    }
}
