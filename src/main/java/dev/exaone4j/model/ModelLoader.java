package dev.exaone4j.model;

import dev.exaone4j.gguf.GgufFile;
import dev.exaone4j.safetensors.HfCheckpoint;
import dev.exaone4j.tensor.ActivationPrecision;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a model from a GGUF file or a Hugging Face folder and builds the graph its architecture names. */
public final class ModelLoader {
    private ModelLoader() {}

    /** Loads with the default activation precision ({@link ActivationPrecision#DEFAULT}). */
    public static Model load(Path path) {
        return load(path, ActivationPrecision.DEFAULT);
    }

    /** Loads a model whose Q8_0 / Q4_0 / Q4_K / Q5_K / Q6_K products use the given activation precision for generated tokens (see {@link Model#prefill}). */
    public static Model load(Path path, ActivationPrecision activations) {
        Weights weights;
        ModelConfig config;
        if (Files.isDirectory(path)) {
            HfCheckpoint ckpt = HfCheckpoint.open(path);
            try {
                config = ModelConfig.fromHf(ckpt.config(), path.resolve("config.json").toString());
                weights = new HfWeights(ckpt, config.arch, config.nLayers);
            } catch (RuntimeException e) {
                ckpt.close();
                throw e;
            }
        } else {
            GgufFile f = GgufFile.open(path);
            try {
                config = ModelConfig.fromGguf(f);
                weights = new GgufWeights(f, activations);
            } catch (RuntimeException e) {
                f.close();
                throw e;
            }
        }
        try {
            return build(config, weights);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /** The graph for an architecture: adding an architecture means adding its file and one line here. */
    public static Model build(ModelConfig config, Weights weights) {
        return switch (config.arch) {
            case LLAMA, EXAONE -> new LlamaModel(config, weights);
            case EXAONE4 -> new Exaone4Model(config, weights);
            case EXAONE_MOE -> new ExaoneMoeModel(config, weights);
        };
    }
}
