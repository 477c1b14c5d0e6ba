package dev.exaone4j.tokenizer;

import dev.exaone4j.gguf.GgufFile;
import dev.exaone4j.gguf.GgufMetadata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Creates tokenizers. Unsupported components (an unknown {@code tokenizer.ggml.model} or {@code tokenizer.ggml.pre},
 * an unknown normalizer, pre-tokenizer, model, post-processor or decoder type in tokenizer.json, a regex without an
 * exact Java equivalent) throw {@link IllegalArgumentException} naming them; nothing falls back silently.
 */
public final class Tokenizers {
    private Tokenizers() {}

    /**
     * The tokenizer a GGUF file's {@code tokenizer.ggml.*} metadata describes: byte-level BPE ({@code gpt2}, with
     * pre-tokenizer {@code exaone4}, {@code exaone}, {@code exaone-moe}, {@code gpt2}, {@code qwen2} or
     * {@code llama-bpe}) or SentencePiece-style ({@code llama}).
     */
    public static Tokenizer fromGguf(GgufMetadata md) {
        return GgufVocab.load(md);
    }

    /**
     * A Hugging Face {@code tokenizer.json}; {@code tokenizer_config.json} and {@code generation_config.json} next to
     * it are read when present (added-token flags, add_bos_token/add_eos_token, BOS/EOS, end-of-generation ids).
     */
    public static Tokenizer fromTokenizerJson(Path tokenizerJson) {
        return TokenizerJson.load(tokenizerJson);
    }

    /**
     * The tokenizer of a model: a {@code .gguf} file (its metadata), a Hugging Face model folder (its
     * {@code tokenizer.json}) or a {@code tokenizer.json} itself.
     *
     * @throws IllegalArgumentException naming the path when nothing usable is there
     */
    /**
     * {@link #forModel(Path)} for a model whose embedding has modelVocab rows: fails when the tokenizer has ids the
     * model has no row for (a tokenizer smaller than the embedding is normal: vocabularies are padded).
     */
    public static Tokenizer forModel(Path modelPath, int modelVocab) {
        Tokenizer t = forModel(modelPath);
        if (t.vocabSize() > modelVocab) {
            String source = Files.isDirectory(modelPath) ? modelPath.resolve("tokenizer.json").toString() : modelPath.toString();
            throw new IllegalArgumentException(source + ": the tokenizer has ids up to " + (t.vocabSize() - 1)
                    + " but the model's embedding has only " + modelVocab + " rows (tokenizer and weights do not belong together)");
        }
        return t;
    }

    public static Tokenizer forModel(Path modelPath) {
        if (Files.isDirectory(modelPath)) {
            Path json = modelPath.resolve("tokenizer.json");
            if (!Files.isRegularFile(json)) {
                throw new IllegalArgumentException("model folder " + modelPath + " has no tokenizer.json (expected " + json + ")");
            }
            return fromTokenizerJson(json);
        }
        if (!Files.isRegularFile(modelPath)) throw new IllegalArgumentException("model path " + modelPath + ": " + dev.exaone4j.gguf.GgufFile.whyNotAFile(modelPath));
        if (isGguf(modelPath)) {
            try (GgufFile f = GgufFile.open(modelPath)) {
                try {
                    return fromGguf(f.metadata());
                } catch (RuntimeException e) {
                    // metadata errors already name the file; others get it
                    String msg = String.valueOf(e.getMessage());
                    throw new IllegalArgumentException(msg.startsWith(modelPath.toString()) ? msg : modelPath + ": " + msg, e);
                }
            }
        }
        if (modelPath.getFileName().toString().endsWith(".json")) return fromTokenizerJson(modelPath);
        throw new IllegalArgumentException(modelPath + " is neither a GGUF file, a tokenizer.json nor a Hugging Face model folder");
    }

    private static boolean isGguf(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'G' && magic[1] == 'G' && magic[2] == 'U' && magic[3] == 'F';
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
