package dev.exaone4j.tokenizer;

import java.util.Arrays;

/** A binary min-heap of unsigned 64-bit keys, each carrying two int payloads (merge queues). Not thread-safe. */
final class LongHeap {
    private long[] keys;
    private int[] a;
    private int[] b;
    private int size;

    LongHeap(int capacity) {
        int c = Math.max(4, capacity);
        keys = new long[c];
        a = new int[c];
        b = new int[c];
    }

    int size() {
        return size;
    }

    void push(long key, int va, int vb) {
        if (size == keys.length) {
            int c = size * 2;
            keys = Arrays.copyOf(keys, c);
            a = Arrays.copyOf(a, c);
            b = Arrays.copyOf(b, c);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (Long.compareUnsigned(keys[parent], key) <= 0) break;
            keys[i] = keys[parent];
            a[i] = a[parent];
            b[i] = b[parent];
            i = parent;
        }
        keys[i] = key;
        a[i] = va;
        b[i] = vb;
    }

    long topKey() {
        return keys[0];
    }

    int topA() {
        return a[0];
    }

    int topB() {
        return b[0];
    }

    void pop() {
        size--;
        if (size == 0) return;
        long key = keys[size];
        int va = a[size];
        int vb = b[size];
        int i = 0;
        while (true) {
            int c = 2 * i + 1;
            if (c >= size) break;
            if (c + 1 < size && Long.compareUnsigned(keys[c + 1], keys[c]) < 0) c++;
            if (Long.compareUnsigned(keys[c], key) >= 0) break;
            keys[i] = keys[c];
            a[i] = a[c];
            b[i] = b[c];
            i = c;
        }
        keys[i] = key;
        a[i] = va;
        b[i] = vb;
    }
}
