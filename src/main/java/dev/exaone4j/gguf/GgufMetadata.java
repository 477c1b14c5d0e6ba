package dev.exaone4j.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GGUF key/value metadata. Scalar values are stored as Long (every integer type), Float (f32), Double (f64),
 * Boolean or String; arrays as {@link Array} holding a primitive array ({@code long[]}, {@code float[]},
 * {@code double[]}, {@code boolean[]}, {@code String[]}) or, when nested, {@code Array[]}.
 */
public final class GgufMetadata {
    /** A GGUF array value: its element value type (GGUF numbering) and the values. */
    public record Array(int valueType, Object values) {
        public int length() {
            return java.lang.reflect.Array.getLength(values);
        }
    }

    private final Map<String, Object> values;
    private final String source;

    public GgufMetadata(Map<String, Object> values, String source) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.source = source;
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Object get(String key) {
        return values.get(key);
    }

    private GgufFormatException bad(String key, String what) {
        return new GgufFormatException(source + ": metadata key '" + key + "' " + what);
    }

    private Object require(String key) {
        Object v = values.get(key);
        if (v == null) throw bad(key, "is missing");
        return v;
    }

    public String getString(String key) {
        Object v = require(key);
        if (v instanceof String s) return s;
        throw bad(key, "should be a string but is " + describe(v));
    }

    public String getString(String key, String dflt) {
        return has(key) ? getString(key) : dflt;
    }

    public long getLong(String key) {
        Object v = require(key);
        if (v instanceof Long l) return l;
        throw bad(key, "should be an integer but is " + describe(v));
    }

    /** An integer that must fit in [min, max]; anything else is a format error naming the key. */
    public int getInt(String key, int min, int max) {
        long v = getLong(key);
        if (v < min || v > max) throw bad(key, "= " + v + " is outside the plausible range [" + min + ", " + max + "]");
        return (int) v;
    }

    public int getInt(String key, int min, int max, int dflt) {
        return has(key) ? getInt(key, min, max) : dflt;
    }

    public double getDouble(String key) {
        Object v = require(key);
        if (v instanceof Float f) return f;
        if (v instanceof Double d) return d;
        if (v instanceof Long l) return l;
        throw bad(key, "should be a number but is " + describe(v));
    }

    public float getFloat(String key, float dflt) {
        return has(key) ? (float) getDouble(key) : dflt;
    }

    public boolean getBool(String key, boolean dflt) {
        Object v = values.get(key);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        if (v instanceof Long l) return l != 0;
        throw bad(key, "should be a bool but is " + describe(v));
    }

    public Array getArray(String key) {
        Object v = require(key);
        if (v instanceof Array a) return a;
        throw bad(key, "should be an array but is " + describe(v));
    }

    public String[] getStringArray(String key) {
        Array a = getArray(key);
        if (a.values() instanceof String[] s) return s;
        throw bad(key, "should be an array of strings");
    }

    public float[] getFloatArray(String key) {
        Array a = getArray(key);
        if (a.values() instanceof float[] f) return f;
        if (a.values() instanceof double[] d) {
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
            return f;
        }
        throw bad(key, "should be an array of floats");
    }

    public int[] getIntArray(String key) {
        Array a = getArray(key);
        if (a.values() instanceof long[] l) {
            int[] r = new int[l.length];
            for (int i = 0; i < l.length; i++) r[i] = (int) l[i];
            return r;
        }
        if (a.values() instanceof boolean[] b) {
            int[] r = new int[b.length];
            for (int i = 0; i < b.length; i++) r[i] = b[i] ? 1 : 0;
            return r;
        }
        throw bad(key, "should be an array of integers");
    }

    public boolean[] getBoolArray(String key) {
        Array a = getArray(key);
        if (a.values() instanceof boolean[] b) return b;
        if (a.values() instanceof long[] l) {
            boolean[] r = new boolean[l.length];
            for (int i = 0; i < l.length; i++) r[i] = l[i] != 0;
            return r;
        }
        throw bad(key, "should be an array of bools");
    }

    public static String describe(Object v) {
        if (v == null) return "absent";
        if (v instanceof Array a) return "an array of " + a.length();
        if (v instanceof String s) return "a string";
        return v.getClass().getSimpleName().toLowerCase() + " " + v;
    }
}
