package dev.exaone4j.quant;

import java.util.List;
import java.util.Locale;

/**
 * The shape of a model for {@link SynthModel}: architecture ({@code exaone4} or {@code exaone-moe}), widths,
 * layer counts, attention layout, MoE layout and special token ids. The named presets reproduce the real
 * EXAONE 4.0 1.2B / 32B and K-EXAONE 236B shapes; {@code k-exaone-slice-N} is K-EXAONE's width with N layers
 * (layer 0 dense, the rest MoE) plus its MTP layer.
 *
 * @param layers           main decoder layers (without MTP layers)
 * @param slidingWindow    window of sliding layers, 0 when every layer is global
 * @param slidingPattern   per-period pattern such as "LLLG" ('L' sliding, 'G' global), null when all global
 * @param llama3Rope       EXAONE 4.0's llama3 RoPE scaling (factor 16, low 1, high 4, original context 8192): a rope_freqs tensor
 * @param experts          routed experts (0 for dense models)
 * @param leadingDense     leading dense layers of a MoE model
 * @param nextnLayers      MTP layers ({@code blk.L.nextn.*}) after the main layers
 * @param eos              end-of-turn token id ({@code [|endofturn|]})
 */
public record SynthPreset(String name, String arch, int hidden, int layers, int heads, int kvHeads, int headDim, int ffn,
                          int vocab, boolean tiedEmbeddings, int contextLength, int slidingWindow, String slidingPattern,
                          boolean llama3Rope, double ropeTheta, int experts, int expertsUsed, int expertFfn, int sharedExperts,
                          int leadingDense, int nextnLayers, float expertWeightsScale, int eos) {

    public SynthPreset {
        if (!arch.equals("exaone4") && !arch.equals("exaone-moe")) throw new IllegalArgumentException("unsupported architecture " + arch);
        if (hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || headDim <= 0 || ffn <= 0 || vocab <= 0) {
            throw new IllegalArgumentException("preset " + name + ": every width must be positive");
        }
        if (heads % kvHeads != 0) throw new IllegalArgumentException("preset " + name + ": " + heads + " heads are not a multiple of " + kvHeads + " KV heads");
        if (arch.equals("exaone-moe") && (experts <= 0 || expertsUsed <= 0 || expertsUsed > experts || expertFfn <= 0)) {
            throw new IllegalArgumentException("preset " + name + ": a MoE model needs experts, experts used and the expert FFN width");
        }
        if (eos < 0 || eos >= vocab) throw new IllegalArgumentException("preset " + name + ": eos id " + eos + " outside the vocabulary");
    }

    /** Every accepted preset name ({@code k-exaone-slice-N} with any N >= 1). */
    public static List<String> names() {
        return List.of("exaone4-1.2b", "exaone4-32b", "k-exaone-236b", "k-exaone-slice-N");
    }

    /** The preset called {@code name}; an unknown name gives an error listing the valid ones. */
    public static SynthPreset named(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "exaone4-1.2b":
                return new SynthPreset(n, "exaone4", 2048, 30, 32, 8, 64, 4096, 102400, true, 65536, 0, null,
                        true, 1e6, 0, 0, 0, 0, 0, 0, 0f, 361);
            case "exaone4-32b":
                return new SynthPreset(n, "exaone4", 5120, 64, 40, 8, 128, 27392, 102400, false, 131072, 4096, "LLLG",
                        true, 1e6, 0, 0, 0, 0, 0, 0, 0f, 361);
            case "k-exaone-236b":
                return kExaone(n, 48);
            default:
                if (n.startsWith("k-exaone-slice-")) {
                    try {
                        int layers = Integer.parseInt(n.substring("k-exaone-slice-".length()));
                        if (layers >= 1 && layers <= 48) return kExaone(n, layers);
                    } catch (NumberFormatException e) {
                        // fall through to the error
                    }
                }
                throw new IllegalArgumentException("unknown preset '" + name + "'; valid presets: " + String.join(", ", names())
                        + " (N = 1..48)");
        }
    }

    private static SynthPreset kExaone(String name, int layers) {
        return new SynthPreset(name, "exaone-moe", 6144, layers, 64, 8, 128, 18432, 153600, false, 262144, 128, "LLLG",
                false, 1e6, 128, 8, 2048, 1, 1, 1, 2.5f, 53);
    }

    /** The same shape with {@code n} main layers. */
    public SynthPreset withLayers(int n) {
        if (n < 1) throw new IllegalArgumentException("--layers must be at least 1");
        return new SynthPreset(name, arch, hidden, n, heads, kvHeads, headDim, ffn, vocab, tiedEmbeddings, contextLength, slidingWindow,
                slidingPattern, llama3Rope, ropeTheta, experts, expertsUsed, expertFfn, sharedExperts, Math.min(leadingDense, n),
                nextnLayers, expertWeightsScale, eos);
    }

    /** {@code block_count} as llama.cpp's converter writes it: main layers plus MTP layers. */
    public int blockCount() {
        return layers + nextnLayers;
    }

    public boolean isMoe() {
        return arch.equals("exaone-moe");
    }

    /** Whether main layer {@code i} uses the sliding window. */
    public boolean isSliding(int i) {
        return slidingWindow > 0 && slidingPattern != null && slidingPattern.charAt(i % slidingPattern.length()) == 'L';
    }
}
