package dev.exaone4j.chat.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Python {@code str} behaviour on Java strings: code-point indexing, Unicode whitespace, split/strip/title rules. */
final class PyStrings {
    private PyStrings() {
    }

    /** Python's {@code str.isspace()} for one code point (also regex {@code \s} on str patterns). */
    static boolean isSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20) || cp == 0x85 || cp == 0xa0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f
                || cp == 0x3000;
    }

    /** The code points of {@code s}, each as a string (Python iteration over a str). */
    static List<Object> chars(String s) {
        List<Object> out = new ArrayList<>(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            out.add(s.substring(i, i + n));
            i += n;
        }
        return out;
    }

    /** Code-point order, as Python compares strings. */
    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static boolean strippable(int cp, String chars) {
        return chars == null ? isSpace(cp) : chars.indexOf(new String(Character.toChars(cp))) >= 0;
    }

    static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (!strippable(cp, chars)) break;
            i += Character.charCount(cp);
        }
        return s.substring(i);
    }

    static String rstrip(String s, String chars) {
        int j = s.length();
        while (j > 0) {
            int cp = s.codePointBefore(j);
            if (!strippable(cp, chars)) break;
            j -= Character.charCount(cp);
        }
        return s.substring(0, j);
    }

    static String strip(String s, String chars) {
        return lstrip(rstrip(s, chars), chars);
    }

    /** {@code s.split(sep, maxsplit)}; {@code sep == null} splits on whitespace runs and drops empty parts. */
    static List<Object> split(String s, String sep, long maxsplit) {
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
                if (i >= n) break;
                if (maxsplit >= 0 && out.size() >= maxsplit) {
                    out.add(s.substring(i));
                    break;
                }
                int j = i;
                while (j < n && !isSpace(s.codePointAt(j))) j += Character.charCount(s.codePointAt(j));
                out.add(s.substring(i, j));
                i = j;
            }
            return out;
        }
        if (sep.isEmpty()) throw TemplateError.runtime("empty separator");
        int start = 0;
        while (maxsplit < 0 || out.size() < maxsplit) {
            int k = s.indexOf(sep, start);
            if (k < 0) break;
            out.add(s.substring(start, k));
            start = k + sep.length();
        }
        out.add(s.substring(start));
        return out;
    }

    static List<Object> rsplit(String s, String sep, long maxsplit) {
        if (maxsplit < 0) return split(s, sep, -1);
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            int j = s.length();
            while (true) {
                while (j > 0 && isSpace(s.codePointBefore(j))) j -= Character.charCount(s.codePointBefore(j));
                if (j <= 0) break;
                if (out.size() >= maxsplit) {
                    out.add(s.substring(0, j));
                    break;
                }
                int i = j;
                while (i > 0 && !isSpace(s.codePointBefore(i))) i -= Character.charCount(s.codePointBefore(i));
                out.add(s.substring(i, j));
                j = i;
            }
            java.util.Collections.reverse(out);
            return out;
        }
        if (sep.isEmpty()) throw TemplateError.runtime("empty separator");
        int end = s.length();
        while (out.size() < maxsplit) {
            int k = s.lastIndexOf(sep, end - sep.length());
            if (k < 0 || end - sep.length() < 0) break;
            out.add(s.substring(k + sep.length(), end));
            end = k;
        }
        out.add(s.substring(0, end));
        java.util.Collections.reverse(out);
        return out;
    }

    private static boolean isLineBreak(char c) {
        return c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d || c == 0x1e || c == 0x85
                || c == 0x2028 || c == 0x2029;
    }

    static List<Object> splitlines(String s, boolean keepends) {
        List<Object> out = new ArrayList<>();
        int i = 0;
        int start = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (isLineBreak(c)) {
                int eol = i + ((c == '\r' && i + 1 < n && s.charAt(i + 1) == '\n') ? 2 : 1);
                out.add(s.substring(start, keepends ? eol : i));
                start = eol;
                i = eol;
            } else {
                i++;
            }
        }
        if (start < n) out.add(s.substring(start));
        return out;
    }

    static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** Python {@code str.capitalize()}: first character title-cased, the rest lower-cased. */
    static String capitalize(String s) {
        if (s.isEmpty()) return s;
        int cp = s.codePointAt(0);
        int n = Character.charCount(cp);
        return new String(Character.toChars(Character.toTitleCase(cp))) + lower(s.substring(n));
    }

    /** Python {@code str.title()}: a cased character after an uncased one is title-cased, others lower-cased. */
    static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean prevCased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            boolean cased = Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
            if (cased) {
                sb.appendCodePoint(prevCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp));
            } else {
                sb.appendCodePoint(cp);
            }
            prevCased = cased;
        }
        return sb.toString();
    }

    /** Code-point index of a UTF-16 index. */
    static long cpIndex(String s, int utf16) {
        return utf16 < 0 ? utf16 : s.codePointCount(0, utf16);
    }

    /** UTF-16 offset of a Python (code point) index, clamped like Python's slice bounds for find/count. */
    static int utf16Offset(String s, long cpIndex) {
        long n = s.codePointCount(0, s.length());
        if (cpIndex < 0) cpIndex = Math.max(0, cpIndex + n);
        if (cpIndex > n) cpIndex = n;
        return s.offsetByCodePoints(0, (int) cpIndex);
    }

    static long count(String s, String sub, int from, int to) {
        String region = s.substring(from, Math.max(from, to));
        if (sub.isEmpty()) return region.codePointCount(0, region.length()) + 1;
        long c = 0;
        int k = 0;
        while ((k = region.indexOf(sub, k)) >= 0) {
            c++;
            k += sub.length();
        }
        return c;
    }

    static String center(String s, long width, String fill, char align) {
        long len = s.codePointCount(0, s.length());
        if (width <= len) return s;
        long pad = width - len;
        long left;
        switch (align) {
            case '<' -> left = 0;
            case '>' -> left = pad;
            default -> left = pad / 2 + (pad & width & 1);
        }
        return fill.repeat((int) left) + s + fill.repeat((int) (pad - left));
    }
}
