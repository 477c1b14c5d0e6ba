package dev.exaone4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.exaone4j.testutil.SharedData;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --mtp} on the K-EXAONE-style tiny model (MoE, one MTP layer): greedy answers are the same as without
 * speculation, drafts are proposed and counted in /metrics; requests that need per-token logits (logprobs) take the
 * batched path. A model without an MTP head refuses --mtp at startup.
 */
class MtpServerTest {
    static String body(String prompt, String extra) {
        return "{\"prompt\": \"" + prompt + "\", \"max_tokens\": 24, \"temperature\": 0, \"ignore_eos\": false" + extra + "}";
    }

    @Test
    void speculativeDecodingGivesTheSameGreedyOutput() throws Exception {
        ServerConfig base = TestServers.config(SharedData.require("tiny/exaone-moe-tiny/hf")).withCtx(512).withParallel(2, 4);
        try (InferenceServer mtp = TestServers.start(base.withMtp(true)); InferenceServer plain = TestServers.start(base)) {
            for (String p : new String[]{"Hello there", "The weather today", "1, 2, 3,"}) {
                JsonNode a = TestServers.post(mtp, "/v1/completions", body(p, "")).json();
                JsonNode b = TestServers.post(plain, "/v1/completions", body(p, "")).json();
                assertThat(a.at("/choices/0/text").asText()).as(p).isEqualTo(b.at("/choices/0/text").asText());
                assertThat(a.at("/usage/completion_tokens").asInt()).isEqualTo(b.at("/usage/completion_tokens").asInt());
            }
            assertThat(TestServers.metric(mtp, "exaone4j_mtp_draft_tokens_total", null)).isPositive();
            assertThat(TestServers.metric(mtp, "exaone4j_mtp_acceptance_ratio", null)).isBetween(0.0, 1.0);
            // logprobs need every token's logits: served on the batched path, same text
            JsonNode lp = TestServers.post(mtp, "/v1/completions", body("Hello there", ", \"logprobs\": 1")).json();
            assertThat(lp.at("/choices/0/logprobs/tokens").size()).isPositive();
            assertThat(lp.at("/choices/0/text").asText()).isEqualTo(TestServers.post(plain, "/v1/completions", body("Hello there", "")).json().at("/choices/0/text").asText());
        }
    }

    @Test
    void modelWithoutMtpHeadRefusesTheFlag() {
        ServerConfig cfg = TestServers.config(TestServers.stories()).withMtp(true);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServers.start(cfg)).hasMessageContaining("no MTP head");
    }
}
