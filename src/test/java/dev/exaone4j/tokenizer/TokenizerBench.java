package dev.exaone4j.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Single-threaded encode throughput on the corpus: ours against Hugging Face tokenizers through DJL, line by line,
 * after warm-up (both sides cache words). Run from the project root after {@code mvn test-compile}:
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat cp.txt) dev.exaone4j.tokenizer.TokenizerBench [name ...]
 * </pre>
 * where {@code cp.txt} comes from {@code mvn dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test};
 * names default to all of {@code ../shared/testdata/tokenizers}.
 */
public final class TokenizerBench {
    private TokenizerBench() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(System.getProperty("testdata", "../shared/testdata"));
        List<String> names = args.length > 0 ? List.of(args) : List.of("exaone4-tiny", "exaone-moe-tiny", "qwen3", "qwen3-superbpe");
        List<String> corpus = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader r = Files.newBufferedReader(data.resolve("corpus/corpus.jsonl"))) {
            String line;
            while ((line = r.readLine()) != null) if (!line.isBlank()) corpus.add(json.readTree(line).get("text").asText());
        }
        long bytes = 0;
        for (String s : corpus) bytes += s.getBytes(StandardCharsets.UTF_8).length;
        System.out.printf("corpus: %d lines, %.2f MB UTF-8%n", corpus.size(), bytes / 1e6);
        for (String name : names) {
            Path file = data.resolve("tokenizers").resolve(name).resolve("tokenizer.json");
            Tokenizer ours = Tokenizers.fromTokenizerJson(file);
            try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.builder().optTokenizerPath(file)
                    .optAddSpecialTokens(false).optTruncation(false).build()) {
                double oursMbs = measure(bytes, () -> {
                    long n = 0;
                    for (String s : corpus) n += ours.encode(s).length;
                    return n;
                });
                double djlMbs = measure(bytes, () -> {
                    long n = 0;
                    for (String s : corpus) n += djl.encode(s, false, false).getIds().length;
                    return n;
                });
                System.out.printf("%-16s ours %7.2f MB/s   DJL %7.2f MB/s   ratio %.2f%n", name, oursMbs, djlMbs, oursMbs / djlMbs);
            }
        }
    }

    interface Pass {
        long run();
    }

    /** Best of five timed passes after two warm-up passes, in MB/s. */
    private static double measure(long bytes, Pass pass) {
        long sink = 0;
        for (int i = 0; i < 2; i++) sink += pass.run();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            sink += pass.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        if (sink == 42) System.out.print("");
        return bytes / 1e6 / (best / 1e9);
    }
}
