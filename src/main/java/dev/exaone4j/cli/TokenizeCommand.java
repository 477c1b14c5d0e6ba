package dev.exaone4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.exaone4j.tokenizer.Tokenizer;
import dev.exaone4j.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code tokenize [-m PATH | --tokenizer FILE] (-p TEXT | --jsonl FILE)}. With {@code -p}: the prompt's ids as
 * generation feeds them ({@code encodePrompt}: BOS etc.), comma-separated on one line. With {@code --jsonl}: for each
 * input line {@code {"text": ...}} one output line with the ids of {@code encode} (no special tokens added), streamed.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print token ids, comma-separated: of a prompt (-p, with BOS etc. as generation uses it) or of each"
                + " JSON line's \"text\" (--jsonl, no special tokens added).")
public final class TokenizeCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, paramLabel = "PATH",
            description = "GGUF file or Hugging Face folder whose tokenizer to use (default: the shipped stories260K demo)")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "a Hugging Face tokenizer.json instead of a model")
    Path tokenizer;

    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "text to encode as a prompt")
    String prompt;

    @Option(names = "--jsonl", paramLabel = "FILE", description = "JSON lines with a \"text\" field ('-' reads stdin)")
    Path jsonl;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws IOException {
        if (model != null && tokenizer != null) throw new IllegalArgumentException("give either -m/--model or --tokenizer, not both");
        if ((prompt == null) == (jsonl == null)) throw new IllegalArgumentException("give exactly one of -p TEXT or --jsonl FILE");
        Tokenizer tok = tokenizer != null ? Tokenizers.fromTokenizerJson(tokenizer) : Tokenizers.forModel(DefaultModel.resolve(model));
        Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        try {
            if (prompt != null) {
                out.write(ModelOptions.joinIds(tok.encodePrompt(prompt)));
                out.write('\n');
            } else {
                encodeLines(tok, out);
            }
        } finally {
            out.flush();
        }
        return 0;
    }

    private void encodeLines(Tokenizer tok, Writer out) throws IOException {
        boolean stdin = jsonl.toString().equals("-");
        if (!stdin && !Files.isRegularFile(jsonl)) throw new IllegalArgumentException("input file " + jsonl + ": " + dev.exaone4j.gguf.GgufFile.whyNotAFile(jsonl));
        try (BufferedReader in = stdin
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            String line;
            long number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) continue;
                out.write(ModelOptions.joinIds(tok.encode(text(line, number))));
                out.write('\n');
            }
        }
    }

    private String text(String line, long number) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(jsonl + " line " + number + " is not JSON: " + e.getOriginalMessage());
        }
        JsonNode text = node == null ? null : node.get("text");
        if (text == null || !text.isTextual()) throw new IllegalArgumentException(jsonl + " line " + number + " has no \"text\" string");
        return text.asText();
    }
}
