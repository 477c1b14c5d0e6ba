package dev.exaone4j.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Server counters and gauges in the Prometheus text format (version 0.0.4): requests by route and status, prompt and
 * generated tokens, time to first token, recent generation speed, queue depth, active slots, KV cache use, prefix
 * cache hits and MTP acceptance. Thread-safe.
 */
final class Metrics {
    /** A cumulative histogram with fixed bucket bounds (seconds). */
    static final class Histogram {
        private final double[] bounds;
        private final LongAdder[] counts;
        private final DoubleAdder sum = new DoubleAdder();
        private final LongAdder count = new LongAdder();

        Histogram(double... bounds) {
            this.bounds = bounds;
            this.counts = new LongAdder[bounds.length];
            for (int i = 0; i < bounds.length; i++) counts[i] = new LongAdder();
        }

        void observe(double v) {
            for (int i = 0; i < bounds.length; i++) if (v <= bounds[i]) counts[i].increment();
            sum.add(v);
            count.increment();
        }

        long count() {
            return count.sum();
        }

        void write(StringBuilder sb, String name, String help) {
            header(sb, name, help, "histogram");
            for (int i = 0; i < bounds.length; i++) {
                sb.append(name).append("_bucket{le=\"").append(num(bounds[i])).append("\"} ").append(counts[i].sum()).append('\n');
            }
            sb.append(name).append("_bucket{le=\"+Inf\"} ").append(count.sum()).append('\n');
            sb.append(name).append("_sum ").append(num(sum.sum())).append('\n');
            sb.append(name).append("_count ").append(count.sum()).append('\n');
        }
    }

    /** Live values the scheduler reports. */
    interface Gauges {
        int queueDepth();

        int activeSlots();

        int totalSlots();

        long kvBytesInUse();

        long kvBytesReserved();

        long kvBudget();

        long prefixCacheBytes();

        int prefixCacheEntries();
    }

    private final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> finished = new ConcurrentHashMap<>();
    final LongAdder promptTokens = new LongAdder();
    final LongAdder promptTokensComputed = new LongAdder();
    final LongAdder generatedTokens = new LongAdder();
    final LongAdder prefixHits = new LongAdder();
    final LongAdder prefixMisses = new LongAdder();
    final LongAdder prefixHitTokens = new LongAdder();
    final LongAdder mtpDrafted = new LongAdder();
    final LongAdder mtpAccepted = new LongAdder();
    final LongAdder mtpSteps = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder steps = new LongAdder();
    final LongAdder stepRows = new LongAdder();
    final Histogram timeToFirstToken = new Histogram(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60);
    final Histogram requestDuration = new Histogram(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300);
    final Histogram decodeSpeed = new Histogram(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000);
    final Histogram stepSeconds = new Histogram(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5);
    private final long[] window = new long[WINDOW_SECONDS + 1];
    private final long[] windowSecond = new long[WINDOW_SECONDS + 1];
    private static final int WINDOW_SECONDS = 10;
    private final AtomicLong started = new AtomicLong(System.nanoTime());
    private volatile Gauges gauges;
    private volatile boolean ready;
    private final LongSupplier clock;

    Metrics() {
        this(System::nanoTime);
    }

    Metrics(LongSupplier nanoClock) {
        this.clock = nanoClock;
        started.set(nanoClock.getAsLong());
    }

    void gauges(Gauges g) {
        this.gauges = g;
    }

    void ready(boolean r) {
        this.ready = r;
    }

    /** Counts one answered request. */
    void request(String route, int status) {
        requests.computeIfAbsent(route + "\u0000" + status, k -> new LongAdder()).increment();
    }

