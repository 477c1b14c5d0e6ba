package dev.exaone4j.cli;

import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.gguf.GgufFile;
import dev.exaone4j.gguf.GgufMetadata;
import dev.exaone4j.gguf.GgufTensorInfo;
import dev.exaone4j.model.Model;
import dev.exaone4j.model.ModelConfig;
import dev.exaone4j.model.ModelLoader;
import dev.exaone4j.safetensors.HfCheckpoint;
import dev.exaone4j.tensor.WeightMatrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code inspect -m PATH}: architecture, hyperparameters, layer pattern, tensors by type, weight bytes, KV bytes
 * per token, and what (if anything) keeps the engine from running the file.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Describe a model file: architecture, hyperparameters, layer pattern, tensor types, memory.")
public final class InspectCommand implements Callable<Integer> {
    @Mixin
    ModelOptions opts;

    @Option(names = "--tensors", description = "also list every tensor")
    boolean listTensors;

    @Option(names = "--metadata", description = "also list every metadata key (GGUF)")
    boolean listMetadata;

    @Override
    public Integer call() {
        Path path = opts.path();
        PrintStream out = System.out;
        List<String> problems = new ArrayList<>();
        out.println("file:          " + path);
        if (Files.isDirectory(path)) {
            try (HfCheckpoint ck = HfCheckpoint.open(path)) {
                out.println("format:        Hugging Face checkpoint (" + ck.tensors().size() + " tensors, " + human(ck.totalBytes()) + ")");
                Map<String, Integer> byType = new TreeMap<>();
                for (var e : ck.tensors().values()) byType.merge(e.dtype(), 1, Integer::sum);
                out.println("tensor types:  " + byType);
                if (listTensors) ck.tensors().values().forEach(e -> out.println("  " + e.name() + " " + e.dtype() + " " + java.util.Arrays.toString(e.shape())));
            }
        } else {
            try (GgufFile f = GgufFile.open(path)) {
                out.println("format:        GGUF v" + f.version() + " (" + f.tensors().size() + " tensors, " + f.metadata().asMap().size() + " metadata keys, alignment " + f.alignment() + ")");
                Map<GgmlType, long[]> byType = new TreeMap<>();
                long bytes = 0;
                for (GgufTensorInfo t : f.tensors().values()) {
                    long[] cb = byType.computeIfAbsent(t.type(), k -> new long[2]);
                    cb[0]++;
                    cb[1] += t.byteSize();
                    bytes += t.byteSize();
                    if (!WeightMatrix.isSupported(t.type())) problems.add("tensor '" + t.name() + "' has type " + t.type() + ", which the engine cannot compute on");
                }
                StringBuilder sb = new StringBuilder();
                byType.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(": ").append(v[0]).append(" (").append(human(v[1])).append(')'));
                out.println("tensor types:  " + sb);
                out.println("weight bytes:  " + bytes + " (" + human(bytes) + ")");
                GgufMetadata md = f.metadata();
                out.println("name:          " + md.getString("general.name", "-"));
                out.println("tokenizer:     " + md.getString("tokenizer.ggml.model", "-") + (md.has("tokenizer.ggml.pre") ? " (pre " + md.getString("tokenizer.ggml.pre") + ")" : "")
                        + (md.has("tokenizer.chat_template") ? ", has chat template" : ""));
                if (listMetadata) md.asMap().forEach((k, v) -> out.println("  " + k + " = " + (v instanceof GgufMetadata.Array ? GgufMetadata.describe(v) : v)));
                if (listTensors) f.tensors().values().forEach(t -> out.println("  " + t.name() + " " + t.type() + " " + t.shapeString()));
            }
        }
        try {
            ModelConfig c;
            try (Model m = ModelLoader.load(path)) {
                c = m.config();
            }
            printConfig(out, c);
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
        }
        if (problems.isEmpty()) out.println("runnable:      yes");
        else {
            out.println("runnable:      NO");
            problems.stream().distinct().limit(20).forEach(p -> out.println("  - " + p));
        }
        return 0;
    }

    static void printConfig(PrintStream out, ModelConfig c) {
        out.println("architecture:  " + c.arch.ggufName);
        out.printf("hidden %d, layers %d, heads %d (kv %d, head_dim %d), ffn %d, vocab %d, context %d%n",
                c.dim, c.nLayers, c.nHeads, c.nKvHeads, c.headDim, c.ffnDim, c.vocabSize, c.contextLength);
        out.printf("rms eps %g, rope theta %.0f (%s%s, rotary dims %d)%n", c.eps, c.ropeTheta, c.ropeStyle,
                c.ropeDivisors != null ? ", llama3 scaling" : "", c.ropeDim);
        if (c.slidingWindow > 0) {
            out.println("layer pattern: " + c.layerPattern() + " (L = sliding window " + c.slidingWindow + " with RoPE, G = global"
                    + (c.ropeOnGlobalLayers ? " with RoPE)" : ", no positional encoding)"));
        } else {
            out.println("layer pattern: all " + c.nLayers + " layers global, RoPE on every layer");
        }
        if (c.nExperts > 0) {
            int moeLayers = 0;
            for (int l = 0; l < c.nLayers; l++) if (c.isMoe(l)) moeLayers++;
            out.printf("experts:       %d routed (top-%d, ffn %d) + %d shared (ffn %d); %d MoE layers, %d dense; scale %.3f, norm_topk %s%n",
                    c.nExperts, c.nExpertsUsed, c.moeFfnDim, c.nSharedExperts, c.sharedFfnDim, moeLayers, c.nLayers - moeLayers, c.routedScale, c.normTopk);
        }
        if (c.nextnLayers > 0) out.println("MTP layers:    " + c.nextnLayers);
        int global = 0, sliding = 0;
        for (int l = 0; l < c.nLayers; l++) if (c.isSliding(l)) sliding++; else global++;
        long perLayer = 2L * c.kvDim() * Float.BYTES;
        int batch = dev.exaone4j.model.DecoderModel.DEFAULT_MAX_BATCH;
        out.printf("KV cache:      %d bytes per token (f32, %d global layer%s%s) + %d bytes fixed for %d sliding layer%s (rings of window %d + %d batch slots; serve: window + --batch)%n",
                perLayer * global, global, global == 1 ? "" : "s", c.nextnLayers > 0 ? "; + " + perLayer * c.nextnLayers + " for the MTP head with --mtp" : "",
                perLayer * sliding * (sliding == 0 ? 0 : c.slidingWindow + batch), sliding, sliding == 1 ? "" : "s", c.slidingWindow, batch);
        int ctx = c.contextLength;
        out.printf("               at the model's full context of %d tokens: %s (global caches grow by doubling as the text grows)%n",
                ctx, human(c.kvBytes(ctx, batch, ctx)));
    }

    static String human(long b) {
        if (b < 1024) return b + " B";
        if (b < 1L << 20) return String.format("%.1f KiB", b / 1024.0);
        if (b < 1L << 30) return String.format("%.1f MiB", b / 1048576.0);
        return String.format("%.2f GiB", b / 1073741824.0);
    }
}
