package dev.exaone4j.cli;

import dev.exaone4j.sampling.SamplerConfig;
import picocli.CommandLine.Option;

/** Sampling flags shared by generate and chat (defaults as llama.cpp; --temp 0 is greedy). */
public final class SamplingOptions {
    @Option(names = "--temp", paramLabel = "T", description = "temperature; 0 = greedy (default ${DEFAULT-VALUE})", defaultValue = "0.8")
    float temperature;

    @Option(names = "--top-k", paramLabel = "K", description = "keep the K most likely tokens, 0 = off (default ${DEFAULT-VALUE})", defaultValue = "40")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", description = "nucleus sampling, 1 = off (default ${DEFAULT-VALUE})", defaultValue = "0.95")
    float topP;

    @Option(names = "--min-p", paramLabel = "M", description = "drop tokens below M x the top probability, 0 = off (default ${DEFAULT-VALUE})", defaultValue = "0.05")
    float minP;

    @Option(names = "--repeat-penalty", paramLabel = "R", description = "repetition penalty, 1 = off (default ${DEFAULT-VALUE})", defaultValue = "1.0")
    float repeatPenalty;

    @Option(names = "--presence-penalty", paramLabel = "X", description = "presence penalty, 0 = off (default ${DEFAULT-VALUE})", defaultValue = "0")
    float presencePenalty;

    @Option(names = "--frequency-penalty", paramLabel = "X", description = "frequency penalty, 0 = off (default ${DEFAULT-VALUE})", defaultValue = "0")
    float frequencyPenalty;

    @Option(names = "--repeat-last-n", paramLabel = "N", description = "tokens the penalties look back over, -1 = the whole context (default ${DEFAULT-VALUE})", defaultValue = "64")
    int repeatLastN;

    @Option(names = "--seed", paramLabel = "S", description = "random seed (default: random); the same seed gives the same output")
    Long seed;

    public SamplerConfig config() {
        long s = seed != null ? seed : new java.security.SecureRandom().nextLong();
        return new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, presencePenalty, frequencyPenalty,
                repeatLastN == -1 ? Integer.MAX_VALUE : repeatLastN, s);
    }
}
