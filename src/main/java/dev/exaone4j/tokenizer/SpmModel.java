package dev.exaone4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * SentencePiece-style BPE over scored pieces, with llama.cpp's {@code llm_tokenizer_spm} semantics: the text (spaces
 * already escaped to U+2581) starts as one symbol per character; repeatedly the adjacent pair whose concatenation is
 * a vocabulary entry with the highest score is merged (leftmost on ties); symbols that are not entries fall back to
 * their UTF-8 bytes as {@code <0xNN>} tokens (or the unknown token).
 */
final class SpmModel extends VocabModel {
    private final float[] scores;
    private final int[] byteIds = new int[256];
    private final int unkId;

    SpmModel(String[] tokens, float[] scores, int unkId) {
        super(tokens.clone(), byText(tokens, scores));
        this.scores = scores.clone();
        this.unkId = unkId;
        for (int b = 0; b < 256; b++) {
            Integer id = vocab.get(String.format("<0x%02X>", b));
            byteIds[b] = id == null ? -1 : id;
        }
    }

    /** Key ordering higher scores first, then lower positions. */
    private static long key(float score, int left) {
        int bits = Float.floatToIntBits(score);
        int sortable = bits >= 0 ? bits : bits ^ 0x7FFFFFFF;   // increases with score
        int descending = ~sortable ^ 0x80000000;               // unsigned, decreases with score
        return ((descending & 0xFFFFFFFFL) << 32) | left;
    }

    /** Text to id (checking first that every token has a score). */
    private static Map<String, Integer> byText(String[] tokens, float[] scores) {
        if (scores.length != tokens.length) throw new IllegalArgumentException(tokens.length + " tokens but " + scores.length + " scores");
        Map<String, Integer> vocab = new HashMap<>(tokens.length * 2);
        for (int i = 0; i < tokens.length; i++) vocab.put(tokens[i], i);
        return vocab;
    }

    @Override
    public void tokenize(Piece piece, IntList out) {
        String text = piece.logicalText();
        int n0 = text.length();
        if (n0 == 0) return;
        int n = text.codePointCount(0, n0);
        int[] start = new int[n];
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, off = 0; i < n; i++) {
            int cp = text.codePointAt(off);
            start[i] = off;
            len[i] = Character.charCount(cp);
            off += len[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) tryAdd(text, start, len, i, i + 1, heap);
        while (heap.size() > 0) {
            int l = (int) heap.topKey();
            int r = heap.topA();
            int size = heap.topB();
            heap.pop();
            if (len[l] == 0 || len[r] == 0 || len[l] + len[r] != size) continue;
            len[l] += len[r];
            len[r] = 0;
            next[l] = next[r];
            if (next[r] >= 0) prev[next[r]] = l;
            if (prev[l] >= 0) tryAdd(text, start, len, prev[l], l, heap);
            if (next[l] >= 0) tryAdd(text, start, len, l, next[l], heap);
        }
        for (int i = 0; i >= 0; i = next[i]) {
            String sym = text.substring(start[i], start[i] + len[i]);
            Integer id = vocab.get(sym);
            if (id != null) {
                out.add(id);
                continue;
            }
            for (byte b : sym.getBytes(StandardCharsets.UTF_8)) {
                int bid = byteIds[b & 0xFF];
                if (bid >= 0) out.add(bid);
                else if (unkId >= 0) out.add(unkId);
            }
        }
    }

    private void tryAdd(String text, int[] start, int[] len, int l, int r, LongHeap heap) {
        int s = start[l];
        int e = start[r] + len[r];
        Integer id = vocab.get(text.substring(s, e));
        if (id == null) return;
        heap.push(key(scores[id], l), r, e - s);
    }
}
