/**
 * Weights and the kernels that compute on them: {@link dev.exaone4j.tensor.WeightMatrix} (a row-major matrix
 * in any supported ggml type, backed by mapped memory, never copied to the heap), Vector API dot-product kernels
 * per type, batched matrix multiplication, small float-array ops (RMSNorm, RoPE, softmax, SiLU), and the
 * persistent thread pool {@link dev.exaone4j.tensor.Parallel}.
 */
package dev.exaone4j.tensor;
