package dev.exaone4j.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.exaone4j.gguf.GgufTensorInfo;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Locates the shared quantization reference data ({@code ../shared/testdata}) and reads its JSON lines. */
final class QuantTestData {
    static final Path TESTDATA = Path.of("../shared/testdata");
    static final Path QUANT = TESTDATA.resolve("quant");
    static final Path F32_FILE = QUANT.resolve("gguf/quantref-exaone4-F32.gguf");

    private QuantTestData() {}

    /** Skips the calling test (with a printed notice) when the shared data is not there. */
    static void assumeQuantData() {
        boolean present = Files.isRegularFile(F32_FILE);
        if (!present) System.out.println("NOTICE: " + QUANT.toAbsolutePath() + " is absent; skipping quantization reference tests");
        Assumptions.assumeTrue(present, "shared quantization test data absent: " + QUANT.toAbsolutePath());
    }

    static void assumeFile(Path p) {
        boolean present = Files.isRegularFile(p);
        if (!present) System.out.println("NOTICE: " + p.toAbsolutePath() + " is absent; skipping");
        Assumptions.assumeTrue(present, "test data absent: " + p.toAbsolutePath());
    }

    /** The reference GGUF files, sorted by name. */
    static List<Path> ggufFiles() {
        try (var s = Files.list(QUANT.resolve("gguf"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".gguf")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Type suffix of a reference file name: {@code quantref-exaone4-Q4_K_M.gguf} gives {@code Q4_K_M}. */
    static String typeOf(Path gguf) {
        String n = gguf.getFileName().toString();
        return n.substring("quantref-exaone4-".length(), n.length() - ".gguf".length());
    }

    /** Per-tensor records of {@code deq/NAME.deq.jsonl}, keyed by tensor name. */
    static Map<String, JsonNode> deqRecords(Path gguf) {
        String name = gguf.getFileName().toString().replace(".gguf", ".deq.jsonl");
        Map<String, JsonNode> out = new LinkedHashMap<>();
        ObjectMapper om = new ObjectMapper();
        try {
            for (String line : Files.readAllLines(QUANT.resolve("deq").resolve(name))) {
                if (line.isBlank()) continue;
                JsonNode n = om.readTree(line);
                out.put(n.get("tensor").asText(), n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** All elements of a tensor, dequantized with {@link Quants}. */
    static float[] dequantizeAll(GgufTensorInfo t) {
        long n = t.elementCount();
        float[] out = new float[Math.toIntExact(n)];
        Quants.dequantize(t.type(), t.data(), 0, out, 0, out.length);
        return out;
    }

    static byte[] rawBytes(GgufTensorInfo t) {
        return t.data().toArray(ValueLayout.JAVA_BYTE);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256LeFloats(float[] v) {
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(v);
        return sha256(bb.array());
    }
}
