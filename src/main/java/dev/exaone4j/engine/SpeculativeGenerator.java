package dev.exaone4j.engine;

import dev.exaone4j.model.DecoderModel;
import dev.exaone4j.model.InferenceState;
import dev.exaone4j.model.Model;
import dev.exaone4j.model.MtpHead;
import dev.exaone4j.sampling.Sampler;

import java.util.Arrays;

/**
 * Self-speculative decoding with the model's own MTP head (spec §4.9, as vLLM's {@code "method": "mtp"}): one
 * sequence, driven step by step (a server holds one per request).
 * <p>With P the main position and x_P the token chosen for it (emitted, not yet run), one {@link #step}:
 * <ol>
 *   <li>drafts N tokens with the MTP head: d_1 from (h_{P−1}, x_P), then d_{k+1} from (o_k, d_k), reusing the one MTP
 *       layer with its own output o as the hidden state ({@link MtpHead});</li>
 *   <li>verifies them with ONE forward pass of the main model over [x_P, d_1 … d_N] (N+1 positions, every row's
 *       logits): row j is the target distribution of position P+j+1;</li>
 *   <li>keeps the longest prefix the target agrees with (greedy: d_k equals the target's argmax; sampling: rejection
 *       sampling, {@link SpeculativeSampling}, so the output is distributed exactly as the model's), plus one token
 *       from the target (the correction at the first rejection, or a bonus token after N acceptances);</li>
 *   <li>rolls the main caches (global and sliding rings) and the MTP state back to the kept positions. The MTP rows
 *       of the kept positions are then rebuilt, at the next step's first draft and in one batch, from the main model's
 *       hidden states (as vLLM does), so the MTP cache never keeps a row built from its own draft chain.</li>
 * </ol>
 * Both distributions come from {@link Sampler#probabilities} after the same penalties (history = the sequence so far
 * plus the drafts before the row), so top-k/top-p/min-p/temperature and penalties hold exactly. Greedy output is
 * identical to {@link Generator}'s.
 */
public final class SpeculativeGenerator {
    public static final int DEFAULT_DRAFT = 2;
    public static final int MAX_DRAFT = 4;

    /** Picks draft tokens in place of the MTP head's (tests only, greedy only: forces every acceptance length). */
    @FunctionalInterface
    interface DraftOverride {
        /** The k-th draft (0-based) for main position pos, given the MTP head's proposal. */
        int draft(int pos, int k, int proposed);
    }

    private final Model model;
    private final MtpHead head;
    private final MtpHead.State st;
    private final Sampler sampler;
    private final int draft;
    private final int maxContext;
    private final int[] history;     // prompt + emitted tokens; drafts are written after them while a step runs
    private int length;              // history length: the main position + 1 (the last token is chosen, not yet run)
    private boolean started;
    DraftOverride override;

    private long steps, drafted, accepted, emitted;

    /**
     * A sequence of at most maxContext positions on the model's MTP head, drafting up to {@code draft} (1..4) tokens
     * per step. Fails with "model X has no MTP head" when the model has none.
     */
    public SpeculativeGenerator(Model model, int maxContext, int draft, Sampler sampler) {
        this(model, maxContext, DecoderModel.DEFAULT_MAX_BATCH, draft, sampler);
    }

    /**
     * The same with forward calls of at most maxBatch rows (prompt chunks; sliding-window rings hold window + maxBatch
     * positions). A verification runs draft + 1 rows in one call, so maxBatch must be at least that.
     */
    public SpeculativeGenerator(Model model, int maxContext, int maxBatch, int draft, Sampler sampler) {
        if (draft < 1 || draft > MAX_DRAFT) throw new IllegalArgumentException("--draft must be in [1, " + MAX_DRAFT + "], got " + draft);
        if (maxBatch < draft + 1) throw new IllegalArgumentException("a batch of " + maxBatch + " rows cannot verify " + draft + " drafts");
        this.model = model;
        this.head = MtpHead.of(model);
        this.st = head.newState(maxContext, maxBatch);
        this.sampler = sampler;
        this.draft = draft;
        this.maxContext = st.main().maxContext;
        this.history = new int[this.maxContext + 1];
    }

    /** Runs the prompt and returns the first generated token. */
    public int start(int[] prompt) {
        if (started) throw new IllegalStateException("this sequence has already started");
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt is empty");
        if (prompt.length > maxContext) throw new IllegalArgumentException("the prompt has " + prompt.length + " tokens but the context holds " + maxContext);
        started = true;
        float[] logits = head.advance(st, prompt, 0, prompt.length, false, true).clone();
        System.arraycopy(prompt, 0, history, 0, prompt.length);
        length = prompt.length;
        sampler.applyPenalties(logits, history, length);
        int first = sampler.sample(logits);
        history[length++] = first;
        emitted++;
        return first;
    }

