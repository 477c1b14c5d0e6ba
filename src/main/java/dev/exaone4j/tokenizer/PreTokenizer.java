package dev.exaone4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Splits text into the pieces the model tokenizes independently (Hugging Face pre-tokenizers). Pieces that come
 * out empty are dropped, as Hugging Face does.
 */
interface PreTokenizer {
    /** Splits one piece, appending the results to {@code out}. */
    void split(Piece piece, List<Piece> out);

    /** How matches of a split pattern become pieces. */
    enum Behavior {
        REMOVED, ISOLATED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS;

        static Behavior fromJson(String name) {
            return switch (name) {
                case "Removed" -> REMOVED;
                case "Isolated" -> ISOLATED;
                case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
                case "MergedWithNext" -> MERGED_WITH_NEXT;
                case "Contiguous" -> CONTIGUOUS;
                default -> throw new IllegalArgumentException("unsupported split behavior '" + name + "'");
            };
        }
    }

    /** Metaspace's rule for adding the replacement character in front. */
    enum PrependScheme { ALWAYS, FIRST, NEVER }

    /**
     * Splits {@code piece} at the matches found in it: {@code matches} holds start/end pairs; the gaps between them
     * are the non-matches. Follows Hugging Face's {@code NormalizedString::split}.
     */
    static void splitByMatches(Piece piece, IntList matches, Behavior behavior, boolean invert, List<Piece> out) {
        String s = piece.text();
        int n = s.length();
        int m = matches.size() / 2;
        int[] st = new int[2 * m + 1];
        int[] en = new int[2 * m + 1];
        boolean[] isMatch = new boolean[2 * m + 1];
        int k = 0;
        int prev = 0;
        for (int i = 0; i < m; i++) {
            int ms = matches.get(2 * i);
            int me = matches.get(2 * i + 1);
            if (prev < ms) {
                st[k] = prev;
                en[k] = ms;
                isMatch[k++] = false;
            }
            st[k] = ms;
            en[k] = me;
            isMatch[k++] = true;
            prev = me;
        }
        if (prev < n) {
            st[k] = prev;
            en[k] = n;
            isMatch[k++] = false;
        }
        if (invert) for (int i = 0; i < k; i++) isMatch[i] = !isMatch[i];

        int[] rs = new int[k];
        int[] re = new int[k];
        int r = 0;
        switch (behavior) {
            case ISOLATED -> {
                for (int i = 0; i < k; i++) {
                    rs[r] = st[i];
                    re[r++] = en[i];
                }
            }
            case REMOVED -> {
                for (int i = 0; i < k; i++) {
                    if (!isMatch[i]) {
                        rs[r] = st[i];
                        re[r++] = en[i];
                    }
                }
            }
            case MERGED_WITH_PREVIOUS -> {
                boolean previousMatch = false;
                for (int i = 0; i < k; i++) {
                    if (isMatch[i] && !previousMatch && r > 0) {
                        re[r - 1] = en[i];
                    } else {
                        rs[r] = st[i];
                        re[r++] = en[i];
                    }
                    previousMatch = isMatch[i];
                }
            }
            case MERGED_WITH_NEXT -> {
                boolean previousMatch = false;
                // walk backwards, merging a match into the piece that follows it
                int[] bs = new int[k];
                int[] be = new int[k];
                int b = 0;
                for (int i = k - 1; i >= 0; i--) {
                    if (isMatch[i] && !previousMatch && b > 0) {
                        bs[b - 1] = st[i];
                    } else {
                        bs[b] = st[i];
                        be[b++] = en[i];
                    }
                    previousMatch = isMatch[i];
                }
                for (int i = b - 1; i >= 0; i--) {
                    rs[r] = bs[i];
                    re[r++] = be[i];
                }
            }
            case CONTIGUOUS -> {
                boolean previousMatch = false;
                for (int i = 0; i < k; i++) {
                    if (isMatch[i] == previousMatch && r > 0) {
                        re[r - 1] = en[i];
                    } else {
                        rs[r] = st[i];
                        re[r++] = en[i];
                    }
                    previousMatch = isMatch[i];
                }
            }
        }
        for (int i = 0; i < r; i++) {
            if (re[i] > rs[i]) {
                String text = rs[i] == 0 && re[i] == n ? s : s.substring(rs[i], re[i]);
                out.add(new Piece(text, false, piece.atStart() && rs[i] == 0));
            }
        }
    }

