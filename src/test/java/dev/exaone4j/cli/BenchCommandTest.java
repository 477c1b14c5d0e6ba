package dev.exaone4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.exaone4j.testutil.CliRun;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code bench} contract scripts rely on: {@code --json} prints one object with at least the named keys; the
 * text form reports pp, tg and the bandwidth fraction. Runs on the shipped demo model (speed is not asserted).
 */
class BenchCommandTest {
    @Test
    void jsonIsOneObjectWithTheContractKeys() throws Exception {
        CliRun r = CliRun.run("bench", "-m", "models/stories260K.gguf", "-p", "16", "-n", "8", "-r", "2", "-t", "1",
                "--json", "--bandwidth-mib", "64");
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().strip().split("\n");
        assertThat(lines).hasSize(1);
        JsonNode o = new ObjectMapper().readTree(lines[0]);
        for (String key : new String[]{"pp_tokens_per_s", "tg_tokens_per_s", "threads", "model_bytes", "weight_type",
                "activations", "memory_bandwidth_gb_s", "tg_fraction_of_bandwidth_limit"}) {
            assertThat(o.has(key)).as("key %s in %s", key, lines[0]).isTrue();
        }
        assertThat(o.get("pp_tokens_per_s").asDouble()).isPositive();
        assertThat(o.get("tg_tokens_per_s").asDouble()).isPositive();
        assertThat(o.get("threads").asInt()).isEqualTo(1);
        assertThat(o.get("weight_type").asText()).isEqualTo("F32");
        assertThat(o.get("activations").asText()).isEqualTo("q8");
    }

    @Test
    void textReportsSpeedsAndTheBandwidthFraction() {
        CliRun r = CliRun.run("bench", "-m", "models/stories260K.gguf", "-p", "8", "-n", "4", "-r", "1",
                "--bandwidth-mib", "64", "--activations", "f32");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("f32 activations").containsPattern("pp8 +[0-9.]+ tokens/s")
                .containsPattern("tg4 +[0-9.]+ tokens/s").contains("% of the limit");
    }
}
