package dev.exaone4j.model;

import dev.exaone4j.gguf.GgufFormatException;
import dev.exaone4j.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
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

    @Test
    void configFieldsOfTheWrongTypeOrContradictoryAreNamed() throws IOException {
        Path d = copyOf("tiny/exaone4-tiny-hybrid4/hf");
        Path cfg = d.resolve("config.json");
        String orig = Files.readString(cfg);
        String[][] cases = {
                {"\"rms_norm_eps\": 1e-05", "\"rms_norm_eps\": \"abc\"", "rms_norm_eps"},
                {"\"factor\": 16.0", "\"factor\": 0.0", "rope_scaling"},                  // every logit NaN before
                {"\"factor\": 16.0,", "", "no factor"},
                {"\"tie_word_embeddings\": false", "\"tie_word_embeddings\": \"yes\"", "tie_word_embeddings"},
                {"\"sliding_window\": 8", "\"sliding_window\": null", "sliding_attention"},  // layers silently global before
                {"\"sliding_window\": 8", "\"sliding_window\": 0", "sliding_attention"},
        };
        for (String[] c : cases) {
            assertThat(orig).contains(c[0]);
            Files.writeString(cfg, orig.replace(c[0], c[1]));
            assertThatThrownBy(() -> ModelLoader.load(d)).as(c[1]).hasMessageContaining("config.json").hasMessageContaining(c[2]);
        }
        Files.writeString(cfg, orig.replaceFirst("\"rope_scaling\": \\{[^}]*\\}", "\"rope_scaling\": \"llama3\""));
        assertThatThrownBy(() -> ModelLoader.load(d)).hasMessageContaining("rope_scaling must be an object");
        Files.writeString(cfg, orig.replaceFirst("\"layer_types\": \\[[^\\]]*\\]", "\"layer_types\": \"LLLG\""));
        assertThatThrownBy(() -> ModelLoader.load(d)).hasMessageContaining("layer_types must be a list");
    }

    @Test
    void safetensorsHeaderIntegersOverflowAndOverlapsAreRejected() throws IOException {
        Path d = copyOf("tiny/exaone4-tiny-hybrid4/hf");
        Path st = d.resolve("model.safetensors");
        byte[] b = Files.readAllBytes(st);
        long n = java.nio.ByteBuffer.wrap(b, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(b, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
        byte[] data = java.util.Arrays.copyOfRange(b, 8 + (int) n, b.length);
        // one tensor's header entry replaced: its shape wraps a long, its offsets are strings, it aliases another's bytes
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(header);
        String name = "model.embed_tokens.weight";
        var entry = (com.fasterxml.jackson.databind.node.ObjectNode) root.get(name);
        String[] shapes = {"[1098438933505, 33587200]", "[512.0, 64]"};
        for (String shape : shapes) {
            var e = entry.deepCopy();
            e.set("shape", new com.fasterxml.jackson.databind.ObjectMapper().readTree(shape));
            root.set(name, e);
            write(st, root.toString(), data);
            assertThatThrownBy(() -> ModelLoader.load(d)).as(shape).hasMessageContaining(name).hasMessageContaining("model.safetensors");
        }
        var e = entry.deepCopy();
        e.set("data_offsets", new com.fasterxml.jackson.databind.ObjectMapper().readTree("[\"0\", \"131072\"]"));
        root.set(name, e);
        write(st, root.toString(), data);
        assertThatThrownBy(() -> ModelLoader.load(d)).hasMessageContaining(name).hasMessageContaining("data_offsets");
        // another tensor pointed at the embedding's bytes
        root.set(name, entry);
        String other = "model.norm.weight";
        var o = (com.fasterxml.jackson.databind.node.ObjectNode) root.get(other).deepCopy();
        long begin = entry.get("data_offsets").get(0).asLong();
        long len = o.get("data_offsets").get(1).asLong() - o.get("data_offsets").get(0).asLong();
        o.set("data_offsets", new com.fasterxml.jackson.databind.ObjectMapper().readTree("[" + begin + ", " + (begin + len) + "]"));
        root.set(other, o);
        write(st, root.toString(), data);
        assertThatThrownBy(() -> ModelLoader.load(d)).hasMessageContaining("overlap").hasMessageContaining(other);
    }

    private static void write(Path st, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 + h.length + data.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h).put(data);
        Files.write(st, buf.array());
    }

    @Test
    void tokenizerWithIdsBeyondTheEmbeddingIsRejected() throws IOException {
        Path d = copyOf("tiny/exaone4-tiny-hybrid4/hf");
        Path tj = d.resolve("tokenizer.json");
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(tj.toFile());
        var added = (com.fasterxml.jackson.databind.node.ArrayNode) root.get("added_tokens");
        added.addObject().put("id", 99999).put("content", "<big>").put("special", true).put("single_word", false)
                .put("lstrip", false).put("rstrip", false).put("normalized", false);
        Files.writeString(tj, root.toString());
        try (Model m = ModelLoader.load(d)) {
            assertThatThrownBy(() -> dev.exaone4j.tokenizer.Tokenizers.forModel(d, m.config().vocabSize))
                    .hasMessageContaining("tokenizer.json").hasMessageContaining("99999").hasMessageContaining("512");
        }
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("model").get("vocab")).put("huge", 1_000_000_000);
        Files.writeString(tj, root.toString());
        assertThatThrownBy(() -> dev.exaone4j.tokenizer.Tokenizers.forModel(d)).hasMessageContaining("'huge'").hasMessageContaining("1000000000");
    }
}
