package dev.exaone4j.gguf;

import java.lang.foreign.MemorySegment;

/**
 * One tensor of a GGUF file. {@code ne} is in ggml order: ne[0] is the contiguous (input) dimension, so a
 * weight matrix of {@code rows x cols} has ne = {cols, rows}. {@code data} is a slice of the mapped file.
 */
public record GgufTensorInfo(String name, long[] ne, GgmlType type, long fileOffset, long byteSize, MemorySegment data) {
    public long elementCount() {
        long n = 1;
        for (long d : ne) n *= d;
        return n;
    }

    public String shapeString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ne.length; i++) sb.append(i == 0 ? "" : ", ").append(ne[i]);
        return sb.append(']').toString();
    }
}
