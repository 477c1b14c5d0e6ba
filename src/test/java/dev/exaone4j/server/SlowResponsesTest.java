package dev.exaone4j.server;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a slow answer looks like on the wire is invisible to real clients: the SSE keep-alive comments of a stream
 * waiting in the queue, and the whitespace heartbeat before a non-streamed JSON answer (a 20 ms heartbeat here, one
 * slot, so waiting is guaranteed).
 */
class SlowResponsesTest {
    static final String LONG = "{\"prompt\": \"Once\", \"max_tokens\": 60, \"ignore_eos\": true, \"temperature\": 0}";
    /** Long enough (a few hundred ms on the demo model) that a request queued behind it waits many heartbeats. */
    static final String LONGER = "{\"prompt\": \"Once\", \"max_tokens\": 400, \"ignore_eos\": true, \"temperature\": 0}";

    @Test
    void keepAlivesAndHeartbeatsAreTransparentToClients() throws Exception {
        try (InferenceServer s = TestServers.start(TestServers.config(TestServers.stories()).withCtx(512).withParallel(1, 4).withHeartbeat(20))) {
            // raw bytes: a non-streamed answer slower than the heartbeat starts with spaces and still parses
            HttpRequest raw = HttpRequest.newBuilder(URI.create(s.baseUrl() + "/v1/completions")).POST(HttpRequest.BodyPublishers.ofString(LONG)).build();
            long t0 = System.nanoTime();
            String body = TestServers.HTTP.send(raw, HttpResponse.BodyHandlers.ofString()).body();
            if ((System.nanoTime() - t0) / 1e6 > 150) assertThat(body).startsWith(" ");
            assertThat(TestServers.JSON.readTree(body).at("/usage/completion_tokens").asInt()).isEqualTo(60);

            // raw bytes: a stream queued behind a long generation receives keep-alive comments first
            HttpRequest longer = HttpRequest.newBuilder(URI.create(s.baseUrl() + "/v1/completions")).POST(HttpRequest.BodyPublishers.ofString(LONGER)).build();
            CompletableFuture<HttpResponse<String>> blocker = TestServers.HTTP.sendAsync(longer, HttpResponse.BodyHandlers.ofString());
            awaitBusy(s);
            HttpRequest queued = HttpRequest.newBuilder(URI.create(s.baseUrl() + "/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"Once\", \"max_tokens\": 4, \"temperature\": 0, \"stream\": true}")).build();
            boolean sawKeepAlive = false, sawDone = false;
            long sent = System.nanoTime(), firstData = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(TestServers.HTTP.send(queued, HttpResponse.BodyHandlers.ofInputStream()).body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    sawKeepAlive |= line.equals(": keep-alive");
                    sawDone |= line.equals("data: [DONE]");
                    if (firstData == 0 && line.startsWith("data:")) firstData = System.nanoTime();
                }
            }
            assertThat(sawDone).isTrue();
            // a stream that waited five heartbeats (20 ms) for its first token was sent keep-alives meanwhile
            if ((firstData - sent) / 1e6 > 100) assertThat(sawKeepAlive).as("keep-alives while queued %.0f ms", (firstData - sent) / 1e6).isTrue();
            blocker.get();

            // the official SDK sees none of it
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(s.baseUrl() + "/v1").apiKey("x").maxRetries(0).build();
            try {
                CompletionCreateParams slow = CompletionCreateParams.builder().model(s.modelId()).prompt("Once").maxTokens(60)
                        .temperature(0.0).putAdditionalBodyProperty("ignore_eos", JsonValue.from(true)).build();
                CompletableFuture<Completion> first = CompletableFuture.supplyAsync(() -> client.completions().create(slow));
                awaitBusy(s);
                CompletionCreateParams quick = CompletionCreateParams.builder().model(s.modelId()).prompt("Once").maxTokens(8).temperature(0.0).build();
                StringBuilder streamed = new StringBuilder();
                try (StreamResponse<Completion> st = client.completions().createStreaming(quick)) {
                    st.stream().forEach(c -> c.choices().forEach(x -> streamed.append(x.text())));
                }
                assertThat(streamed.toString()).isEqualTo(client.completions().create(quick).choices().getFirst().text());
                Completion c = first.get();
                assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(60);
                assertThat(c.choices().getFirst().text()).isEqualTo(TestServers.JSON.readTree(body).at("/choices/0/text").asText());
            } finally {
                client.close();
            }
        }
    }

    static void awaitBusy(InferenceServer s) throws Exception {
        long end = System.currentTimeMillis() + 5000;
        while (TestServers.metric(s, "exaone4j_active_slots", null) < 1 && System.currentTimeMillis() < end) Thread.sleep(2);
    }
}
