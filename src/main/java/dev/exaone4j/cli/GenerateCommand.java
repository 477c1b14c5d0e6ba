package dev.exaone4j.cli;

import dev.exaone4j.engine.Generator;
import dev.exaone4j.engine.SpeculativeGenerator;
import dev.exaone4j.model.InferenceState;
import dev.exaone4j.model.Model;
import dev.exaone4j.sampling.Sampler;
import dev.exaone4j.tokenizer.StreamingDecoder;
import dev.exaone4j.tokenizer.Tokenizer;
import dev.exaone4j.tokenizer.Tokenizers;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code generate [-m PATH] (-p TEXT | --prompt-ids IDS) -n N [sampling] [--print-ids]}: streams the continuation
 * (or prints the generated ids on one line); prompt and generation speed go to stderr.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate a continuation of a prompt (text streams to stdout, speed to stderr).")
public final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;

    @Mixin
    SamplingOptions sampling;

    static final class PromptGroup {
        @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "prompt text", required = true)
        String text;

        @Option(names = "--prompt-ids", paramLabel = "IDS", description = "prompt as comma-separated token ids", required = true)
        String ids;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    PromptGroup prompt;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "tokens to generate (default ${DEFAULT-VALUE})", defaultValue = "256")
    int n;

    @Option(names = "--print-ids", description = "print the generated token ids comma-separated on one line instead of text")
    boolean printIds;

    @Option(names = "--ignore-eos", description = "never sample end-of-generation tokens: generate exactly -n tokens (as llama.cpp)")
    boolean ignoreEos;

    @Option(names = "--mtp", description = "self-speculative decoding with the model's MTP head (K-EXAONE); lossless")
    boolean mtp;

    @Option(names = "--draft", paramLabel = "N", defaultValue = "2", description = "tokens the MTP head drafts per step, 1..4 (default ${DEFAULT-VALUE})")
    int draft;

    @Option(names = "--chat", description = "wrap the prompt as a user message in the model's chat template")
    boolean chat;

    @Option(names = "--system", paramLabel = "TEXT", description = "system message (with --chat)")
    String system;

    @Option(names = "--think", paramLabel = "on|off", description = "enable_thinking for the template (with --chat)")
    String think;

    @Override
    public Integer call() throws java.io.IOException {
        if (n < 0 || n > 1 << 20) throw new IllegalArgumentException("-n must be in [0, 1048576], got " + n);
        Sampler sampler = new Sampler(sampling.config());
        try (Model model = opts.load()) {
            Tokenizer tok = Tokenizers.forModel(opts.path(), model.config().vocabSize);
            int[] ids;
            if (chat) {
                if (prompt.text == null) throw new IllegalArgumentException("--chat needs a text prompt (-p)");
                java.util.List<dev.exaone4j.chat.ChatMessage> msgs = new java.util.ArrayList<>();
                if (system != null) msgs.add(dev.exaone4j.chat.ChatMessage.system(system));
                msgs.add(dev.exaone4j.chat.ChatMessage.user(prompt.text));
                java.util.Map<String, Object> kwargs = think == null ? java.util.Map.of() : java.util.Map.of("enable_thinking", ChatCommand.parseOnOff(think, "--think"));
                String rendered = ChatCommand.chatFormat(opts.path(), model, tok).render(msgs, null, true, kwargs);
                ids = dev.exaone4j.engine.ChatSession.encodeChat(tok, rendered);
            } else {
                ids = prompt.ids != null ? ModelOptions.parseIds(prompt.ids) : tok.encodePrompt(prompt.text);
            }
            // everything that can still refuse the request (--ctx, --mtp/--draft, the prompt's length) is checked
            // before the prompt is echoed, so an error never follows half a line of output
            int ctx = opts.context(model);
            if (ids.length > ctx) throw new IllegalArgumentException("the prompt has " + ids.length + " tokens but the context holds " + ctx);
            SpeculativeGenerator speculative = mtp ? new SpeculativeGenerator(model, ctx, draft, sampler) : null;
            InferenceState state = mtp ? null : model.newState(ctx);
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            StreamingDecoder dec = tok.streamingDecoder(false);
            if (!printIds && prompt.text != null && !chat) out.print(prompt.text);
            int[] stop = ignoreEos ? new int[0] : tok.endOfGenerationIds();
            if (ignoreEos) sampler.ban(tok.endOfGenerationIds());   // as llama.cpp and the server: never sampled
            Generator.TokenListener listener = id -> {
                if (!printIds) out.print(dec.accept(id));
                return true;
            };
            Generator.Result r;
            SpeculativeGenerator.Result spec = null;
            if (speculative != null) {
                spec = speculative.run(ids, n, stop, listener);
                r = new Generator.Result(spec.tokens(), spec.promptTokens(), spec.promptNanos(), spec.generateNanos(), spec.stopReason());
            } else {
                r = Generator.generate(model, state, ids, n, sampler, stop, listener);
            }
            if (printIds) out.println(ModelOptions.joinIds(r.tokens()));
            else {
                out.print(dec.flush());
                out.println();
            }
            out.flush();
            System.err.printf("prompt: %d tokens, %.1f tokens/s | generated: %d tokens, %.1f tokens/s (stop: %s)%n",
                    r.promptTokens(), r.promptTokensPerSecond(), r.tokens().length, r.generateTokensPerSecond(), r.stopReason());
            if (spec != null) {
                System.err.printf("mtp: draft %d, %d verification steps, acceptance %.1f%% (%d of %d drafted), %.2f accepted + 1 per step%n",
                        draft, spec.steps(), 100 * spec.acceptanceRate(), spec.accepted(), spec.drafted(), spec.meanAcceptedPerStep());
            }
        }
        return 0;
    }
}
