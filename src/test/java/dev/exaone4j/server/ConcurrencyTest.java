package dev.exaone4j.server;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Continuous batching under load: 16 clients stream at once (all 16 slots decode together, prompts prefilled in
 * chunks between decode rows); each gets a complete, uncorrupted stream equal to what it gets alone at temperature 0.
 */
class ConcurrencyTest {
    static final int CLIENTS = 16;
    static final String[] NAMES = {"Lily", "Tom", "Ben", "Sue", "Max", "Mia", "Sam", "Anna", "Tim", "Lucy", "Jack", "Zoe", "Bob", "Amy", "Kim", "Leo"};

    static ChatCompletionCreateParams params(String model, int i) {
        return ChatCompletionCreateParams.builder().model(model)
                .addUserMessage("Once upon a time, " + NAMES[i] + " went to the " + (i % 2 == 0 ? "park" : "sea") + " with a " + (i % 3 == 0 ? "dog" : "ball") + ".")
                .temperature(0.0).maxCompletionTokens(20 + 2 * i).build();
    }

    static String stream(OpenAIClient client, ChatCompletionCreateParams p, List<String> finish) {
        StringBuilder sb = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
            s.stream().forEach(ch -> ch.choices().forEach(c -> {
                assertThat(c.index()).isZero();
                c.delta().content().ifPresent(sb::append);
                c.finishReason().ifPresent(r -> finish.add(r.asString()));
            }));
        }
        return sb.toString();
    }

    @Test
    void sixteenConcurrentStreamsEachEqualTheirSingleClientOutput() throws Exception {
        sixteenConcurrentStreams(TestServers.stories());
    }

    /**
     * The same with Q8_0 weights and 8-bit activations: decode rows (8-bit) and prompt rows (f32) share forward
     * passes, and every row still computes as it does alone.
     */
    @Test
    void withEightBitActivationsMixedBatchesEqualSingleClientOutput() throws Exception {
        sixteenConcurrentStreams(dev.exaone4j.testutil.SharedData.require("stories260K/stories260K-Q8_0.gguf"));
    }

    private void sixteenConcurrentStreams(java.nio.file.Path modelPath) throws Exception {
        try (InferenceServer server = TestServers.start(TestServers.config(modelPath).withCtx(512).withParallel(CLIENTS, 16)
                .withActivations(dev.exaone4j.tensor.ActivationPrecision.Q8))) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey("x").maxRetries(0).build();
            String model = server.modelId();
            String[] alone = new String[CLIENTS];
            for (int i = 0; i < CLIENTS; i++) {
                List<String> f = new ArrayList<>();
                alone[i] = stream(client, params(model, i), f);
                assertThat(f).hasSize(1);
                assertThat(alone[i]).isNotEmpty();
            }
            assertThat(List.of(alone)).doesNotHaveDuplicates();

            double stepsBefore = TestServers.metric(server, "exaone4j_batch_steps_total", null);
            double rowsBefore = TestServers.metric(server, "exaone4j_batch_rows_total", null);
            CyclicBarrier start = new CyclicBarrier(CLIENTS);
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<String>> results = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    int k = i;
                    results.add(pool.submit(() -> {
                        start.await();
                        List<String> f = new ArrayList<>();
                        String text = stream(client, params(model, k), f);
                        assertThat(f).hasSize(1);
                        return text;
                    }));
                }
                for (int i = 0; i < CLIENTS; i++) assertThat(results.get(i).get()).as("client %d", i).isEqualTo(alone[i]);
            } finally {
                pool.shutdownNow();
            }
            // the streams really shared forward passes: on average several rows per step (one without batching; how
            // many more depends on how the 16 requests' arrivals interleave on a loaded 2-core machine)
            double steps = TestServers.metric(server, "exaone4j_batch_steps_total", null) - stepsBefore;
            double rows = TestServers.metric(server, "exaone4j_batch_rows_total", null) - rowsBefore;
            assertThat(rows / steps).isGreaterThan(2.0);
            assertThat(TestServers.metric(server, "exaone4j_active_slots", null)).isZero();
            assertThat(TestServers.metric(server, "exaone4j_kv_cache_reserved_bytes", null)).isZero();
            client.close();
        }
    }
}
