package dev.exaone4j.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that goes away stops its generation and frees its slot and KV memory at once: a streaming client that
 * closes the stream, and a non-streaming client that drops the connection (noticed through the whitespace heartbeat,
 * every 200 ms here).
 * Runs on the 64-layer hybrid tiny model, slow enough that a 4000-token generation is still running when the client
 * leaves.
 */
class CancellationTest {
    static InferenceServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(TestServers.config(dev.exaone4j.testutil.SharedData.require("tiny/exaone4-tiny-hybrid64/hf"))
                .withCtx(4096).withParallel(2, 4).withHeartbeat(200));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static void awaitIdle(long millis) throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (TestServers.metric(server, "exaone4j_active_slots", null) == 0
                    && TestServers.metric(server, "exaone4j_kv_cache_reserved_bytes", null) == 0) return;
            Thread.sleep(20);
        }
        throw new AssertionError("the server still runs a sequence after " + millis + " ms:\n" + TestServers.get(server, "/metrics", null).body());
    }

    static double cancelled() throws Exception {
        for (String line : TestServers.get(server, "/metrics", null).body().split("\n")) {
            if (line.startsWith("exaone4j_sequences_finished_total{reason=\"cancelled\"}")) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return 0;
    }

    @Test
    void closingAStreamStopsItsGeneration() throws Exception {
        double before = cancelled();
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"Once\", \"max_tokens\": 4000, \"ignore_eos\": true, \"stream\": true}")).build();
        HttpResponse<InputStream> r = TestServers.HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
        InputStream in = r.body();
        byte[] buf = new byte[256];
        assertThat(in.read(buf)).isPositive();
        assertThat(TestServers.metric(server, "exaone4j_active_slots", null)).isEqualTo(1);
        in.close();
        long t0 = System.nanoTime();
        awaitIdle(3000);
        System.out.printf("stream cancel noticed after %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        assertThat(cancelled()).isEqualTo(before + 1);
    }

    @Test
    void droppingANonStreamingConnectionStopsItsGeneration() throws Exception {
        double before = cancelled();
        String body = "{\"prompt\": \"Once\", \"max_tokens\": 4000, \"ignore_eos\": true}";
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            long end = System.currentTimeMillis() + 3000;
            while (TestServers.metric(server, "exaone4j_active_slots", null) < 1 && System.currentTimeMillis() < end) Thread.sleep(10);
            assertThat(TestServers.metric(server, "exaone4j_active_slots", null)).isEqualTo(1);
        }
        long t0 = System.nanoTime();
        awaitIdle(4000);
        System.out.printf("dropped connection noticed after %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        assertThat(cancelled()).isEqualTo(before + 1);
    }
}
