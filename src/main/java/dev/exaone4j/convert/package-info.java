/**
 * Hugging Face checkpoint to GGUF conversion, writing the tensor names, orientation, expert stacking, metadata
 * and tokenizer keys that llama.cpp's own converter writes for {@code exaone}, {@code exaone4} and
 * {@code exaone-moe}. Streams tensor by tensor through {@link dev.exaone4j.gguf.GgufWriter}.
 */
package dev.exaone4j.convert;
