package dev.exaone4j.quant;

import dev.exaone4j.gguf.GgmlType;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A target of {@code exaone4j quantize} / {@code synth}: llama.cpp's {@code llama_ftype} (written as
 * {@code general.file_type}) and its default tensor type. Plain K names are the "_S" variants llama-quantize
 * uses when every tensor gets that type: {@code Q3_K} = Q3_K_S (11), {@code Q4_K} = Q4_K_S (14),
 * {@code Q5_K} = Q5_K_S (16); with {@code --pure} they reproduce llama-quantize's pure files, without it the
 * rules of that ftype ({@link TensorTypeRules}) apply.
 */
public enum FileType {
    F32(0, GgmlType.F32),
    F16(1, GgmlType.F16),
    BF16(32, GgmlType.BF16),
    Q8_0(7, GgmlType.Q8_0),
    Q4_0(2, GgmlType.Q4_0),
    Q4_1(3, GgmlType.Q4_1),
    Q5_0(8, GgmlType.Q5_0),
    Q5_1(9, GgmlType.Q5_1),
    Q2_K(10, GgmlType.Q2_K),
    Q3_K_S(11, GgmlType.Q3_K, "Q3_K"),
    Q3_K_M(12, GgmlType.Q3_K),
    Q3_K_L(13, GgmlType.Q3_K),
    Q4_K_S(14, GgmlType.Q4_K, "Q4_K"),
    Q4_K_M(15, GgmlType.Q4_K),
    Q5_K_S(16, GgmlType.Q5_K, "Q5_K"),
    Q5_K_M(17, GgmlType.Q5_K),
    Q6_K(18, GgmlType.Q6_K);

    /** The {@code general.file_type} value llama.cpp writes. */
    public final int llamaFtype;
    /** The type of every quantizable tensor before per-tensor rules. */
    public final GgmlType defaultType;
    private final String alias;

    FileType(int llamaFtype, GgmlType defaultType) {
        this(llamaFtype, defaultType, null);
    }

    FileType(int llamaFtype, GgmlType defaultType, String alias) {
        this.llamaFtype = llamaFtype;
        this.defaultType = defaultType;
        this.alias = alias;
    }

    /** Whether the default type is a block-quantized one (per-tensor rules apply only then). */
    public boolean isQuantized() {
        return defaultType.isQuantized();
    }

    /** Every accepted name, aliases included, in the order of this enum. */
    public static List<String> names() {
        return Arrays.stream(values()).flatMap(f -> f.alias == null ? java.util.stream.Stream.of(f.name())
                : java.util.stream.Stream.of(f.alias, f.name())).toList();
    }

    /** Parses a type name (case-insensitive); an unknown name gives an error listing the valid ones. */
    public static FileType parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        for (FileType f : values()) {
            if (f.name().equals(n) || n.equals(f.alias)) return f;
        }
        throw new IllegalArgumentException("unknown quantization type '" + name + "'; valid types: "
                + names().stream().collect(Collectors.joining(", ")));
    }
}
