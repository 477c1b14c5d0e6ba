/**
 * Weights and the kernels that compute on them: {@link dev.exaone4j.tensor.WeightMatrix} (a row-major matrix
 * in any supported ggml type, backed by mapped memory; a matrix computing with 8-bit activations is repacked once
 * on the heap with its rows interleaved by eight, {@link dev.exaone4j.tensor.RowGroups}), Vector API dot-product kernels
 * per type (and, for {@link dev.exaone4j.tensor.ActivationPrecision#Q8}, integer kernels on 8-bit activations),
 * batched matrix multiplication ({@link dev.exaone4j.tensor.MatMul}: the Q8 group products for generated rows, the
 * outer-product prompt kernel for prompt rows), small float-array ops (RMSNorm, RoPE, softmax, SiLU, a
 * deterministic vector exp), and the
 * persistent thread pool {@link dev.exaone4j.tensor.Parallel}.
 */
package dev.exaone4j.tensor;
