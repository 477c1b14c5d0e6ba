package dev.exaone4j.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Tokens matched as whole strings before normalization and pre-tokenization (Hugging Face added tokens, GGUF
 * control and user-defined tokens). Matching is leftmost-longest; a match rejected by {@code single_word} is skipped
 * without trying shorter ones, and {@code lstrip}/{@code rstrip} absorb the whitespace around the match, as Hugging
 * Face's {@code AddedVocabulary} does. Tokens with {@code normalized} are matched in the normalized text.
 */
final class AddedVocabulary {
    /** One added token and its matching flags. */
    record AddedToken(int id, String content, boolean special, boolean singleWord, boolean lstrip, boolean rstrip,
                      boolean normalized) {}

    /** Receives the split: text between tokens, and matched token ids. */
    interface Sink {
        void text(String text, boolean atStart);

        void token(int id);
    }

    private final Map<Integer, AddedToken> byId = new HashMap<>();
    private final Map<String, Integer> byContent = new HashMap<>();
    private final Trie raw;
    private final Trie normalizedTrie;

    /**
     * @param tokens     the added tokens (a later token with the same content or id replaces an earlier one)
     * @param normalizer applied to the content of {@code normalized} tokens to get their matching form; may be null
     */
    AddedVocabulary(List<AddedToken> tokens, UnaryOperator<String> normalizer) {
        for (AddedToken t : tokens) {
            if (t.content().isEmpty()) continue;
            AddedToken old = byId.put(t.id(), t);
            if (old != null && !old.content().equals(t.content())) byContent.remove(old.content());
            byContent.put(t.content(), t.id());
        }
        raw = new Trie();
        normalizedTrie = new Trie();
        for (AddedToken t : byId.values()) {
            if (t.normalized()) {
                String form = normalizer == null ? t.content() : normalizer.apply(t.content());
                if (!form.isEmpty()) normalizedTrie.add(form, t);
            } else {
                raw.add(t.content(), t);
            }
        }
    }

    AddedToken get(int id) {
        return byId.get(id);
    }

    int id(String content) {
        Integer id = byContent.get(content);
        return id == null ? -1 : id;
    }

    int maxId() {
        int m = -1;
        for (int id : byId.keySet()) m = Math.max(m, id);
        return m;
    }

    List<AddedToken> tokens() {
        return new ArrayList<>(byId.values());
    }

    boolean hasNormalizedTokens() {
        return !normalizedTrie.isEmpty();
    }

    /** Splits {@code text} on the tokens matched in raw (non-normalized) text. */
    void splitRaw(String text, boolean atStart, Sink sink) {
        split(raw, text, atStart, sink);
    }

    /** Splits already-normalized {@code text} on the {@code normalized} tokens. */
    void splitNormalized(String text, boolean atStart, Sink sink) {
        split(normalizedTrie, text, atStart, sink);
    }

    private static void split(Trie trie, String s, boolean atStart, Sink sink) {
        if (trie.isEmpty()) {
            if (!s.isEmpty()) sink.text(s, atStart);
            return;
        }
        int n = s.length();
        int startOffset = 0;
        int i = 0;
        while (i < n) {
            if (!trie.first.get(s.charAt(i))) {
                i++;
                continue;
            }
            Trie.Node node = trie.root;
            AddedToken best = null;
            int bestEnd = -1;
            for (int j = i; j < n; j++) {
                node = node.next(s.charAt(j));
                if (node == null) break;
                if (node.token != null) {
                    best = node.token;
                    bestEnd = j + 1;
                }
            }
            if (best == null) {
                i++;
                continue;
            }
            int start = i;
            int stop = bestEnd;
            i = bestEnd;
            if (best.singleWord()) {
                boolean startOk = start == 0 || !CharClasses.isRustWord(Character.codePointBefore(s, start));
                boolean stopOk = stop == n || !CharClasses.isRustWord(Character.codePointAt(s, stop));
                if (!startOk || !stopOk) continue;
            }
            if (best.lstrip()) start = Math.max(CharClasses.spaceRunBackward(s, start), startOffset);
            if (best.rstrip()) {
                stop += CharClasses.spaceRunForward(s, stop);
                i = stop;
            }
            if (startOffset < start) sink.text(s.substring(startOffset, start), atStart && startOffset == 0);
            sink.token(best.id());
            startOffset = stop;
        }
        if (startOffset < n) sink.text(startOffset == 0 ? s : s.substring(startOffset), atStart && startOffset == 0);
    }

    /** A character trie with the set of first characters for a quick skip. */
    private static final class Trie {
        final Node root = new Node();
        final BitSet first = new BitSet(1 << 16);

        void add(String content, AddedToken token) {
            Node node = root;
            for (int i = 0; i < content.length(); i++) {
                char c = content.charAt(i);
                Node child = node.children.get(c);
                if (child == null) {
                    child = new Node();
                    node.children.put(c, child);
                }
                node = child;
            }
            node.token = token;
            first.set(content.charAt(0));
        }

        boolean isEmpty() {
            return root.children.isEmpty();
        }

        static final class Node {
            final Map<Character, Node> children = new HashMap<>(4);
            AddedToken token;

            Node next(char c) {
                return children.get(c);
            }
        }
    }
}
