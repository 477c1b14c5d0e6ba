package dev.exaone4j.chat.jinja;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/** Python's {@code str()} and {@code repr()} of template values, including float repr and string quoting. */
final class PyRepr {
    private static final int MAX_DEPTH = 500;
    /** Cap for printing outside a render's own limit (error messages). */
    static final long DEFAULT_CAP = 1L << 26;

    private PyRepr() {
    }

    /** Python {@code str(v)}; undefined prints as the empty string (jinja2's default Undefined). */
    static String str(Object v) {
        return str(v, DEFAULT_CAP);
    }

    /** {@link #str(Object)}, failing with a LIMIT error once the text would exceed {@code max} chars. */
    static String str(Object v, long max) {
        if (v instanceof String s) return s;
        if (v instanceof Undefined) return "";
        StringBuilder sb = new StringBuilder();
        append(v, sb, false, 0, max);
        return sb.toString();
    }

    /** Python {@code repr(v)}. */
    static String repr(Object v) {
        return repr(v, DEFAULT_CAP);
    }

    static String repr(Object v, long max) {
        StringBuilder sb = new StringBuilder();
        append(v, sb, true, 0, max);
        return sb.toString();
    }

    private static void append(Object v, StringBuilder sb, boolean repr, int depth, long max) {
        if (depth > MAX_DEPTH) throw new TemplateError(TemplateError.Kind.LIMIT, "value nested too deeply to print");
        if (sb.length() > max) throw new TemplateError(TemplateError.Kind.LIMIT, "printed value exceeds the output limit");
        switch (v) {
            case null -> sb.append("None");
            case Boolean b -> sb.append(b ? "True" : "False");
            case Long l -> sb.append(l);
            case Double d -> sb.append(floatRepr(d));
            case String s -> {
                if (repr) quote(s, sb); else sb.append(s);
            }
            case Undefined u -> sb.append(repr ? "Undefined" : "");
            case PyTuple t -> {
                sb.append('(');
                List<Object> items = t.items();
                for (int i = 0; i < items.size(); i++) {
                    if (i > 0) sb.append(", ");
                    append(items.get(i), sb, true, depth + 1, max);
                }
                if (items.size() == 1) sb.append(',');
                sb.append(')');
            }
            case List<?> list -> {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) sb.append(", ");
                    append(list.get(i), sb, true, depth + 1, max);
                }
                sb.append(']');
            }
            case Map<?, ?> map -> appendDict(map, sb, depth, max);
            case Namespace ns -> {
                sb.append("<Namespace ");
                appendDict(ns.attrs, sb, depth, max);
                sb.append('>');
            }
            case PyCallable c -> sb.append(c instanceof Macro ? "<Macro '" + c.name() + "'>" : "<built-in method " + c.name() + ">");
            case PyIterator it -> sb.append(it.label());
            case DictView dv -> {
                sb.append(dv.kind()).append('(');
                append(dv.items(), sb, true, depth + 1, max);
                sb.append(')');
            }
            case LoopContext lc -> sb.append("<LoopContext ").append(lc.index()).append('/').append(lc.length()).append('>');
            default -> sb.append(v);
        }
    }

    private static void appendDict(Map<?, ?> map, StringBuilder sb, int depth, long max) {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!first) sb.append(", ");
            first = false;
            append(e.getKey(), sb, true, depth + 1, max);
            sb.append(": ");
            append(e.getValue(), sb, true, depth + 1, max);
        }
        sb.append('}');
    }

    /** Python's float repr: shortest round-tripping digits, exponent form below 1e-4 and from 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (Double.doubleToRawLongBits(d) < 0) ? "-0.0" : "0.0";
        BigDecimal bd = shortest(Math.abs(d));
        String digits = bd.unscaledValue().toString();
        int decpt = digits.length() - bd.scale(); // value = 0.DIGITS * 10^decpt
        StringBuilder sb = new StringBuilder();
        if (d < 0) sb.append('-');
        if (decpt > -4 && decpt <= 16) {
            if (decpt <= 0) {
                sb.append("0.");
                sb.append("0".repeat(-decpt));
                sb.append(digits);
            } else if (decpt >= digits.length()) {
                sb.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
            } else {
                sb.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
            }
        } else {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) sb.append('.').append(digits, 1, digits.length());
            int exp = decpt - 1;
            sb.append('e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) sb.append('0');
            sb.append(a);
        }
        return sb.toString();
    }

    /**
     * The shortest decimal that reads back as {@code a} (closest among equally short ones), as Python's repr picks it.
     * Java's {@link Double#toString(double)} may print two digits where one suffices (4.9E-324 for 5e-324), so
     * one-digit candidates are tried first.
     */
    private static BigDecimal shortest(double a) {
        BigDecimal bd = new BigDecimal(Double.toString(a)).stripTrailingZeros();
        if (bd.precision() != 2) return bd;
        BigDecimal exact = new BigDecimal(a);
        BigDecimal best = null;
        for (RoundingMode mode : new RoundingMode[]{RoundingMode.FLOOR, RoundingMode.CEILING}) {
            BigDecimal c = bd.round(new MathContext(1, mode));
            if (c.signum() != 0 && c.doubleValue() == a
                    && (best == null || c.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                best = c;
            }
        }
        return best == null ? bd : best.stripTrailingZeros();
    }

    /** Python's string repr: single quotes unless the text has a single quote and no double quote. */
    static void quote(String s, StringBuilder sb) {
        char q = (s.indexOf('\'') >= 0 && s.indexOf('"') < 0) ? '"' : '\'';
        sb.append(q);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == q || cp == '\\') {
                sb.append('\\').appendCodePoint(cp);
            } else if (cp == '\n') {
                sb.append("\\n");
            } else if (cp == '\r') {
                sb.append("\\r");
            } else if (cp == '\t') {
                sb.append("\\t");
            } else if (cp < 0x20 || cp == 0x7f) {
                sb.append(String.format("\\x%02x", cp));
            } else if (cp < 0x7f || isPrintable(cp)) {
                sb.appendCodePoint(cp);
            } else if (cp <= 0xff) {
                sb.append(String.format("\\x%02x", cp));
            } else if (cp <= 0xffff) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.append(String.format("\\U%08x", cp));
            }
        }
        sb.append(q);
    }

    private static boolean isPrintable(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }
}
