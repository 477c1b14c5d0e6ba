package dev.exaone4j.engine;

import dev.exaone4j.model.InferenceState;
import dev.exaone4j.model.Model;
import dev.exaone4j.model.ModelLoader;
import dev.exaone4j.sampling.Sampler;
import dev.exaone4j.sampling.SamplerConfig;
import dev.exaone4j.tensor.Parallel;
import dev.exaone4j.testutil.RefLogits;
import dev.exaone4j.testutil.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Self-speculative decoding on the tiny K-EXAONE model (8 layers LLLG, sliding window 8, one MTP layer).
 * <ul>
 *   <li>greedy output is identical to the plain {@link Generator}'s, for drafts 1..4, on hf/, -F32 and -Q8_0, over
 *       80 generated tokens (ten times the window), also with penalties, at the context limit, with stop ids and
 *       cancellation;</li>
 *   <li>the random-weight MTP head rarely guesses right, so every acceptance length 0..N (and the rollbacks after each)
 *       is forced with drafts taken from the plain output, corrupted at chosen steps;</li>
 *   <li>sampling: the first tokens of many seeded runs follow the model's exact distribution (chi-square), with
 *       top-k 3 (rejections and residual draws; exact joint of 2 and 3 tokens) and with the full vocabulary (drafts
 *       accepted about a third of the time; binned marginal of the first speculative token).</li>
 * </ul>
 */
class SpeculativeGeneratorTest {
    static final String DIR = "tiny/exaone-moe-tiny/";
    static final int NEW = 80;

    /**
     * One thread: the tiny model's matrices are far too small for a parallel barrier to pay (thousands of short runs
     * here), and every row's arithmetic is the same whatever the thread count (rows are split, never a dot product).
     */
    @BeforeAll
    static void singleThread() {
        Parallel.configure(1);
    }

    @AfterAll
    static void restoreThreads() {
        Parallel.configure(Parallel.defaultThreads());
    }

    static Path model(String variant) {
        return SharedData.require(DIR + variant);
    }

    static int[] prompt() throws Exception {
        return Arrays.copyOf(RefLogits.readIds(SharedData.require("tiny/tokens.txt")), 6);
    }

    static int[] plain(Model m, int ctx, int[] prompt, int maxNew, SamplerConfig cfg, int[] stop) {
        return Generator.generate(m, m.newState(ctx), prompt, maxNew, new Sampler(cfg), stop, null).tokens();
    }

    static Stream<Arguments> variantsAndDrafts() {
        List<Arguments> out = new ArrayList<>();
        for (String v : new String[]{"hf", "exaone-moe-tiny-F32.gguf", "exaone-moe-tiny-Q8_0.gguf"}) {
            for (int d = 1; d <= 4; d++) out.add(Arguments.of(v, d, d % 2 == 0 ? d + 1 : 256));
        }
        return out.stream();
    }

    /** maxBatch draft + 1: sliding rings of 8 + draft + 1 slots, which the 86 positions wrap several times (256: no wrap). */
    @ParameterizedTest(name = "{0}, draft {1}, maxBatch {2}")
    @MethodSource("variantsAndDrafts")
    void greedyOutputIsIdenticalToPlainDecoding(String variant, int draft, int maxBatch) throws Exception {
        int[] prompt = prompt();
        try (Model m = ModelLoader.load(model(variant))) {
            int[] expected = plain(m, 128, prompt, NEW, SamplerConfig.GREEDY, null);
            SpeculativeGenerator.Result r = new SpeculativeGenerator(m, 128, maxBatch, draft, new Sampler(SamplerConfig.GREEDY)).run(prompt, NEW, null, null);
            assertThat(r.tokens()).isEqualTo(expected);
            assertThat(r.stopReason()).isEqualTo("length");
            assertThat(r.accepted()).isLessThanOrEqualTo(r.drafted());
            assertThat(r.steps() + r.accepted() + 1).as("tokens = first + one per step + accepted drafts").isEqualTo(NEW);
            System.out.printf("%s draft %d: %d steps, acceptance %.3f, %.2f tokens/step%n", variant, draft, r.steps(), r.acceptanceRate(), r.tokensPerStep());
        }
    }

