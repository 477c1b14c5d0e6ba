package dev.exaone4j.cli;

import dev.exaone4j.server.InferenceServer;
import dev.exaone4j.server.ServerConfig;
import dev.exaone4j.tensor.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code serve -m PATH [--host 127.0.0.1] [--port 8080] [--api-key KEY] [--parallel N] [--ctx N] [--queue N]
 * [--max-body BYTES] [--batch N] [--kv-budget MIB] [--prefix-cache MIB] [--mtp [--draft N]] [--alias NAME]}: an
 * OpenAI-compatible HTTP server. Runs until interrupted; Ctrl-C (or SIGTERM) drains running requests first. Without
 * {@code -t} the compute pool uses all cores but one, which stays free for the HTTP threads.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the model over an OpenAI-compatible HTTP API (chat/completions, completions, models, tokenize, health, metrics).")
public final class ServeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;

    @Option(names = "--host", paramLabel = "ADDR", description = "address to bind (default ${DEFAULT-VALUE}: this machine only)", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "TCP port, 0 = any free one (default ${DEFAULT-VALUE})", defaultValue = "8080")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY", description = "require 'Authorization: Bearer KEY' (default: env EXAONE4J_API_KEY, else none)")
    String apiKey;

    @Option(names = "--parallel", paramLabel = "N", description = "sequences generated together (slots) (default ${DEFAULT-VALUE})", defaultValue = "" + ServerConfig.DEFAULT_PARALLEL)
    int parallel;

    @Option(names = "--queue", paramLabel = "N", description = "requests that may wait for a slot before 429 (default ${DEFAULT-VALUE})", defaultValue = "" + ServerConfig.DEFAULT_QUEUE)
    int queue;

    @Option(names = "--max-body", paramLabel = "BYTES", description = "request body limit (default ${DEFAULT-VALUE})", defaultValue = "" + ServerConfig.DEFAULT_MAX_BODY)
    long maxBody;

    @Option(names = "--batch", paramLabel = "N", description = "rows (decode tokens + prompt chunks) per forward pass (default ${DEFAULT-VALUE})", defaultValue = "" + ServerConfig.DEFAULT_BATCH)
    int batch;

    @Option(names = "--kv-budget", paramLabel = "MIB", description = "memory for KV caches incl. the prefix cache (default: half the heap)")
    Long kvBudgetMib;

    @Option(names = "--prefix-cache", paramLabel = "MIB", description = "prefix cache cap, 0 = off (default: half the KV budget)")
    Long prefixCacheMib;

    @Option(names = "--mtp", description = "decode with MTP self-speculation (models with an MTP head)")
    boolean mtp;

    @Option(names = "--draft", paramLabel = "N", description = "MTP draft tokens per step (default ${DEFAULT-VALUE})", defaultValue = "2")
    int draft;

    @Option(names = "--alias", paramLabel = "NAME", description = "model id clients use (default: the file name without .gguf, or the folder name; a folder named hf takes its parent's name)")
    String alias;

    @Option(names = "--drain", paramLabel = "SECONDS", description = "how long shutdown waits for running requests (default ${DEFAULT-VALUE})", defaultValue = "30")
    int drain;

    @Override
    public Integer call() throws Exception {
        if (opts.threads != null) {
            if (opts.threads < 1 || opts.threads > 1024) throw new IllegalArgumentException("--threads must be in [1, 1024], got " + opts.threads);
            Parallel.configure(opts.threads);
        } else if (System.getProperty("exaone4j.threads") == null) {
            // leave one core to the HTTP threads: the compute pool's per-operation barrier stalls badly when its
            // workers compete with request handlers for the cores
            Parallel.configure(Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
        }
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("--api-key is empty (an unset shell variable?): give a key, or leave the option out for an open server");
        }
        String key = apiKey != null ? apiKey : System.getenv("EXAONE4J_API_KEY");
        if (key != null && key.isBlank()) key = null;   // EXAONE4J_API_KEY set but empty: no key (the warning below says so)
        if (kvBudgetMib != null && kvBudgetMib < 1) throw new IllegalArgumentException("--kv-budget must be >= 1 MiB");
        if (prefixCacheMib != null && prefixCacheMib < 0) throw new IllegalArgumentException("--prefix-cache must be >= 0");
        ServerConfig cfg = new ServerConfig(opts.path(), alias, host, port, key, parallel, opts.ctx, queue, maxBody, batch,
                kvBudgetMib == null ? 0 : kvBudgetMib << 20, prefixCacheMib == null ? -1 : prefixCacheMib << 20, mtp, draft, drain, ServerConfig.DEFAULT_HEARTBEAT_MILLIS, opts.activations());
        if (key == null && !isLoopback(host)) {
            System.err.println("exaone4j: WARNING: listening on " + host + " without an API key: anyone who can reach this port can use the model (set --api-key or EXAONE4J_API_KEY)");
        }
        InferenceServer server = InferenceServer.start(cfg);
        System.err.println("exaone4j: listening on " + server.baseUrl() + " (loading " + cfg.model() + ")"
                + (key == null ? "" : ", API key required"));
        try {
            server.awaitReady(Duration.ofHours(1));
        } catch (Exception e) {
            server.close();
            throw e;
        }
        System.err.println("exaone4j: model '" + server.modelId() + "' ready: POST " + server.baseUrl() + "/v1/chat/completions");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("exaone4j: shutting down (draining running requests)...");
            server.close();
            stopped.countDown();
        }, "exaone4j-shutdown"));
        stopped.await();
        return 0;
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
