package dev.exaone4j.cli;

import dev.exaone4j.chat.ChatFormat;
import dev.exaone4j.engine.ChatSession;
import dev.exaone4j.model.Model;
import dev.exaone4j.sampling.Sampler;
import dev.exaone4j.tokenizer.Tokenizer;
import dev.exaone4j.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code chat [-m PATH] [--system TEXT] [--think on|off]}: interactive multi-turn chat through the model's chat
 * template. Commands: /reset, /think on|off, /exit. Each stdin line is a user turn, so piped input works too.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, description = "Interactive multi-turn chat through the model's chat template (/reset, /think on|off, /exit).")
public final class ChatCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--system", paramLabel = "TEXT", description = "system prompt")
    String system;

    @Option(names = "--think", paramLabel = "on|off", description = "reasoning on or off (default: the template's default)")
    String think;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "1024", description = "tokens per reply at most (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Override
    public Integer call() throws Exception {
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be >= 1");
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Model model = opts.load()) {
            Tokenizer tok = Tokenizers.forModel(opts.path(), model.config().vocabSize);
            ChatFormat format = chatFormat(opts.path(), model, tok);
            ChatSession chat = new ChatSession(model, tok, format, new Sampler(sampling.config()), opts.context(model));
            chat.setSystem(system);
            if (think != null) chat.setThinking(parseOnOff(think, "--think"));
            boolean interactive = System.console() != null;
            if (interactive) out.println("exaone4j chat (" + model.config().arch.ggufName + "): /reset, /think on|off, /exit");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (true) {
                if (interactive) out.print("> ");
                String line = in.readLine();
                if (line == null) break;
                String t = line.strip();
                if (t.isEmpty()) continue;
                if (t.equals("/exit") || t.equals("/quit")) break;
                if (t.equals("/reset")) {
                    chat.reset();
                    out.println("[conversation reset]");
                    continue;
                }
                if (t.startsWith("/think")) {
                    try {
                        chat.setThinking(parseOnOff(t.substring(6).strip(), "/think"));
                        out.println("[thinking " + t.substring(6).strip() + "]");
                    } catch (IllegalArgumentException e) {
                        out.println("[" + e.getMessage() + "]");
                    }
                    continue;
                }
                boolean[] inReasoning = {false};
                ChatSession.Reply r = chat.send(line, maxTokens, (reasoning, content) -> {
                    if (!reasoning.isEmpty()) {
                        if (!inReasoning[0]) out.print("[thinking] ");
                        inReasoning[0] = true;
                        out.print(reasoning);
                    }
                    if (!content.isEmpty()) {
                        if (inReasoning[0]) out.print("\n[answer] ");
                        inReasoning[0] = false;
                        out.print(content);
                    }
                });
                out.println();
                System.err.printf("[%d prompt tokens (%d reused), %.1f tokens/s | %d generated, %.1f tokens/s]%n",
                        r.promptTokens(), r.reusedTokens(), r.promptTokensPerSecond(), r.generatedTokens(), r.generateTokensPerSecond());
            }
        }
        return 0;
    }

    static boolean parseOnOff(String v, String what) {
        return switch (v) {
            case "on", "true", "1" -> true;
            case "off", "false", "0" -> false;
            default -> throw new IllegalArgumentException(what + " takes on or off, got '" + v + "'");
        };
    }

    /** The model's chat format (its own template, else the built-in for its architecture). */
    static ChatFormat chatFormat(java.nio.file.Path path, Model model, Tokenizer tok) throws java.io.IOException {
        return ChatSession.formatFor(path, model, tok);
    }
}