    /** Every code point satisfying {@code p} is its own match. */
    static MatchFinder eachChar(IntPredicate p) {
        return (s, out) -> {
            int i = 0;
            while (i < s.length()) {
                int cp = s.codePointAt(i);
                int len = Character.charCount(cp);
                if (p.test(cp)) {
                    out.add(i);
                    out.add(i + len);
                }
                i += len;
            }
        };
    }

    /** Splits at the matches of a finder (Split, Digits, Punctuation, WhitespaceSplit, ...). */
    record Split(MatchFinder finder, Behavior behavior, boolean invert) implements PreTokenizer {
        @Override
        public void split(Piece piece, List<Piece> out) {
            Piece p = piece.materialized();
            if (p.text().isEmpty()) return;
            IntList matches = new IntList();
            finder.findMatches(p.text(), matches);
            splitByMatches(p, matches, behavior, invert, out);
        }
    }

    /**
     * Byte-level: optionally adds a leading space, optionally splits with the GPT-2 regex, and marks every piece as
     * byte-mapped.
     */
    record ByteLevelSplit(boolean addPrefixSpace, boolean useRegex) implements PreTokenizer {
        private static final Split GPT2 = new Split(SplitScanner.forPattern(SplitScanner.GPT2), Behavior.ISOLATED, false);

        @Override
        public void split(Piece piece, List<Piece> out) {
            Piece p = piece.materialized();
            String text = p.text();
            if (text.isEmpty()) return;
            if (addPrefixSpace && text.charAt(0) != ' ') p = new Piece(" " + text, false, p.atStart());
            if (!useRegex) {
                out.add(new Piece(p.text(), true, p.atStart()));
                return;
            }
            List<Piece> parts = new ArrayList<>();
            GPT2.split(p, parts);
            for (Piece part : parts) out.add(new Piece(part.text(), true, part.atStart()));
        }
    }

    /** Replaces spaces with the replacement character, prepends it per scheme, splits before each one. */
    record Metaspace(String replacement, PrependScheme scheme, boolean splitPieces) implements PreTokenizer {
        @Override
        public void split(Piece piece, List<Piece> out) {
            Piece p = piece.materialized();
            String text = p.text();
            if (text.isEmpty()) return;
            text = text.replace(" ", replacement);
            boolean prepend = switch (scheme) {
                case ALWAYS -> true;
                case FIRST -> p.atStart();
                case NEVER -> false;
            };
            if (prepend && !text.startsWith(replacement)) text = replacement + text;
            Piece q = new Piece(text, false, p.atStart());
            if (!splitPieces) {
                out.add(q);
                return;
            }
            IntList matches = new IntList();
            MatchFinder.literal(replacement).findMatches(text, matches);
            splitByMatches(q, matches, Behavior.MERGED_WITH_NEXT, false, out);
        }
    }

    /** Applies pre-tokenizers one after the other to every piece. */
    record Sequence(List<PreTokenizer> steps) implements PreTokenizer {
        @Override
        public void split(Piece piece, List<Piece> out) {
            List<Piece> current = new ArrayList<>();
            current.add(piece);
            for (PreTokenizer step : steps) {
                List<Piece> next = new ArrayList<>(current.size() * 2);
                for (Piece p : current) step.split(p, next);
                current = next;
            }
            out.addAll(current);
        }
    }

