package dev.exaone4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves {@code -m}: the given path, or the stories260K demo model shipped in {@code models/}. */
public final class DefaultModel {
    private DefaultModel() {}

    public static Path home() {
        String h = System.getProperty("exaone4j.home");
        return h != null ? Path.of(h) : Path.of(".").toAbsolutePath().normalize();
    }

    public static Path resolve(Path given) {
        if (given != null) {
            if (!Files.exists(given)) throw new IllegalArgumentException("model path " + given + " does not exist");
            return given;
        }
        Path demo = home().resolve("models").resolve("stories260K.gguf");
        if (!Files.exists(demo)) throw new IllegalArgumentException("no -m given and the demo model " + demo + " is missing");
        return demo;
    }
}
