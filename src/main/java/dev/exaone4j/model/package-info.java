/**
 * Model graphs, one readable file per architecture ({@link dev.exaone4j.model.Exaone4Model},
 * {@link dev.exaone4j.model.LlamaModel} for Llama and EXAONE 3.x, {@link dev.exaone4j.model.ExaoneMoeModel}),
 * the hyperparameters read from GGUF or config.json ({@link dev.exaone4j.model.ModelConfig}), weight lookup by
 * GGUF tensor name from either file format ({@link dev.exaone4j.model.Weights}), RoPE, attention and the
 * per-layer KV cache with sliding-window ring buffers.
 */
package dev.exaone4j.model;
