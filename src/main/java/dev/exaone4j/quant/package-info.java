/**
 * GGML block formats: exact quantize and dequantize per type. {@link dev.exaone4j.quant.Quants} is the entry
 * point (bit-exact with ggml's reference code for F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 and the K-quants);
 * {@link dev.exaone4j.quant.FileType} and {@link dev.exaone4j.quant.TensorTypeRules} pick per-tensor types the
 * way llama.cpp's quantizer does; {@link dev.exaone4j.quant.GgufQuantizer} and
 * {@link dev.exaone4j.quant.SynthModel} stream whole GGUF files through {@link dev.exaone4j.gguf.GgufWriter}.
 */
package dev.exaone4j.quant;
