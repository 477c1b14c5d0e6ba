package dev.exaone4j.tokenizer;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Translates an Oniguruma (Ruby syntax, UTF-8) pattern, as Hugging Face tokenizers run it, to an equivalent
 * {@link java.util.regex.Pattern}. The differences handled:
 * <ul>
 *   <li>{@code \s} is Unicode White_Space (Java's default is ASCII only), {@code \w} is Alphabetic, M, Nd, Pc (and U+00B2, U+00B3, U+00B9, U+00BC..U+00BE), {@code \d} is
 *       Nd, {@code \h} is a hex digit (Java: horizontal space), {@code \v} is U+000B (Java: vertical space);</li>
 *   <li>{@code (?i)} folds Unicode case (Java needs the {@code u} flag), {@code (?m)} is Java's {@code (?s)};</li>
 *   <li>{@code .} excludes only {@code \n}, and {@code ^}/{@code $} are always line anchors (Java's UNIX_LINES and
 *       MULTILINE flags);</li>
 *   <li>script names in {@code \p{...}} (Java needs {@code Is}).</li>
 * </ul>
 * Anything without a faithful Java equivalent ({@code \K}, POSIX brackets, absent operators, ...) is rejected
 * with an {@link IllegalArgumentException} naming the construct rather than translated approximately.
 */
final class RegexTranslator {
    private RegexTranslator() {}

    private static final String SPACE_MEMBERS = "\\t\\n\\x0B\\f\\r\\x{85}\\p{Zs}\\p{Zl}\\p{Zp}";
    /** Oniguruma's Unicode word class, including its Latin-1 table's superscripts and vulgar fractions. */
    private static final String WORD_MEMBERS = "\\p{IsAlphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{B2}\\x{B3}\\x{B9}\\x{BC}-\\x{BE}";
    private static final String HEX_MEMBERS = "0-9a-fA-F";

    /** Compiles the translation; an untranslatable pattern throws {@link IllegalArgumentException}. */
    static Pattern compile(String onig) {
        String java = translate(onig);
        try {
            return Pattern.compile(java, Pattern.MULTILINE | Pattern.UNIX_LINES);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("unsupported regex /" + onig + "/: " + e.getDescription(), e);
        }
    }

    /** The Java pattern text for an Oniguruma pattern. */
    static String translate(String p) {
        StringBuilder out = new StringBuilder(p.length() + 32);
        int classDepth = 0;
        int i = 0;
        int n = p.length();
        while (i < n) {
            char c = p.charAt(i);
            if (c == '\\') {
                if (i + 1 >= n) throw unsupported(p, "a trailing backslash");
                char e = p.charAt(i + 1);
                i += 2;
                boolean inClass = classDepth > 0;
                switch (e) {
                    case 's' -> out.append(inClass ? SPACE_MEMBERS : "[" + SPACE_MEMBERS + "]");
                    case 'S' -> out.append("[^" + SPACE_MEMBERS + "]");
                    case 'w' -> out.append(inClass ? WORD_MEMBERS : "[" + WORD_MEMBERS + "]");
                    case 'W' -> out.append("[^" + WORD_MEMBERS + "]");
                    case 'd' -> out.append("\\p{Nd}");
                    case 'D' -> out.append("\\P{Nd}");
                    case 'h' -> out.append(inClass ? HEX_MEMBERS : "[" + HEX_MEMBERS + "]");
                    case 'H' -> out.append("[^" + HEX_MEMBERS + "]");
                    case 'v' -> out.append("\\x0B");
                    case 'K', 'y', 'Y', 'O', 'g', 'k' -> throw unsupported(p, "\\" + e);
                    case 'p', 'P' -> {
                        if (i >= n || p.charAt(i) != '{') throw unsupported(p, "\\" + e + " without {name}");
                        int close = p.indexOf('}', i);
                        if (close < 0) throw unsupported(p, "an unterminated \\" + e + "{");
                        String name = p.substring(i + 1, close);
                        boolean negate = e == 'P';
                        if (name.startsWith("^")) {
                            negate = !negate;
                            name = name.substring(1);
                        }
                        out.append(negate ? "\\P{" : "\\p{").append(propertyName(p, name)).append('}');
                        i = close + 1;
                    }
                    default -> out.append('\\').append(e);
                }
                continue;
            }
            if (classDepth > 0) {
                if (c == '[') {
                    if (i + 1 < n && p.charAt(i + 1) == ':') throw unsupported(p, "POSIX bracket expressions");
                    classDepth++;
                } else if (c == ']') {
                    classDepth--;
                }
                out.append(c);
                i++;
                continue;
            }
            switch (c) {
                case '[' -> {
                    classDepth = 1;
                    out.append(c);
                    i++;
                    // a ']' right after '[' or '[^' is a literal in Ruby syntax
                    if (i < n && p.charAt(i) == '^') {
                        out.append('^');
                        i++;
                    }
                    if (i < n && p.charAt(i) == ']') {
                        out.append("\\]");
                        i++;
                    }
                }
                case '(' -> {
                    if (i + 1 < n && p.charAt(i + 1) == '?') {
                        int j = i + 2;
                        // inline flags (?imx-imx) or (?imx-imx:...)
                        if (j < n && "imx-".indexOf(p.charAt(j)) >= 0) {
                            StringBuilder flags = new StringBuilder();
                            while (j < n && "imx-".indexOf(p.charAt(j)) >= 0) {
                                char f = p.charAt(j++);
                                flags.append(f == 'm' ? 's' : f);
                                if (f == 'i') flags.append('u');
                            }
                            if (j < n && (p.charAt(j) == ':' || p.charAt(j) == ')')) {
                                out.append("(?").append(flags);
                                i = j;
                                continue;
                            }
                            throw unsupported(p, "the group syntax at offset " + i);
                        }
                        if (j < n && p.charAt(j) == '~') throw unsupported(p, "absent operators (?~...)");
                    }
                    out.append(c);
                    i++;
                }
                default -> {
                    out.append(c);
                    i++;
                }
            }
        }
        if (classDepth != 0) throw unsupported(p, "an unterminated character class");
        return out.toString();
    }

    private static String propertyName(String p, String name) {
        String n = name.replace(" ", "").replace("_", "");
        return switch (n.toLowerCase(java.util.Locale.ROOT)) {
            case "l", "letter" -> "L";
            case "lu", "uppercaseletter" -> "Lu";
            case "ll", "lowercaseletter" -> "Ll";
            case "lt", "titlecaseletter" -> "Lt";
            case "lm", "modifierletter" -> "Lm";
            case "lo", "otherletter" -> "Lo";
            case "m", "mark", "combiningmark" -> "M";
            case "mn", "nonspacingmark" -> "Mn";
            case "mc", "spacingmark" -> "Mc";
            case "me", "enclosingmark" -> "Me";
            case "n", "number" -> "N";
            case "nd", "decimalnumber", "digit" -> "Nd";
            case "nl", "letternumber" -> "Nl";
            case "no", "othernumber" -> "No";
            case "p", "punctuation", "punct" -> "P";
            case "pc", "connectorpunctuation" -> "Pc";
            case "pd", "dashpunctuation" -> "Pd";
            case "ps", "openpunctuation" -> "Ps";
            case "pe", "closepunctuation" -> "Pe";
            case "pi", "initialpunctuation" -> "Pi";
            case "pf", "finalpunctuation" -> "Pf";
            case "po", "otherpunctuation" -> "Po";
            case "s", "symbol" -> "S";
            case "sm", "mathsymbol" -> "Sm";
            case "sc", "currencysymbol" -> "Sc";
            case "sk", "modifiersymbol" -> "Sk";
            case "so", "othersymbol" -> "So";
            case "z", "separator" -> "Z";
            case "zs", "spaceseparator" -> "Zs";
            case "zl", "lineseparator" -> "Zl";
            case "zp", "paragraphseparator" -> "Zp";
            case "c", "other" -> "C";
            case "cc", "control", "cntrl" -> "Cc";
            case "cf", "format" -> "Cf";
            case "co", "privateuse" -> "Co";
            case "cn", "unassigned" -> "Cn";
            case "alpha", "alphabetic" -> "IsAlphabetic";
            case "space", "whitespace" -> "IsWhite_Space";
            case "upper", "uppercase" -> "IsUppercase";
            case "lower", "lowercase" -> "IsLowercase";
            default -> {
                String candidate = "Is" + name;
                try {
                    Pattern.compile("\\p{" + candidate + "}");
                } catch (PatternSyntaxException e) {
                    throw unsupported(p, "the property \\p{" + name + "}");
                }
                yield candidate;
            }
        };
    }

    private static IllegalArgumentException unsupported(String pattern, String what) {
        return new IllegalArgumentException("unsupported regex /" + pattern + "/: " + what + " has no exact java.util.regex equivalent");
    }
}
