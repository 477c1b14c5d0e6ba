package dev.exaone4j.chat.jinja;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/** Python's {@code %}-formatting, {@code str.format} and the format-spec mini-language for str, int and float. */
final class PyFormat {
    private PyFormat() {
    }

    // ---- printf style ----

    /** {@code fmt % args}: a tuple supplies positional values, a dict named ones, anything else one value. */
    static String percent(String fmt, Object args) {
        List<Object> values = args instanceof PyTuple t ? t.items() : List.of(args == null ? NONE : args);
        Map<?, ?> mapping = args instanceof Map<?, ?> m ? m : null;
        StringBuilder sb = new StringBuilder();
        int next = 0;
        int i = 0;
        int n = fmt.length();
        while (i < n) {
            char c = fmt.charAt(i++);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            if (i >= n) throw TemplateError.runtime("incomplete format");
            Object value = null;
            boolean haveValue = false;
            if (fmt.charAt(i) == '(') {
                int close = fmt.indexOf(')', i);
                if (close < 0 || mapping == null) throw TemplateError.typeError("format requires a mapping");
                String key = fmt.substring(i + 1, close);
                Object k = Py.findKey(mapping, key);
                if (k == Py.MISSING) throw TemplateError.runtime("KeyError: " + PyRepr.repr(key));
                value = mapping.get(k);
                haveValue = true;
                i = close + 1;
            }
            StringBuilder flags = new StringBuilder();
            while (i < n && "-+ #0".indexOf(fmt.charAt(i)) >= 0) flags.append(fmt.charAt(i++));
            int width = -1;
            int ws = i;
            while (i < n && Character.isDigit(fmt.charAt(i))) i++;
            if (i - ws > 7) throw new TemplateError(TemplateError.Kind.LIMIT, "format width too large");
            if (i > ws) width = Integer.parseInt(fmt.substring(ws, i));
            int prec = -1;
            if (i < n && fmt.charAt(i) == '.') {
                int ps = ++i;
                while (i < n && Character.isDigit(fmt.charAt(i))) i++;
                if (i - ps > 4) throw new TemplateError(TemplateError.Kind.LIMIT, "format precision too large");
                prec = i > ps ? Integer.parseInt(fmt.substring(ps, i)) : 0;
            }
            while (i < n && "hlL".indexOf(fmt.charAt(i)) >= 0) i++;
            if (i >= n) throw TemplateError.runtime("incomplete format");
            char type = fmt.charAt(i++);
            if (type == '%') {
                sb.append('%');
                continue;
            }
            if (!haveValue) {
                if (mapping != null && !(args instanceof PyTuple)) {
                    value = args;
                } else {
                    if (next >= values.size()) throw TemplateError.typeError("not enough arguments for format string");
                    value = values.get(next++);
                    if (value == NONE) value = null;
                }
            }
            String f = flags.toString();
            boolean left = f.contains("-");
            boolean numeric = "sra".indexOf(type) < 0;
            boolean zero = f.contains("0") && !left && numeric && type != 'c';
            StringBuilder sp = new StringBuilder();
            if (left) sp.append('<');
            else if (!zero) sp.append('>');
            if (numeric && type != 'c') {
                if (f.contains("+")) sp.append('+');
                else if (f.contains(" ")) sp.append(' ');
                if (f.contains("#")) sp.append('#');
            }
            if (zero) sp.append('0');
            if (width >= 0) sp.append(width);
            Object v = value;
            String body = switch (type) {
                case 's', 'r', 'a' -> {
                    if (prec >= 0) sp.append('.').append(prec);
                    yield spec(type == 's' ? PyRepr.str(v) : PyRepr.repr(v), sp.append('s').toString());
                }
                case 'd', 'i', 'u', 'x', 'X', 'o' -> {
                    if (v instanceof Double d && !Double.isNaN(d) && !Double.isInfinite(d)) v = (long) (double) d;
                    if (!Py.isInt(v)) {
                        throw TemplateError.typeError("%" + type + " format: a real number is required, not " + Py.typeName(value));
                    }
                    yield spec(Py.toLong(v), sp.append(type == 'i' || type == 'u' ? 'd' : type).toString());
                }
                case 'c' -> spec(v instanceof String cs ? cs : new String(Character.toChars((int) Py.toLong(v))),
                        sp.append('s').toString());
                case 'f', 'F', 'e', 'E', 'g', 'G' -> {
                    if (!Py.isNumber(v)) throw TemplateError.typeError("must be real number, not " + Py.typeName(v));
                    sp.append('.').append(prec >= 0 ? prec : 6).append(type);
                    yield spec(Py.toDouble(v), sp.toString());
                }
                default -> throw TemplateError.runtime("unsupported format character '" + type + "'");
            };
            sb.append(body);
        }
        boolean mappingLike = mapping != null || args instanceof List<?> || args instanceof Undefined;
        if (!mappingLike && next < values.size()) {
            throw TemplateError.typeError("not all arguments converted during string formatting");
        }
        return sb.toString();
    }

