package dev.exaone4j.gguf;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Round trips through {@link GgufWriter} and {@link GgufFile}, byte-exact rewrites of shared files, atomic writes. */
class GgufWriterTest {
    private static final Path TESTDATA = Path.of("../shared/testdata");

    @TempDir
    Path tmp;

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    @Test
    void everyValueTypeAndTensorRoundTrips() throws IOException {
        GgufWriter w = new GgufWriter()
                .putU8("u8", 255).putI8("i8", -128).putU16("u16", 65535).putI16("i16", -32768)
                .putU32("u32", 4294967295L).putI32("i32", Integer.MIN_VALUE).putU64("u64", -1L).putI64("i64", Long.MIN_VALUE)
                .putF32("f32", 1.5f).putF64("f64", Math.PI).putBool("t", true).putBool("f", false)
                .putString("s", "héllo \u0000 world 한국어")
                .putStrings("strs", "a", "", "Ġthe", "\uD83D\uDE00")
                .putBools("bools", true, false, true)
                .putInts("ints32", GgufWriter.INT32, -1, 0, 7)
                .putInts("u8s", GgufWriter.UINT8, 0, 255)
                .putFloats("floats", 0.25f, -0.0f, Float.POSITIVE_INFINITY)
                .putArray("doubles", new GgufMetadata.Array(GgufWriter.FLOAT64, new double[] {1e300, -2.5}))
                .putArray("empty", new GgufMetadata.Array(GgufWriter.STRING, new String[0]))
                .putArray("nested", new GgufMetadata.Array(GgufWriter.ARRAY, new GgufMetadata.Array[] {
                        new GgufMetadata.Array(GgufWriter.INT32, new long[] {1, 2}),
                        new GgufMetadata.Array(GgufWriter.STRING, new String[] {"x"})}))
                .putU32("general.alignment", 64);
        byte[] t0 = floats(1, 2, 3);
        byte[] t1 = new byte[18 * 2];
        for (int i = 0; i < t1.length; i++) t1[i] = (byte) (i * 7);
        w.addTensor("a.weight", new long[] {3}, GgmlType.F32, GgufWriter.bytes(t0));
        w.addTensor("b.weight", new long[] {32, 2}, GgmlType.Q4_0, sink -> {
            sink.write(t1, 0, 5);
            sink.write(java.lang.foreign.MemorySegment.ofArray(t1).asSlice(5));
        });
        Path p = tmp.resolve("sub/dir/all.gguf");
        List<long[]> progress = new ArrayList<>();
        w.write(p, (done, total) -> progress.add(new long[] {done, total}));
        assertThat(Files.size(p)).isEqualTo(w.fileSize());
        assertThat(progress).isNotEmpty();
        assertThat(progress.getLast()).containsExactly(Files.size(p), Files.size(p));

        try (GgufFile f = GgufFile.open(p)) {
            GgufMetadata md = f.metadata();
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.alignment()).isEqualTo(64);
            assertThat(md.getLong("u8")).isEqualTo(255);
            assertThat(md.getLong("i8")).isEqualTo(-128);
            assertThat(md.getLong("u16")).isEqualTo(65535);
            assertThat(md.getLong("i16")).isEqualTo(-32768);
            assertThat(md.getLong("u32")).isEqualTo(4294967295L);
            assertThat(md.getLong("i32")).isEqualTo(Integer.MIN_VALUE);
            assertThat(md.getLong("u64")).isEqualTo(-1L);
            assertThat(md.getLong("i64")).isEqualTo(Long.MIN_VALUE);
            assertThat(md.get("f32")).isEqualTo(1.5f);
            assertThat(md.get("f64")).isEqualTo(Math.PI);
            assertThat(md.getBool("t", false)).isTrue();
            assertThat(md.getBool("f", true)).isFalse();
            assertThat(md.getString("s")).isEqualTo("héllo \u0000 world 한국어");
            assertThat(md.getStringArray("strs")).containsExactly("a", "", "Ġthe", "\uD83D\uDE00");
            assertThat(md.getBoolArray("bools")).containsExactly(true, false, true);
            assertThat(md.getIntArray("ints32")).containsExactly(-1, 0, 7);
            assertThat(md.getArray("u8s").valueType()).isEqualTo(GgufWriter.UINT8);
            assertThat(md.getIntArray("u8s")).containsExactly(0, 255);
            assertThat(md.getFloatArray("floats")).containsExactly(0.25f, -0.0f, Float.POSITIVE_INFINITY);
            assertThat((double[]) md.getArray("doubles").values()).containsExactly(1e300, -2.5);
            assertThat(md.getStringArray("empty")).isEmpty();
            GgufMetadata.Array[] nested = (GgufMetadata.Array[]) md.getArray("nested").values();
            assertThat((long[]) nested[0].values()).containsExactly(1, 2);
            assertThat((String[]) nested[1].values()).containsExactly("x");
            assertThat(md.asMap().keySet()).containsExactlyElementsOf(w.metadata().keySet());

            GgufTensorInfo a = f.tensor("a.weight");
            assertThat(a.type()).isEqualTo(GgmlType.F32);
            assertThat(a.ne()).containsExactly(3);
            assertThat(a.data().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(t0);
            GgufTensorInfo b = f.tensor("b.weight");
            assertThat(b.type()).isEqualTo(GgmlType.Q4_0);
            assertThat(b.ne()).containsExactly(32, 2);
            assertThat(b.data().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(t1);
            assertThat(b.fileOffset() % 64).isZero();
        }
        // a copy with types recovered from the file is byte-identical
        Path again = tmp.resolve("again.gguf");
        rewrite(p, again);
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(p));
    }

