package dev.exaone4j.tokenizer;

import java.util.Map;

/**
 * Hand-written, linear-time equivalents of the GPT-2 family of pre-tokenizer regexes. Each scanner reproduces the
 * leftmost-first backtracking semantics of its pattern exactly (alternatives tried in order, greedy quantifiers,
 * the {@code \s+(?!\S)} give-back), using the Oniguruma meanings of {@code \s}, {@code \p{L}}, {@code \p{N}},
 * {@code \p{M}} from {@link CharClasses}; equality with the translated regexes and with Hugging Face is proven by the
 * tests. Patterns not listed here are run through {@link RegexTranslator} instead.
 */
final class SplitScanner implements MatchFinder {
    /** GPT-2 as Hugging Face's ByteLevel pre-tokenizer writes it. */
    static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    /** GPT-2 as llama.cpp writes it (no final {@code \s+}). */
    static final String GPT2_NO_TAIL = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    /** Qwen2 / Qwen3. */
    static final String QWEN2 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /** Llama 3. */
    static final String LLAMA3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /** K-EXAONE SuperBPE: a letter run may span several words separated by single spaces. */
    static final String EXAONE_MOE = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?(?:\\p{L}\\p{M}*(?: \\p{L}\\p{M}*)*)+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]?|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+";

    /** How the letter alternative starts and what it consumes. */
    enum Letters {
        /** {@code  ?\p{L}+} */
        SPACE_THEN_LETTERS,
        /** {@code [^\r\n\p{L}\p{N}]?\p{L}+} */
        PREFIX_THEN_LETTERS,
        /** {@code [^\r\n\p{L}\p{N}]?(?:\p{L}\p{M}*(?: \p{L}\p{M}*)*)+} */
        PREFIX_THEN_WORDS
    }

    /** What the punctuation run {@code  ?[^\s\p{L}\p{N}]+} may absorb after it. */
    enum PunctTail {
        NONE,
        /** {@code [\r\n]*} */
        NEWLINES,
        /** {@code [\r\n/]?} ({@code /} is already part of the run, so at most one {@code \r} or {@code \n}) */
        ONE_NEWLINE
    }

    private final boolean caseInsensitiveContractions;
    private final Letters letters;
    private final boolean spaceBeforeDigits;
    private final int maxDigits;
    private final PunctTail punctTail;
    private final boolean newlineRun;
    private final boolean finalSpaceRun;

    SplitScanner(boolean caseInsensitiveContractions, Letters letters, boolean spaceBeforeDigits, int maxDigits,
                 PunctTail punctTail, boolean newlineRun, boolean finalSpaceRun) {
        this.caseInsensitiveContractions = caseInsensitiveContractions;
        this.letters = letters;
        this.spaceBeforeDigits = spaceBeforeDigits;
        this.maxDigits = maxDigits;
        this.punctTail = punctTail;
        this.newlineRun = newlineRun;
        this.finalSpaceRun = finalSpaceRun;
    }

    private static final Map<String, SplitScanner> KNOWN = Map.of(
            GPT2, new SplitScanner(false, Letters.SPACE_THEN_LETTERS, true, Integer.MAX_VALUE, PunctTail.NONE, false, true),
            GPT2_NO_TAIL, new SplitScanner(false, Letters.SPACE_THEN_LETTERS, true, Integer.MAX_VALUE, PunctTail.NONE, false, false),
            QWEN2, new SplitScanner(true, Letters.PREFIX_THEN_LETTERS, false, 1, PunctTail.NEWLINES, true, true),
            LLAMA3, new SplitScanner(true, Letters.PREFIX_THEN_LETTERS, false, 3, PunctTail.NEWLINES, true, true),
            EXAONE_MOE, new SplitScanner(true, Letters.PREFIX_THEN_WORDS, false, 1, PunctTail.ONE_NEWLINE, true, true));

    /** The scanner for exactly this pattern text, or null. */
    static SplitScanner forPattern(String pattern) {
        return KNOWN.get(pattern);
    }

    @Override
    public void findMatches(String s, IntList out) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            int end = matchAt(s, i, n);
            if (end > i) {
                out.add(i);
                out.add(end);
                i = end;
            } else {
                i += Character.charCount(s.codePointAt(i));
            }
        }
    }

    /** End of the match starting exactly at {@code i}, or -1. */
    int matchAt(String s, int i, int n) {
        int c = s.codePointAt(i);
        int cl = Character.charCount(c);

        if (c == '\'' && i + 1 < n) {
            int k = contraction(s, i + 1, n);
            if (k > 0) return i + 1 + k;
        }

        switch (letters) {
            case SPACE_THEN_LETTERS -> {
                int j = c == ' ' ? i + 1 : i;
                if (j < n && CharClasses.isLetter(s.codePointAt(j))) return letterRun(s, j, n);
            }
            case PREFIX_THEN_LETTERS, PREFIX_THEN_WORDS -> {
                int j = i;
                if (c != '\r' && c != '\n' && !CharClasses.isLetter(c) && !CharClasses.isNumber(c)) j = i + cl;
                if (j < n && CharClasses.isLetter(s.codePointAt(j))) {
                    return letters == Letters.PREFIX_THEN_LETTERS ? letterRun(s, j, n) : wordRun(s, j, n);
                }
            }
        }

        if (spaceBeforeDigits) {
            int j = c == ' ' ? i + 1 : i;
            if (j < n && CharClasses.isNumber(s.codePointAt(j))) return digitRun(s, j, n);
        } else if (CharClasses.isNumber(c)) {
            return digitRun(s, i, n);
        }

        {
            int j = c == ' ' ? i + 1 : i;
            if (j < n && isPunct(s.codePointAt(j))) {
                int e = j;
                while (e < n) {
                    int d = s.codePointAt(e);
                    if (!isPunct(d)) break;
                    e += Character.charCount(d);
                }
                switch (punctTail) {
                    case NONE -> { }
                    case NEWLINES -> {
                        while (e < n && (s.charAt(e) == '\r' || s.charAt(e) == '\n')) e++;
                    }
                    case ONE_NEWLINE -> {
                        if (e < n && (s.charAt(e) == '\r' || s.charAt(e) == '\n')) e++;
                    }
                }
                return e;
            }
        }

        if (!CharClasses.isSpace(c)) return -1;
        int runEnd = i;
        int lastNewline = -1;
        int lastStart = i;
        while (runEnd < n) {
            int d = s.codePointAt(runEnd);
            if (!CharClasses.isSpace(d)) break;
            if (d == '\r' || d == '\n') lastNewline = runEnd;
            lastStart = runEnd;
            runEnd += Character.charCount(d);
        }
        if (newlineRun && lastNewline >= 0) return lastNewline + 1;
        if (runEnd == n) return runEnd;
        if (lastStart > i) return lastStart;
        return finalSpaceRun ? runEnd : -1;
    }

    private static boolean isPunct(int cp) {
        return !CharClasses.isSpace(cp) && !CharClasses.isLetter(cp) && !CharClasses.isNumber(cp);
    }

    /** Chars after the apostrophe taken by {@code 's|'t|'re|'ve|'m|'ll|'d}, or 0. */
    private int contraction(String s, int j, int n) {
        char a = s.charAt(j);
        char b = j + 1 < n ? s.charAt(j + 1) : 0;
        if (caseInsensitiveContractions) {
            // Unicode simple case folding: U+017F LATIN SMALL LETTER LONG S folds to 's'
            if (a == 's' || a == 'S' || a == '\u017F' || a == 't' || a == 'T' || a == 'm' || a == 'M' || a == 'd' || a == 'D') return 1;
            if ((a == 'r' || a == 'R' || a == 'v' || a == 'V') && (b == 'e' || b == 'E')) return 2;
            if ((a == 'l' || a == 'L') && (b == 'l' || b == 'L')) return 2;
            return 0;
        }
        if (a == 's' || a == 't' || a == 'm' || a == 'd') return 1;
        if ((a == 'r' || a == 'v') && b == 'e') return 2;
        if (a == 'l' && b == 'l') return 2;
        return 0;
    }

    private static int letterRun(String s, int j, int n) {
        while (j < n) {
            int d = s.codePointAt(j);
            if (!CharClasses.isLetter(d)) break;
            j += Character.charCount(d);
        }
        return j;
    }

    /** Letters each followed by marks; single spaces between letters continue the run. */
    private static int wordRun(String s, int j, int n) {
        // j is at a letter
        while (true) {
            int d = s.codePointAt(j);
            j += Character.charCount(d);
            while (j < n) {
                int m = s.codePointAt(j);
                if (!CharClasses.isMark(m)) break;
                j += Character.charCount(m);
            }
            if (j >= n) return j;
            int next = s.codePointAt(j);
            if (CharClasses.isLetter(next)) continue;
            if (next == ' ' && j + 1 < n && CharClasses.isLetter(s.codePointAt(j + 1))) {
                j++;
                continue;
            }
            return j;
        }
    }

    private int digitRun(String s, int j, int n) {
        int count = 0;
        while (j < n && count < maxDigits) {
            int d = s.codePointAt(j);
            if (!CharClasses.isNumber(d)) break;
            j += Character.charCount(d);
            count++;
        }
        return j;
    }
}
