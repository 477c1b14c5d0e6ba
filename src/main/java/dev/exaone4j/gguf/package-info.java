/**
 * The GGUF file format: reading (header, metadata of every value type, tensor directory, memory-mapped
 * tensor data through FFM) and writing. Knows nothing about models; {@link dev.exaone4j.gguf.GgmlType}
 * describes the block layouts the kernels in {@code tensor} compute on.
 */
package dev.exaone4j.gguf;
