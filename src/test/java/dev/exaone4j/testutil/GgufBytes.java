package dev.exaone4j.testutil;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds GGUF byte images by hand for format tests (independent of the project's own writer). */
public final class GgufBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public GgufBytes header(int magic, int version, long nTensors, long nKv) {
        i32(magic);
        i32(version);
        i64(nTensors);
        i64(nKv);
        return this;
    }

    public GgufBytes i8(int v) { out.write(v); return this; }
    public GgufBytes i32(int v) { return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array()); }
    public GgufBytes i64(long v) { return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array()); }
    public GgufBytes f32(float v) { return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array()); }

    public GgufBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        i64(b.length);
        return raw(b);
    }

    public GgufBytes raw(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    public GgufBytes kvString(String k, String v) { return str(k).i32(8).str(v); }
    public GgufBytes kvU32(String k, int v) { return str(k).i32(4).i32(v); }
    public GgufBytes kvF32(String k, float v) { return str(k).i32(6).f32(v); }

    /** A tensor-info entry: name, dims (ggml order), type id, relative data offset. */
    public GgufBytes tensor(String name, long[] ne, int type, long offset) {
        str(name);
        i32(ne.length);
        for (long d : ne) i64(d);
        i32(type);
        return i64(offset);
    }

    /** Pads with zeros to a multiple of the alignment. */
    public GgufBytes align(int a) {
        while (out.size() % a != 0) out.write(0);
        return this;
    }

    public int size() {
        return out.size();
    }

    public byte[] bytes() {
        return out.toByteArray();
    }
}