    /** Whether another step can run: the last emitted token still has a position in the context. */
    public boolean canStep() {
        return started && length - 1 < maxContext;
    }

    /** One draft-and-verify step; returns the new tokens (1 to draft + 1). */
    public int[] step() {
        return step(Integer.MAX_VALUE);
    }

    /** One draft-and-verify step emitting at most limit (>= 1) tokens: drafts min(draft, limit − 1, room left). */
    public int[] step(int limit) {
        if (!started) throw new IllegalStateException("start(prompt) comes first");
        if (limit < 1) throw new IllegalArgumentException("a step emits at least one token");
        int pos = length - 1;                                 // P: the position of x_P, the last emitted token
        if (pos >= maxContext) throw new IllegalStateException("context is full: " + maxContext + " tokens");
        int n = Math.min(draft, Math.min(limit - 1, maxContext - 1 - pos));
        int vocab = model.config().vocabSize;

        // 1. draft d_1..d_n with the MTP head (q_k: the distribution d_k was drawn from)
        float[][] q = new float[n][];
        for (int k = 0; k < n; k++) {
            float[] l = (k == 0 ? head.draftFirst(st, history[pos]) : head.draftNext(st, history[length + k - 1])).clone();
            sampler.applyPenalties(l, history, length + k);
            int d;
            if (sampler.config().greedy()) {
                d = Sampler.argmax(l);
                if (override != null) d = override.draft(pos + k + 1, k, d);
                q[k] = new float[vocab];
                q[k][d] = 1f;                                 // a deterministic drafter proposes with probability 1
            } else {
                q[k] = sampler.probabilities(l);
                d = SpeculativeSampling.draw(q[k], sampler.nextUniform());
            }
            history[length + k] = d;
        }

        // 2. verify: one main forward over [x_P, d_1..d_n], every row's logits
        float[] logits = head.advance(st, history, pos, n + 1, true);
        SpeculativeSampling.Verdict v = SpeculativeSampling.verify(Arrays.copyOfRange(history, length, length + n), n, q, j -> {
            float[] row = Arrays.copyOfRange(logits, j * vocab, (j + 1) * vocab);
            sampler.applyPenalties(row, history, length + j);
            return sampler.probabilities(row);
        }, sampler::nextUniform);

        // 3. keep x_P, d_1..d_a in the caches; emit d_1..d_a and the target's token
        head.rollback(st, pos + v.accepted() + 1);
        int[] out = new int[v.accepted() + 1];
        System.arraycopy(history, length, out, 0, v.accepted());
        out[v.accepted()] = v.next();
        System.arraycopy(out, 0, history, length, out.length);
        length += out.length;
        steps++;
        drafted += n;
        accepted += v.accepted();
        emitted += out.length;
        return out;
    }

    /** Verification steps run. */
    public long steps() { return steps; }

    /** Draft tokens proposed. */
    public long drafted() { return drafted; }

    /** Draft tokens kept. */
    public long accepted() { return accepted; }

    /** Tokens emitted, the first (from the prompt pass) included. */
    public long emitted() { return emitted; }

    /** The sequence's main and MTP state. */
    public MtpHead.State state() { return st; }

    // ------------------------------------------------------------------ whole generations and measurements

    /** A generation's tokens, timing and speculation statistics. */
    public record Result(int[] tokens, int promptTokens, long promptNanos, long generateNanos, String stopReason,
                         long steps, long drafted, long accepted) {
        /** Fraction of drafted tokens the target kept. */
        public double acceptanceRate() {
            return drafted == 0 ? 0 : (double) accepted / drafted;
        }

        /** Mean draft tokens kept per verification step. */
        public double meanAcceptedPerStep() {
            return steps == 0 ? 0 : (double) accepted / steps;
        }

        /** Mean tokens emitted per verification step (accepted drafts + the target's token): the speed-up's numerator. */
        public double tokensPerStep() {
            return steps == 0 ? 0 : (double) (accepted + steps) / steps;
        }

        public double promptTokensPerSecond() {
            return promptNanos == 0 ? 0 : promptTokens * 1e9 / promptNanos;
        }

        /** Decode speed over the tokens after the first (the first comes from the prompt pass). */
        public double generateTokensPerSecond() {
            int n = tokens.length - 1;
            return n <= 0 || generateNanos == 0 ? 0 : n * 1e9 / generateNanos;
        }
    }

    /**
     * Generates up to maxNew tokens after the prompt with MTP speculation (the counterpart of
     * {@link Generator#generate}, same stop rules): stops at a stop id (not emitted), at the context limit, or when the
     * listener returns false. Tokens a step produced after a stop are dropped.
     */
    public static Result generate(Model model, int maxContext, int[] prompt, int maxNew, int draft, Sampler sampler,
                                  int[] stopIds, Generator.TokenListener listener) {
        if (maxNew < 0) throw new IllegalArgumentException("the number of tokens to generate must be >= 0");
        return new SpeculativeGenerator(model, maxContext, draft, sampler).run(prompt, maxNew, stopIds, listener);
    }

