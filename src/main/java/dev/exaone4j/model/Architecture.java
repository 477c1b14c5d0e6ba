package dev.exaone4j.model;

/** The model graphs exaone4j runs, named as GGUF's {@code general.architecture}. */
public enum Architecture {
    /** Llama 2/3 shaped (pre-norm, RoPE on every layer), e.g. the stories260K demo. */
    LLAMA("llama"),
    /** EXAONE 3.x: Llama-shaped, NeoX RoPE with llama3 scaling. */
    EXAONE("exaone"),
    /** EXAONE 4.0: QK-Reorder-Norm (post-norm) with per-head QK RMSNorm, optional hybrid sliding window. */
    EXAONE4("exaone4"),
    /** K-EXAONE: pre-norm, sliding/global hybrid, Mixture-of-Experts FFN, MTP head. */
    EXAONE_MOE("exaone-moe");

    public final String ggufName;

    Architecture(String ggufName) {
        this.ggufName = ggufName;
    }

    public static Architecture fromGguf(String name) {
        for (Architecture a : values()) if (a.ggufName.equals(name)) return a;
        throw new IllegalArgumentException("unsupported architecture '" + name + "' (supported: llama, exaone, exaone4, exaone-moe)");
    }

    /** From a Hugging Face config.json {@code model_type}. */
    public static Architecture fromHfModelType(String modelType) {
        return switch (modelType) {
            case "llama" -> LLAMA;
            case "exaone" -> EXAONE;
            case "exaone4" -> EXAONE4;
            case "exaone_moe", "exaone-moe" -> EXAONE_MOE;
            default -> throw new IllegalArgumentException("unsupported model_type '" + modelType + "' (supported: llama, exaone, exaone4, exaone_moe)");
        };
    }
}
