package dev.exaone4j.model;

/** How RoPE pairs the dimensions of a head. */
public enum RopeStyle {
    /** GPT-NeoX "rotate half": dimension j pairs with j + rotaryDim/2 (HF checkpoints, EXAONE GGUFs). */
    NEOX,
    /** Adjacent pairs (2j, 2j+1): llama GGUFs, whose converter permutes Q/K for this layout. */
    NORM
}
