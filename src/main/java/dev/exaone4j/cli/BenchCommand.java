package dev.exaone4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.exaone4j.engine.MemoryBandwidth;
import dev.exaone4j.model.InferenceState;
import dev.exaone4j.model.Model;
import dev.exaone4j.model.ModelConfig;
import dev.exaone4j.tensor.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code bench -m PATH [-p 512] [-n 128] [-t THREADS] [-r REPS] [--json]}: prompt processing of p tokens and
 * generation of n tokens, each repeated r times after a warm-up (median and spread), plus the machine's measured
 * memory bandwidth and generation speed as a fraction of the bandwidth limit (bandwidth / bytes read per token).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure prompt processing and generation speed (llama-bench style) against the memory-bandwidth limit.")
public final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;

    @Option(names = {"-p", "--n-prompt"}, paramLabel = "N", description = "prompt tokens (default ${DEFAULT-VALUE})", defaultValue = "512")
    int nPrompt;

    @Option(names = {"-n", "--n-gen"}, paramLabel = "N", description = "generated tokens (default ${DEFAULT-VALUE})", defaultValue = "128")
    int nGen;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "R", description = "repetitions after one warm-up (default ${DEFAULT-VALUE})", defaultValue = "3")
    int reps;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(names = "--mtp", description = "also measure MTP self-speculative decoding (models with an MTP head)")
    boolean mtp;

    @Option(names = "--draft", paramLabel = "N", defaultValue = "2", description = "MTP draft tokens per step (default ${DEFAULT-VALUE})")
    int draft;

    @Option(names = "--bandwidth-mib", paramLabel = "MIB", description = "buffer for the bandwidth probe (default ${DEFAULT-VALUE})", defaultValue = "1024")
    int bandwidthMib;

    @Override
    public Integer call() throws Exception {
        if (nPrompt < 0 || nGen < 0 || nPrompt + nGen < 1) throw new IllegalArgumentException("-p and -n must be >= 0 and not both 0");
        if (reps < 1 || reps > 1000) throw new IllegalArgumentException("-r must be in [1, 1000]");
        if (bandwidthMib < 16 || bandwidthMib > 65536) throw new IllegalArgumentException("--bandwidth-mib must be in [16, 65536]");
        try (Model model = opts.load()) {
            ModelConfig c = model.config();
            if (nPrompt + nGen > c.contextLength) throw new IllegalArgumentException("-p + -n = " + (nPrompt + nGen) + " exceeds the model's context of " + c.contextLength);
            SplittableRandom rnd = new SplittableRandom(1234);
            int[] prompt = new int[Math.max(1, nPrompt)];
            for (int i = 0; i < prompt.length; i++) prompt[i] = rnd.nextInt(c.vocabSize);
            int ctx = Math.max(nPrompt, 1) + nGen + 1;

            double[] pp = new double[reps], tg = new double[reps];
            for (int r = -1; r < reps; r++) {              // r = -1 is the warm-up
                if (nPrompt > 0) {
                    InferenceState s = model.newState(ctx);
                    long t0 = System.nanoTime();
                    model.prefill(s, prompt, 0, nPrompt, false);
                    double sec = (System.nanoTime() - t0) / 1e9;
                    if (r >= 0) pp[r] = nPrompt / sec;
                }
                if (nGen > 0) {
                    InferenceState s = model.newState(ctx);
                    int[] one = {prompt[0]};
                    long t0 = System.nanoTime();
                    for (int i = 0; i < nGen; i++) {
                        float[] logits = model.forward(s, one, false);
                        one[0] = argmax(logits);
                    }
                    double sec = (System.nanoTime() - t0) / 1e9;
                    if (r >= 0) tg[r] = nGen / sec;
                }
            }
            double[] tgMtp = new double[reps];
            double acceptance = 0, perStep = 0, verifyRatio = 0, draftRatio = 0;
            if (mtp) {
                if (!dev.exaone4j.model.MtpHead.available(model)) throw new IllegalArgumentException("--mtp: model " + opts.path() + " has no MTP head");
                for (int r = -1; r < reps; r++) {
                    var res = dev.exaone4j.engine.SpeculativeGenerator.generate(model, ctx + draft + 1, new int[]{prompt[0]}, nGen, draft,
                            new dev.exaone4j.sampling.Sampler(dev.exaone4j.sampling.SamplerConfig.GREEDY), new int[0], null);
                    if (r >= 0) {
                        tgMtp[r] = res.tokens().length * 1e9 / Math.max(1, res.promptNanos() + res.generateNanos());
                        acceptance = res.acceptanceRate();
                        perStep = res.meanAcceptedPerStep();
                    }
                }
                verifyRatio = dev.exaone4j.engine.SpeculativeGenerator.verifyCostRatio(model, draft, Math.min(64, Math.max(1, nPrompt)), Math.max(3, reps));
                draftRatio = dev.exaone4j.engine.SpeculativeGenerator.draftCostRatio(model, Math.min(64, Math.max(1, nPrompt)), Math.max(3, reps));
            }
            double bw = MemoryBandwidth.measure((long) bandwidthMib << 20, 5);
            long bytesPerToken = bytesReadPerToken(model);
            double tgMed = median(tg), ppMed = median(pp);
            double limit = bw / bytesPerToken;
            long modelBytes = model.weights().totalBytes();
            if (json) {
                ObjectNode o = new ObjectMapper().createObjectNode();
                o.put("model", opts.path().toString());
                o.put("architecture", c.arch.ggufName);
                o.put("weight_type", model.weights().dominantType());
                o.put("model_bytes", modelBytes);
                o.put("threads", Parallel.global().threads());
                o.put("activations", opts.activations().label());
                o.put("n_prompt", nPrompt);
                o.put("n_gen", nGen);
                o.put("repetitions", reps);
                o.put("pp_tokens_per_s", round(ppMed));
                o.put("pp_min", round(min(pp)));
                o.put("pp_max", round(max(pp)));
                o.put("tg_tokens_per_s", round(tgMed));
                o.put("tg_min", round(min(tg)));
                o.put("tg_max", round(max(tg)));
                o.put("bytes_per_token", bytesPerToken);
                o.put("memory_bandwidth_gb_s", round(bw / 1e9));
                o.put("tg_limit_tokens_per_s", round(limit));
                o.put("tg_fraction_of_bandwidth_limit", Math.round(tgMed / limit * 1000) / 1000.0);
                if (mtp) {
                    o.put("mtp_draft", draft);
                    o.put("tg_mtp_tokens_per_s", round(median(tgMtp)));
                    o.put("mtp_speedup", Math.round(median(tgMtp) / tgMed * 1000) / 1000.0);
                    o.put("mtp_acceptance_rate", Math.round(acceptance * 1000) / 1000.0);
                    o.put("mtp_mean_accepted_per_step", Math.round(perStep * 1000) / 1000.0);
                    o.put("mtp_verify_cost_ratio", Math.round(verifyRatio * 1000) / 1000.0);
                    o.put("mtp_draft_cost_ratio", Math.round(draftRatio * 1000) / 1000.0);
                }
                System.out.println(new ObjectMapper().writeValueAsString(o));
            } else {
                System.out.printf("model: %s (%s, %s, %s), threads %d, %s activations%n", opts.path(), c.arch.ggufName,
                        model.weights().dominantType(), InspectCommand.human(modelBytes), Parallel.global().threads(), opts.activations().label());
                if (nPrompt > 0) System.out.printf("pp%-5d %8.2f tokens/s  (min %.2f, max %.2f over %d runs)%n", nPrompt, ppMed, min(pp), max(pp), reps);
                if (nGen > 0) System.out.printf("tg%-5d %8.2f tokens/s  (min %.2f, max %.2f over %d runs)%n", nGen, tgMed, min(tg), max(tg), reps);
                System.out.printf("memory bandwidth %.1f GB/s; %.1f MiB read per token -> limit %.2f tokens/s; tg = %.0f%% of the limit%n",
                        bw / 1e9, bytesPerToken / 1048576.0, limit, 100 * tgMed / limit);
                if (mtp) {
                    System.out.printf("tg%-5d with MTP (draft %d) %8.2f tokens/s = %.2fx plain; acceptance %.1f%%, %.2f accepted + 1 per step%n",
                            nGen, draft, median(tgMtp), median(tgMtp) / tgMed, 100 * acceptance, perStep);
                    System.out.printf("cost of verifying %d tokens in one pass = %.2fx one decode step; one MTP draft = %.2fx (speed-up bound: (accepted+1) / (verify + %d x draft))%n",
                            draft + 1, verifyRatio, draftRatio, draft);
                }
            }
        }
        return 0;
    }

    /**
     * Weight bytes one decode step streams: every matrix except the token embedding (only one row is read), plus
     * the output head (the embedding again when tied); for MoE only the experts a token uses.
     */
    static long bytesReadPerToken(Model m) {
        ModelConfig c = m.config();
        long total = m.weights().totalBytes();
        long embd = m.weights().has("token_embd.weight") ? embdBytes(m) : 0;
        long bytes = total - embd;
        if (!m.weights().has("output.weight")) bytes += embd;
        if (c.nExperts > 0) {
            // routed experts: only nExpertsUsed of nExperts are read per MoE layer
            long expertBytes = 0;
            for (int l = 0; l < c.nLayers; l++) {
                if (!c.isMoe(l)) continue;
                for (String t : new String[]{"ffn_gate_exps", "ffn_up_exps", "ffn_down_exps"}) {
                    expertBytes += m.weights().experts("blk." + l + "." + t + ".weight", c.nExperts,
                            t.equals("ffn_down_exps") ? c.dim : c.moeFfnDim, t.equals("ffn_down_exps") ? c.moeFfnDim : c.dim)[0].byteSize() * c.nExperts;
                }
            }
            bytes -= expertBytes - expertBytes / c.nExperts * c.nExpertsUsed;
        }
        return Math.max(1, bytes);
    }

    static long embdBytes(Model m) {
        ModelConfig c = m.config();
        return m.weights().matrix("token_embd.weight", c.vocabSize, c.dim).byteSize();
    }

    static int argmax(float[] x) {
        int b = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[b]) b = i;
        return b;
    }

    static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double min(double[] a) { return Arrays.stream(a).min().orElse(0); }
    static double max(double[] a) { return Arrays.stream(a).max().orElse(0); }
    static double round(double x) { return Math.round(x * 100) / 100.0; }
}
