package dev.exaone4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded soak: 32 loopback clients for {@code -Dexaone4j.soak.seconds} (default 20; use 120 for the two-minute
 * run) mixing streamed and plain chat and completions, random lengths, sampling settings and stop strings, shared
 * prompts (prefix cache) and clients that hang up mid-stream. Afterwards: no errors, no slot or reservation left,
 * nothing queued, and the heap after GC is flat.
 */
class SoakTest {
    static final int CLIENTS = 32;

    @Test
    void thirtyTwoClientsRunWithoutErrorsLeaksOrGrowth() throws Exception {
        long seconds = Long.getLong("exaone4j.soak.seconds", 20);
        ServerConfig cfg = TestServers.config(TestServers.stories()).withCtx(512).withParallel(16, 64).withPrefixCache(8L << 20);
        try (InferenceServer server = TestServers.start(cfg)) {
            // warm up (JIT, token table, prefix cache filled to its cap) before the first heap reading
            runClients(server, 8, 3_000, new Random(1));
            long before = heapAfterGc();
            ConcurrentLinkedQueue<String> errors = runClients(server, CLIENTS, seconds * 1000, new Random(2));
            assertThat(errors).as("errors").isEmpty();

            long end = System.currentTimeMillis() + 5000;
            while (TestServers.metric(server, "exaone4j_active_slots", null) > 0 && System.currentTimeMillis() < end) Thread.sleep(20);
            assertThat(TestServers.metric(server, "exaone4j_active_slots", null)).as("leaked slots").isZero();
            assertThat(TestServers.metric(server, "exaone4j_queue_depth", null)).isZero();
            assertThat(TestServers.metric(server, "exaone4j_kv_cache_reserved_bytes", null)).isZero();
            assertThat(TestServers.metric(server, "exaone4j_kv_cache_bytes", null)).isZero();
            assertThat(TestServers.metric(server, "exaone4j_prefix_cache_bytes", null)).isLessThanOrEqualTo(8L << 20);
            long after = heapAfterGc();
            System.out.printf("soak %d s, %d clients: %.0f tokens generated, heap after GC %d -> %d MiB%n", seconds, CLIENTS,
                    TestServers.metric(server, "exaone4j_generation_tokens_total", null), before >> 20, after >> 20);
            assertThat(after - before).as("heap growth in bytes").isLessThan(48L << 20);
        }
    }

    static long heapAfterGc() throws InterruptedException {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            min = Math.min(min, mx.getHeapMemoryUsage().getUsed());
        }
        return min;
    }

    static ConcurrentLinkedQueue<String> runClients(InferenceServer server, int clients, long millis, Random seeds) throws Exception {
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        AtomicLong requests = new AtomicLong();
        long deadline = System.currentTimeMillis() + millis;
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            long seed = seeds.nextLong();
            fs.add(pool.submit(() -> {
                Random rnd = new Random(seed);
                while (System.currentTimeMillis() < deadline) {
                    try {
                        oneRequest(server, rnd);
                        requests.incrementAndGet();
                    } catch (Throwable t) {
                        errors.add(t.toString());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        return errors;
    }

    static final String[] PROMPTS = {"Once upon a time", "Tom and Lily went to the park.", "The big dog was sad.", "One day, a little bird"};

    static void oneRequest(InferenceServer server, Random rnd) throws Exception {
        int kind = rnd.nextInt(5);
        int max = 4 + rnd.nextInt(60);
        String prompt = PROMPTS[rnd.nextInt(PROMPTS.length)] + (rnd.nextBoolean() ? "" : " " + rnd.nextInt(1000));
        String sampling = rnd.nextBoolean() ? "\"temperature\": 0" : "\"temperature\": 0.9, \"top_p\": 0.9, \"seed\": " + rnd.nextInt(100);
        String stop = rnd.nextInt(4) == 0 ? ", \"stop\": [\".\", \"!\"]" : "";
        String messages = "\"messages\": [{\"role\": \"system\", \"content\": \"Tell a story.\"}, {\"role\": \"user\", \"content\": \"" + prompt + "\"}]";
        switch (kind) {
            case 0, 1 -> {
                TestServers.Reply r = TestServers.post(server, "/v1/chat/completions", "{" + messages + ", \"max_tokens\": " + max + ", " + sampling + stop + "}");
                check(r.status() == 200, r.body());
                JsonNode j = r.json();
                check(j.at("/usage/completion_tokens").asInt() <= max && j.at("/choices/0/finish_reason").isTextual(), r.body());
            }
            case 2 -> {
                TestServers.Reply r = TestServers.post(server, "/v1/completions", "{\"prompt\": \"" + prompt + "\", \"max_tokens\": " + max + ", " + sampling + stop + "}");
                check(r.status() == 200, r.body());
            }
            case 3 -> {
                String body = "{" + messages + ", \"max_tokens\": " + max + ", " + sampling + stop + ", \"stream\": true, \"stream_options\": {\"include_usage\": true}}";
                List<String> lines = streamLines(server, body, Integer.MAX_VALUE);
                check(lines.getLast().equals("data: [DONE]"), String.join("\n", lines));
                JsonNode usage = TestServers.JSON.readTree(lines.get(lines.size() - 2).substring(6)).get("usage");
                check(usage != null && usage.get("completion_tokens").asInt() <= max, lines.get(lines.size() - 2));
            }
            default -> {
                // hang up after a few events
                String body = "{" + messages + ", \"max_tokens\": 400, \"ignore_eos\": true, \"stream\": true}";
                streamLines(server, body, 3 + rnd.nextInt(5));
            }
        }
    }

    static List<String> streamLines(InferenceServer server, String body, int maxEvents) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<InputStream> r = TestServers.HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
        check(r.statusCode() == 200, "status " + r.statusCode());
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty() || line.startsWith(":")) continue;
                lines.add(line);
                if (lines.size() >= maxEvents) break;
            }
        }
        return lines;
    }

    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }
}
