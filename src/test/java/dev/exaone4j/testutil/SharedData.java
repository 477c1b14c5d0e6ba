package dev.exaone4j.testutil;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared/testdata (beside the project root); tests that need it skip with a notice when absent. */
public final class SharedData {
    private SharedData() {}

    public static final Path ROOT = Path.of("..", "shared", "testdata").toAbsolutePath().normalize();

    public static boolean available() {
        return Files.isDirectory(ROOT);
    }

    /** The path under shared/testdata, or a skipped test (with a printed notice) when it is missing. */
    public static Path require(String relative) {
        Path p = ROOT.resolve(relative);
        if (!Files.exists(p)) {
            System.out.println("NOTICE: skipping, shared test data " + p + " is absent (a user's clone without ../shared)");
            Assumptions.assumeTrue(false, "shared test data absent: " + p);
        }
        return p;
    }
}
