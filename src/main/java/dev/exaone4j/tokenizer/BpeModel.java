package dev.exaone4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-pair encoding by merge rank (GPT-2 / Hugging Face BPE semantics). A piece starts as one symbol per character
 * (per byte for byte-mapped pieces); the adjacent pair with the lowest merge rank is merged first, the leftmost one
 * among equal ranks, until no pair has a merge. A heap over pair positions with a linked list of symbols keeps
 * this O(n log n) for pieces of any length; results for short pieces are cached.
 */
final class BpeModel extends VocabModel {
    /** Hugging Face BPE options; null strings mean absent. */
    record Options(String unkToken, String continuingSubwordPrefix, String endOfWordSuffix, boolean fuseUnk,
                   boolean byteFallback, boolean ignoreMerges) {
        static final Options DEFAULT = new Options(null, null, null, false, false, false);
    }

    private static final int MAX_CACHED_CHARS = 96;
    private static final int MAX_CACHE_ENTRIES = 200_000;

    private final PairMap merges;
    private final Options options;
    private final int unkId;
    private final boolean fastBytes;
    private final int[] byteSymbol = new int[256];
    private final int[] byteFallbackId = new int[256];
    private final ConcurrentHashMap<String, int[]> cacheMapped = new ConcurrentHashMap<>(1 << 14);
    private final ConcurrentHashMap<String, int[]> cachePlain = new ConcurrentHashMap<>(1 << 10);

    /**
     * @param vocab  token text to id
     * @param merges merge pairs in rank order (index = rank); a pair listed twice keeps its last rank
     */
    BpeModel(Map<String, Integer> vocab, List<String[]> merges, Options options) {
        this(tokensById(vocab, "BPE"), vocab, merges, options);
    }

    /**
     * Takes ownership of {@code vocab} (it must not be changed afterwards).
     *
     * @param idToToken the entry of every id (a vocabulary may list the same text twice; {@code vocab} maps it to
     *                  one of them)
     */
    BpeModel(String[] idToToken, Map<String, Integer> vocab, List<String[]> merges, Options options) {
        super(idToToken.clone(), vocab);
        this.options = options;

        String prefix = options.continuingSubwordPrefix() == null ? "" : options.continuingSubwordPrefix();
        this.merges = new PairMap(merges.size());
        for (int rank = 0; rank < merges.size(); rank++) {
            String a = merges.get(rank)[0];
            String b = merges.get(rank)[1];
            Integer ia = vocab.get(a);
            Integer ib = vocab.get(b);
            if (ia == null || ib == null) {
                throw new IllegalArgumentException("BPE merge #" + rank + " '" + a + " " + b + "' uses a token that is not in the vocabulary");
            }
            String merged = a + (!prefix.isEmpty() && b.startsWith(prefix) ? b.substring(prefix.length()) : b);
            Integer im = vocab.get(merged);
            if (im == null) throw new IllegalArgumentException("BPE merge #" + rank + " '" + a + " " + b + "' produces '" + merged + "', which is not in the vocabulary");
            this.merges.put(ia, ib, rank, im);
        }

        Integer unk = options.unkToken() == null ? null : vocab.get(options.unkToken());
        unkId = unk == null ? -1 : unk;
        fastBytes = prefix.isEmpty() && (options.endOfWordSuffix() == null || options.endOfWordSuffix().isEmpty());
        for (int b = 0; b < 256; b++) {
            Integer id = vocab.get(String.valueOf(ByteLevel.charOf(b)));
            byteSymbol[b] = id == null ? -1 : id;
            Integer fb = vocab.get(String.format("<0x%02X>", b));
            byteFallbackId[b] = fb == null ? -1 : fb;
        }
    }

    /** Splits GGUF / merges.txt style merges ({@code "a b"}, split at the first space after the first char). */
    static String[] splitMerge(String merge) {
        int sp = merge.indexOf(' ', 1);
        if (sp < 0) throw new IllegalArgumentException("BPE merge '" + merge + "' is not two space-separated tokens");
        return new String[] {merge.substring(0, sp), merge.substring(sp + 1)};
    }

