package dev.exaone4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Locates the shared reference data ({@code ../shared/testdata}) and reads the corpus and expected ids. */
final class TestData {
    private TestData() {}

    static final ObjectMapper JSON = new ObjectMapper();
    private static List<String> corpus;

    /** The shared test data folder; skips the calling test with a notice when it is absent. */
    static Path root() {
        Path p = Path.of("../shared/testdata");
        if (!Files.isDirectory(p)) {
            System.out.println("NOTICE: " + p.toAbsolutePath().normalize() + " is absent; skipping tests that need the shared reference data");
        }
        Assumptions.assumeTrue(Files.isDirectory(p), "shared test data ../shared/testdata is absent");
        return p;
    }

    static Path file(String relative) {
        Path p = root().resolve(relative);
        Assumptions.assumeTrue(Files.exists(p), "missing " + p);
        return p;
    }

    /** The {@code text} of every corpus line. */
    static synchronized List<String> corpus() {
        if (corpus == null) {
            List<String> texts = new ArrayList<>();
            try (BufferedReader r = Files.newBufferedReader(file("corpus/corpus.jsonl"))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.isBlank()) texts.add(JSON.readTree(line).get("text").asText());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            corpus = List.copyOf(texts);
        }
        return corpus;
    }

    /** One expected.jsonl line. */
    record Expected(int[] ids, boolean roundtrip) {
        /** Whether {@code actual} matches, allowing for the reference's truncation to 512 ids. */
        boolean matches(int[] actual) {
            if (ids.length == TRUNCATION && actual.length >= TRUNCATION) {
                return Arrays.equals(ids, Arrays.copyOf(actual, TRUNCATION));
            }
            return Arrays.equals(ids, actual);
        }
    }

    /** The reference ids were produced with Hugging Face's default truncation to 512 tokens. */
    static final int TRUNCATION = 512;

    static List<Expected> expected(String tokenizer) {
        List<Expected> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file("tokenizers/" + tokenizer + "/expected.jsonl"))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode n = JSON.readTree(line);
                String ids = n.get("ids").asText();
                int[] a = ids.isEmpty() ? new int[0] : Arrays.stream(ids.split(",")).mapToInt(Integer::parseInt).toArray();
                out.add(new Expected(a, n.get("roundtrip").asBoolean()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
