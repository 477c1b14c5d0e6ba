package dev.exaone4j.server;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Aggregate generation speed of the server for 1, 4 and 16 concurrent streams: each client streams a completion of
 * a fixed number of tokens (ignore_eos) over loopback; tokens/s = all tokens received / wall time of the round.
 *
 * <pre>{@code
 * java -cp ... dev.exaone4j.server.ServerBench [MODEL] [TOKENS_PER_STREAM] [STREAMS...]
 * }</pre>
 * Defaults: the stories260K demo model, 128 tokens per stream, streams 1 4 16; compute threads as {@code serve} picks
 * them (all cores but one) unless {@code -Dexaone4j.threads=N}. Clients run in the same process over loopback.
 */
public final class ServerBench {
    private ServerBench() {}

    public static void main(String[] args) throws Exception {
        Path model = args.length > 0 ? Path.of(args[0]) : Path.of("models", "stories260K.gguf");
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        List<Integer> streams = new ArrayList<>();
        for (int i = 2; i < args.length; i++) streams.add(Integer.parseInt(args[i]));
        if (streams.isEmpty()) streams = List.of(1, 4, 16);
        int maxStreams = streams.stream().mapToInt(Integer::intValue).max().orElse(16);
        if (System.getProperty("exaone4j.threads") == null) {
            dev.exaone4j.tensor.Parallel.configure(Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
        }
        ServerConfig cfg = ServerConfig.defaults(model, 0).withCtx(Math.min(512, tokens + 64)).withParallel(maxStreams, maxStreams).withPrefixCache(0);
        try (InferenceServer server = InferenceServer.start(cfg)) {
            server.awaitReady(java.time.Duration.ofMinutes(10));
            System.out.printf("model %s, %d tokens per stream, %d cores, %d compute threads%n", server.modelId(), tokens,
                    Runtime.getRuntime().availableProcessors(), dev.exaone4j.tensor.Parallel.global().threads());
            round(server, Math.min(4, maxStreams), tokens); // warm-up
            System.out.println("streams  tokens/s (aggregate)  tokens/s per stream  wall s");
            for (int n : streams) {
                double[] r = round(server, n, tokens);
                System.out.printf(Locale.ROOT, "%7d  %21.1f  %19.1f  %6.2f%n", n, r[0], r[0] / n, r[1]);
            }
        }
    }

    /** Returns {aggregate tokens/s, wall seconds}. */
    static double[] round(InferenceServer server, int n, int tokens) throws Exception {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        CyclicBarrier barrier = new CyclicBarrier(n + 1);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            futures.add(pool.submit(() -> {
                String body = "{\"prompt\": \"Once upon a time " + k + "\", \"max_tokens\": " + tokens + ", \"ignore_eos\": true, \"temperature\": 0.8, \"seed\": " + k
                        + ", \"stream\": true, \"stream_options\": {\"include_usage\": true}}";
                HttpRequest req = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/completions")).POST(HttpRequest.BodyPublishers.ofString(body)).build();
                barrier.await();
                HttpResponse<InputStream> r = TestServers.HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
                int generated = 0;
                try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("data: {") && line.contains("\"usage\":{")) {
                            generated = TestServers.JSON.readTree(line.substring(6)).at("/usage/completion_tokens").asInt();
                        }
                    }
                }
                return generated;
            }));
        }
        barrier.await();
        long t0 = System.nanoTime();
        int total = 0;
        for (Future<Integer> f : futures) total += f.get();
        double secs = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        if (total != n * tokens) throw new IllegalStateException("generated " + total + " of " + n * tokens + " tokens");
        return new double[]{total / secs, secs};
    }
}
