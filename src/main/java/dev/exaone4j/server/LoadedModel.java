package dev.exaone4j.server;

import dev.exaone4j.chat.ChatFormat;
import dev.exaone4j.chat.ChatTemplates;
import dev.exaone4j.engine.ChatSession;
import dev.exaone4j.gguf.GgufFile;
import dev.exaone4j.gguf.GgufMetadata;
import dev.exaone4j.model.DecoderModel;
import dev.exaone4j.model.Model;
import dev.exaone4j.model.ModelLoader;
import dev.exaone4j.model.MtpHead;
import dev.exaone4j.tokenizer.StreamingDecoder;
import dev.exaone4j.tokenizer.Tokenizer;
import dev.exaone4j.tokenizer.Tokenizers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model ready to serve: the graph, its tokenizer, its chat format (the model's own template, else the built-in for
 * its architecture), the id clients address it by and the context size. Also knows how each token reads as text,
 * which special tokens end a generation and which are markup (think / tool-call tags) that parsers must see.
 */
final class LoadedModel implements AutoCloseable {
    /** Special tokens that stay in the text because the reasoning and tool-call parsers read them. */
    private static final String[] MARKUP = {"<think>", "</think>", "<tool_call>", "</tool_call>"};

    final Path path;
    final String id;
    final Model model;
    final DecoderModel decoder;
    final Tokenizer tokenizer;
    final ChatFormat chat;
    final int contextSize;
    final int vocab;
    final long created;
    private final boolean[] endOfGeneration;
    private final boolean[] hidden;
    private volatile String[] texts;

    private LoadedModel(Path path, String id, Model model, Tokenizer tokenizer, ChatFormat chat, int contextSize) {
        this.path = path;
        this.id = id;
        this.model = model;
        this.decoder = (DecoderModel) model;
        this.tokenizer = tokenizer;
        this.chat = chat;
        this.contextSize = contextSize;
        this.vocab = model.config().vocabSize;
        this.created = System.currentTimeMillis() / 1000;
        this.endOfGeneration = new boolean[vocab];
        for (int e : tokenizer.endOfGenerationIds()) if (e >= 0 && e < vocab) endOfGeneration[e] = true;
        this.hidden = new boolean[vocab];
        int n = Math.min(vocab, tokenizer.vocabSize());
        for (int t = 0; t < n; t++) hidden[t] = tokenizer.isSpecial(t);
        for (String m : MARKUP) {
            int t = tokenizer.tokenId(m);
            if (t >= 0 && t < vocab) hidden[t] = false;
        }
    }

    /** Loads everything {@code config} names; fails with a clear message (bad path, context too large, no MTP head). */
    static LoadedModel load(ServerConfig config) {
        Path path = config.model();
        Model model = ModelLoader.load(path, config.activations());
        try {
            Tokenizer tok = Tokenizers.forModel(path, model.config().vocabSize);
            int max = model.config().contextLength;
            int ctx = config.ctx() == null ? Math.min(max, ServerConfig.DEFAULT_CTX) : config.ctx();
            if (ctx > max) throw new IllegalArgumentException("--ctx " + ctx + " exceeds the model's context of " + max + " tokens");
            if (config.mtp() && !MtpHead.available(model)) {
                throw new IllegalArgumentException("--mtp: model " + path.getFileName() + " has no MTP head");
            }
            String id = config.alias() != null ? config.alias() : defaultId(path);
            return new LoadedModel(path, id, model, tok, chatFormat(path, model, tok), ctx);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The file name without .gguf, or the folder name (its parent's for a folder named just {@code hf}). */
    private static String defaultId(Path path) {
        Path p = path.toAbsolutePath().normalize();
        String name = p.getFileName().toString();
        if (name.endsWith(".gguf")) return name.substring(0, name.length() - 5);
        if (name.equals("hf") && p.getParent() != null && p.getParent().getFileName() != null) return p.getParent().getFileName().toString();
        return name;
    }

    /** The model's own template (GGUF metadata or tokenizer_config.json / chat_template.jinja), else the built-in. */
    private static ChatFormat chatFormat(Path path, Model model, Tokenizer tok) {
        try {
            return ChatSession.formatFor(path, model, tok);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tokenizes a rendered chat prompt: the tokenizer's BOS rule applies unless the template already wrote BOS. */
    int[] encodeChat(String text) {
        return ChatSession.encodeChat(tokenizer, text);
    }

    boolean isEndOfGeneration(int id) {
        return id >= 0 && id < vocab && endOfGeneration[id];
    }

    /** Special tokens that are not markup: counted, never shown in text. */
    boolean isHiddenSpecial(int id) {
        return id >= 0 && id < vocab && hidden[id];
    }

    /** The text a token adds to a stream ("" for hidden specials); partial UTF-8 reads as U+FFFD. */
    String tokenText(int id) {
        String[] t = texts;
        if (t == null) {
            synchronized (this) {
                t = texts;
                if (t == null) {
                    t = new String[vocab];
                    Arrays.fill(t, "");
                    int n = Math.min(vocab, tokenizer.vocabSize());
                    for (int i = 0; i < n; i++) {
                        if (hidden[i]) continue;
                        StreamingDecoder d = tokenizer.streamingDecoder(false);
                        t[i] = d.accept(i) + d.flush();
                    }
                    texts = t;
                }
            }
        }
        return t[id];
    }

    /** The bytes a token adds to the output ({@link dev.exaone4j.tokenizer.Tokenizer#tokenBytes}); a hidden special's entry as UTF-8. */
    byte[] tokenBytes(int id) {
        if (isHiddenSpecial(id) || id < 0 || id >= tokenizer.vocabSize()) return displayText(id).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String text = tokenText(id);   // cached; only a token that holds part of a character needs its raw bytes
        return text.indexOf('\uFFFD') < 0 ? text.getBytes(java.nio.charset.StandardCharsets.UTF_8) : tokenizer.tokenBytes(id);
    }

    /** How a token is shown in logprobs: its text, or for a hidden special its vocabulary entry (e.g. an end-of-turn tag). */
    String displayText(int id) {
        return isHiddenSpecial(id) ? tokenizer.tokenText(id) : tokenText(id);
    }

    @Override
    public void close() {
        model.close();
    }
}