    /**
     * Drafts from the plain output, wrong at chosen steps: every acceptance length 0..draft occurs (each followed by
     * its rollback of draft − accepted positions), output unchanged; with and without penalties.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"exaone-moe-tiny-F32.gguf", "exaone-moe-tiny-Q8_0.gguf"})
    void everyAcceptanceLengthRollsBackExactly(String variant) throws Exception {
        int[] prompt = prompt();
        SamplerConfig penalized = new SamplerConfig(0f, 0, 1f, 0f, 1.3f, 0.2f, 0.1f, 16, 0);
        for (SamplerConfig cfg : new SamplerConfig[]{SamplerConfig.GREEDY, penalized}) {
            try (Model m = ModelLoader.load(model(variant))) {
                int[] expected = plain(m, 128, prompt, NEW, cfg, null);
                for (int draft = 1; draft <= 4; draft++) {
                    int[] truth = concat(prompt, expected);
                    // batches of draft + 1 rows: rings of 8 + draft + 1 slots wrap, and take rollbacks of up to draft positions
                    SpeculativeGenerator g = new SpeculativeGenerator(m, 128, draft + 1, draft, new Sampler(cfg));
                    int[] stepCounter = {0};
                    int d = draft;
                    // at the step's first draft decide how many to get right: cycles 0, 1, ..., draft
                    int[] rightUntil = {0};
                    g.override = (pos, k, proposed) -> {
                        if (k == 0) rightUntil[0] = stepCounter[0]++ % (d + 1);
                        return k < rightUntil[0] ? truth[pos] : (truth[pos] + 1 + k) % m.config().vocabSize;
                    };
                    int[] acceptedHistogram = new int[draft + 1];
                    List<Integer> out = new ArrayList<>();
                    out.add(g.start(prompt));
                    while (out.size() < NEW) {
                        int[] toks = g.step(NEW - out.size());
                        if (toks.length - 1 <= draft) acceptedHistogram[toks.length - 1]++;
                        for (int t : toks) out.add(t);
                    }
                    assertThat(out.stream().mapToInt(Integer::intValue).toArray()).as("draft %d, %s", draft, cfg).isEqualTo(expected);
                    for (int a = 0; a <= draft; a++) assertThat(acceptedHistogram[a]).as("steps accepting %d of %d", a, draft).isPositive();
                    assertThat(g.state().mainPosition()).isEqualTo(prompt.length + NEW - 1);
                }
            }
        }
    }

    @Test
    void contextLimitStopAndCancel() throws Exception {
        int[] prompt = prompt();
        try (Model m = ModelLoader.load(model("exaone-moe-tiny-F32.gguf"))) {
            // the context runs out: 40 positions hold the prompt and 34 fed tokens; the 35th token is emitted, never fed
            int[] expected = plain(m, 40, prompt, 1000, SamplerConfig.GREEDY, null);
            assertThat(expected).hasSize(40 - prompt.length + 1);
            for (int draft = 1; draft <= 4; draft++) {
                SpeculativeGenerator.Result r = SpeculativeGenerator.generate(m, 40, prompt, 1000, draft, new Sampler(SamplerConfig.GREEDY), null, null);
                assertThat(r.tokens()).isEqualTo(expected);
            }
            // a stop id: output ends before its first occurrence; with drafts taken from the plain output every step
            // emits draft + 1 tokens, so the tokens a step produced after the stop are dropped
            int[] all = plain(m, 128, prompt, NEW, SamplerConfig.GREEDY, null);
            int[] truth = concat(prompt, all);
            int stop = all[NEW / 2];
            int[] stopped = plain(m, 128, prompt, NEW, SamplerConfig.GREEDY, new int[]{stop});
            assertThat(stopped.length).isLessThanOrEqualTo(NEW / 2);
            for (boolean oracle : new boolean[]{false, true}) {
                SpeculativeGenerator g = new SpeculativeGenerator(m, 128, 4, new Sampler(SamplerConfig.GREEDY));
                if (oracle) g.override = (pos, k, proposed) -> truth[pos];
                SpeculativeGenerator.Result r = g.run(prompt, NEW, new int[]{stop}, null);
                assertThat(r.tokens()).isEqualTo(stopped);
                assertThat(r.stopReason()).isEqualTo("stop");
                if (oracle) assertThat(r.tokensPerStep()).isGreaterThan(4.0);
            }
            // the listener cancels at the 10th token, in the middle of a step's tokens
            for (boolean oracle : new boolean[]{false, true}) {
                SpeculativeGenerator g = new SpeculativeGenerator(m, 128, 4, new Sampler(SamplerConfig.GREEDY));
                if (oracle) g.override = (pos, k, proposed) -> truth[pos];
                int[] seen = {0};
                SpeculativeGenerator.Result r = g.run(prompt, NEW, null, id -> ++seen[0] < 10);
                assertThat(r.tokens()).isEqualTo(Arrays.copyOf(all, 10));
                assertThat(r.stopReason()).isEqualTo("cancelled");
            }
        }
    }

    @Test
    void modelWithoutMtpHeadIsAClearError() throws Exception {
        try (Model m = ModelLoader.load(SharedData.require("tiny/exaone4-tiny-hybrid4/hf"))) {
            assertThatThrownBy(() -> new SpeculativeGenerator(m, 64, 2, new Sampler(SamplerConfig.GREEDY)))
                    .hasMessageContaining("has no MTP head");
        }
        try (Model m = ModelLoader.load(model("hf"))) {
            assertThatThrownBy(() -> new SpeculativeGenerator(m, 64, 5, new Sampler(SamplerConfig.GREEDY)))
                    .hasMessageContaining("--draft must be in [1, 4]");
        }
    }

    @Test
    void samplingIsSeededAndDeterministic() throws Exception {
        SamplerConfig cfg = new SamplerConfig(1.5f, 0, 0.95f, 0f, 1f, 0f, 0f, 64, 123);
        try (Model m = ModelLoader.load(model("exaone-moe-tiny-F32.gguf"))) {
            SpeculativeGenerator.Result a = SpeculativeGenerator.generate(m, 128, prompt(), NEW, 3, new Sampler(cfg), null, null);
            SpeculativeGenerator.Result b = SpeculativeGenerator.generate(m, 128, prompt(), NEW, 3, new Sampler(cfg), null, null);
            assertThat(a.tokens()).hasSize(NEW).isEqualTo(b.tokens());
            System.out.printf("sampling T=1.5 top-p 0.95: acceptance %.3f, %.2f tokens/step%n", a.acceptanceRate(), a.tokensPerStep());
        }
    }

    /**
     * Small support: top-k 3 at temperature 2, so the first generated tokens have 9 (one draft: t1, t2) or 27 (two
     * drafts: t1, t2, t3) possible values, each with an exact probability p(t1) p(t2 | t1) ... from the model. Many seeded
     * speculative runs must follow it (chi-square, critical values at p = 1e-4). The random MTP head's top 3 never
     * meets the model's here, so this exercises rejections and the residual draw.
     */
    @Test
    void samplingFollowsTheModelsJointDistribution() throws Exception {
        int[] prompt = prompt();
        SamplerConfig cfg = new SamplerConfig(2.0f, 3, 1f, 0f, 1f, 0f, 0f, 64, 0);
        try (Model m = ModelLoader.load(model("exaone-moe-tiny-F32.gguf"))) {
            for (int draft = 1; draft <= 2; draft++) {
                int len = draft + 1;
                Map<String, Double> exact = new HashMap<>();
                exactJoint(m, cfg, prompt, new int[0], 1.0, len, exact);
                Map<String, Integer> counts = new HashMap<>();
                int runs = 4000;
                for (int i = 0; i < runs; i++) {
                    // maxNew len + 1: the step after t1 may draft `draft` tokens
                    SpeculativeGenerator.Result r = SpeculativeGenerator.generate(m, 32, prompt, len + 1, draft, new Sampler(cfg.withSeed(i)), null, null);
                    counts.merge(key(Arrays.copyOf(r.tokens(), len)), 1, Integer::sum);
                }
                double chi2 = 0;
                for (var e : exact.entrySet()) {
                    double expected = runs * e.getValue();
                    double c = counts.getOrDefault(e.getKey(), 0);
                    chi2 += (c - expected) * (c - expected) / expected;
                }
                for (String k : counts.keySet()) assertThat(exact).as("outcome %s has probability 0", k).containsKey(k);
                double critical = draft == 1 ? 31.83 : 61.66;   // 8 and 26 degrees of freedom
                System.out.printf("top-k 3, draft %d: %d outcomes, chi2 = %.2f (critical %.2f)%n", draft, exact.size(), chi2, critical);
                assertThat(chi2).isLessThan(critical);
            }
        }
    }

