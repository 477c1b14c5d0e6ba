package dev.exaone4j.tensor;

import java.util.Locale;

/**
 * What a matrix product does with its activations before multiplying them by Q8_0, Q4_0, Q4_K or Q6_K weights.
 *
 * <ul>
 *   <li>{@link #F32}: activations stay f32 and the weights are dequantized exactly; the result is within float
 *       rounding (~1e-6 relative) of an f64 product with the dequantized weights.</li>
 *   <li>{@link #Q8}: as llama.cpp does, each activation row is quantized to 8 bits per block of 32
 *       ({@code d = max|x| / 127}, {@code q = round(x / d)}) and each block's dot product is an exact integer
 *       product, scaled by {@code d_weight * d_activation}. Faster (integer lanes are narrower than floats);
 *       each product's relative error is ~5e-3, the logits of a model move ~1e-2 to 1e-1 relative (see the
 *       README's performance section for the measured effect).</li>
 * </ul>
 * Other weight types always compute with f32 activations, and so do rows marked exact with {@link MatMul#exactRows}
 * (the models mark prompt rows so). Either way a row's result does not depend on how many activation rows a
 * product runs (batch invariance), which keeps speculative decoding and batched serving exact.
 */
public enum ActivationPrecision {
    F32,
    Q8;

    /** The engine's default: {@link #Q8}, as llama.cpp (its speed targets assume it). */
    public static final ActivationPrecision DEFAULT = Q8;

    /** Parses "f32" or "q8" (any case); the error names the accepted values. */
    public static ActivationPrecision parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "f32", "exact" -> F32;
            case "q8", "q8_0", "int8" -> Q8;
            default -> throw new IllegalArgumentException("activation precision '" + s + "' is not one of: f32, q8");
        };
    }

    /**
     * Whether generated tokens' products with weights of these types quantize their activations under this precision
     * (so a generated token's results differ slightly from the same token read as a prompt token).
     */
    public boolean quantizesAny(java.util.Collection<dev.exaone4j.gguf.GgmlType> types) {
        if (this != Q8 || !q8Available()) return false;
        for (dev.exaone4j.gguf.GgmlType t : types) if (Q8Kernels.handles(t)) return true;
        return false;
    }

    /** Whether this CPU runs the 8-bit kernels (256-bit vectors); without them {@link #Q8} computes as {@link #F32}. */
    public static boolean q8Available() {
        return Q8Kernels.SUPPORTED;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
