package dev.exaone4j.chat.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python semantics of the value model: truthiness, equality, ordering, membership, iteration, length, attribute and
 * item access as jinja2's sandbox resolves them, slicing and arithmetic. Values are {@code null} (None),
 * {@link Boolean}, {@link Long} (int), {@link Double} (float), {@link String}, {@link List} (list), {@link PyTuple},
 * {@link Map} (dict, insertion ordered), {@link Namespace}, {@link PyCallable}, {@link LoopContext} and
 * {@link Undefined}.
 */
final class Py {
    private static final int MAX_DEPTH = 500;

    private Py() {
    }

    // ---- types ----

    static String typeName(Object v) {
        return switch (v) {
            case null -> "NoneType";
            case Boolean b -> "bool";
            case Long l -> "int";
            case Double d -> "float";
            case String s -> "str";
            case PyTuple t -> "tuple";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case Namespace n -> "Namespace";
            case Undefined u -> "Undefined";
            case LoopContext lc -> "LoopContext";
            case PyIterator it -> it.typeName();
            case DictView dv -> dv.kind();
            case Macro m -> "Macro";
            case PyCallable c -> "builtin_function_or_method";
            default -> v.getClass().getSimpleName();
        };
    }

    /** jinja2's {@code object_type_repr}: {@code 'dict object'}, {@code 'None'}. */
    static String objectTypeRepr(Object v) {
        if (v == null) return "None";
        if (v instanceof Namespace) return "jinja2.utils.Namespace object";
        if (v instanceof LoopContext) return "jinja2.runtime.LoopContext object";
        if (v instanceof Macro) return "jinja2.runtime.Macro object";
        return typeName(v) + " object";
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    static boolean isInt(Object v) {
        return v instanceof Long || v instanceof Boolean;
    }

    static long toLong(Object v) {
        if (v instanceof Long l) return l;
        if (v instanceof Boolean b) return b ? 1 : 0;
        throw TemplateError.typeError("'" + typeName(v) + "' object cannot be interpreted as an integer");
    }

    static double toDouble(Object v) {
        if (v instanceof Double d) return d;
        return toLong(v);
    }

    static Undefined undefinedOperand(Object a, Object b) {
        if (a instanceof Undefined u) return u;
        if (b instanceof Undefined u) return u;
        return null;
    }

    // ---- truthiness, equality, ordering ----

    static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Boolean b -> b;
            case Long l -> l != 0;
            case Double d -> d != 0.0;
            case String s -> !s.isEmpty();
            case PyTuple t -> !t.items().isEmpty();
            case List<?> l -> !l.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            case DictView dv -> !dv.items().isEmpty();
            case Undefined u -> false;
            default -> true;
        };
    }

    static boolean eq(Object a, Object b) {
        return eq(a, b, 0);
    }

    private static boolean eq(Object a, Object b, int depth) {
        if (depth > MAX_DEPTH) throw new TemplateError(TemplateError.Kind.LIMIT, "values nested too deeply to compare");
        if (a == b) return true;
        if (a == null || b == null) return false;
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Double || b instanceof Double) return toDouble(a) == toDouble(b);
            return toLong(a) == toLong(b);
        }
        if (a instanceof String s) return s.equals(b);
        if (a instanceof Undefined) return b instanceof Undefined;
        if (a instanceof PyTuple ta) return b instanceof PyTuple tb && listEq(ta.items(), tb.items(), depth);
        if (a instanceof List<?> la) return b instanceof List<?> lb && !(b instanceof PyTuple) && listEq(la, lb, depth);
        if (a instanceof Map<?, ?> ma) {
            if (!(b instanceof Map<?, ?> mb) || ma.size() != mb.size()) return false;
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                Object k = findKey(mb, e.getKey());
                if (k == MISSING || !eq(e.getValue(), mb.get(k), depth + 1)) return false;
            }
            return true;
        }
        return false;
    }

    private static boolean listEq(List<?> a, List<?> b, int depth) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!eq(a.get(i), b.get(i), depth + 1)) return false;
        return true;
    }

    /** Python ordering for {@code op} in {@code < <= > >=}; fails like Python for unorderable types. */
    static boolean compare(String op, Object a, Object b) {
        int c = cmp(a, b, op, 0);
        return switch (op) {
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            default -> c >= 0;
        };
    }

    /** Three-way Python ordering (used by sort filters too). */
    static int cmp(Object a, Object b, String op, int depth) {
        Undefined u = undefinedOperand(a, b);
        if (u != null) throw u.error();
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Double || b instanceof Double) return Double.compare(toDouble(a), toDouble(b)) == 0
                    ? 0 : (toDouble(a) < toDouble(b) ? -1 : 1);
            return Long.compare(toLong(a), toLong(b));
        }
        if (a instanceof String sa && b instanceof String sb) return PyStrings.compare(sa, sb);
        List<?> la = null;
        List<?> lb = null;
        if (a instanceof PyTuple ta && b instanceof PyTuple tb) {
            la = ta.items();
            lb = tb.items();
        } else if (a instanceof List<?> x && b instanceof List<?> y && !(a instanceof PyTuple) && !(b instanceof PyTuple)) {
            la = x;
            lb = y;
        }
        if (la != null) {
            if (depth > MAX_DEPTH) throw new TemplateError(TemplateError.Kind.LIMIT, "values nested too deeply to compare");
            int n = Math.min(la.size(), lb.size());
            for (int i = 0; i < n; i++) {
                if (!eq(la.get(i), lb.get(i))) return cmp(la.get(i), lb.get(i), op, depth + 1);
            }
            return Integer.compare(la.size(), lb.size());
        }
        throw TemplateError.typeError("'" + op + "' not supported between instances of '" + typeName(a) + "' and '"
                + typeName(b) + "'");
    }

    // ---- containers ----

    static final Object MISSING = new Object();

    /** The key object stored in {@code map} that equals {@code key} the Python way, or {@link #MISSING}. */
    static Object findKey(Map<?, ?> map, Object key) {
        if (map.containsKey(key)) return key;
        if (isNumber(key)) {
            for (Object k : map.keySet()) if (isNumber(k) && eq(k, key)) return k;
        }
        return MISSING;
    }

    static boolean contains(Object container, Object item) {
        switch (container) {
            case String s -> {
                if (item instanceof String sub) return s.contains(sub);
                if (item instanceof Undefined u) throw u.error();
                throw TemplateError.typeError("'in <string>' requires string as left operand, not " + typeName(item));
            }
            case PyTuple t -> {
                for (Object x : t.items()) if (eq(x, item)) return true;
                return false;
            }
            case List<?> l -> {
                for (Object x : l) if (eq(x, item)) return true;
                return false;
            }
            case Map<?, ?> m -> {
                if (item instanceof List<?> || item instanceof Map<?, ?>) {
                    throw TemplateError.typeError("unhashable type: '" + typeName(item) + "'");
                }
                return findKey(m, item) != MISSING;
            }
            case DictView dv -> {
                for (Object x : dv.items()) if (eq(x, item)) return true;
                return false;
            }
            case PyIterator it -> {
                for (Object x = it.next(); x != MISSING; x = it.next()) if (eq(x, item)) return true;
                return false;
            }
            case Undefined u -> {
                return false;
            }
            case null, default -> throw TemplateError.typeError("argument of type '" + typeName(container) + "' is not iterable");
        }
    }

    /** The items a {@code for} loop visits (a snapshot). */
    static List<Object> iterate(Object v) {
        return switch (v) {
            case String s -> PyStrings.chars(s);
            case PyTuple t -> new ArrayList<>(t.items());
            case List<?> l -> new ArrayList<>(l);
            case Map<?, ?> m -> new ArrayList<>(m.keySet());
            case DictView dv -> new ArrayList<>(dv.items());
            case PyIterator it -> it.drain();
            case Undefined u -> List.of();
            case null, default -> throw TemplateError.typeError("'" + typeName(v) + "' object is not iterable");
        };
    }

    static long len(Object v) {
        return switch (v) {
            case String s -> s.codePointCount(0, s.length());
            case PyTuple t -> t.items().size();
            case List<?> l -> l.size();
            case Map<?, ?> m -> m.size();
            case DictView dv -> dv.items().size();
            case Undefined u -> 0;
            case null, default -> throw TemplateError.typeError("object of type '" + typeName(v) + "' has no len()");
        };
    }

    // ---- attribute and item access (jinja2 sandbox getattr/getitem) ----

    /** {@code obj.name}: methods first, then dict keys; missing yields an Undefined. */
    static Object getattr(Object obj, String name) {
        if (obj instanceof Undefined u) throw u.error();
        Object method = Methods.bind(obj, name);
        if (method != null) return method;
        return switch (obj) {
            case Map<?, ?> m -> {
                Object k = findKey(m, name);
                yield k == MISSING ? Undefined.attribute(obj, name) : m.get(k);
            }
            case Namespace ns -> ns.attrs.containsKey(name) ? ns.attrs.get(name) : Undefined.attribute(obj, name);
            case LoopContext lc -> lc.attr(name);
            case PyTuple t -> {
                Object v = t.field(name);
                yield v == MISSING ? Undefined.attribute(obj, name) : v;
            }
            case null, default -> Undefined.attribute(obj, name);
        };
    }

    /** {@code obj[key]}: items first, then (for string keys) attributes; missing yields an Undefined. */
    static Object getitem(Object obj, Object key) {
        if (obj instanceof Undefined u) throw u.error();
        switch (obj) {
            case Map<?, ?> m -> {
                Object k = findKey(m, key);
                if (k != MISSING) return m.get(k);
            }
            case PyTuple t -> {
                if (isInt(key)) return index(t.items(), obj, key);
            }
            case List<?> l -> {
                if (isInt(key)) return index(l, obj, key);
            }
            case String s -> {
                if (isInt(key)) {
                    List<Object> chars = PyStrings.chars(s);
                    return index(chars, obj, key);
                }
            }
            case null, default -> { }
        }
        if (key instanceof String name) {
            if (obj instanceof Map<?, ?>) {
                Object method = Methods.bind(obj, name);
                return method != null ? method : Undefined.attribute(obj, name);
            }
            return getattr(obj, name);
        }
        return Undefined.item(obj, key);
    }

    private static Object index(List<?> items, Object owner, Object key) {
        long i = toLong(key);
        if (i < 0) i += items.size();
        if (i < 0 || i >= items.size()) return Undefined.item(owner, key);
        return items.get((int) i);
    }

    /** {@code obj[start:stop:step]} for str, list and tuple. */
    static Object slice(Object obj, Object start, Object stop, Object step) {
        if (obj instanceof Undefined u) throw u.error();
        List<?> items;
        if (obj instanceof String s) items = PyStrings.chars(s);
        else if (obj instanceof PyTuple t) items = t.items();
        else if (obj instanceof List<?> l) items = l;
        else if (obj instanceof Map<?, ?>) throw TemplateError.typeError("unhashable type: 'slice'");
        else throw TemplateError.typeError("'" + typeName(obj) + "' object is not subscriptable");
        long n = items.size();
        long st = sliceIndex(step, 1);
        if (st == 0) throw TemplateError.runtime("slice step cannot be zero");
        long lower = st > 0 ? 0 : -1;
        long upper = st > 0 ? n : n - 1;
        long a = start == null ? (st > 0 ? lower : upper) : clamp(sliceIndex(start, 0), n, lower, upper);
        long b = stop == null ? (st > 0 ? upper : lower) : clamp(sliceIndex(stop, 0), n, lower, upper);
        List<Object> out = new ArrayList<>();
        if (st > 0) for (long i = a; i < b; i += st) out.add(items.get((int) i));
        else for (long i = a; i > b; i += st) out.add(items.get((int) i));
        if (obj instanceof String) {
            StringBuilder sb = new StringBuilder();
            for (Object c : out) sb.append((String) c);
            return sb.toString();
        }
        if (obj instanceof PyTuple) return new PyTuple(out);
        return out;
    }

    private static long sliceIndex(Object v, long dflt) {
        if (v == null) return dflt;
        if (isInt(v)) return toLong(v);
        throw TemplateError.typeError("slice indices must be integers or None or have an __index__ method");
    }

    private static long clamp(long i, long n, long lower, long upper) {
        if (i < 0) {
            i += n;
            if (i < lower) i = lower;
        } else if (i > upper) {
            i = upper;
        }
        return i;
    }

    // ---- arithmetic ----

    private static TemplateError unsupported(String op, Object a, Object b) {
        return TemplateError.typeError("unsupported operand type(s) for " + op + ": '" + typeName(a) + "' and '"
                + typeName(b) + "'");
    }

    private static TemplateError overflow() {
        return TemplateError.runtime("integer overflow (templates use 64-bit integers)");
    }

    static Object add(Object a, Object b) {
        Undefined u = undefinedOperand(a, b);
        if (u != null) throw u.error();
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Double || b instanceof Double) return toDouble(a) + toDouble(b);
            try {
                return Math.addExact(toLong(a), toLong(b));
            } catch (ArithmeticException e) {
                throw overflow();
            }
        }
        if (a instanceof String sa) {
            if (b instanceof String sb) return sa.concat(sb);
            throw TemplateError.typeError("can only concatenate str (not \"" + typeName(b) + "\") to str");
        }
        if (a instanceof PyTuple ta) {
            if (b instanceof PyTuple tb) {
                List<Object> all = new ArrayList<>(ta.items());
                all.addAll(tb.items());
                return new PyTuple(all);
            }
            throw TemplateError.typeError("can only concatenate tuple (not \"" + typeName(b) + "\") to tuple");
        }
        if (a instanceof List<?> la) {
            if (b instanceof List<?> lb && !(b instanceof PyTuple)) {
                List<Object> all = new ArrayList<>(la);
                all.addAll(lb);
                return all;
            }
            throw TemplateError.typeError("can only concatenate list (not \"" + typeName(b) + "\") to list");
        }
        throw unsupported("+", a, b);
    }

    static Object sub(Object a, Object b) {
        Undefined u = undefinedOperand(a, b);
        if (u != null) throw u.error();
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Double || b instanceof Double) return toDouble(a) - toDouble(b);
            try {
                return Math.subtractExact(toLong(a), toLong(b));
            } catch (ArithmeticException e) {
                throw overflow();
            }
        }
        throw unsupported("-", a, b);
    }

    /** {@code a * b}; sequence repetition is refused beyond {@code maxLen} elements/chars. */
    static Object mul(Object a, Object b, long maxLen) {
        Undefined u = undefinedOperand(a, b);
        if (u != null) throw u.error();
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Double || b instanceof Double) return toDouble(a) * toDouble(b);
            try {
                return Math.multiplyExact(toLong(a), toLong(b));
            } catch (ArithmeticException e) {
                throw overflow();
            }
        }
        Object seq = isInt(b) ? a : isInt(a) ? b : null;
        Object count = seq == a ? b : a;
        if (seq instanceof String || seq instanceof List<?> || seq instanceof PyTuple) {
            long n = Math.max(0, toLong(count));
            List<?> items = seq instanceof PyTuple t ? t.items() : seq instanceof List<?> l ? l : null;
            long size = seq instanceof String s ? s.length() : items.size();
            if (n > 0 && size > 0 && n > maxLen / size) {
                throw new TemplateError(TemplateError.Kind.LIMIT, "sequence repetition exceeds the output limit");
            }
            if (seq instanceof String s) return s.repeat((int) n);
            List<Object> out = new ArrayList<>();
            for (long i = 0; i < n; i++) out.addAll(items);
            return seq instanceof PyTuple ? new PyTuple(out) : out;
        }
        if (seq == null && (isSequence(a) || isSequence(b))) {
            Object other = isSequence(a) ? b : a;
            throw TemplateError.typeError("can't multiply sequence by non-int of type '" + typeName(other) + "'");
        }
        throw unsupported("*", a, b);
    }

    private static boolean isSequence(Object v) {
        return v instanceof String || v instanceof List<?> || v instanceof PyTuple;
    }

    static Object truediv(Object a, Object b) {
        Undefined u = undefinedOperand(a, b);
        if (u != null) throw u.error();
        if (isNumber(a) && isNumber(b)) {
            double y = toDouble(b);
            if (y == 0) throw TemplateError.runtime(isInt(b) && isInt(a) ? "division by zero" : "float division by zero");
            return toDouble(a) / y;
        }
        throw unsupported("/", a, b);
    }

    static Object floordiv(Object a, Object b) {
        Undefined u = undefinedOperand(a, b);
        if (u != null) throw u.error();
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Double || b instanceof Double) {
                double y = toDouble(b);
                if (y == 0) throw TemplateError.runtime("float floor division by zero");
                double x = toDouble(a);
                double mod = x % y;
                double div = (x - mod) / y;
                if (mod != 0 && ((y < 0) != (mod < 0))) div -= 1.0;
                if (div == 0) return Math.copySign(0.0, x / y);
                double fl = Math.floor(div);
                if (div - fl > 0.5) fl += 1.0;
                return fl;
            }
            long y = toLong(b);
            if (y == 0) throw TemplateError.runtime("integer division or modulo by zero");
            return Math.floorDiv(toLong(a), y);
        }
        throw unsupported("//", a, b);
    }

    private static double pyFmod(double x, double y) {
        double r = x % y;
        if (r != 0 && ((r < 0) != (y < 0))) r += y;
        return r;
    }

    static Object mod(Object a, Object b) {
        if (a instanceof String fmt) return PyFormat.percent(fmt, b);
        Undefined u = undefinedOperand(a, b);
        if (u != null) throw u.error();
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Double || b instanceof Double) {
                double y = toDouble(b);
                if (y == 0) throw TemplateError.runtime("float modulo");
                return pyFmod(toDouble(a), y);
            }
            long y = toLong(b);
            if (y == 0) throw TemplateError.runtime("integer modulo by zero");
            return Math.floorMod(toLong(a), y);
        }
        throw unsupported("%", a, b);
    }

    static Object pow(Object a, Object b) {
        Undefined u = undefinedOperand(a, b);
        if (u != null) throw u.error();
        if (isNumber(a) && isNumber(b)) {
            if (isInt(a) && isInt(b) && toLong(b) >= 0) {
                long base = toLong(a);
                long e = toLong(b);
                long r = 1;
                try {
                    while (e > 0) {
                        if ((e & 1) == 1) r = Math.multiplyExact(r, base);
                        e >>= 1;
                        if (e > 0) base = Math.multiplyExact(base, base);
                    }
                } catch (ArithmeticException ex) {
                    throw overflow();
                }
                return r;
            }
            double x = toDouble(a);
            double y = toDouble(b);
            if (x == 0 && y < 0) throw TemplateError.runtime("0.0 cannot be raised to a negative power");
            return Math.pow(x, y);
        }
        throw unsupported("** or pow()", a, b);
    }

    static Object neg(Object a) {
        if (a instanceof Undefined u) throw u.error();
        if (a instanceof Double d) return -d;
        if (isInt(a)) {
            long v = toLong(a);
            if (v == Long.MIN_VALUE) throw overflow();
            return -v;
        }
        throw TemplateError.typeError("bad operand type for unary -: '" + typeName(a) + "'");
    }

    static Object pos(Object a) {
        if (a instanceof Undefined u) throw u.error();
        if (a instanceof Double d) return d;
        if (isInt(a)) return toLong(a);
        throw TemplateError.typeError("bad operand type for unary +: '" + typeName(a) + "'");
    }
}