    /** Hugging Face Whitespace: keeps the matches of {@code \w+|[^\w\s]+} (Rust regex classes). */
    MatchFinder WHITESPACE_WORDS = (s, out) -> {
        int n = s.length();
        int i = 0;
        while (i < n) {
            int cp = s.codePointAt(i);
            if (CharClasses.isRustWord(cp)) {
                int j = i;
                while (j < n && CharClasses.isRustWord(s.codePointAt(j))) j += Character.charCount(s.codePointAt(j));
                out.add(i);
                out.add(j);
                i = j;
            } else if (!CharClasses.isSpace(cp)) {
                int j = i;
                while (j < n) {
                    int d = s.codePointAt(j);
                    if (CharClasses.isRustWord(d) || CharClasses.isSpace(d)) break;
                    j += Character.charCount(d);
                }
                out.add(i);
                out.add(j);
                i = j;
            } else {
                i += Character.charCount(cp);
            }
        }
    };

    /** Builds a pre-tokenizer from its tokenizer.json object; unknown types are rejected by name. */
    static PreTokenizer fromJson(JsonNode node) {
        String type = Json.type(node, "pre_tokenizer");
        return switch (type) {
            case "Sequence" -> {
                List<PreTokenizer> steps = new ArrayList<>();
                for (JsonNode n : Json.array(node, "pretokenizers")) steps.add(fromJson(n));
                yield new Sequence(List.copyOf(steps));
            }
            case "Split" -> {
                JsonNode pattern = node.get("pattern");
                MatchFinder finder = Json.pattern(pattern, "Split pre-tokenizer");
                yield new Split(finder, Behavior.fromJson(Json.text(node, "behavior", "Isolated")),
                        Json.bool(node, "invert", false));
            }
            case "ByteLevel" -> new ByteLevelSplit(Json.bool(node, "add_prefix_space", true), Json.bool(node, "use_regex", true));
            case "Digits" -> Json.bool(node, "individual_digits", false)
                    ? new Split(eachChar(CharClasses::isNumber), Behavior.ISOLATED, false)
                    : new Split(eachChar(CharClasses::isNumber), Behavior.CONTIGUOUS, false);
            case "Metaspace" -> {
                String replacement = Json.text(node, "replacement", "\u2581");
                PrependScheme scheme;
                if (node.hasNonNull("prepend_scheme")) {
                    scheme = switch (node.get("prepend_scheme").asText()) {
                        case "always" -> PrependScheme.ALWAYS;
                        case "first" -> PrependScheme.FIRST;
                        case "never" -> PrependScheme.NEVER;
                        default -> throw new IllegalArgumentException("unsupported Metaspace prepend_scheme '" + node.get("prepend_scheme").asText() + "'");
                    };
                } else {
                    scheme = Json.bool(node, "add_prefix_space", true) ? PrependScheme.ALWAYS : PrependScheme.NEVER;
                }
                yield new Metaspace(replacement, scheme, Json.bool(node, "split", true));
            }
            case "Whitespace" -> new Split(WHITESPACE_WORDS, Behavior.REMOVED, true);
            case "WhitespaceSplit" -> new Split(eachChar(CharClasses::isSpace), Behavior.REMOVED, false);
            case "Punctuation" -> new Split(eachChar(CharClasses::isPunctuation),
                    Behavior.fromJson(Json.text(node, "behavior", "Isolated")), false);
            case "BertPreTokenizer" -> new Sequence(List.of(
                    new Split(eachChar(CharClasses::isSpace), Behavior.REMOVED, false),
                    new Split(eachChar(CharClasses::isPunctuation), Behavior.ISOLATED, false)));
            case "CharDelimiterSplit" -> {
                String d = Json.text(node, "delimiter", null);
                if (d == null || d.codePointCount(0, d.length()) != 1) throw new IllegalArgumentException("CharDelimiterSplit needs a one-character delimiter");
                int dc = d.codePointAt(0);
                yield new Split(eachChar(cp -> cp == dc), Behavior.REMOVED, false);
            }
            default -> throw new IllegalArgumentException("unsupported pre_tokenizer type '" + type + "'");
        };
    }
}
