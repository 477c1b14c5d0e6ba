package dev.exaone4j.server;

import dev.exaone4j.testutil.CliRun;

import org.junit.jupiter.api.Test;





import static org.assertj.core.api.Assertions.assertThat;

/** The {@code serve} command line: its help lists the flags; bad flags and paths fail with one clear line. */
class ServeCommandTest {
    @Test
    void helpListsTheFlags() {
        CliRun r = CliRun.run("serve", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--host", "--port", "--api-key", "--parallel", "--ctx", "--mtp", "--queue", "--max-body", "EXAONE4J_API_KEY", "127.0.0.1");
    }

    @Test
    void badInputFailsClearly() {
        CliRun r = CliRun.run("serve", "-m", "/no/such/model.gguf", "--port", "0");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("does not exist");
        r = CliRun.run("serve", "-m", TestServers.stories().toString(), "--parallel", "0", "--port", "0");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("--parallel");
        r = CliRun.run("serve", "-m", TestServers.stories().toString(), "--ctx", "100000", "--port", "0");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("--ctx");
        // an empty key (an unset shell variable) must not start an open server that looks protected
        r = CliRun.run("serve", "-m", TestServers.stories().toString(), "--api-key", "", "--port", "0");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("--api-key is empty");
    }
}
