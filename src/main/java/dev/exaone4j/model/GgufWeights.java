package dev.exaone4j.model;

import dev.exaone4j.gguf.GgmlType;
import dev.exaone4j.gguf.GgufFile;
import dev.exaone4j.gguf.GgufFormatException;
import dev.exaone4j.gguf.GgufTensorInfo;
import dev.exaone4j.tensor.ActivationPrecision;
import dev.exaone4j.tensor.WeightMatrix;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/** {@link Weights} served straight from a memory-mapped GGUF file. */
public final class GgufWeights implements Weights {
    private final GgufFile file;
    private final ActivationPrecision activations;

    public GgufWeights(GgufFile file) {
        this(file, ActivationPrecision.DEFAULT);
    }

    /** Weights whose Q8_0 / Q4_0 / Q4_K / Q5_K / Q6_K matrices compute with the given activation precision. */
    public GgufWeights(GgufFile file, ActivationPrecision activations) {
        this.file = file;
        this.activations = activations;
    }

    public GgufFile file() {
        return file;
    }

    @Override
    public boolean has(String name) {
        return file.tensor(name) != null;
    }

    private GgufTensorInfo require(String name) {
        GgufTensorInfo t = file.tensor(name);
        if (t == null) throw new GgufFormatException(file.path() + ": tensor '" + name + "' is missing");
        return t;
    }

    private GgufFormatException shapeError(GgufTensorInfo t, String expected) {
        return new GgufFormatException(file.path() + ": tensor '" + t.name() + "' has shape " + t.shapeString()
                + " but the model's hyperparameters need " + expected);
    }

    @Override
    public WeightMatrix matrix(String name, int rows, int cols) {
        GgufTensorInfo t = require(name);
        long[] ne = t.ne();
        boolean ok = ne.length >= 1 && ne[0] == cols && (ne.length == 1 ? rows == 1 : ne[1] == rows);
        for (int i = 2; i < ne.length; i++) ok &= ne[i] == 1;
        if (!ok) throw shapeError(t, "[" + cols + ", " + rows + "]");
        return newMatrix(t, rows, cols);
    }

    private WeightMatrix newMatrix(GgufTensorInfo t, int rows, int cols) {
        if (!WeightMatrix.isSupported(t.type())) {
            throw new GgufFormatException(file.path() + ": tensor '" + t.name() + "' has weight type " + t.type() + ", which this engine cannot compute on yet");
        }
        return new WeightMatrix(t.name(), t.type(), rows, cols, t.data(), activations);
    }

    @Override
    public float[] vector(String name, int n) {
        GgufTensorInfo t = require(name);
        if (t.elementCount() != n || t.ne()[0] != n) throw shapeError(t, "[" + n + "]");
        return newMatrix(t, 1, n).rowToFloatArray();
    }

    @Override
    public WeightMatrix[] experts(String name, int n, int rows, int cols) {
        GgufTensorInfo t = require(name);
        long[] ne = t.ne();
        if (ne.length != 3 || ne[0] != cols || ne[1] != rows || ne[2] != n) throw shapeError(t, "[" + cols + ", " + rows + ", " + n + "]");
        WeightMatrix all = newMatrix(t, rows * n, cols);
        WeightMatrix[] out = new WeightMatrix[n];
        for (int e = 0; e < n; e++) out[e] = all.rowSlice(name + "[expert " + e + "]", e * rows, rows);
        return out;
    }

    @Override
    public String source() {
        return file.path().toString();
    }

    @Override
    public long totalBytes() {
        return file.tensors().values().stream().mapToLong(GgufTensorInfo::byteSize).sum();
    }

    @Override
    public Map<GgmlType, Integer> typeCounts() {
        Map<GgmlType, Integer> m = new EnumMap<>(GgmlType.class);
        for (GgufTensorInfo t : file.tensors().values()) m.merge(t.type(), 1, Integer::sum);
        return m;
    }

    @Override
    public String dominantType() {
        Map<GgmlType, Long> bytes = new EnumMap<>(GgmlType.class);
        for (GgufTensorInfo t : file.tensors().values()) if (t.ne().length >= 2) bytes.merge(t.type(), t.byteSize(), Long::sum);
        return bytes.entrySet().stream().max(Map.Entry.comparingByValue()).map(e -> e.getKey().name()).orElse("F32");
    }

    @Override
    public void close() {
        file.close();
    }

    static String shape(long[] ne) {
        return Arrays.toString(ne);
    }
}
