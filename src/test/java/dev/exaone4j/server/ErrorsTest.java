package dev.exaone4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every error answer: OpenAI's JSON shape with the right status — 400 naming the invalid field, 400 with both numbers
 * for a prompt longer than the context, 401 without a valid key, 404 for an unknown model or route, 405, 413 for an
 * oversize body, 429 with Retry-After when the queue is full, 503 while the model loads.
 */
class ErrorsTest {
    static final String KEY = "sk-errors-test";
    static InferenceServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(TestServers.config(TestServers.stories()).withApiKey(KEY).withMaxBody(8192));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static JsonNode error(TestServers.Reply r, int status) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.raw().headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode e = r.json().get("error");
        assertThat(e).as(r.body()).isNotNull();
        assertThat(e.get("message").asText()).isNotBlank();
        assertThat(e.has("type") && e.has("param") && e.has("code")).isTrue();
        return e;
    }

    static JsonNode badField(String body, String param) throws Exception {
        JsonNode e = error(TestServers.post(server, "/v1/chat/completions", body, KEY), 400);
        assertThat(e.get("param").asText()).as(e.toString()).isEqualTo(param);
        assertThat(e.get("message").asText()).contains(param);
        return e;
    }

    static String chat(String extra) {
        return "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 4" + extra + "}";
    }

    @Test
    void invalidFieldsAreNamed() throws Exception {
        badField(chat(", \"temperature\": 2.5"), "temperature");
        badField(chat(", \"temperature\": \"hot\""), "temperature");
        badField(chat(", \"top_p\": 0"), "top_p");
        badField(chat(", \"top_k\": -2"), "top_k");
        badField(chat(", \"min_p\": 1.5"), "min_p");
        badField(chat(", \"repetition_penalty\": 0"), "repetition_penalty");
        badField(chat(", \"presence_penalty\": 3"), "presence_penalty");
        badField(chat(", \"frequency_penalty\": -2.5"), "frequency_penalty");
        badField(chat(", \"n\": 0"), "n");
        badField(chat(", \"n\": 17"), "n");
        badField(chat(", \"seed\": 1.5"), "seed");
        badField(chat(", \"stop\": 5"), "stop");
        badField(chat(", \"stop\": [\"\"]"), "stop");
        badField(chat(", \"logprobs\": true, \"top_logprobs\": 21"), "top_logprobs");
        badField(chat(", \"top_logprobs\": 2"), "top_logprobs");
        badField(chat(", \"stream\": \"yes\""), "stream");
        badField(chat(", \"tool_choice\": \"sometimes\""), "tool_choice");
        badField(chat(", \"tool_choice\": \"required\""), "tool_choice");
        badField(chat(", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"bad name!\"}}]"), "tools[0].function.name");
        badField(chat(", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}], \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"g\"}}"),
                "tool_choice.function.name");
        badField(chat(", \"response_format\": {\"type\": \"xml\"}"), "response_format.type");
        badField(chat(", \"chat_template_kwargs\": {\"messages\": 1}"), "chat_template_kwargs");
        badField("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 0}", "max_tokens");
        badField("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_completion_tokens\": -1}", "max_completion_tokens");
        badField("{\"max_tokens\": 4}", "messages");
        badField("{\"messages\": []}", "messages");
        badField("{\"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}", "messages[0].role");
        badField("{\"messages\": [{\"role\": \"user\"}]}", "messages[0].content");
        badField("{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\", \"image_url\": {\"url\": \"x\"}}]}]}", "messages[0].content[0].type");
        // completions
        JsonNode e = error(TestServers.post(server, "/v1/completions", "{\"prompt\": [1, 99999]}", KEY), 400);
        assertThat(e.get("param").asText()).isEqualTo("prompt");
        e = error(TestServers.post(server, "/v1/completions", "{\"prompt\": \"x\", \"logprobs\": 9}", KEY), 400);
        assertThat(e.get("param").asText()).isEqualTo("logprobs");
        e = error(TestServers.post(server, "/v1/completions", "{}", KEY), 400);
        assertThat(e.get("param").asText()).isEqualTo("prompt");
    }

    @Test
    void malformedJsonIs400() throws Exception {
        error(TestServers.post(server, "/v1/chat/completions", "{\"messages\": [", KEY), 400);
        error(TestServers.post(server, "/v1/chat/completions", "[1, 2]", KEY), 400);
        error(TestServers.post(server, "/v1/chat/completions", "", KEY), 400);
    }

    @Test
    void promptLongerThanTheContextSaysBothNumbers() throws Exception {
        String longText = "the cat sat on the mat and ".repeat(40);
        JsonNode e = error(TestServers.post(server, "/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"" + longText + "\"}]}", KEY), 400);
        assertThat(e.get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(e.get("message").asText()).contains("256 tokens").containsPattern("resulted in \\d{3,} tokens");
        // fits, but not with the requested completion
        e = error(TestServers.post(server, "/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 256}", KEY), 400);
        assertThat(e.get("param").asText()).isEqualTo("max_tokens");
        assertThat(e.get("message").asText()).contains("256 tokens").containsPattern("requested \\d+ tokens \\(\\d+ in the messages, 256 for the completion\\)");
        // without max_tokens, completions' default of 16 is cut to the room left, not refused
        StringBuilder ids = new StringBuilder("1");
        for (int i = 1; i < 253; i++) ids.append(", ").append(300 + i % 50);
        TestServers.Reply r = TestServers.post(server, "/v1/completions", "{\"prompt\": [" + ids + "], \"temperature\": 0}", KEY);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/usage/completion_tokens").asInt()).isBetween(1, 3);
    }

    @Test
    void missingOrWrongKeyIs401AndHealthNeedsNoKey() throws Exception {
        JsonNode e = error(TestServers.post(server, "/v1/chat/completions", chat(""), null), 401);
        assertThat(e.get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(e.get("message").asText()).doesNotContain(KEY);
        error(TestServers.post(server, "/v1/chat/completions", chat(""), KEY + "x"), 401);
        error(TestServers.post(server, "/v1/chat/completions", chat(""), KEY.substring(1)), 401);
        error(TestServers.get(server, "/v1/models", null), 401);
        error(TestServers.get(server, "/metrics", "nope"), 401);
        assertThat(TestServers.get(server, "/health", null).status()).isEqualTo(200);
        assertThat(TestServers.get(server, "/v1/models", KEY).status()).isEqualTo(200);
    }

    @Test
    void unknownModelOrRouteIs404AndWrongMethodIs405() throws Exception {
        JsonNode e = error(TestServers.post(server, "/v1/chat/completions", chat(", \"model\": \"gpt-9\""), KEY), 404);
        assertThat(e.get("code").asText()).isEqualTo("model_not_found");
        assertThat(e.get("message").asText()).contains("gpt-9");
        error(TestServers.get(server, "/v1/models/gpt-9", KEY), 404);
        error(TestServers.post(server, "/v1/embeddings", "{}", KEY), 404);
        error(TestServers.get(server, "/nothing/here", KEY), 404);
        TestServers.Reply r = TestServers.get(server, "/v1/chat/completions", KEY);
        error(r, 405);
        assertThat(r.raw().headers().firstValue("Allow")).hasValue("POST, OPTIONS");
        r = TestServers.post(server, "/health", "{}", null);
        error(r, 405);
        assertThat(r.raw().headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
    }

    @Test
    void headAndCorsPreflightAreAnswered() throws Exception {
        HttpResponse<String> head = TestServers.HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        HttpResponse<String> pre = TestServers.HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/chat/completions"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://localhost:3000").header("Access-Control-Request-Method", "POST").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(pre.statusCode()).isEqualTo(204);
        assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(pre.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
        assertThat(pre.headers().firstValue("Access-Control-Allow-Headers").orElse("")).contains("Authorization");
        // and the actual responses carry the origin header too
        assertThat(TestServers.get(server, "/v1/models", KEY).raw().headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    }

    @Test
    void oversizeBodyIs413() throws Exception {
        String big = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + "a".repeat(20_000) + "\"}]}";
        error(TestServers.post(server, "/v1/chat/completions", big, KEY), 413);
        // without Content-Length (chunked upload) the limit still holds
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes()))).build();
        HttpResponse<String> r = TestServers.HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        // a client that writes its whole body before reading (as Python's http.client does) still gets the 413,
        // not a connection reset
        byte[] body = ("{\"prompt\": \"" + "a".repeat(3_000_000) + "\"}").getBytes();
        try (java.net.Socket sock = new java.net.Socket("127.0.0.1", URI.create(server.baseUrl()).getPort())) {
            sock.setSoTimeout(30_000);
            java.io.OutputStream out = sock.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes());
            out.write(body);
            out.flush();
            String status = new String(sock.getInputStream().readNBytes(12));
            assertThat(status).isEqualTo("HTTP/1.1 413");
        }
    }

    @Test
    void fullQueueIs429WithRetryAfter() throws Exception {
        try (InferenceServer s = TestServers.start(TestServers.config(TestServers.stories()).withParallel(1, 0))) {
            // a request needing more slots than the server has at all can never be admitted: 400 naming n, not a 429
            // a client would retry forever
            TestServers.Reply r = TestServers.post(s, "/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": 2, \"n\": 2}");
            assertThat(error(r, 400).get("param").asText()).isEqualTo("n");
        }
        // a long generation occupies the only slot; the queue holds none
        try (InferenceServer s = TestServers.start(TestServers.config(TestServers.tinyHybrid()).withCtx(4096).withParallel(1, 0))) {
            HttpRequest longReq = HttpRequest.newBuilder(URI.create(s.baseUrl() + "/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"Once\", \"max_tokens\": 4000, \"ignore_eos\": true, \"stream\": true}")).build();
            HttpResponse<java.io.InputStream> stream = TestServers.HTTP.send(longReq, HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream in = stream.body()) {
                assertThat(in.read()).isNotEqualTo(-1); // it is running
                TestServers.Reply r = TestServers.post(s, "/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": 2}");
                JsonNode e = error(r, 429);
                assertThat(e.get("code").asText()).isEqualTo("queue_full");
                assertThat(Integer.parseInt(r.raw().headers().firstValue("Retry-After").orElseThrow())).isPositive();
            }
        }
    }

    @Test
    void loadingModelIs503UntilReady() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ServerConfig cfg = TestServers.config(TestServers.stories());
        try (InferenceServer s = InferenceServer.start(cfg, () -> {
            release.await();
            return LoadedModel.load(cfg);
        })) {
            TestServers.Reply h = TestServers.get(s, "/health", null);
            error(h, 503);
            assertThat(h.raw().headers().firstValue("Retry-After")).isPresent();
            JsonNode e = error(TestServers.post(s, "/v1/chat/completions", chat("")), 503);
            assertThat(e.get("message").asText()).contains("loading");
            release.countDown();
            s.awaitReady(java.time.Duration.ofSeconds(60));
            assertThat(TestServers.get(s, "/health", null).status()).isEqualTo(200);
            assertThat(TestServers.post(s, "/v1/chat/completions", chat("")).status()).isEqualTo(200);
        }
    }
}
