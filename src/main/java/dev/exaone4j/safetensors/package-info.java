/**
 * Hugging Face checkpoints: {@code config.json}, {@code model.safetensors} or sharded
 * {@code model.safetensors.index.json}, memory-mapped through FFM. Knows file layout only, not models.
 */
package dev.exaone4j.safetensors;
