package dev.exaone4j.tokenizer;

/**
 * Unicode character classes on code points, with the exact meanings the reference tokenizers use:
 * Oniguruma's {@code \s}, {@code \p{L}}, {@code \p{N}}, {@code \p{M}} (Hugging Face Split patterns) and
 * Rust's {@code char::is_whitespace}, {@code char::is_numeric} and regex {@code \w} (normalizers, added tokens,
 * simple pre-tokenizers). Java's own {@link Character#isWhitespace} differs (it excludes U+00A0 and includes
 * U+001C..U+001F), so it is never used.
 */
final class CharClasses {
    private CharClasses() {}

    private static final int L_MASK = (1 << Character.UPPERCASE_LETTER) | (1 << Character.LOWERCASE_LETTER)
            | (1 << Character.TITLECASE_LETTER) | (1 << Character.MODIFIER_LETTER) | (1 << Character.OTHER_LETTER);
    private static final int N_MASK = (1 << Character.DECIMAL_DIGIT_NUMBER) | (1 << Character.LETTER_NUMBER)
            | (1 << Character.OTHER_NUMBER);
    private static final int M_MASK = (1 << Character.NON_SPACING_MARK) | (1 << Character.ENCLOSING_MARK)
            | (1 << Character.COMBINING_SPACING_MARK);
    private static final int Z_MASK = (1 << Character.SPACE_SEPARATOR) | (1 << Character.LINE_SEPARATOR)
            | (1 << Character.PARAGRAPH_SEPARATOR);
    private static final int P_MASK = (1 << Character.CONNECTOR_PUNCTUATION) | (1 << Character.DASH_PUNCTUATION)
            | (1 << Character.START_PUNCTUATION) | (1 << Character.END_PUNCTUATION)
            | (1 << Character.INITIAL_QUOTE_PUNCTUATION) | (1 << Character.FINAL_QUOTE_PUNCTUATION)
            | (1 << Character.OTHER_PUNCTUATION);

    /** Per-ASCII flags: bit 0 letter, 1 number, 2 space. */
    private static final byte[] ASCII = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            int f = 0;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) f |= 1;
            if (c >= '0' && c <= '9') f |= 2;
            if ((c >= 9 && c <= 13) || c == ' ') f |= 4;
            ASCII[c] = (byte) f;
        }
    }

    private static int typeBit(int cp) {
        return 1 << Character.getType(cp);
    }

    /** {@code \p{L}}: general category L (Lu, Ll, Lt, Lm, Lo). */
    static boolean isLetter(int cp) {
        if (cp < 128) return (ASCII[cp] & 1) != 0;
        return (typeBit(cp) & L_MASK) != 0;
    }

    /** {@code \p{N}} and Rust {@code char::is_numeric}: general category N (Nd, Nl, No). */
    static boolean isNumber(int cp) {
        if (cp < 128) return (ASCII[cp] & 2) != 0;
        return (typeBit(cp) & N_MASK) != 0;
    }

    /** {@code \p{M}}: general category M (Mn, Mc, Me). */
    static boolean isMark(int cp) {
        if (cp < 128) return false;
        return (typeBit(cp) & M_MASK) != 0;
    }

    /**
     * Oniguruma's Unicode {@code \s}: U+0009..U+000D, U+0085 and categories Zs, Zl, Zp. This is the same set as the
     * Unicode White_Space property, hence also Rust's {@code char::is_whitespace} and Rust regex {@code \s}.
     */
    static boolean isSpace(int cp) {
        if (cp < 128) return (ASCII[cp] & 4) != 0;
        if (cp == 0x85) return true;
        return (typeBit(cp) & Z_MASK) != 0;
    }

    /** Rust regex's {@code \w}: Alphabetic, M, Nd, Pc and Join_Control. */
    static boolean isRustWord(int cp) {
        if (cp < 128) return (ASCII[cp] & 3) != 0 || cp == '_';
        int t = Character.getType(cp);
        return Character.isAlphabetic(cp) || ((1 << t) & M_MASK) != 0 || t == Character.DECIMAL_DIGIT_NUMBER
                || t == Character.CONNECTOR_PUNCTUATION || cp == 0x200C || cp == 0x200D;
    }

    /** Unicode punctuation (category P) or ASCII punctuation, as the Punctuation/Bert pre-tokenizers test it. */
    static boolean isPunctuation(int cp) {
        if (cp < 128) {
            return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
        }
        return (typeBit(cp) & P_MASK) != 0;
    }

    /** Length in chars of the whitespace run (Rust {@code is_whitespace}) starting at {@code from}. */
    static int spaceRunForward(CharSequence s, int from) {
        int i = from;
        while (i < s.length()) {
            int cp = Character.codePointAt(s, i);
            if (!isSpace(cp)) break;
            i += Character.charCount(cp);
        }
        return i - from;
    }

    /** Start index of the whitespace run that ends at {@code end}. */
    static int spaceRunBackward(CharSequence s, int end) {
        int i = end;
        while (i > 0) {
            int cp = Character.codePointBefore(s, i);
            if (!isSpace(cp)) break;
            i -= Character.charCount(cp);
        }
        return i;
    }

    /** {@code s} with every unpaired surrogate replaced by U+FFFD (text must be valid Unicode to become UTF-8). */
    static String replaceLoneSurrogates(String s) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i += 2;
                    continue;
                }
                break;
            }
            i++;
        }
        if (i == n) return s;
        StringBuilder sb = new StringBuilder(n);
        sb.append(s, 0, i);
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(i + 1));
                i += 2;
            } else {
                sb.append(Character.isSurrogate(c) ? '\uFFFD' : c);
                i++;
            }
        }
        return sb.toString();
    }
}
