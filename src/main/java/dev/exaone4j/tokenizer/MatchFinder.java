package dev.exaone4j.tokenizer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds successive non-overlapping leftmost matches of a split pattern, the way a backtracking regex engine's
 * find-iterator does. Known pre-tokenizer regexes get a hand-written {@link SplitScanner} (linear, no
 * recursion); any other Oniguruma pattern is translated to {@link java.util.regex} by {@link RegexTranslator}.
 */
interface MatchFinder {
    /** Appends the start and end char offsets of every match in {@code s} to {@code out}, in order. */
    void findMatches(String s, IntList out);

    /** A finder for an Oniguruma (Hugging Face {@code Regex}) pattern. */
    static MatchFinder regex(String onigPattern) {
        SplitScanner known = SplitScanner.forPattern(onigPattern);
        if (known != null) return known;
        Pattern p = RegexTranslator.compile(onigPattern);
        return new JavaRegex(p);
    }

    /** A finder for a literal string (Hugging Face {@code String} pattern); the empty string never matches. */
    static MatchFinder literal(String literal) {
        return (s, out) -> {
            if (literal.isEmpty()) return;
            int from = 0;
            while (true) {
                int i = s.indexOf(literal, from);
                if (i < 0) return;
                out.add(i);
                out.add(i + literal.length());
                from = i + literal.length();
            }
        };
    }

    /** A translated {@link Pattern}; empty matches advance by one code point as Oniguruma's iterator does. */
    record JavaRegex(Pattern pattern) implements MatchFinder {
        @Override
        public void findMatches(String s, IntList out) {
            Matcher m = pattern.matcher(s);
            int from = 0;
            while (from <= s.length() && m.find(from)) {
                out.add(m.start());
                out.add(m.end());
                if (m.end() > m.start()) {
                    from = m.end();
                } else {
                    if (m.end() >= s.length()) break;
                    from = m.end() + Character.charCount(s.codePointAt(m.end()));
                }
            }
        }
    }
}
