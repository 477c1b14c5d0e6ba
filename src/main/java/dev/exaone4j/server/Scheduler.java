package dev.exaone4j.server;

import dev.exaone4j.engine.SpeculativeGenerator;
import dev.exaone4j.model.InferenceState;
import dev.exaone4j.model.ModelConfig;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Continuous batching on one thread. Every step runs ONE batched forward pass
 * ({@link dev.exaone4j.model.DecoderModel#forwardRows}) over the next token of every decoding sequence plus chunks of
 * the prompts still being prefilled (at most {@code --batch} rows in all, decode rows first, so running streams keep
 * flowing while a long prompt is read), then samples one token for every sequence whose row produced logits. New
 * requests join between steps as soon as a slot ({@code --parallel}) and KV memory are free; a cancelled sequence
 * (client gone) is dropped, and its memory freed, at the next step.
 *
 * <p><b>Memory.</b> A sequence reserves, when admitted, the exact bytes its caches reach for min(prompt + max_tokens,
 * context) positions (global caches grow by doubling; sliding rings are fixed). Reservations plus the prefix cache
 * stay within {@code --kv-budget}: prefix-cache entries are evicted first, then admission waits.
 *
 * <p><b>MTP.</b> With {@code --mtp}, requests that need no per-token logits (no logprobs, penalties, constraints or
 * ignore_eos or logit_bias) run {@link SpeculativeGenerator} — one draft-and-verify step per scheduler step, outside the batched
 * pass (the speculative generator drives its own single-sequence state), with its prompt read in one go and without
 * the prefix cache.
 */
final class Scheduler {
    private static final System.Logger LOG = System.getLogger("exaone4j.server");

    private final LoadedModel lm;
    private final ServerConfig cfg;
    private final Metrics metrics;
    private final PrefixCache cache;
    private final InferenceState ws;
    private final int batchRows;
    private final long budget;
    private final boolean sliding;
    private final int[] eog;
    /**
     * Whether generated tokens are computed exactly as prompt tokens would be (no 8-bit activations): only then may
     * a finished sequence's state, generated tokens included, serve later prompts from the prefix cache.
     */
    private final boolean exactDecode;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();   // guarded by lock
    private final List<Sequence> running = new ArrayList<>();           // scheduler thread only
    private final InferenceState[] rowSeq;
    /** Which rows of a step feed prompt tokens (their products keep f32 activations, see Model#prefill). */
    private final boolean[] rowPrompt;
    private final int[] rowTok;
    private volatile int active;
    private int lastPublished;
    private volatile long reserved;
    private volatile long kvInUse;
    private volatile long cacheBytes;
    private volatile int cacheEntries;
    private volatile boolean accepting = true;
    private volatile boolean stopping;
    private final Thread thread;

    Scheduler(LoadedModel lm, ServerConfig cfg, Metrics metrics) {
        this.lm = lm;
        this.cfg = cfg;
        this.metrics = metrics;
        this.batchRows = cfg.batchRows();
        ModelConfig mc = lm.model.config();
        // the heap still free once the model is loaded (its interleaved copies made): the budget must fit in it
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long usable = (long) (InferenceState.freeHeapBytes() * 0.85);
        if (cfg.kvBudgetBytes() > usable) {
            throw new IllegalArgumentException(String.format("--kv-budget %d MiB is more than the Java heap has free once the model is loaded "
                    + "(about %d MiB usable of -Xmx %d MiB): lower it, or give Java more heap (EXAONE4J_JAVA_OPTS=-Xmx...)",
                    cfg.kvBudgetBytes() >> 20, usable >> 20, rt.maxMemory() >> 20));
        }
        this.budget = cfg.kvBudgetBytes() > 0 ? cfg.kvBudgetBytes() : Math.min(rt.maxMemory() / 2, usable);
        this.exactDecode = !cfg.activations().quantizesAny(lm.model.weights().typeCounts().keySet());
        long perSequence = kvBytes(lm.contextSize);
        if (perSequence > budget) {
            throw new IllegalArgumentException(String.format("the KV budget (%d MiB) is below what one sequence of the full context of %d tokens needs (%d MiB): lower --ctx or raise --kv-budget",
                    budget >> 20, lm.contextSize, (perSequence + (1 << 20) - 1) >> 20));
        }
        long prefixCap = cfg.prefixCacheBytes() < 0 ? budget / 2 : Math.min(cfg.prefixCacheBytes(), budget);
        this.cache = new PrefixCache(cfg.mtp() ? 0 : prefixCap);
        this.ws = InferenceState.workspace(mc, batchRows);
        this.rowSeq = new InferenceState[batchRows];
        this.rowPrompt = new boolean[batchRows];
        this.rowTok = new int[batchRows];
        boolean anySliding = false;
        for (int l = 0; l < mc.nLayers; l++) anySliding |= mc.isSliding(l);
        this.sliding = anySliding;
        this.eog = lm.tokenizer.endOfGenerationIds();
        metrics.gauges(new Metrics.Gauges() {
            public int queueDepth() { return waitingCount(); }
            public int activeSlots() { return active; }
            public int totalSlots() { return cfg.parallel(); }
            public long kvBytesInUse() { return kvInUse; }
            public long kvBytesReserved() { return reserved; }
            public long kvBudget() { return budget; }
            public long prefixCacheBytes() { return cacheBytes; }
            public int prefixCacheEntries() { return cacheEntries; }
        });
        this.thread = Thread.ofPlatform().name("exaone4j-scheduler").daemon(true).start(this::loop);
    }

    /** Exact KV bytes a scheduler-made sequence holds once it has run {@code tokens} positions. */
    long kvBytes(int tokens) {
        return kvBytes(tokens, cfg.mtp() ? dev.exaone4j.model.DecoderModel.DEFAULT_MAX_BATCH : batchRows);
    }

    /** KV bytes of a sequence whose sliding rings hold window + ringBatch slots, after {@code tokens} positions. */
    private long kvBytes(int tokens, int ringBatch) {
        ModelConfig c = lm.model.config();
        int ctx = lm.contextSize;
        int global = Math.min(ctx, 256);
        while (global < tokens) global = (int) Math.min(ctx, Math.max(global * 2L, 16));
        long total = c.kvBytes(global, ringBatch, ctx);
        if (cfg.mtp()) total += c.mtpKvBytes(global);
        return total;
    }

    /** Rejects (400) a request whose sequence could never fit the KV budget. */
    void checkFits(int promptTokens, int maxTokens, String param) {
        long need = kvBytes(Math.min(lm.contextSize, promptTokens + maxTokens));
        if (need > budget) {
            throw ApiError.invalid(param, String.format("this request needs %d MiB of KV cache but the server's budget is %d MiB: lower max_tokens",
                    (need + (1 << 20) - 1) >> 20, budget >> 20));
        }
    }

    /** Queues sequences (all or none); 429 when the queue is full, 503 when shutting down. */
    void submit(List<Sequence> seqs) {
        lock.lock();
        try {
            if (!accepting) throw ApiError.unavailable("The server is shutting down.", "shutting_down", 5);
            if (seqs.size() > cfg.queue() + cfg.parallel()) {
                // could never be admitted, even on an idle server: not a reason to retry
                throw ApiError.invalid("n", String.format("n = %d choices exceed what this server can hold at once (%d slots + %d queued): lower n",
                        seqs.size(), cfg.parallel(), cfg.queue()));
            }
            int free = Math.max(0, cfg.parallel() - active);
            if (waiting.size() + seqs.size() > cfg.queue() + free) {
                metrics.rejected.increment();
                throw ApiError.queueFull(cfg.queue(), 1 + (waiting.size() / Math.max(1, cfg.parallel())));
            }
            waiting.addAll(seqs);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the scheduler so it drops cancelled sequences now. */
    void cancel(Sequence s) {
        s.cancel();
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int waitingCount() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops taking requests, lets queued and running ones finish for up to {@code drainSeconds}, then cancels the rest
     * and ends the scheduler thread.
     */
    void shutdown(long drainSeconds) throws InterruptedException {
        lock.lock();
        try {
            accepting = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainSeconds);
            while ((active > 0 || !waiting.isEmpty()) && System.nanoTime() < deadline) {
                changed.await(50, TimeUnit.MILLISECONDS);
            }
            stopping = true;
            for (Sequence s : waiting) s.cancel();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }

    // ------------------------------------------------------------------ the loop (scheduler thread)

    private void loop() {
        while (true) {
            lock.lock();
            try {
                while (!stopping && running.isEmpty() && waiting.isEmpty()) changed.await();
                if (stopping) {
                    ApiError gone = ApiError.unavailable("The server shut down before this request was started.", "shutting_down", 5);
                    for (Sequence s : waiting) end(s, "error", gone);
                    waiting.clear();
                }
                dropCancelledWaiting();
                if (!stopping) admit();
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (stopping) {
                ApiError gone = ApiError.unavailable("The server shut down before this generation finished.", "shutting_down", 5);
                for (Sequence s : new ArrayList<>(running)) finish(s, "error", gone);
            }
            dropCancelledRunning();
            try {
                if (!running.isEmpty()) step();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "scheduler step failed", t);
                ApiError err = ApiError.internal("generation failed: " + t.getClass().getSimpleName());
                for (Sequence s : new ArrayList<>(running)) finish(s, "error", err);
            }
            publish();
            if (stopping && running.isEmpty()) {
                lock.lock();
                try {
                    if (waiting.isEmpty()) {
                        cache.clear();
                        publish();
                        changed.signalAll();
                        return;
                    }
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void publish() {
        long inUse = 0;
        for (Sequence s : running) {
            if (s.state != null) inUse += s.state.kvBytes();
            else if (s.spec != null) inUse += s.spec.state().kvBytes();
        }
        kvInUse = inUse;
        cacheBytes = cache.bytes();
        cacheEntries = cache.size();
        if (running.size() != lastPublished) {
            lastPublished = running.size();
            lock.lock();
            try {
                changed.signalAll();   // shutdown() waits for the slots to empty
            } finally {
                lock.unlock();
            }
        }
    }

    private void dropCancelledWaiting() {
        for (Iterator<Sequence> it = waiting.iterator(); it.hasNext(); ) {
            Sequence s = it.next();
            if (s.cancelled()) {
                it.remove();
                end(s, "cancelled", null);
            }
        }
    }

    private void dropCancelledRunning() {
        for (Sequence s : new ArrayList<>(running)) if (s.cancelled()) finish(s, "cancelled", null);
    }

    /** Moves waiting sequences into free slots while the KV budget allows (under the lock). */
    private void admit() {
        while (!waiting.isEmpty() && running.size() < cfg.parallel()) {
            Sequence s = waiting.peekFirst();
            long need = kvBytes(s.prompt.length + s.maxTokens);
            while (reserved + need + cache.bytes() > budget && cache.evictOldest()) {
                // freed a prefix-cache entry
            }
            if (reserved + need + cache.bytes() > budget) return;
            waiting.pollFirst();
            try {
                start(s, need);
            } catch (RuntimeException | OutOfMemoryError e) {
                LOG.log(System.Logger.Level.ERROR, "could not start a sequence", e);
                end(s, "error", ApiError.internal("could not start the generation: " + e.getClass().getSimpleName()));
            }
        }
    }

    private void start(Sequence s, long need) {
        metrics.promptTokens.add(s.prompt.length);
        s.row = new float[lm.vocab];
        if (cfg.mtp() && !s.needsLogits()) {
            s.spec = new SpeculativeGenerator(lm.model, lm.contextSize, cfg.draft(), s.sampler);
            s.reserved = need;
        } else {
            PrefixCache.Match m = cache.enabled() ? cache.lookup(s.prompt) : null;
            if (m != null) {
                s.state = PrefixCache.fork(m);
                s.fed = s.cached = m.length();
                metrics.prefixHits.increment();
                metrics.prefixHitTokens.add(m.length());
            } else {
                s.state = InferenceState.sequence(lm.model.config(), lm.contextSize, batchRows);
                if (cache.enabled()) metrics.prefixMisses.increment();
            }
            s.reserved = Math.max(need, s.state.kvBytes());
            // a fork can hold more than admission counted (its entry's grown caches): make room among cached entries
            if (s.reserved > need) makeRoomForCache(s.reserved);
            s.snapshots = cache.enabled() ? snapshotPositions(s.prompt, s.fed) : new int[0];
        }
        reserved += s.reserved;
        running.add(s);
        active = running.size();
    }

    /** Where to snapshot the prompt: its end, and for sliding-window models the first and last special-token boundary. */
    private int[] snapshotPositions(int[] prompt, int from) {
        List<Integer> at = new ArrayList<>();
        if (sliding) {
            int first = -1, last = -1;
            for (int i = 1; i < prompt.length - 1; i++) {
                if (lm.tokenizer.isSpecial(prompt[i]) && i + 1 > from) {
                    if (first < 0) first = i + 1;
                    last = i + 1;
                }
            }
            if (first > 0) at.add(first);
            if (last > first) at.add(last);
        }
        if (prompt.length > from) at.add(prompt.length);
        return at.stream().mapToInt(Integer::intValue).toArray();
    }

    private void step() {
        int rows = 0;
        for (Sequence s : running) {
            s.stepRows = 0;
            if (s.spec == null && s.pending >= 0) {
                rowSeq[rows] = s.state;
                rowTok[rows] = s.pending;
                rowPrompt[rows] = false;
                s.stepRows = 1;
                s.lastRow = rows++;
            }
        }
        for (Sequence s : running) {
            if (s.spec != null || s.pending >= 0 || s.fed >= s.prompt.length) continue;
            int room = batchRows - rows;
            if (room <= 0) break;
            int n = Math.min(room, s.prompt.length - s.fed);
            int snap = s.nextSnapshot();
            if (snap > s.fed) n = Math.min(n, snap - s.fed);
            for (int i = 0; i < n; i++) {
                rowSeq[rows] = s.state;
                rowPrompt[rows] = true;
                rowTok[rows++] = s.prompt[s.fed + i];
            }
            s.stepRows = n;
            s.lastRow = rows - 1;
        }
        if (rows > 0) {
            float[] logits;
            long t0 = System.nanoTime();
            try {
                logits = lm.decoder.forwardRows(ws, rowSeq, rowTok, rows, rowPrompt, true);
            } finally {
                Arrays.fill(rowSeq, 0, rows, null);
            }
            metrics.stepSeconds.observe((System.nanoTime() - t0) / 1e9);
            metrics.steps.increment();
            metrics.stepRows.add(rows);
            for (Sequence s : new ArrayList<>(running)) {
                if (s.stepRows == 0 || s.spec != null) continue;
                if (s.pending >= 0) {
                    s.pending = -1;
                    sample(s, logits, s.lastRow);
                } else {
                    s.fed += s.stepRows;
                    metrics.promptTokensComputed.add(s.stepRows);
                    while (s.nextSnapshot() >= 0 && s.nextSnapshot() <= s.fed) {
                        if (s.nextSnapshot() == s.fed && !cache.covers(s.prompt, s.fed)) {
                            long bytes = s.state.kvBytes();   // a copy holds as much; checked before copying
                            makeRoomForCache(bytes);
                            if (fitsCache(bytes)) cache.put(s.prompt, s.fed, s.state.copy());
                        }
                        s.snapshotIndex++;
                    }
                    if (s.fed == s.prompt.length) sample(s, logits, s.lastRow);
                }
            }
        }
        for (Sequence s : new ArrayList<>(running)) {
            if (s.spec != null && !s.finished) stepMtp(s);
        }
    }

    /** Evicts prefix-cache entries so that an entry of {@code bytes} fits the budget beside the reservations. */
    private void makeRoomForCache(long bytes) {
        while (!fitsCache(bytes) && cache.evictOldest()) {
            // evicted one
        }
    }

    /** Whether an entry of {@code bytes} fits the budget beside the reservations and the cache. */
    private boolean fitsCache(long bytes) {
        return reserved + cache.bytes() + bytes <= budget;
    }

    private void stepMtp(Sequence s) {
        if (s.generated == 0) {
            int first = s.spec.start(s.prompt);
            metrics.promptTokensComputed.add(s.prompt.length);
            accept(s, first, null);
            return;
        }
        long d0 = s.spec.drafted(), a0 = s.spec.accepted();
        int[] toks = s.spec.step(s.maxTokens - s.generated);
        metrics.mtpSteps.increment();
        metrics.mtpDrafted.add(s.spec.drafted() - d0);
        metrics.mtpAccepted.add(s.spec.accepted() - a0);
        for (int t : toks) {
            accept(s, t, null);
            if (s.finished) return;
        }
    }

    /** Samples the next token of s from row r of the batch logits. */
    private void sample(Sequence s, float[] logits, int r) {
        float[] row = s.row;
        System.arraycopy(logits, r * lm.vocab, row, 0, lm.vocab);
        // logit_bias first, then the penalties (the order of transformers, vLLM and llama.cpp)
        for (var b : s.params.logitBias().entrySet()) row[b.getKey()] += b.getValue();
        if (s.repetition != null) s.repetition.applyPenalties(row, s.history, s.length);
        if (s.presenceFrequency != null) s.presenceFrequency.applyPenalties(row, s.output, s.generated);
        TokenLogprob.Row lp = s.params.logprobs() ? TokenLogprob.analyze(row, s.params.topLogprobs()) : null;
        int id;
        if (s.constraint != null) {
            id = constrained(s, row);
            if (id < 0) {
                finish(s, "stop", null);
                return;
            }
        } else {
            if (s.params.ignoreEos()) for (int e : eog) if (e >= 0 && e < row.length) row[e] = Float.NEGATIVE_INFINITY;
            id = s.sampler.sample(row);
        }
        accept(s, id, lp == null ? null : lp.of(id, row[id]));
    }

    /**
     * Constrained sampling: walks the candidates from the most likely down, keeping those whose text the constraint
     * allows (1 for greedy, up to 64 otherwise, never more than top_k), masks everything else, then samples as usual.
     * Returns -1 when no token is allowed.
     */
    private int constrained(Sequence s, float[] row) {
        int v = row.length;
        if (s.order == null) s.order = new long[v];
        long[] order = s.order;
        for (int i = 0; i < v; i++) {
            int bits = Float.floatToIntBits(row[i]);
            int key = bits < 0 ? ~bits : bits | 0x80000000;   // order-preserving float → unsigned int
            order[i] = ((long) (~key) & 0xffffffffL) << 31 | i;  // ascending = most likely first (stays positive)
        }
        Arrays.sort(order);
        int keep = s.sampler.config().greedy() ? 1 : s.params.topK() > 0 ? Math.min(64, s.params.topK()) : 64;
        int found = 0, i = 0;
        for (; i < v && found < keep; i++) {
            int id = (int) (order[i] & 0x7fffffffL);
            if (Float.isInfinite(row[id]) && row[id] < 0) break;
            if (s.constraint.allows(lm.tokenText(id))) found++;
            else row[id] = Float.NEGATIVE_INFINITY;
        }
        for (; i < v; i++) row[(int) (order[i] & 0x7fffffffL)] = Float.NEGATIVE_INFINITY;
        if (found == 0) return -1;
        return s.sampler.sample(row);
    }

    /** Records a sampled token, emits its text and ends the sequence when a limit or stop condition is reached. */
    private void accept(Sequence s, int id, TokenLogprob lp) {
        long now = System.nanoTime();
        if (s.generated == 0) {
            s.firstTokenNanos = now;
            metrics.timeToFirstToken.observe((now - s.enqueuedNanos) / 1e9);
        }
        s.history[s.length++] = id;
        s.output[s.generated++] = id;
        metrics.generated(1);
        if (s.constraint == null && !s.params.ignoreEos() && lm.isEndOfGeneration(id)) {
            finish(s, "stop", null);
            return;
        }
        String piece = lm.isHiddenSpecial(id) ? "" : s.decoder.accept(id);
        if (s.constraint != null) s.constraint.accept(lm.tokenText(id));
        if (lp != null) s.heldLogprobs.add(lp.at(s.stops.accepted()));
        emit(s, s.stops.accept(piece), false);
        if (s.stops.matched() || (s.constraint != null && s.constraint.done())) {
            finish(s, "stop", null);
        } else if (s.generated >= s.maxTokens) {
            finish(s, "length", null);
        } else {
            s.pending = id;
        }
    }

    /**
     * Hands released text to the listener together with the logprobs of the tokens whose text has begun to be
     * released, so logprobs follow the text: a token still held back (a possible stop string, half a character)
     * reports later, and at the end the tokens of a matched stop string are dropped with their text.
     */
    private void emit(Sequence s, String text, boolean end) {
        int released = s.stops.emitted();
        boolean all = end && !s.stops.matched();
        TokenLogprob last = null;
        while (!s.heldLogprobs.isEmpty() && (all || s.heldLogprobs.peek().offset() < released)) {
            if (last != null) s.listener.onText(s, "", last);
            last = s.heldLogprobs.poll();
        }
        if (end) s.heldLogprobs.clear();
        if (last != null || !end || !text.isEmpty()) s.listener.onText(s, text, last);
    }

    /** Ends a running sequence: flushes its text, frees (or caches) its state, reports how it ended. */
    private void finish(Sequence s, String reason, ApiError error) {
        if (s.finished) return;
        boolean natural = "stop".equals(reason) || "length".equals(reason);
        if (natural) {
            String tail = s.decoder.flush();
            // a constrained output cut short (not by a stop string) is completed minimally, so it stays valid
            if (s.constraint != null && !s.stops.matched()) tail += s.constraint.completion();
            tail = s.stops.accept(tail);
            if (!s.stops.matched()) tail += s.stops.flush();
            emit(s, tail, true);
            long dt = System.nanoTime() - s.firstTokenNanos;
            if (s.generated > 1 && dt > 0) metrics.decodeSpeed.observe((s.generated - 1) * 1e9 / dt);
        }
        running.remove(s);
        active = running.size();
        reserved -= s.reserved;
        if (natural && s.state != null && cache.enabled() && exactDecode) {
            InferenceState st = s.state;
            int len = st.position();
            if (!cache.covers(s.history, len)) {
                makeRoomForCache(st.kvBytes());
                if (fitsCache(st.kvBytes())) cache.put(s.history, len, st);
            }
        }
        s.state = null;
        s.spec = null;
        s.row = null;
        s.order = null;
        end(s, reason, error);
    }

    private void end(Sequence s, String reason, ApiError error) {
        s.finished = true;
        metrics.finished(reason);
        metrics.requestDuration.observe((System.nanoTime() - s.enqueuedNanos) / 1e9);
        s.listener.onFinish(s, new Sequence.Finish(reason, s.prompt.length, s.generated, s.cached, error));
    }
}
