package dev.exaone4j.cli;

import dev.exaone4j.model.Model;
import dev.exaone4j.model.ModelLoader;
import dev.exaone4j.tensor.ActivationPrecision;
import dev.exaone4j.tensor.Parallel;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options every model-running command shares: the model path and the thread count. */
public final class ModelOptions {
    @Option(names = {"-m", "--model"}, paramLabel = "PATH", description = "GGUF file or Hugging Face folder (default: the shipped stories260K demo)")
    Path model;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "worker threads (default: all cores; serve: all but one)")
    Integer threads;

    @Option(names = {"--ctx"}, paramLabel = "N", description = "context size in tokens (default: the model's, at most 32768; serve: per sequence, at most 8192)")
    Integer ctx;

    @Option(names = {"--activations"}, paramLabel = "f32|q8", converter = PrecisionConverter.class,
            description = "generated tokens' Q8_0/Q4_0/Q4_K/Q5_K/Q6_K products: q8 quantizes activations to 8 bits as llama.cpp (faster, default), f32 keeps them exact; prompt tokens are always exact")
    ActivationPrecision activations = ActivationPrecision.DEFAULT;

    static final class PrecisionConverter implements picocli.CommandLine.ITypeConverter<ActivationPrecision> {
        @Override
        public ActivationPrecision convert(String value) {
            try {
                return ActivationPrecision.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    public ActivationPrecision activations() {
        return activations;
    }

    public Path path() {
        return DefaultModel.resolve(model);
    }

    public Model load() {
        if (threads != null) {
            if (threads < 1 || threads > 1024) throw new IllegalArgumentException("--threads must be in [1, 1024], got " + threads);
            Parallel.configure(threads);
        }
        return ModelLoader.load(path(), activations);
    }

    public int context(Model m) {
        int max = m.config().contextLength;
        if (ctx != null && (ctx < 1 || ctx > max)) throw new IllegalArgumentException("--ctx must be in [1, " + max + "] for this model, got " + ctx);
        int chosen = ctx != null ? ctx : Math.min(max, 32768);
        // the KV cache grows as the text does; a context it could never hold in the heap fails now, not mid-answer
        dev.exaone4j.model.ModelConfig c = m.config();
        long usable = (long) (dev.exaone4j.model.InferenceState.freeHeapBytes() * 0.9);
        int batch = dev.exaone4j.model.DecoderModel.DEFAULT_MAX_BATCH;
        // fixed rings, plus one position per global layer (and per MTP layer, when the model has a head) per token
        long fixed = c.kvBytes(0, batch, chosen);
        long perToken = c.kvBytes(1, batch, chosen) - fixed + (c.nextnLayers > 0 ? c.mtpKvBytes(1) : 0);
        long need = fixed + perToken * chosen;
        if (need <= usable) return chosen;
        int fits = (int) Math.min(chosen, Math.max(0, (usable - fixed) / Math.max(1, perToken)));
        String why = String.format("a context of %d tokens needs up to %d MiB of KV cache but the Java heap has about %d MiB free",
                chosen, need >> 20, usable >> 20);
        if (ctx != null || fits < 256) {
            throw new IllegalArgumentException(why + ": lower --ctx (about " + fits + " fits) or give Java more heap (EXAONE4J_JAVA_OPTS=-Xmx...)");
        }
        System.err.println("exaone4j: " + why + "; using --ctx " + fits + " (give Java more heap with EXAONE4J_JAVA_OPTS=-Xmx... for more)");
        return fits;
    }

    /** Parses "1,2,3" into ids. */
    public static int[] parseIds(String s) {
        String t = s.trim();
        if (t.isEmpty()) throw new IllegalArgumentException("--prompt-ids is empty");
        String[] parts = t.split("\\s*,\\s*");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--prompt-ids: '" + parts[i] + "' is not a token id");
            }
            if (ids[i] < 0) throw new IllegalArgumentException("--prompt-ids: token id " + ids[i] + " is negative");
        }
        return ids;
    }

    public static String joinIds(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.length; i++) sb.append(i == 0 ? "" : ",").append(ids[i]);
        return sb.toString();
    }
}
