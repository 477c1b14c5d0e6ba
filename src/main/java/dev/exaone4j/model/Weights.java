package dev.exaone4j.model;

import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.tensor.WeightMatrix;

import java.util.Map;

/**
 * Weight lookup by GGUF tensor name ({@code blk.3.attn_q.weight}), whatever the file format: a Hugging Face
 * checkpoint maps the names to its own. Shapes are checked against what the caller (the model graph, from
 * the config) expects, and a mismatch names the tensor, the file and both shapes.
 */
public interface Weights extends AutoCloseable {
    /** True when the file holds this tensor. */
    boolean has(String name);

    /** A matrix of rows x cols (GGUF ne = {cols, rows}). */
    WeightMatrix matrix(String name, int rows, int cols);

    /** A 1-D tensor of n values, copied to the heap as floats (norm weights, biases). */
    float[] vector(String name, int n);

    /**
     * The experts of a stacked expert tensor ({@code blk.N.ffn_gate_exps.weight}, GGUF ne = {cols, rows, n}),
     * one matrix of rows x cols per expert; a Hugging Face checkpoint reads its per-expert tensors instead.
     */
    WeightMatrix[] experts(String name, int n, int rows, int cols);

    /** Where the weights come from, for messages. */
    String source();

    /** Total bytes of tensor data. */
    long totalBytes();

    /** Tensor count per weight type. */
    Map<GgmlType, Integer> typeCounts();

    /** The most common 2-D weight type, for reports ("Q4_0", "F32", ...). */
    String dominantType();

    @Override
    void close();
}
