package dev.exaone4j.convert;

import dev.exaone4j.gguf.GgufFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bounded memory: a synthetic ~2.9 GB F32 checkpoint (sparse file, so it costs no disk) converts in a child JVM
 * whose heap is capped at 160 MB, far below the checkpoint: tensors stream through the converter chunk by chunk.
 */
class LargeCheckpointTest {
    @TempDir
    Path tmp;

    @Test
    void convertsACheckpointMuchLargerThanTheHeap() throws Exception {
        int dim = 4096, ffn = 8192, layers = 4, vocab = 32000, kv = 1024;
        Path dir = Files.createDirectories(tmp.resolve("big"));
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["Exaone4ForCausalLM"], "model_type": "exaone4", "vocab_size": %d, "hidden_size": %d,
                 "intermediate_size": %d, "num_hidden_layers": %d, "num_attention_heads": 32, "num_key_value_heads": 8,
                 "head_dim": 128, "max_position_embeddings": 4096, "rms_norm_eps": 1e-05, "rope_theta": 1000000.0,
                 "rope_scaling": null, "sliding_window": null, "tie_word_embeddings": true, "bos_token_id": 1, "eos_token_id": 2}
                """.formatted(vocab, dim, ffn, layers));
        Files.writeString(dir.resolve("tokenizer.json"), """
                {"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": []}, "added_tokens": []}
                """);
        List<String[]> tensors = new ArrayList<>();
        tensors.add(new String[]{"model.embed_tokens.weight", vocab + "," + dim});
        tensors.add(new String[]{"model.norm.weight", String.valueOf(dim)});
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            tensors.add(new String[]{p + "self_attn.q_proj.weight", dim + "," + dim});
            tensors.add(new String[]{p + "self_attn.k_proj.weight", kv + "," + dim});
            tensors.add(new String[]{p + "self_attn.v_proj.weight", kv + "," + dim});
            tensors.add(new String[]{p + "self_attn.o_proj.weight", dim + "," + dim});
            tensors.add(new String[]{p + "self_attn.q_norm.weight", "128"});
            tensors.add(new String[]{p + "self_attn.k_norm.weight", "128"});
            tensors.add(new String[]{p + "post_attention_layernorm.weight", String.valueOf(dim)});
            tensors.add(new String[]{p + "post_feedforward_layernorm.weight", String.valueOf(dim)});
            tensors.add(new String[]{p + "mlp.gate_proj.weight", ffn + "," + dim});
            tensors.add(new String[]{p + "mlp.up_proj.weight", ffn + "," + dim});
            tensors.add(new String[]{p + "mlp.down_proj.weight", dim + "," + ffn});
        }
        long total = writeSparseSafetensors(dir.resolve("model.safetensors"), tensors);
        assertThat(total).isGreaterThan(2L << 30);

        Path out = tmp.resolve("big-Q8_0.gguf");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx160m", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                "dev.exaone4j.cli.Main", "convert", dir.toString(), "-o", out.toString(), "--type", "Q8_0", "-q")
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.tensor("blk.3.ffn_down.weight").ne()).containsExactly(ffn, dim);
            assertThat(f.tensor("token_embd.weight").type().name()).isEqualTo("Q8_0");
        }
    }

    /** A safetensors file whose data region is a hole (all zeros, no disk blocks). Returns its size. */
    static long writeSparseSafetensors(Path file, List<String[]> tensors) throws IOException {
        StringBuilder h = new StringBuilder("{");
        long off = 0;
        for (String[] t : tensors) {
            long n = 1;
            for (String d : t[1].split(",")) n *= Long.parseLong(d);
            if (h.length() > 1) h.append(',');
            h.append('"').append(t[0]).append("\":{\"dtype\":\"F32\",\"shape\":[").append(t[1]).append("],\"data_offsets\":[")
                    .append(off).append(',').append(off + 4 * n).append("]}");
            off += 4 * n;
        }
        h.append('}');
        byte[] hb = h.toString().getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(hb.length).array());
            raf.write(hb);
            raf.setLength(8 + hb.length + off);
        }
        return 8 + hb.length + off;
    }
}
