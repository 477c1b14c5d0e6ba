package dev.exaone4j.sampling;

/**
 * Sampling parameters. temperature 0 means greedy. topK 0 = off, topP 1 = off, minP 0 = off,
 * repetitionPenalty 1 = off (llama.cpp/CTRL style: positive logits divided, negative multiplied),
 * presence/frequency penalties 0 = off (OpenAI style: subtract presence + count * frequency).
 * The penalties look at the last {@code penaltyWindow} tokens (prompt included).
 */
public record SamplerConfig(float temperature, int topK, float topP, float minP,
                            float repetitionPenalty, float presencePenalty, float frequencyPenalty,
                            int penaltyWindow, long seed) {
    public static final SamplerConfig GREEDY = new SamplerConfig(0f, 0, 1f, 0f, 1f, 0f, 0f, 64, 0);

    public SamplerConfig {
        if (!(temperature >= 0) || temperature > 100) throw new IllegalArgumentException("temperature must be in [0, 100], got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        if (!(minP >= 0 && minP <= 1)) throw new IllegalArgumentException("min-p must be in [0, 1], got " + minP);
        if (!(repetitionPenalty > 0) || repetitionPenalty > 100) throw new IllegalArgumentException("repetition penalty must be in (0, 100], got " + repetitionPenalty);
        if (!(Math.abs(presencePenalty) <= 2)) throw new IllegalArgumentException("presence penalty must be in [-2, 2], got " + presencePenalty);
        if (!(Math.abs(frequencyPenalty) <= 2)) throw new IllegalArgumentException("frequency penalty must be in [-2, 2], got " + frequencyPenalty);
        if (penaltyWindow < 0) throw new IllegalArgumentException("penalty window must be >= 0");
    }

    public boolean greedy() {
        return temperature == 0f;
    }

    public SamplerConfig withSeed(long s) {
        return new SamplerConfig(temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, penaltyWindow, s);
    }
}