    /**
     * Full vocabulary at temperature 1, where the model and its MTP head overlap (about a third of the drafts are
     * kept): the second generated token, the first one a speculative step emits (a kept draft or a correction), must
     * follow its exact marginal Σ_t1 p(t1) p(t2 | t1). Tokens are binned into 20 bins of equal exact probability;
     * chi-square with 19 degrees of freedom, critical value 50.80 at p = 1e-4.
     */
    @Test
    void samplingWithAcceptedDraftsFollowsTheModelsDistribution() throws Exception {
        int[] prompt = prompt();
        SamplerConfig cfg = new SamplerConfig(1.0f, 0, 1f, 0f, 1f, 0f, 0f, 64, 0);
        try (Model m = ModelLoader.load(model("exaone-moe-tiny-F32.gguf"))) {
            int vocab = m.config().vocabSize;
            InferenceState s = m.newState(16);
            float[] p1 = new Sampler(cfg).probabilities(m.forward(s, prompt, false));
            double[] marginal = new double[vocab];
            for (int t1 = 0; t1 < vocab; t1++) {
                float[] p2 = new Sampler(cfg).probabilities(m.forward(s, new int[]{t1}, false));
                for (int t2 = 0; t2 < vocab; t2++) marginal[t2] += (double) p1[t1] * p2[t2];
                s.truncate(prompt.length);
            }
            int bins = 20;
            int[] bin = equalMassBins(marginal, bins);
            double[] binMass = new double[bins];
            for (int t = 0; t < vocab; t++) binMass[bin[t]] += marginal[t];

            int runs = 5000;
            long[] counts = new long[bins];
            long accepted = 0, drafted = 0;
            for (int i = 0; i < runs; i++) {
                SpeculativeGenerator.Result r = SpeculativeGenerator.generate(m, 32, prompt, 4, 2, new Sampler(cfg.withSeed(i)), null, null);
                counts[bin[r.tokens()[1]]]++;
                accepted += r.accepted();
                drafted += r.drafted();
            }
            double chi2 = 0;
            for (int b = 0; b < bins; b++) {
                double e = runs * binMass[b];
                chi2 += (counts[b] - e) * (counts[b] - e) / e;
            }
            double acceptance = (double) accepted / drafted;
            System.out.printf("full vocabulary T=1, draft 2: acceptance %.3f, chi2 = %.2f over %d bins (critical 50.80)%n", acceptance, chi2, bins);
            assertThat(acceptance).as("drafts are accepted in this setting").isGreaterThan(0.2);
            assertThat(chi2).isLessThan(50.80);
        }
    }

