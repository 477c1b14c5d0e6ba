package dev.exaone4j.server;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Graceful shutdown: a running stream is drained to its end while new requests get 503, then the server stops. */
class LifecycleTest {
    @Test
    void shutdownDrainsRunningRequests() throws Exception {
        InferenceServer server = TestServers.start(TestServers.config(TestServers.stories()).withCtx(512).withParallel(2, 2));
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"Once\", \"max_tokens\": 480, \"ignore_eos\": true, \"stream\": true}")).build();
        HttpResponse<InputStream> r = TestServers.HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        lines.add(in.readLine());
        Thread closer = Thread.ofPlatform().start(server::close);
        long end = System.currentTimeMillis() + 5000;
        while (!server.state().equals("shutting_down") && System.currentTimeMillis() < end) Thread.sleep(5);
        TestServers.Reply late = TestServers.post(server, "/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": 2}");
        assertThat(late.status()).isEqualTo(503);
        assertThat(late.json().at("/error/code").asText()).isEqualTo("shutting_down");
        String line;
        while ((line = in.readLine()) != null) lines.add(line);
        closer.join(30_000);
        assertThat(lines).contains("data: [DONE]");
        assertThat(String.join("\n", lines)).contains("\"finish_reason\":\"length\"");
        assertThat(server.state()).isEqualTo("stopped");
    }
}
