package dev.exaone4j.chat.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits template source into tokens the way jinja2's lexer does with {@code trim_blocks=True} and
 * {@code lstrip_blocks=True}: newlines normalized to {@code \n}, one trailing newline dropped, {@code -}/{@code +}
 * whitespace control, the first newline after a block or comment tag removed, whitespace before a block or comment tag
 * on its own line removed, comments dropped, {@code raw} blocks passed through as data, and tag ends only recognized
 * while brackets are balanced.
 */
final class Lexer {
    private static final String[] OPERATORS = {
            "//", "**", "==", "!=", ">=", "<=",
            "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"};

    private final String src;
    private final List<Token> out = new ArrayList<>();
    private int pos;
    private boolean lineStarting = true;

    private Lexer(String source) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        if (s.endsWith("\n")) s = s.substring(0, s.length() - 1);
        this.src = s;
    }

    static List<Token> tokenize(String source) {
        Lexer lx = new Lexer(source);
        lx.run();
        return lx.out;
    }

    private int lineAt(int p) {
        int line = 1;
        for (int i = 0; i < p && i < src.length(); i++) if (src.charAt(i) == '\n') line++;
        return line;
    }

    private TemplateError error(String msg, int at) {
        return new TemplateError(TemplateError.Kind.SYNTAX, msg, lineAt(at));
    }

    private void run() {
        int n = src.length();
        int line = 1;
        while (pos < n) {
            int open = findOpener(pos);
            if (open < 0) {
                out.add(new Token(Token.Kind.DATA, src.substring(pos), src.substring(pos), line));
                line += count(src.substring(pos));
                pos = n;
                break;
            }
            char kind = src.charAt(open + 1); // '{', '%' or '#'
            char sign = open + 2 < n ? src.charAt(open + 2) : 0;
            if (sign != '-' && sign != '+') sign = 0;
            int rawEnd = kind == '%' ? matchRawBegin(open) : -1;
            String text = src.substring(pos, open);
            if (sign == '-') {
                text = PyStrings.rstrip(text, null);
            } else if (sign != '+' && kind != '{') {
                int lpos = text.lastIndexOf('\n') + 1;
                if ((lpos > 0 || lineStarting) && lpos < text.length() && allSpace(text, lpos)) {
                    text = text.substring(0, lpos);
                }
            }
            if (!text.isEmpty()) out.add(new Token(Token.Kind.DATA, text, text, line));
            line += count(src.substring(pos, open));
            if (rawEnd >= 0) {
                lineStarting = src.charAt(rawEnd - 1) == '\n';
                pos = rawEnd;
                line += count(src.substring(open, rawEnd));
                line = lexRawBody(line);
            } else if (kind == '#') {
                int end = findCommentEnd(open + 2 + (sign != 0 ? 1 : 0), open);
                lineStarting = src.charAt(end - 1) == '\n';
                line += count(src.substring(open, end));
                pos = end;
            } else {
                int start = open + 2 + (sign != 0 ? 1 : 0);
                line = lexTag(kind == '%', open, start, line);
            }
        }
        out.add(new Token(Token.Kind.EOF, "", null, line));
    }

    private static int count(String s) {
        int c = 0;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) == '\n') c++;
        return c;
    }

    private static boolean allSpace(String s, int from) {
        for (int i = from; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (!PyStrings.isSpace(cp)) return false;
            i += Character.charCount(cp);
        }
        return true;
    }

    private int findOpener(int from) {
        int i = from;
        while (true) {
            i = src.indexOf('{', i);
            if (i < 0 || i + 1 >= src.length()) return -1;
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') return i;
            i++;
        }
    }

    private int skipSpace(int p) {
        while (p < src.length()) {
            int cp = src.codePointAt(p);
            if (!PyStrings.isSpace(cp)) break;
            p += Character.charCount(cp);
        }
        return p;
    }

    /** If a {@code {% raw %}} tag starts at {@code open}, the position after it; else -1. */
    private int matchRawBegin(int open) {
        int p = open + 2;
        if (p < src.length() && (src.charAt(p) == '-' || src.charAt(p) == '+')) p++;
        p = skipSpace(p);
        if (!src.startsWith("raw", p)) return -1;
        p += 3;
        int q = skipSpace(p);
        if (src.startsWith("-%}", q)) return skipSpace(q + 3);
        if (src.startsWith("%}", q)) return q + 2;
        return -1;
    }

    private int lexRawBody(int line) {
        int search = pos;
        while (true) {
            int open = src.indexOf("{%", search);
            if (open < 0) throw error("Missing end of raw directive", pos);
            int p = open + 2;
            char sign = p < src.length() ? src.charAt(p) : 0;
            if (sign == '-' || sign == '+') p++; else sign = 0;
            p = skipSpace(p);
            if (src.startsWith("endraw", p)) {
                int q = skipSpace(p + 6);
                int end = tagEnd(q, '%');
                if (end >= 0) {
                    String text = src.substring(pos, open);
                    if (sign == '-') {
                        text = PyStrings.rstrip(text, null);
                    } else if (sign != '+') {
                        int lpos = text.lastIndexOf('\n') + 1;
                        if ((lpos > 0 || lineStarting) && lpos < text.length() && allSpace(text, lpos)) {
                            text = text.substring(0, lpos);
                        }
                    }
                    if (!text.isEmpty()) out.add(new Token(Token.Kind.DATA, text, text, line));
                    line += count(src.substring(pos, end));
                    lineStarting = src.charAt(end - 1) == '\n';
                    pos = end;
                    return line;
                }
            }
            search = open + 2;
        }
    }

    /** Matches a block ({@code closer='%'}) or variable ({@code '}'}) end at {@code p}; returns the end or -1. */
    private int tagEnd(int p, char closer) {
        String plain = closer + "}";
        if (closer == '%' && src.startsWith("+%}", p)) return p + 3;
        if (src.startsWith("-" + plain, p)) return skipSpace(p + 3);
        if (src.startsWith(plain, p)) {
            int e = p + 2;
            if (closer == '%' && e < src.length() && src.charAt(e) == '\n') e++;
            return e;
        }
        return -1;
    }

    private int findCommentEnd(int from, int open) {
        for (int j = from; j < src.length(); j++) {
            if (src.startsWith("+#}", j)) return j + 3;
            if (src.startsWith("-#}", j)) return skipSpace(j + 3);
            if (src.startsWith("#}", j)) {
                int e = j + 2;
                if (e < src.length() && src.charAt(e) == '\n') e++;
                return e;
            }
        }
        throw error("Missing end of comment tag", open);
    }

    private int lexTag(boolean block, int open, int p, int line) {
        char closer = block ? '%' : '}';
        out.add(new Token(block ? Token.Kind.BLOCK_BEGIN : Token.Kind.VAR_BEGIN, block ? "{%" : "{{", null, line));
        List<Character> balance = new ArrayList<>();
        int n = src.length();
        while (true) {
            if (p >= n) throw error("unexpected end of template, expected '" + closer + "}'", open);
            if (balance.isEmpty()) {
                int end = tagEnd(p, closer);
                if (end >= 0) {
                    out.add(new Token(block ? Token.Kind.BLOCK_END : Token.Kind.VAR_END, closer + "}", null, line));
                    line += count(src.substring(p, end));
                    lineStarting = src.charAt(end - 1) == '\n';
                    pos = end;
                    return line;
                }
            }
            int cp = src.codePointAt(p);
            if (PyStrings.isSpace(cp)) {
                int q = skipSpace(p);
                line += count(src.substring(p, q));
                p = q;
                continue;
            }
            int q;
            if ((q = matchFloat(p)) > p) {
                String t = src.substring(p, q);
                out.add(new Token(Token.Kind.FLOAT, t, Double.parseDouble(t.replace("_", "")), line));
            } else if ((q = matchInt(p)) > p) {
                String t = src.substring(p, q);
                out.add(new Token(Token.Kind.INT, t, parseInt(t, p), line));
            } else if (Character.isUnicodeIdentifierStart(cp) || cp == '_') {
                q = p + Character.charCount(cp);
                while (q < n && Character.isUnicodeIdentifierPart(src.codePointAt(q))
                        && !Character.isIdentifierIgnorable(src.codePointAt(q))) {
                    q += Character.charCount(src.codePointAt(q));
                }
                String t = src.substring(p, q);
                out.add(new Token(Token.Kind.NAME, t, t, line));
            } else if (cp == '\'' || cp == '"') {
                q = matchString(p);
                String raw = src.substring(p + 1, q - 1);
                out.add(new Token(Token.Kind.STRING, src.substring(p, q), unescape(raw, p), line));
                line += count(raw);
            } else {
                String op = null;
                for (String o : OPERATORS) {
                    if (src.startsWith(o, p)) {
                        op = o;
                        break;
                    }
                }
                if (op == null) throw error("unexpected char " + PyRepr.repr(new String(Character.toChars(cp))), p);
                switch (op) {
                    case "{" -> balance.add('}');
                    case "(" -> balance.add(')');
                    case "[" -> balance.add(']');
                    case "}", ")", "]" -> {
                        if (balance.isEmpty()) throw error("unexpected '" + op + "'", p);
                        char expected = balance.remove(balance.size() - 1);
                        if (expected != op.charAt(0)) {
                            throw error("unexpected '" + op + "', expected '" + expected + "'", p);
                        }
                    }
                    default -> { }
                }
                out.add(new Token(Token.Kind.OP, op, op, line));
                q = p + op.length();
            }
            p = q;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** {@code (\d+_)*\d+} starting at p; returns end or p. */
    private int digits(int p) {
        int n = src.length();
        if (p >= n || !isDigit(src.charAt(p))) return p;
        int q = p;
        while (true) {
            while (q < n && isDigit(src.charAt(q))) q++;
            if (q + 1 < n && src.charAt(q) == '_' && isDigit(src.charAt(q + 1))) {
                q++;
                continue;
            }
            return q;
        }
    }

    private int matchFloat(int p) {
        if (p > 0 && src.charAt(p - 1) == '.') return p;
        int q = digits(p);
        if (q == p) return p;
        int n = src.length();
        int frac = -1;
        if (q < n && src.charAt(q) == '.') {
            int f = digits(q + 1);
            if (f > q + 1) frac = f;
        }
        int afterFrac = frac > 0 ? frac : q;
        if (afterFrac < n && (src.charAt(afterFrac) == 'e' || src.charAt(afterFrac) == 'E')) {
            int e = afterFrac + 1;
            if (e < n && (src.charAt(e) == '+' || src.charAt(e) == '-')) e++;
            int ed = digits(e);
            if (ed > e) return ed;
        }
        return frac > 0 ? frac : p;
    }

    private int matchInt(int p) {
        int n = src.length();
        char c = src.charAt(p);
        if (!isDigit(c)) return p;
        if (c == '0' && p + 1 < n) {
            char x = Character.toLowerCase(src.charAt(p + 1));
            String allowed = x == 'b' ? "01" : x == 'o' ? "01234567" : x == 'x' ? "0123456789abcdef" : null;
            if (allowed != null) {
                int q = p + 2;
                int end = q;
                while (q < n) {
                    char d = Character.toLowerCase(src.charAt(q));
                    if (d == '_' && q + 1 < n && allowed.indexOf(Character.toLowerCase(src.charAt(q + 1))) >= 0) {
                        q += 2;
                        end = q;
                    } else if (allowed.indexOf(d) >= 0) {
                        q++;
                        end = q;
                    } else {
                        break;
                    }
                }
                if (end > p + 2) return end;
            }
            // decimal zero: 0(_?0)*
            int q = p + 1;
            while (q < n) {
                if (src.charAt(q) == '0') q++;
                else if (src.charAt(q) == '_' && q + 1 < n && src.charAt(q + 1) == '0') q += 2;
                else break;
            }
            return q;
        }
        return digits(p);
    }

    private Long parseInt(String t, int at) {
        String s = t.replace("_", "").toLowerCase();
        try {
            if (s.startsWith("0x")) return Long.parseLong(s.substring(2), 16);
            if (s.startsWith("0o")) return Long.parseLong(s.substring(2), 8);
            if (s.startsWith("0b")) return Long.parseLong(s.substring(2), 2);
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw error("integer literal too large: " + t, at);
        }
    }

    private int matchString(int p) {
        char quote = src.charAt(p);
        int q = p + 1;
        while (q < src.length()) {
            char c = src.charAt(q);
            if (c == '\\') {
                q += 2;
            } else if (c == quote) {
                return q + 1;
            } else {
                q++;
            }
        }
        throw error("unexpected end of string", p);
    }

    /** Python's {@code unicode-escape} decoding of a string literal body. */
    private String unescape(String raw, int at) {
        if (raw.indexOf('\\') < 0) return raw;
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\\' || i + 1 >= raw.length()) {
                sb.append(c);
                continue;
            }
            char e = raw.charAt(++i);
            switch (e) {
                case '\n' -> { }
                case '\\' -> sb.append('\\');
                case '\'' -> sb.append('\'');
                case '"' -> sb.append('"');
                case 'a' -> sb.append('\u0007');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'v' -> sb.append('\u000b');
                case 'x', 'u', 'U' -> {
                    int len = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    String hex = raw.substring(i + 1, Math.min(raw.length(), i + 1 + len));
                    if (hex.length() < len || !hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                        throw error("truncated \\" + e + " escape", at);
                    }
                    int cp = Integer.parseInt(hex, 16);
                    if (!Character.isValidCodePoint(cp)) throw error("illegal Unicode character", at);
                    sb.appendCodePoint(cp);
                    i += len;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        int k = 0;
                        while (k < 2 && i + 1 < raw.length() && raw.charAt(i + 1) >= '0' && raw.charAt(i + 1) <= '7') {
                            v = v * 8 + (raw.charAt(++i) - '0');
                            k++;
                        }
                        sb.appendCodePoint(v);
                    } else {
                        sb.append('\\').append(e);
                    }
                }
            }
        }
        return sb.toString();
    }
}