    private static final Object NONE = new Object();

    // ---- str.format ----

    /** {@code fmt.format(*args, **kwargs)} with {@code {}}, {@code {0}}, {@code {name.attr[key]}}, {@code !r}/{@code !s} and specs. */
    static String format(String fmt, Args args) {
        StringBuilder sb = new StringBuilder();
        int auto = 0;
        int i = 0;
        int n = fmt.length();
        while (i < n) {
            char c = fmt.charAt(i);
            if (c == '{') {
                if (i + 1 < n && fmt.charAt(i + 1) == '{') {
                    sb.append('{');
                    i += 2;
                    continue;
                }
                int close = fmt.indexOf('}', i);
                if (close < 0) throw TemplateError.runtime("Single '{' encountered in format string");
                String field = fmt.substring(i + 1, close);
                String spec = "";
                char conv = 0;
                int colon = field.indexOf(':');
                if (colon >= 0) {
                    spec = field.substring(colon + 1);
                    field = field.substring(0, colon);
                }
                int bang = field.indexOf('!');
                if (bang >= 0) {
                    conv = field.length() > bang + 1 ? field.charAt(bang + 1) : 0;
                    field = field.substring(0, bang);
                }
                int end = 0;
                while (end < field.length() && field.charAt(end) != '.' && field.charAt(end) != '[') end++;
                String head = field.substring(0, end);
                Object value;
                if (head.isEmpty()) {
                    value = args.get(auto++, null, Py.MISSING);
                } else if (head.chars().allMatch(Character::isDigit)) {
                    value = args.get(Integer.parseInt(head), null, Py.MISSING);
                } else {
                    value = args.keywords().getOrDefault(head, Py.MISSING);
                }
                if (value == Py.MISSING) {
                    throw TemplateError.runtime(head.isEmpty() || Character.isDigit(head.charAt(0))
                            ? "Replacement index " + (head.isEmpty() ? auto - 1 : head) + " out of range for positional args tuple"
                            : "KeyError: " + PyRepr.repr(head));
                }
                String rest = field.substring(end);
                while (!rest.isEmpty()) {
                    if (rest.charAt(0) == '.') {
                        int k = 1;
                        while (k < rest.length() && rest.charAt(k) != '.' && rest.charAt(k) != '[') k++;
                        value = Py.getattr(value, rest.substring(1, k));
                        rest = rest.substring(k);
                    } else {
                        int k = rest.indexOf(']');
                        String key = rest.substring(1, k);
                        value = Py.getitem(value, key.chars().allMatch(Character::isDigit) && !key.isEmpty()
                                ? (Object) Long.parseLong(key) : key);
                        rest = rest.substring(k + 1);
                    }
                }
                if (conv == 'r' || conv == 'a') value = PyRepr.repr(value);
                else if (conv == 's') value = PyRepr.str(value);
                sb.append(spec(value, spec));
                i = close + 1;
            } else if (c == '}') {
                if (i + 1 < n && fmt.charAt(i + 1) == '}') {
                    sb.append('}');
                    i += 2;
                    continue;
                }
                throw TemplateError.runtime("Single '}' encountered in format string");
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    // ---- format spec mini-language ----

    /** {@code format(value, spec)}: {@code [[fill]align][sign][#][0][width][,|_][.precision][type]}. */
    static String spec(Object value, String spec) {
        if (spec.isEmpty()) return PyRepr.str(value);
        int i = 0;
        int n = spec.length();
        String fill = " ";
        char align = 0;
        if (n >= 2 && "<>^=".indexOf(spec.charAt(1)) >= 0) {
            fill = spec.substring(0, 1);
            align = spec.charAt(1);
            i = 2;
        } else if ("<>^=".indexOf(spec.charAt(0)) >= 0) {
            align = spec.charAt(0);
            i = 1;
        }
        char sign = '-';
        if (i < n && "+- ".indexOf(spec.charAt(i)) >= 0) sign = spec.charAt(i++);
        boolean alt = false;
        if (i < n && spec.charAt(i) == '#') {
            alt = true;
            i++;
        }
        if (i < n && spec.charAt(i) == '0') {
            if (align == 0) {
                fill = "0";
                align = '=';
            }
            i++;
        }
        int ws = i;
        while (i < n && Character.isDigit(spec.charAt(i))) i++;
        if (i - ws > 7) throw new TemplateError(TemplateError.Kind.LIMIT, "format width too large");
        int width = i > ws ? Integer.parseInt(spec.substring(ws, i)) : -1;
        String grouping = "";
        if (i < n && (spec.charAt(i) == ',' || spec.charAt(i) == '_')) grouping = String.valueOf(spec.charAt(i++));
        int prec = -1;
        if (i < n && spec.charAt(i) == '.') {
            int ps = ++i;
            while (i < n && Character.isDigit(spec.charAt(i))) i++;
            if (i - ps > 4) throw new TemplateError(TemplateError.Kind.LIMIT, "format precision too large");
            prec = Integer.parseInt(spec.substring(ps, i));
        }
        char type = i < n ? spec.charAt(i++) : 0;
        if (i != n) throw TemplateError.runtime("Invalid format specifier");

        String body;
        boolean negative = false;
        boolean numeric = true;
        if (value instanceof String s) {
            if (type != 0 && type != 's') throw TemplateError.runtime("Unknown format code '" + type + "' for object of type 'str'");
            body = prec >= 0 ? s.substring(0, PyStrings.utf16Offset(s, prec)) : s;
            numeric = false;
            if (align == 0) align = '<';
        } else if (Py.isInt(value) && (type == 0 || "bcdoxXn".indexOf(type) >= 0)) {
            long v = Py.toLong(value);
            negative = v < 0;
            long a = Math.abs(v);
            body = switch (type) {
                case 'b' -> (alt ? "0b" : "") + Long.toBinaryString(a);
                case 'o' -> (alt ? "0o" : "") + Long.toOctalString(a);
                case 'x' -> (alt ? "0x" : "") + Long.toHexString(a);
                case 'X' -> (alt ? "0X" : "") + Long.toHexString(a).toUpperCase();
                case 'c' -> new String(Character.toChars((int) v));
                default -> group(Long.toString(a), grouping);
            };
        } else if (Py.isNumber(value)) {
            double d = Py.toDouble(value);
            negative = d < 0 || (d == 0 && Double.doubleToRawLongBits(d) < 0);
            body = formatFloat(Math.abs(d), type, prec, alt, grouping);
        } else {
            if (type != 0 && type != 's') throw TemplateError.runtime("Unsupported format string passed to " + Py.typeName(value) + ".__format__");
            body = PyRepr.str(value);
            numeric = false;
            if (align == 0) align = '<';
        }
        String signStr = numeric ? (negative ? "-" : sign == '+' ? "+" : sign == ' ' ? " " : "") : "";
        if (align == 0) align = '>';
        int len = (signStr + body).codePointCount(0, (signStr + body).length());
        if (width <= len) return signStr + body;
        String padding = fill.repeat(width - len);
        return switch (align) {
            case '<' -> signStr + body + padding;
            case '^' -> {
                int left = (width - len) / 2;
                yield fill.repeat(left) + signStr + body + fill.repeat(width - len - left);
            }
            case '=' -> signStr + padding + body;
            default -> padding + signStr + body;
        };
    }

    private static String group(String digits, String sep) {
        if (sep.isEmpty()) return digits;
        int dot = digits.indexOf('.');
        String intPart = dot >= 0 ? digits.substring(0, dot) : digits;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < intPart.length(); i++) {
            if (i > 0 && (intPart.length() - i) % 3 == 0) sb.append(sep);
            sb.append(intPart.charAt(i));
        }
        return sb + (dot >= 0 ? digits.substring(dot) : "");
    }

    /** Formats a non-negative float like Python for types f F e E g G % and none. */
    static String formatFloat(double d, char type, int prec, boolean alt, String grouping) {
        if (Double.isNaN(d)) return Character.isUpperCase(type) ? "NAN" : "nan";
        if (Double.isInfinite(d)) return Character.isUpperCase(type) ? "INF" : "inf";
        switch (type) {
            case 'f', 'F' -> {
                return group(fixed(d, prec < 0 ? 6 : prec, alt), grouping);
            }
            case '%' -> {
                return group(fixed(d * 100, prec < 0 ? 6 : prec, alt), grouping) + "%";
            }
            case 'e', 'E' -> {
                String s = exp(d, prec < 0 ? 6 : prec, alt);
                return type == 'E' ? s.toUpperCase() : s;
            }
            case 'g', 'G' -> {
                String s = general(d, prec < 0 ? 6 : prec, alt, false);
                return group(type == 'G' ? s.toUpperCase() : s, grouping);
            }
            default -> {
                if (prec < 0) return group(PyRepr.floatRepr(d), grouping);
                return group(general(d, prec, alt, true), grouping);
            }
        }
    }

    private static String fixed(double d, int prec, boolean alt) {
        String s = new BigDecimal(d).setScale(prec, RoundingMode.HALF_EVEN).toPlainString();
        return (alt && prec == 0) ? s + "." : s;
    }

    private static String exp(double d, int prec, boolean alt) {
        if (d == 0) {
            return "0" + (prec > 0 ? "." + "0".repeat(prec) : alt ? "." : "") + "e+00";
        }
        BigDecimal r = new BigDecimal(d).round(new MathContext(prec + 1, RoundingMode.HALF_EVEN));
        String digits = r.unscaledValue().toString();
        int exp = digits.length() - 1 - r.scale();
        digits = (digits + "0".repeat(prec + 1)).substring(0, prec + 1);
        StringBuilder sb = new StringBuilder().append(digits.charAt(0));
        if (prec > 0) sb.append('.').append(digits, 1, prec + 1);
        else if (alt) sb.append('.');
        sb.append('e').append(exp < 0 ? '-' : '+');
        int a = Math.abs(exp);
        if (a < 10) sb.append('0');
        return sb.append(a).toString();
    }

    private static String general(double d, int prec, boolean alt, boolean noType) {
        int p = prec == 0 ? 1 : prec;
        int exp;
        if (d == 0) {
            exp = 0;
        } else {
            BigDecimal r = new BigDecimal(d).round(new MathContext(p, RoundingMode.HALF_EVEN));
            exp = r.precision() - 1 - r.scale();
        }
        String s;
        if (exp >= -4 && exp < (noType ? Math.min(p, 16) : p)) {
            s = fixed(d, p - 1 - exp, alt);
        } else {
            s = exp(d, p - 1, alt);
        }
        if (!alt) {
            int e = s.indexOf('e');
            String mant = e >= 0 ? s.substring(0, e) : s;
            String tail = e >= 0 ? s.substring(e) : "";
            if (mant.contains(".")) {
                mant = mant.replaceAll("0+$", "");
                if (mant.endsWith(".")) mant = noType ? mant + "0" : mant.substring(0, mant.length() - 1);
            } else if (noType && tail.isEmpty()) {
                mant = mant + ".0";
            }
            s = mant + tail;
        }
        return s;
    }
}