    /** Counts one finished sequence by its finish reason. */
    void finished(String reason) {
        finished.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    /** Counts generated tokens (also into the recent-speed window). */
    synchronized void generated(int n) {
        generatedTokens.add(n);
        long sec = (clock.getAsLong() - started.get()) / 1_000_000_000L;
        int slot = (int) (sec % window.length);
        if (windowSecond[slot] != sec) {
            windowSecond[slot] = sec;
            window[slot] = 0;
        }
        window[slot] += n;
    }

    /** Generated tokens per second over the last complete seconds of the window. */
    synchronized double recentTokensPerSecond() {
        long now = (clock.getAsLong() - started.get()) / 1_000_000_000L;
        long total = 0;
        int secs = (int) Math.min(WINDOW_SECONDS, now);
        if (secs == 0) return 0;
        for (int i = 1; i <= secs; i++) {
            long sec = now - i;
            int slot = (int) (sec % window.length);
            if (windowSecond[slot] == sec) total += window[slot];
        }
        return (double) total / secs;
    }

    long requestCount(String route, int status) {
        LongAdder a = requests.get(route + "\u0000" + status);
        return a == null ? 0 : a.sum();
    }

    /** The exposition text. */
    String render() {
        StringBuilder sb = new StringBuilder(4096);
        header(sb, "exaone4j_model_ready", "1 once the model is loaded and requests are served", "gauge");
        sb.append("exaone4j_model_ready ").append(ready ? 1 : 0).append('\n');

        header(sb, "exaone4j_requests_total", "HTTP requests answered, by route and status", "counter");
        Map<String, Long> sorted = new TreeMap<>();
        requests.forEach((k, v) -> sorted.put(k, v.sum()));
        sorted.forEach((k, v) -> {
            String[] p = k.split("\u0000");
            sb.append("exaone4j_requests_total{route=\"").append(p[0]).append("\",status=\"").append(p[1]).append("\"} ").append(v).append('\n');
        });
        header(sb, "exaone4j_sequences_finished_total", "generations finished, by finish reason", "counter");
        new TreeMap<>(finished).forEach((k, v) -> sb.append("exaone4j_sequences_finished_total{reason=\"").append(k).append("\"} ").append(v.sum()).append('\n'));
        counter(sb, "exaone4j_requests_rejected_total", "requests refused because the queue was full", rejected.sum());
        counter(sb, "exaone4j_prompt_tokens_total", "prompt tokens received (tokens in)", promptTokens.sum());
        counter(sb, "exaone4j_prompt_tokens_computed_total", "prompt tokens run through the model (not taken from the prefix cache)", promptTokensComputed.sum());
        counter(sb, "exaone4j_generation_tokens_total", "tokens generated (tokens out)", generatedTokens.sum());
        gauge(sb, "exaone4j_generation_tokens_per_second", "generated tokens per second over the last 10 s, all sequences together", recentTokensPerSecond());
        timeToFirstToken.write(sb, "exaone4j_time_to_first_token_seconds", "time from arrival to the first generated token");
        requestDuration.write(sb, "exaone4j_sequence_duration_seconds", "time from arrival to the end of a generation");
        decodeSpeed.write(sb, "exaone4j_sequence_decode_tokens_per_second", "decode speed of each finished generation (after its first token)");
        counter(sb, "exaone4j_batch_steps_total", "batched forward passes", steps.sum());
        stepSeconds.write(sb, "exaone4j_batch_step_seconds", "duration of one batched forward pass");
        counter(sb, "exaone4j_batch_rows_total", "rows (tokens) run in batched forward passes", stepRows.sum());
        counter(sb, "exaone4j_prefix_cache_hits_total", "prompts that reused a cached prefix", prefixHits.sum());
        counter(sb, "exaone4j_prefix_cache_misses_total", "prompts computed from scratch", prefixMisses.sum());
        counter(sb, "exaone4j_prefix_cache_hit_tokens_total", "prompt tokens taken from the prefix cache", prefixHitTokens.sum());
        counter(sb, "exaone4j_mtp_steps_total", "MTP draft-and-verify steps", mtpSteps.sum());
        counter(sb, "exaone4j_mtp_draft_tokens_total", "MTP draft tokens proposed", mtpDrafted.sum());
        counter(sb, "exaone4j_mtp_accepted_tokens_total", "MTP draft tokens accepted", mtpAccepted.sum());
        long d = mtpDrafted.sum();
        gauge(sb, "exaone4j_mtp_acceptance_ratio", "accepted / proposed MTP draft tokens since start", d == 0 ? 0 : (double) mtpAccepted.sum() / d);
        Gauges g = gauges;
        if (g != null) {
            gauge(sb, "exaone4j_queue_depth", "requests waiting for a slot", g.queueDepth());
            gauge(sb, "exaone4j_active_slots", "sequences being generated", g.activeSlots());
            gauge(sb, "exaone4j_slots_total", "slots (--parallel)", g.totalSlots());
            gauge(sb, "exaone4j_kv_cache_bytes", "bytes of KV cache held by running sequences", g.kvBytesInUse());
            gauge(sb, "exaone4j_kv_cache_reserved_bytes", "bytes of KV cache reserved for running sequences", g.kvBytesReserved());
            gauge(sb, "exaone4j_kv_cache_budget_bytes", "KV cache budget (--kv-budget)", g.kvBudget());
            long used = g.kvBytesReserved() + g.prefixCacheBytes();
            gauge(sb, "exaone4j_kv_cache_usage_ratio", "(reserved + prefix cache) / budget", g.kvBudget() == 0 ? 0 : (double) used / g.kvBudget());
            gauge(sb, "exaone4j_prefix_cache_bytes", "bytes held by the prefix cache", g.prefixCacheBytes());
            gauge(sb, "exaone4j_prefix_cache_entries", "states held by the prefix cache", g.prefixCacheEntries());
        }
        return sb.toString();
    }

    private static void header(StringBuilder sb, String name, String help, String type) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        header(sb, name, help, "counter");
        sb.append(name).append(' ').append(v).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, double v) {
        header(sb, name, help, "gauge");
        sb.append(name).append(' ').append(num(v)).append('\n');
    }

    private static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }
}
