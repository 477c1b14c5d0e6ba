package dev.exaone4j.quant;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Every tensor of every reference GGUF in {@code quant/gguf}, dequantized with {@link Quants}, must match
 * {@code quant/deq/*.deq.jsonl} (produced by ggml itself): type, shape, the first 512 values bit for bit,
 * the sha256 of all values as little-endian F32, the sha256 of the raw bytes, and sum / sum of squares.
 */
class DequantizeReferenceTest {

    @TestFactory
    Stream<DynamicTest> everyTensorOfEveryFileDequantizesBitExactly() {
        QuantTestData.assumeQuantData();
        return QuantTestData.ggufFiles().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
    }

    private static void check(Path gguf) {
        Map<String, JsonNode> ref = QuantTestData.deqRecords(gguf);
        List<String> failures = new ArrayList<>();
        try (GgufFile f = GgufFile.open(gguf)) {
            assertThat(f.tensors().keySet()).containsExactlyInAnyOrderElementsOf(ref.keySet());
            for (GgufTensorInfo t : f.tensors().values()) {
                JsonNode r = ref.get(t.name());
                assertThat(t.type().name()).as(t.name() + " type").isEqualTo(r.get("type").asText());
                long[] shape = new long[r.get("shape").size()];
                for (int i = 0; i < shape.length; i++) shape[i] = r.get("shape").get(i).asLong();
                assertThat(t.ne()).as(t.name() + " shape").containsExactly(shape);
                assertThat(QuantTestData.sha256(QuantTestData.rawBytes(t))).as(t.name() + " raw sha256").isEqualTo(r.get("raw_sha256").asText());

                float[] v = QuantTestData.dequantizeAll(t);
                JsonNode first = r.get("first");
                for (int i = 0; i < first.size(); i++) {
                    float want = (float) first.get(i).asDouble();
                    if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(v[i])) {
                        failures.add(t.name() + "[" + i + "]: " + v[i] + " != " + want);
                        break;
                    }
                }
                double sum = 0, sumsq = 0;
                for (float x : v) {
                    sum += x;
                    sumsq += (double) x * x;
                }
                double refSum = r.get("sum").asDouble(), refSq = r.get("sumsq").asDouble();
                if (Math.abs(sum - refSum) > 1e-9 * Math.max(1, Math.abs(refSum)) + 1e-9) failures.add(t.name() + ": sum " + sum + " != " + refSum);
                if (Math.abs(sumsq - refSq) > 1e-9 * Math.max(1, refSq)) failures.add(t.name() + ": sumsq " + sumsq + " != " + refSq);
                String sha = QuantTestData.sha256LeFloats(v);
                if (!sha.equals(r.get("sha256_f32").asText())) failures.add(t.name() + " (" + t.type() + "): sha256 of dequantized values differs");
            }
        }
        assertThat(failures).as(gguf.getFileName() + " mismatches").isEmpty();
    }
}
