package dev.exaone4j.quant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.gguf.GgufFile;
import dev.exaone4j.gguf.GgufTensorInfo;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quantizing the F32 reference file's tensors with {@link Quants} must reproduce, byte for byte, every
 * quantized tensor of every reference file made by llama.cpp (per-type pure files and the Q4_K_M / Q5_K_M
 * mixes, whose per-tensor types come from the files themselves, as listed in {@code quant/listings}).
 */
class QuantizeReferenceTest {

    @TestFactory
    Stream<DynamicTest> quantizingTheF32TensorsReproducesLlamaCppBytes() {
        QuantTestData.assumeQuantData();
        return QuantTestData.ggufFiles().stream()
                .filter(p -> !QuantTestData.typeOf(p).equals("F32"))
                .map(p -> DynamicTest.dynamicTest(QuantTestData.typeOf(p), () -> check(p)));
    }

    private static void check(Path quantized) {
        Map<String, JsonNode> ref = QuantTestData.deqRecords(quantized);
        List<String> failures = new ArrayList<>();
        int compared = 0;
        try (GgufFile src = GgufFile.open(QuantTestData.F32_FILE); GgufFile q = GgufFile.open(quantized)) {
            for (GgufTensorInfo t : q.tensors().values()) {
                GgufTensorInfo s = src.tensor(t.name());
                assertThat(s).as("F32 source of " + t.name()).isNotNull();
                float[] x = QuantTestData.dequantizeAll(s);
                byte[] want = QuantTestData.rawBytes(t);
                byte[] got = new byte[want.length];
                Quants.quantize(t.type(), x, 0, x.length, got, 0);
                compared++;
                if (!java.util.Arrays.equals(got, want)) {
                    failures.add(describe(t, got, want));
                }
                assertThat(QuantTestData.sha256(got).equals(ref.get(t.name()).get("raw_sha256").asText()))
                        .as(t.name() + " raw_sha256").isEqualTo(java.util.Arrays.equals(got, want));
            }
        }
        assertThat(compared).isPositive();
        assertThat(failures).as(quantized.getFileName() + ": tensors whose bytes differ").isEmpty();
    }

    private static String describe(GgufTensorInfo t, byte[] got, byte[] want) {
        GgmlType type = t.type();
        int bs = type.typeSize;
        int blocks = want.length / bs, bad = 0, first = -1, firstByte = -1;
        for (int b = 0; b < blocks; b++) {
            for (int k = 0; k < bs; k++) {
                if (got[b * bs + k] != want[b * bs + k]) {
                    if (first < 0) {
                        first = b;
                        firstByte = k;
                    }
                    bad++;
                    break;
                }
            }
        }
        return t.name() + " (" + type + "): " + bad + "/" + blocks + " blocks differ, first block " + first + " byte " + firstByte;
    }
}
