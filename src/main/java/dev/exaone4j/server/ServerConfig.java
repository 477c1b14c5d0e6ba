package dev.exaone4j.server;

import dev.exaone4j.tensor.ActivationPrecision;

import java.nio.file.Path;

/**
 * Settings of one server (the {@code serve} flags).
 *
 * @param model            GGUF file or Hugging Face folder
 * @param alias            the model id clients use (null: the file or folder name without {@code .gguf})
 * @param host             bind address (127.0.0.1 unless told otherwise)
 * @param port             TCP port, 0 for an ephemeral one
 * @param apiKey           required bearer key, or null for none
 * @param parallel         sequences decoded together (slots)
 * @param ctx              context size per sequence, or null for min(model, {@link #DEFAULT_CTX})
 * @param queue            requests that may wait for a slot before new ones get 429
 * @param maxBody          request body limit in bytes
 * @param batchRows        rows (decode tokens + prefill chunks) one forward pass runs at most
 * @param kvBudgetBytes    memory for KV caches (running sequences and prefix cache), 0 for half the heap
 * @param prefixCacheBytes cap of the prefix cache within the budget, 0 to disable it, -1 for half the budget
 * @param mtp              decode plain requests with MTP self-speculation (the model needs an MTP head)
 * @param draft            MTP draft tokens per step
 * @param drainSeconds     how long shutdown waits for running requests
 * @param heartbeatMillis  an idle stream gets an SSE keep-alive comment this often, and a non-streamed answer not
 *                         ready after this long starts its whitespace heartbeat (both reveal clients that left)
 * @param activations      activation precision of generated tokens' Q8_0 / Q4_0 / Q4_K / Q5_K / Q6_K products (null: the engine's default)
 */
public record ServerConfig(Path model, String alias, String host, int port, String apiKey, int parallel, Integer ctx,
                           int queue, long maxBody, int batchRows, long kvBudgetBytes, long prefixCacheBytes,
                           boolean mtp, int draft, int drainSeconds, long heartbeatMillis, ActivationPrecision activations) {
    public static final int DEFAULT_CTX = 8192;
    public static final int DEFAULT_PARALLEL = 4;
    public static final int DEFAULT_QUEUE = 64;
    public static final long DEFAULT_MAX_BODY = 4L << 20;
    public static final int DEFAULT_BATCH = 128;
    public static final long DEFAULT_HEARTBEAT_MILLIS = 1000;

    public ServerConfig {
        if (model == null) throw new IllegalArgumentException("a model path is required");
        if (host == null || host.isBlank()) throw new IllegalArgumentException("--host must not be empty");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
        if (apiKey != null && apiKey.isEmpty()) apiKey = null;
        if (parallel < 1 || parallel > 256) throw new IllegalArgumentException("--parallel must be in [1, 256], got " + parallel);
        if (ctx != null && ctx < 2) throw new IllegalArgumentException("--ctx must be >= 2, got " + ctx);
        if (queue < 0 || queue > 100_000) throw new IllegalArgumentException("--queue must be in [0, 100000], got " + queue);
        if (maxBody < 1024 || maxBody > (1L << 30)) throw new IllegalArgumentException("--max-body must be in [1024, 1073741824] bytes, got " + maxBody);
        if (batchRows < 2 || batchRows > 4096) throw new IllegalArgumentException("--batch must be in [2, 4096], got " + batchRows);
        if (batchRows < parallel) throw new IllegalArgumentException("--batch (" + batchRows + ") must be >= --parallel (" + parallel + "): every slot decodes one row per step");
        if (kvBudgetBytes < 0) throw new IllegalArgumentException("--kv-budget must be >= 0");
        if (prefixCacheBytes < -1) throw new IllegalArgumentException("--prefix-cache must be >= 0");
        if (draft < 1 || draft > 4) throw new IllegalArgumentException("--draft must be in [1, 4], got " + draft);
        if (drainSeconds < 0) throw new IllegalArgumentException("drain time must be >= 0");
        if (activations == null) activations = ActivationPrecision.DEFAULT;
        if (heartbeatMillis < 10 || heartbeatMillis > 60_000) throw new IllegalArgumentException("heartbeat must be in [10, 60000] ms");
    }

    /** Defaults for everything but the model (loopback, ephemeral port when port is 0). */
    public static ServerConfig defaults(Path model, int port) {
        return new ServerConfig(model, null, "127.0.0.1", port, null, DEFAULT_PARALLEL, null, DEFAULT_QUEUE, DEFAULT_MAX_BODY,
                DEFAULT_BATCH, 0, -1, false, 2, 30, DEFAULT_HEARTBEAT_MILLIS, ActivationPrecision.DEFAULT);
    }

    public ServerConfig withApiKey(String key) {
        return new ServerConfig(model, alias, host, port, key, parallel, ctx, queue, maxBody, batchRows, kvBudgetBytes, prefixCacheBytes, mtp, draft, drainSeconds, heartbeatMillis, activations);
    }

    public ServerConfig withParallel(int n, int q) {
        return new ServerConfig(model, alias, host, port, apiKey, n, ctx, q, maxBody, Math.max(batchRows, n), kvBudgetBytes, prefixCacheBytes, mtp, draft, drainSeconds, heartbeatMillis, activations);
    }

    public ServerConfig withCtx(Integer c) {
        return new ServerConfig(model, alias, host, port, apiKey, parallel, c, queue, maxBody, batchRows, kvBudgetBytes, prefixCacheBytes, mtp, draft, drainSeconds, heartbeatMillis, activations);
    }

    public ServerConfig withMaxBody(long bytes) {
        return new ServerConfig(model, alias, host, port, apiKey, parallel, ctx, queue, bytes, batchRows, kvBudgetBytes, prefixCacheBytes, mtp, draft, drainSeconds, heartbeatMillis, activations);
    }

    public ServerConfig withBatch(int rows) {
        return new ServerConfig(model, alias, host, port, apiKey, parallel, ctx, queue, maxBody, rows, kvBudgetBytes, prefixCacheBytes, mtp, draft, drainSeconds, heartbeatMillis, activations);
    }

    public ServerConfig withPrefixCache(long bytes) {
        return new ServerConfig(model, alias, host, port, apiKey, parallel, ctx, queue, maxBody, batchRows, kvBudgetBytes, bytes, mtp, draft, drainSeconds, heartbeatMillis, activations);
    }

    public ServerConfig withMtp(boolean on) {
        return new ServerConfig(model, alias, host, port, apiKey, parallel, ctx, queue, maxBody, batchRows, kvBudgetBytes, prefixCacheBytes, on, draft, drainSeconds, heartbeatMillis, activations);
    }

    public ServerConfig withActivations(ActivationPrecision a) {
        return new ServerConfig(model, alias, host, port, apiKey, parallel, ctx, queue, maxBody, batchRows, kvBudgetBytes, prefixCacheBytes, mtp, draft, drainSeconds, heartbeatMillis, a);
    }

    public ServerConfig withHeartbeat(long millis) {
        return new ServerConfig(model, alias, host, port, apiKey, parallel, ctx, queue, maxBody, batchRows, kvBudgetBytes, prefixCacheBytes, mtp, draft, drainSeconds, millis, activations);
    }

    public ServerConfig withKvBudget(long bytes) {
        return new ServerConfig(model, alias, host, port, apiKey, parallel, ctx, queue, maxBody, batchRows, bytes, prefixCacheBytes, mtp, draft, drainSeconds, heartbeatMillis, activations);
    }
}