    /** Assigns tokens (in decreasing probability) to `bins` bins of about equal total probability. */
    static int[] equalMassBins(double[] p, int bins) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < p.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        int[] bin = new int[p.length];
        double acc = 0;
        for (int i : order) {
            bin[i] = Math.min(bins - 1, (int) (acc * bins));
            acc += p[i];
        }
        return bin;
    }

    /** Enumerates the top-k continuations: probability of every token sequence of length len after the prompt. */
    static void exactJoint(Model m, SamplerConfig cfg, int[] prompt, int[] prefix, double prob, int len, Map<String, Double> out) {
        if (prefix.length == len) {
            out.put(key(prefix), prob);
            return;
        }
        InferenceState s = m.newState(64);
        float[] p = new Sampler(cfg).probabilities(m.forward(s, concat(prompt, prefix), false));
        for (int t = 0; t < p.length; t++) {
            if (p[t] > 0) exactJoint(m, cfg, prompt, concat(prefix, new int[]{t}), prob * p[t], len, out);
        }
    }

    static String key(int[] t) {
        return Arrays.toString(t);
    }

    static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void costRatiosAreMeasured() throws Exception {
        try (Model m = ModelLoader.load(model("exaone-moe-tiny-F32.gguf"))) {
            double verify = SpeculativeGenerator.verifyCostRatio(m, 2, 16, 20);
            double mtp = SpeculativeGenerator.draftCostRatio(m, 16, 20);
            System.out.printf("tiny model: verify(3 positions)/decode = %.2f, MTP draft step/decode = %.2f%n", verify, mtp);
            assertThat(verify).isPositive().isFinite();
            assertThat(mtp).isPositive().isFinite();
        }
    }
}
