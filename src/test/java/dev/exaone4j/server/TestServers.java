package dev.exaone4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.exaone4j.testutil.SharedData;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Starting real servers in-process on ephemeral loopback ports, and a plain HTTP client for raw requests. */
final class TestServers {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    private TestServers() {}

    /** The demo model shipped in models/. */
    static Path stories() {
        Path p = Path.of("models", "stories260K.gguf").toAbsolutePath();
        if (!Files.exists(p)) throw new IllegalStateException("missing " + p);
        return p;
    }

    /** The EXAONE 4.0 32B-style hybrid (LLLG, window 8) tiny model as a Hugging Face folder (skips without ../shared). */
    static Path tinyHybrid() {
        return SharedData.require("tiny/exaone4-tiny-hybrid4/hf");
    }

    /** Defaults for tests: loopback, ephemeral port, small context. */
    static ServerConfig config(Path model) {
        return ServerConfig.defaults(model, 0).withCtx(256);
    }

    static InferenceServer start(ServerConfig cfg) throws Exception {
        InferenceServer s = InferenceServer.start(cfg);
        try {
            s.awaitReady(Duration.ofSeconds(60));
        } catch (Exception e) {
            s.close();
            throw e;
        }
        return s;
    }

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    static Reply post(InferenceServer s, String path, String json) throws Exception {
        return post(s, path, json, null);
    }

    static Reply post(InferenceServer s, String path, String json, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) b.header("Authorization", "Bearer " + key);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    static Reply get(InferenceServer s, String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.baseUrl() + path)).timeout(Duration.ofSeconds(60)).GET();
        if (key != null) b.header("Authorization", "Bearer " + key);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    /** A metric's value from the /metrics text (first sample of that exact name), or NaN. */
    static double metric(InferenceServer s, String name, String key) throws Exception {
        for (String line : get(s, "/metrics", key).body().split("\n")) {
            if (line.startsWith(name + " ")) return Double.parseDouble(line.substring(name.length() + 1).trim());
        }
        return Double.NaN;
    }
}
