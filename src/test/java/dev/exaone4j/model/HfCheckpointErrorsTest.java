package dev.exaone4j.model;

import dev.exaone4j.gguf.GgufFormatException;
import dev.exaone4j.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad Hugging Face folders: each gives a clear error naming the file, the tensor and the problem. */
class HfCheckpointErrorsTest {
    @TempDir
    Path tmp;

    Path copyOf(String shared) throws IOException {
        Path src = SharedData.require(shared);
        Path dst = tmp.resolve(src.getFileName().toString());
        Files.createDirectories(dst);
        try (Stream<Path> s = Files.list(src)) {
            for (Path f : s.toList()) Files.copy(f, dst.resolve(f.getFileName()));
        }
        dst.toFile().setWritable(true);
        try (Stream<Path> s = Files.list(dst)) {
            s.forEach(f -> f.toFile().setWritable(true));
        }
        return dst;
    }

    @Test
    void missingShard() throws IOException {
        Path d = copyOf("tiny/exaone4-tiny-hybrid4/hf-bf16");
        Files.delete(d.resolve("model-00002-of-00002.safetensors"));
        assertThatThrownBy(() -> ModelLoader.load(d)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("model-00002-of-00002.safetensors").hasMessageContaining("missing");
    }

    @Test
    void tensorListedInIndexButAbsentFromShard() throws IOException {
        Path d = copyOf("tiny/exaone4-tiny-hybrid4/hf-bf16");
        Path idx = d.resolve("model.safetensors.index.json");
        String s = Files.readString(idx).replaceFirst("\"weight_map\"\\s*:\\s*\\{", "\"weight_map\": {\"model.layers.9.ghost.weight\": \"model-00001-of-00002.safetensors\",");
        Files.writeString(idx, s);
        assertThatThrownBy(() -> ModelLoader.load(d)).hasMessageContaining("model.layers.9.ghost.weight").hasMessageContaining("missing");
    }

    @Test
    void missingTensorInCheckpoint() throws IOException {
        Path d = copyOf("tiny/exaone4-tiny-hybrid4/hf");
        Path cfg = d.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"num_hidden_layers\": 4", "\"num_hidden_layers\": 5")
                .replace("\"full_attention\"\n  ]", "\"full_attention\", \"full_attention\"\n  ]"));
        assertThatThrownBy(() -> ModelLoader.load(d)).hasMessageContaining("model.layers.4.").hasMessageContaining("missing");
    }

    @Test
    void shapeDisagreesWithConfig() throws IOException {
        Path d = copyOf("tiny/exaone4-tiny-hybrid4/hf");
        Path cfg = d.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"intermediate_size\": 128", "\"intermediate_size\": 256"));
        assertThatThrownBy(() -> ModelLoader.load(d)).hasMessageContaining("mlp.").hasMessageContaining("has shape").hasMessageContaining("[256, 64]");
    }

    @Test
    void truncatedSafetensorsAndBadHeader() throws IOException {
        Path d = copyOf("tiny/exaone4-tiny-hybrid4/hf");
        Path st = d.resolve("model.safetensors");
        byte[] b = Files.readAllBytes(st);
        Files.write(st, java.util.Arrays.copyOf(b, b.length / 2));
        assertThatThrownBy(() -> ModelLoader.load(d)).hasMessageContaining("model.safetensors").hasMessageContaining("outside");
        Files.write(st, new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 1, 2});
        assertThatThrownBy(() -> ModelLoader.load(d)).hasMessageContaining("header length");
    }

    @Test
    void absurdConfigValues() throws IOException {
        Path d = copyOf("tiny/exaone4-tiny-hybrid4/hf");
        Path cfg = d.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"hidden_size\": 64", "\"hidden_size\": 99999999999"));
        assertThatThrownBy(() -> ModelLoader.load(d)).hasMessageContaining("hidden_size").hasMessageContaining("outside");
        Files.writeString(cfg, "{not json");
        assertThatThrownBy(() -> ModelLoader.load(d)).hasMessageContaining("config.json").hasMessageContaining("not valid JSON");
    }
}