    @Test
    void sharedFilesAreRewrittenByteForByte() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String f : List.of("quant/gguf/quantref-exaone4-F32.gguf", "quant/gguf/quantref-exaone4-Q4_K_M.gguf",
                "tiny/exaone-moe-tiny/exaone-moe-tiny-F16.gguf", "tiny/exaone4-tiny-hybrid64/exaone4-tiny-hybrid64-Q8_0.gguf",
                "stories260K/stories260K.gguf")) {
            if (Files.isRegularFile(TESTDATA.resolve(f))) files.add(TESTDATA.resolve(f));
        }
        if (files.isEmpty()) System.out.println("NOTICE: " + TESTDATA.toAbsolutePath() + " is absent; skipping rewrite test");
        Assumptions.assumeFalse(files.isEmpty(), "shared test data absent");
        for (Path src : files) {
            Path out = tmp.resolve(src.getFileName());
            rewrite(src, out);
            byte[] got = Files.readAllBytes(out), want = Files.readAllBytes(src);
            assertThat(java.util.Arrays.mismatch(got, want)).as(src.getFileName() + " first differing byte").isEqualTo(-1);
        }
    }

    private static void rewrite(Path src, Path out) throws IOException {
        try (GgufFile f = GgufFile.open(src)) {
            GgufWriter w = new GgufWriter().copyMetadata(f);
            for (GgufTensorInfo t : f.tensors().values()) w.addTensor(t.name(), t.ne(), t.type(), GgufWriter.copyOf(t));
            w.write(out, null);
        }
    }

    @Test
    void failedWriteLeavesNoFileAndKeepsTheOldOne() throws IOException {
        Path p = tmp.resolve("model.gguf");
        Files.writeString(p, "old contents");
        GgufWriter w = new GgufWriter().putString("k", "v");
        w.addTensor("t", new long[] {4}, GgmlType.F32, sink -> {
            sink.write(floats(1, 2));
            throw new IOException("disk on fire");
        });
        assertThatThrownBy(() -> w.write(p, null)).isInstanceOf(IOException.class).hasMessageContaining("disk on fire");
        assertThat(Files.readString(p)).isEqualTo("old contents");
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(x -> x.getFileName().toString())).containsExactly("model.gguf");
        }
    }

    @Test
    void wrongByteCountIsAnError() {
        Path p = tmp.resolve("short.gguf");
        GgufWriter w = new GgufWriter();
        w.addTensor("short.weight", new long[] {4}, GgmlType.F32, sink -> sink.write(floats(1, 2, 3)));
        assertThatThrownBy(() -> w.write(p, null)).isInstanceOf(IOException.class)
                .hasMessageContaining("short.weight").hasMessageContaining("12").hasMessageContaining("16");
        assertThat(Files.exists(p)).isFalse();
    }

    @Test
    void settingAKeyAgainMovesItToTheEndAndValuesAreChecked() {
        GgufWriter w = new GgufWriter().putU32("a", 1).putU32("b", 2).putU32("a", 3);
        assertThat(w.metadata().keySet()).containsExactly("b", "a");
        assertThat(w.get("a").value()).isEqualTo(3L);
        assertThatThrownBy(() -> w.putU8("x", 300)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uint8");
        assertThatThrownBy(() -> w.put("x", GgufWriter.STRING, 5L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.putInts("x", GgufWriter.UINT16, 70000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.addTensor("q", new long[] {33}, GgmlType.Q8_0, GgufWriter.bytes(new byte[0])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("block size");
        w.addTensor("dup", new long[] {1}, GgmlType.F32, GgufWriter.bytes(new byte[4]));
        assertThatThrownBy(() -> w.addTensor("dup", new long[] {1}, GgmlType.F32, GgufWriter.bytes(new byte[4])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
    }
}