    @Override
    public void tokenize(Piece piece, IntList out) {
        String text = piece.text();
        if (text.isEmpty()) return;
        if (options.ignoreMerges()) {
            Integer whole = vocab.get(piece.logicalText());
            if (whole != null) {
                out.add(whole);
                return;
            }
        }
        // byte-mapped pieces are keyed by their raw text, everything else by the text the model sees
        boolean mapped = piece.byteMapped() && fastBytes;
        String key = mapped ? text : piece.logicalText();
        ConcurrentHashMap<String, int[]> cache = mapped ? cacheMapped : cachePlain;
        boolean cacheable = key.length() <= MAX_CACHED_CHARS;
        if (cacheable) {
            int[] hit = cache.get(key);
            if (hit != null) {
                out.addAll(hit);
                return;
            }
        }
        IntList symbols = new IntList(key.length() + 4);
        if (mapped) initialFromBytes(key, symbols);
        else initialFromChars(key, symbols);
        int[] ids = merge(symbols);
        if (cacheable) {
            if (cache.size() >= MAX_CACHE_ENTRIES) cache.clear();
            cache.put(key, ids);
        }
        out.addAll(ids);
    }

    private void initialFromBytes(String text, IntList symbols) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        boolean allKnown = true;
        for (byte b : bytes) {
            int id = byteSymbol[b & 0xFF];
            if (id < 0) {
                allKnown = false;
                break;
            }
            symbols.add(id);
        }
        if (!allKnown) {
            symbols.clear();
            initialFromChars(ByteLevel.encode(text), symbols);
        }
    }

    /** Hugging Face's {@code merge_word} symbol setup: prefix/suffix, byte fallback, unknown handling. */
    private void initialFromChars(String w, IntList symbols) {
        String prefix = options.continuingSubwordPrefix();
        String suffix = options.endOfWordSuffix();
        boolean pendingUnk = false;
        int i = 0;
        int n = w.length();
        while (i < n) {
            int cp = w.codePointAt(i);
            int end = i + Character.charCount(cp);
            String s = w.substring(i, end);
            if (i > 0 && prefix != null && !prefix.isEmpty()) s = prefix + s;
            if (end == n && suffix != null && !suffix.isEmpty()) s = s + suffix;
            Integer id = vocab.get(s);
            if (id != null) {
                if (pendingUnk) {
                    symbols.add(unkId);
                    pendingUnk = false;
                }
                symbols.add(id);
            } else {
                boolean handled = false;
                if (options.byteFallback()) {
                    byte[] bytes = w.substring(i, end).getBytes(StandardCharsets.UTF_8);
                    boolean all = true;
                    for (byte b : bytes) if (byteFallbackId[b & 0xFF] < 0) all = false;
                    if (all) {
                        // HF adds the byte tokens without flushing a pending unknown first
                        for (byte b : bytes) symbols.add(byteFallbackId[b & 0xFF]);
                        handled = true;
                    }
                }
                if (!handled && unkId >= 0) {
                    if (pendingUnk && !options.fuseUnk()) symbols.add(unkId);
                    pendingUnk = true;
                }
            }
            i = end;
        }
        if (pendingUnk) symbols.add(unkId);
    }

    /** Applies merges lowest rank first (leftmost on ties); returns the surviving symbol ids. */
    private int[] merge(IntList symbols) {
        int n = symbols.size();
        if (n == 1) return new int[] {symbols.get(0)};
        int[] id = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            id[i] = symbols.get(i);
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            long m = merges.get(id[i], id[i + 1]);
            if (m != PairMap.ABSENT) heap.push((m & 0xFFFFFFFF00000000L) | i, (int) m, 0);
        }
        int alive = n;
        while (heap.size() > 0) {
            long top = heap.topKey();
            int newId = heap.topA();
            heap.pop();
            int pos = (int) top;
            if (id[pos] < 0) continue;
            int nx = next[pos];
            if (nx < 0) continue;
            long m = merges.get(id[pos], id[nx]);
            if (m == PairMap.ABSENT || (int) m != newId) continue;
            id[pos] = newId;
            id[nx] = -1;
            int nn = next[nx];
            next[pos] = nn;
            if (nn >= 0) prev[nn] = pos;
            alive--;
            int pv = prev[pos];
            if (pv >= 0) {
                long mp = merges.get(id[pv], id[pos]);
                if (mp != PairMap.ABSENT) heap.push((mp & 0xFFFFFFFF00000000L) | pv, (int) mp, 0);
            }
            if (nn >= 0) {
                long mn = merges.get(id[pos], id[nn]);
                if (mn != PairMap.ABSENT) heap.push((mn & 0xFFFFFFFF00000000L) | pos, (int) mn, 0);
            }
        }
        int[] result = new int[alive];
        int k = 0;
        for (int i = 0; i >= 0; i = next[i]) result[k++] = id[i];
        return result;
    }
}
