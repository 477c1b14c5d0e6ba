package dev.exaone4j.server;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A running OpenAI-compatible server: binds first (so {@code /health} answers 503 while loading), loads the model in
 * the background, then serves. {@link #close()} drains: new requests get 503, running ones finish (up to the drain
 * time), then the listener stops and the model is released.
 */
public final class InferenceServer implements AutoCloseable {
    static final String FINGERPRINT = "exaone4j-0.1.0";
    private static final System.Logger LOG = System.getLogger("exaone4j.server");

    /** The loaded model, its scheduler and the heartbeat period of responses. */
    record Engine(LoadedModel model, Scheduler scheduler, long heartbeatMillis) {}

    private final ServerConfig cfg;
    private final HttpServer http;
    private final ExecutorService executor;
    private final Metrics metrics = new Metrics();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private volatile Engine engine;
    private volatile Throwable loadFailure;
    private volatile String state = "loading";
    private final Thread loader;

    private InferenceServer(ServerConfig cfg, Callable<LoadedModel> load) throws IOException {
        this.cfg = cfg;
        InetSocketAddress address = new InetSocketAddress(cfg.host(), cfg.port());
        if (address.isUnresolved()) throw new IllegalArgumentException("--host " + cfg.host() + " is not an address of this machine (not resolvable)");
        this.http = HttpServer.create(address, 512);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        http.createContext("/", new HttpApi(this, cfg));
        http.start();
        this.loader = Thread.ofPlatform().name("exaone4j-model-loader").daemon(true).start(() -> {
            try {
                LoadedModel m = load.call();
                try {
                    warmUp(m);
                    engine = new Engine(m, new Scheduler(m, cfg, metrics), cfg.heartbeatMillis());
                } catch (RuntimeException e) {
                    m.close();
                    throw e;
                }
                state = "ok";
                metrics.ready(true);
            } catch (Throwable t) {
                loadFailure = t;
                state = "failed";
            } finally {
                loaded.countDown();
            }
        });
    }

    /**
     * One generation step on a scratch state before the server reports ready, so that no request pays the one-time
     * work of the first step: the weights' interleaved copies for 8-bit products (about a second per GB) and the
     * compilation of the kernels.
     */
    private static void warmUp(LoadedModel m) {
        dev.exaone4j.model.InferenceState scratch = m.model.newState(2);
        m.model.forward(scratch, new int[] {0}, false);
    }

    /** Binds the port and starts loading {@code cfg.model()}; see {@link #awaitReady}. */
    public static InferenceServer start(ServerConfig cfg) throws IOException {
        return new InferenceServer(cfg, () -> LoadedModel.load(cfg));
    }

    /** As {@link #start(ServerConfig)} with a custom loader (tests: a slow or failing load). */
    static InferenceServer start(ServerConfig cfg, Callable<LoadedModel> loader) throws IOException {
        return new InferenceServer(cfg, loader);
    }

    /** Waits until the model is loaded; rethrows a load failure. */
    public void awaitReady(Duration timeout) throws Exception {
        if (!loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) throw new IllegalStateException("the model did not load within " + timeout);
        Throwable t = loadFailure;
        if (t instanceof Exception e) throw e;
        if (t instanceof Error e) throw e;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code http://host:port}. */
    public String baseUrl() {
        String host = cfg.host().contains(":") ? "[" + cfg.host() + "]" : cfg.host();
        return "http://" + host + ":" + port();
    }

    /** The model id clients use (after {@link #awaitReady}). */
    public String modelId() {
        Engine e = engine;
        return e == null ? null : e.model().id;
    }

    /** {@code loading}, {@code ok}, {@code failed}, {@code shutting_down} or {@code stopped}. */
    String state() {
        return state;
    }

    Metrics metrics() {
        return metrics;
    }

    /** The engine, or 503 while loading / after a failed load. */
    Engine engine() {
        Engine e = engine;
        if (e == null || !state.equals("ok")) {
            if (state.equals("loading")) throw ApiError.unavailable("The model is still loading.", "model_loading", 1);
            throw ApiError.unavailable("The server is " + state + ".", state, 5);
        }
        return e;
    }

    /** Graceful stop: refuse new requests, let running ones finish (up to the drain time), release everything. */
    @Override
    public void close() {
        if (state.equals("stopped")) return;
        Engine e = engine;
        state = "shutting_down";
        metrics.ready(false);
        try {
            if (e != null) e.scheduler().shutdown(cfg.drainSeconds());
            else loader.join(TimeUnit.SECONDS.toMillis(cfg.drainSeconds()));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        http.stop(1);
        executor.shutdownNow();
        Engine late = engine;
        if (late != null && late != e) {
            try {
                late.scheduler().shutdown(0);   // loaded while we were closing
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        if (late != null) late.model().close();
        state = "stopped";
        LOG.log(System.Logger.Level.DEBUG, "server stopped");
    }
}