    /** {@link #generate} on this fresh sequence. */
    public Result run(int[] prompt, int maxNew, int[] stopIds, Generator.TokenListener listener) {
        SpeculativeGenerator g = this;
        long t0 = System.nanoTime();
        int[] next = {g.start(prompt)};
        long t1 = System.nanoTime();
        int limit = Math.min(maxNew, g.maxContext - prompt.length + 1);
        int[] out = new int[limit];
        int produced = 0;
        String reason = "length";
        if (limit == 0) return new Result(out, prompt.length, t1 - t0, 0, reason, 0, 0, 0);
        emit:
        while (true) {
            for (int id : next) {
                if (Generator.contains(stopIds, id)) {         // as Generator: the stop token is neither emitted nor returned
                    reason = "stop";
                    break emit;
                }
                out[produced++] = id;
                if (listener != null && !listener.onToken(id)) {
                    reason = "cancelled";
                    break emit;
                }
                if (produced == limit) break emit;
            }
            next = g.step(limit - produced);
        }
        long t2 = System.nanoTime();
        return new Result(Arrays.copyOf(out, produced), prompt.length, t1 - t0, t2 - t1, reason, g.steps, g.drafted, g.accepted);
    }

    /**
     * Cost of verification relative to plain decoding on this machine: median time of one main forward over draft + 1
     * positions (all logits) divided by the median time of a one-token forward, both after a prefix of `prefix`
     * tokens. With E tokens emitted per step and MTP draft cost c (see {@link #draftCostRatio}), speculation speeds
     * decoding up by about E / (ratio + draft · c).
     */
    public static double verifyCostRatio(Model model, int draft, int prefix, int repeats) {
        if (draft < 1 || draft > MAX_DRAFT) throw new IllegalArgumentException("draft must be in [1, " + MAX_DRAFT + "], got " + draft);
        checkProbe(prefix, repeats);
        InferenceState s = model.newState(prefix + draft + 1);
        int[] ids = probeTokens(model, prefix + draft + 1);
        model.prefill(s, ids, 0, prefix, false);
        long[] one = new long[repeats], many = new long[repeats];
        for (int r = -warmup(repeats); r < repeats; r++) {    // negative r: warm-up
            long t0 = System.nanoTime();
            model.forward(s, ids, prefix, 1, false);
            long t1 = System.nanoTime();
            s.truncate(prefix);
            model.forward(s, ids, prefix, draft + 1, true);
            long t2 = System.nanoTime();
            s.truncate(prefix);
            if (r >= 0) {
                one[r] = t1 - t0;
                many[r] = t2 - t1;
            }
        }
        return (double) median(many) / median(one);
    }

    /**
     * Cost of one chained MTP draft step (one row through the MTP layer and the output head) relative to a one-token
     * forward of the main model, both after a prefix of `prefix` tokens.
     */
    public static double draftCostRatio(Model model, int prefix, int repeats) {
        checkProbe(prefix, repeats);
        int steps = warmup(repeats) + repeats;
        int[] ids = probeTokens(model, prefix + 1);
        MtpHead head = MtpHead.of(model);
        MtpHead.State st = head.newState(prefix + steps + 1);
        head.advance(st, ids, 0, prefix, false, true);
        head.draftFirst(st, ids[prefix]);
        InferenceState s = model.newState(prefix + 1);
        model.prefill(s, ids, 0, prefix, false);
        long[] one = new long[repeats], mtp = new long[repeats];
        for (int r = -warmup(repeats); r < repeats; r++) {
            long t0 = System.nanoTime();
            head.draftNext(st, ids[prefix]);                   // each adds one draft row: the attention span grows by one
            long t1 = System.nanoTime();
            model.forward(s, ids, prefix, 1, false);
            long t2 = System.nanoTime();
            s.truncate(prefix);
            if (r >= 0) {
                mtp[r] = t1 - t0;
                one[r] = t2 - t1;
            }
        }
        return (double) median(mtp) / median(one);
    }

    private static void checkProbe(int prefix, int repeats) {
        if (prefix < 1) throw new IllegalArgumentException("the timing prefix must be >= 1 token, got " + prefix);
        if (repeats < 1) throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
    }

    private static int warmup(int repeats) {
        return Math.max(2, repeats / 4);
    }

    /** Deterministic in-vocabulary token ids for timing (the values do not matter for dense cost; MoE routing varies). */
    private static int[] probeTokens(Model model, int n) {
        int vocab = model.config().vocabSize;
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = (int) ((i * 7919L + 13) % vocab);
        return ids;
    }

    private static long median(long[] a) {
        long[] b = a.clone();
        Arrays.sort(b);
        return b[b.length / 2];
    }
}
