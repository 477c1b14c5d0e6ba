package dev.exaone4j.server;

import dev.exaone4j.cli.Main;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code serve} command line: its help lists the flags; bad flags and paths fail with one clear line. */
class ServeCommandTest {
    record Run(int code, String out, String err) {}

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void helpListsTheFlags() {
        Run r = run("serve", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--host", "--port", "--api-key", "--parallel", "--ctx", "--mtp", "--queue", "--max-body", "EXAONE4J_API_KEY", "127.0.0.1");
    }

    @Test
    void badInputFailsClearly() {
        Run r = run("serve", "-m", "/no/such/model.gguf", "--port", "0");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("does not exist");
        r = run("serve", "-m", TestServers.stories().toString(), "--parallel", "0", "--port", "0");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("--parallel");
        r = run("serve", "-m", TestServers.stories().toString(), "--ctx", "100000", "--port", "0");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("--ctx");
    }
}
