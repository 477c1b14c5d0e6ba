package dev.exaone4j.gguf;

import dev.exaone4j.model.ModelLoader;
import dev.exaone4j.testutil.GgufBytes;
import dev.exaone4j.testutil.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** GGUF reading: every value type, alignment, large files, and a clear error for each kind of bad file. */
class GgufFileTest {
    @TempDir
    Path tmp;

    static final int MAGIC = 0x46554747;

    Path write(String name, byte[] b) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, b);
        return p;
    }

    @Test
    void readsEveryMetadataTypeIncludingNestedArrays() throws IOException {
        GgufBytes g = new GgufBytes().header(MAGIC, 3, 1, 14)
                .str("u8").i32(0).i8(200)
                .str("i8").i32(1).i8(-3)
                .str("u16").i32(2).raw(new byte[]{(byte) 0xff, (byte) 0xff})
                .str("i16").i32(3).raw(new byte[]{(byte) 0xfe, (byte) 0xff})
                .str("u32").i32(4).i32(-1)
                .str("i32").i32(5).i32(-7)
                .str("f32").i32(6).f32(1.5f)
                .str("bool").i32(7).i8(1)
                .str("str").i32(8).str("héllo")
                .str("u64").i32(10).i64(1L << 40)
                .str("i64").i32(11).i64(-5)
                .str("f64").i32(12).raw(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putDouble(2.25).array())
                .str("strs").i32(9).i32(8).i64(2).str("a").str("bc")
                .str("nested").i32(9).i32(9).i64(2).i32(4).i64(2).i32(1).i32(2).i32(7).i64(1).i8(0)
                .tensor("t", new long[]{4, 2}, 0, 0).align(32);
        g.raw(new byte[32]);
        try (GgufFile f = GgufFile.open(write("all.gguf", g.bytes()))) {
            GgufMetadata md = f.metadata();
            assertThat(md.get("u8")).isEqualTo(200L);
            assertThat(md.get("i8")).isEqualTo(-3L);
            assertThat(md.get("u16")).isEqualTo(65535L);
            assertThat(md.get("i16")).isEqualTo(-2L);
            assertThat(md.get("u32")).isEqualTo(4294967295L);
            assertThat(md.get("i32")).isEqualTo(-7L);
            assertThat(md.get("f32")).isEqualTo(1.5f);
            assertThat(md.get("bool")).isEqualTo(true);
            assertThat(md.getString("str")).isEqualTo("héllo");
            assertThat(md.getLong("u64")).isEqualTo(1L << 40);
            assertThat(md.getLong("i64")).isEqualTo(-5L);
            assertThat(md.getDouble("f64")).isEqualTo(2.25);
            assertThat(md.getStringArray("strs")).containsExactly("a", "bc");
            GgufMetadata.Array nested = md.getArray("nested");
            GgufMetadata.Array[] inner = (GgufMetadata.Array[]) nested.values();
            assertThat((long[]) inner[0].values()).containsExactly(1, 2);
            assertThat((boolean[]) inner[1].values()).containsExactly(false);
            GgufTensorInfo t = f.tensor("t");
            assertThat(t.ne()).containsExactly(4, 2);
            assertThat(t.byteSize()).isEqualTo(32);
            assertThat(t.fileOffset() % 32).isZero();
        }
    }

    @Test
    void readsVersion2() throws IOException {
        byte[] b = new GgufBytes().header(MAGIC, 2, 1, 1).kvString("general.architecture", "llama")
                .tensor("t", new long[]{8}, 0, 0).align(32).raw(new byte[32]).bytes();
        try (GgufFile f = GgufFile.open(write("v2.gguf", b))) {
            assertThat(f.version()).isEqualTo(2);
            assertThat(f.metadata().getString("general.architecture")).isEqualTo("llama");
            assertThat(f.tensor("t").byteSize()).isEqualTo(32);
        }
    }

    @Test
    void wrongMagic() throws IOException {
        Path p = write("bad.gguf", "GGML and then some bytes".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("bad.gguf").hasMessageContaining("magic");
    }

    @Test
    void unsupportedVersion() throws IOException {
        Path p = write("v9.gguf", new GgufBytes().header(MAGIC, 9, 0, 0).bytes());
        assertThatThrownBy(() -> GgufFile.open(p)).hasMessageContaining("version 9");
    }

    @Test
    void truncatedFilesAtEveryStage() throws IOException {
        Path src = SharedData.require("stories260K/stories260K.gguf");
        byte[] all = Files.readAllBytes(src);
        for (int len : new int[]{0, 3, 10, 23, 100, 5000, 20000, all.length / 2, all.length - 1}) {
            Path p = write("cut" + len + ".gguf", Arrays.copyOf(all, len));
            assertThatThrownBy(() -> GgufFile.open(p)).as("cut at %d", len).isInstanceOf(GgufFormatException.class)
                    .hasMessageContaining("cut" + len + ".gguf");
        }
        Path half = tmp.resolve("cut" + all.length / 2 + ".gguf");
        assertThatThrownBy(() -> GgufFile.open(half)).hasMessageContaining("points outside the file");
    }

    @Test
    void absurdCountsAreRejectedBeforeAllocating() throws IOException {
        Path kv = write("kv.gguf", new GgufBytes().header(MAGIC, 3, 0, 1L << 60).bytes());
        assertThatThrownBy(() -> GgufFile.open(kv)).hasMessageContaining("metadata count");
        Path nt = write("nt.gguf", new GgufBytes().header(MAGIC, 3, Long.MAX_VALUE, 0).bytes());
        assertThatThrownBy(() -> GgufFile.open(nt)).hasMessageContaining("tensor count");
        Path arr = write("arr.gguf", new GgufBytes().header(MAGIC, 3, 0, 1).str("a").i32(9).i32(4).i64(1L << 58).bytes());
        assertThatThrownBy(() -> GgufFile.open(arr)).hasMessageContaining("'a'").hasMessageContaining("array length");
        Path str = write("str.gguf", new GgufBytes().header(MAGIC, 3, 0, 1).str("k").i32(8).i64(1L << 40).bytes());
        assertThatThrownBy(() -> GgufFile.open(str)).hasMessageContaining("string length");
        byte[] deep = new GgufBytes().header(MAGIC, 3, 0, 1).str("d").bytes();
        GgufBytes g = new GgufBytes().raw(deep).i32(9);
        for (int i = 0; i < 20; i++) g.i32(9).i64(1);
        g.i32(4).i64(0);
        Path dp = write("deep.gguf", g.bytes());
        assertThatThrownBy(() -> GgufFile.open(dp)).hasMessageContaining("nested");
    }

    @Test
    void metadataThatFitsTheFileButNotTheHeapIsRejected() throws IOException {
        // sparse files: counts the file size allows, each element far bigger on the heap than in the file
        Path neg = sparse("neg.gguf", new GgufBytes().header(MAGIC, 3, 0, 1).str("big").i32(9).i32(0).i64((1L << 31) + 5).bytes(), (1L << 31) + 64);
        assertThatThrownBy(() -> GgufFile.open(neg)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("'big'").hasMessageContaining("array length 2147483653 is too large");
        Path str = sparse("bigstr.gguf", new GgufBytes().header(MAGIC, 3, 0, 1).str("big").i32(8).i64(200L << 20).bytes(), 201L << 20);
        assertThatThrownBy(() -> GgufFile.open(str)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("'big'").hasMessageContaining("too long");
        // 16M empty strings: within the length cap, 8 bytes each in the file, ~50 on the heap
        Path many = sparse("many.gguf", new GgufBytes().header(MAGIC, 3, 0, 1).str("tokens").i32(9).i32(8).i64(1L << 24).bytes(), (1L << 27) + 64);
        assertThatThrownBy(() -> GgufFile.open(many)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("MiB of memory").hasMessageContaining("tokens");
    }

    private Path sparse(String name, byte[] head, long size) throws IOException {
        Path p = tmp.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.write(head);
            raf.setLength(size);
        }
        return p;
    }

    @Test
    void absurdDimensionsUnknownTypesAndBadOffsets() throws IOException {
        Path dims = write("dims.gguf", new GgufBytes().header(MAGIC, 3, 1, 0).tensor("w", new long[]{1L << 50, 4}, 0, 0).align(32).bytes());
        assertThatThrownBy(() -> GgufFile.open(dims)).hasMessageContaining("'w'").hasMessageContaining("absurd");
        Path nd = write("nd.gguf", new GgufBytes().header(MAGIC, 3, 1, 0).str("w").i32(9).raw(new byte[64]).bytes());
        assertThatThrownBy(() -> GgufFile.open(nd)).hasMessageContaining("'w'").hasMessageContaining("dimensions");
        Path type = write("type.gguf", new GgufBytes().header(MAGIC, 3, 1, 0).tensor("w", new long[]{32}, 99, 0).align(32).raw(new byte[64]).bytes());
        assertThatThrownBy(() -> GgufFile.open(type)).hasMessageContaining("'w'").hasMessageContaining("unknown tensor type id 99");
        Path off = write("off.gguf", new GgufBytes().header(MAGIC, 3, 1, 0).tensor("w", new long[]{8}, 0, 1 << 20).align(32).raw(new byte[32]).bytes());
        assertThatThrownBy(() -> GgufFile.open(off)).hasMessageContaining("'w'").hasMessageContaining("points outside the file");
        Path mis = write("mis.gguf", new GgufBytes().header(MAGIC, 3, 1, 0).tensor("w", new long[]{8}, 0, 3).align(32).raw(new byte[64]).bytes());
        assertThatThrownBy(() -> GgufFile.open(mis)).hasMessageContaining("not aligned");
        Path blk = write("blk.gguf", new GgufBytes().header(MAGIC, 3, 1, 0).tensor("w", new long[]{33}, 8, 0).align(32).raw(new byte[64]).bytes());
        assertThatThrownBy(() -> GgufFile.open(blk)).hasMessageContaining("block size");
    }

    @Test
    void filesOver2GiBAreMappedNotCopied() throws IOException {
        long offset = 3L << 30; // tensor data 3 GiB into the file (sparse: no disk used)
        byte[] head = new GgufBytes().header(MAGIC, 3, 1, 1).kvU32("general.alignment", 32)
                .tensor("far", new long[]{8}, 0, offset).align(32).bytes();
        Path p = tmp.resolve("big.gguf");
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.write(head);
            raf.setLength(head.length + offset + 32);
            raf.seek(head.length + offset);
            raf.write(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(42f).array());
        }
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(f.fileSize()).isGreaterThan(1L << 31);
            GgufTensorInfo t = f.tensor("far");
            assertThat(t.fileOffset()).isGreaterThan(1L << 31);
            assertThat(t.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0)).isEqualTo(42f);
        }
    }

    @Test
    void missingTensorAndShapeMismatchNameTheTensor() throws IOException {
        // a llama GGUF with hyperparameters but no tensors
        GgufBytes g = new GgufBytes().header(MAGIC, 3, 0, 6).kvString("general.architecture", "llama")
                .kvU32("llama.block_count", 1).kvU32("llama.embedding_length", 8).kvU32("llama.attention.head_count", 2)
                .kvU32("llama.feed_forward_length", 16).kvU32("llama.vocab_size", 4);
        Path p = write("empty.gguf", g.bytes());
        assertThatThrownBy(() -> ModelLoader.load(p)).hasMessageContaining("empty.gguf").hasMessageContaining("token_embd.weight").hasMessageContaining("missing");

        // the real tiny model with its embedding width patched in the metadata: shapes disagree with the config
        Path src = SharedData.require("tiny/exaone4-tiny-hybrid4/exaone4-tiny-hybrid4-F32.gguf");
        byte[] b = Files.readAllBytes(src);
        byte[] key = "exaone4.embedding_length".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(b, key) + key.length + 4; // skip the value type
        b[at] = 96;
        Path patched = write("patched.gguf", b);
        assertThatThrownBy(() -> ModelLoader.load(patched)).hasMessageContaining("patched.gguf").hasMessageContaining("has shape");
    }

    @Test
    void unsupportedArchitectureIsNamed() throws IOException {
        Path p = write("arch.gguf", new GgufBytes().header(MAGIC, 3, 0, 1).kvString("general.architecture", "mamba").bytes());
        assertThatThrownBy(() -> ModelLoader.load(p)).hasMessageContaining("unsupported architecture 'mamba'");
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }
}
