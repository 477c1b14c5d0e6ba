package dev.exaone4j.chat.jinja;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** jinja2's built-in filters used by chat templates, with transformers' {@code tojson}. */
final class Filters {
    /** One filter: the piped value and the call arguments. */
    @FunctionalInterface
    interface Filter {
        Object apply(Interpreter in, Object value, Args args);
    }

    private static final Map<String, Filter> FILTERS = new HashMap<>();

    private Filters() {
    }

    static boolean exists(String name) {
        return FILTERS.containsKey(name);
    }

    static Object apply(Interpreter in, String name, Object value, Args args) {
        Filter f = FILTERS.get(name);
        if (f == null) throw new TemplateError(TemplateError.Kind.SYNTAX, "unknown filter '" + name + "'");
        return f.apply(in, value, args);
    }

    private static String s(Object v) {
        return PyRepr.str(v);
    }

    private static void reg(Filter f, String... names) {
        for (String n : names) FILTERS.put(n, f);
    }

    /** jinja2's attribute getter for filters: dotted path, integer parts index, item access first. */
    static Object attribute(Object item, Object attribute) {
        if (attribute == null) return item;
        if (!(attribute instanceof String path)) return Py.getitem(item, attribute);
        Object v = item;
        for (String part : path.split("\\.", -1)) {
            Object key = part.chars().allMatch(Character::isDigit) && !part.isEmpty() ? (Object) Long.parseLong(part) : part;
            v = Py.getitem(v, key);
        }
        return v;
    }

    private static Object sortKey(Object v, boolean caseSensitive) {
        return !caseSensitive && v instanceof String str ? PyStrings.lower(str) : v;
    }

    static {
        reg((in, v, a) -> {
            if (v instanceof Undefined u) throw u.error();
            if (v instanceof Double d) return Math.abs(d);
            if (Py.isInt(v)) return Math.abs(Py.toLong(v));
            throw TemplateError.typeError("bad operand type for abs(): '" + Py.typeName(v) + "'");
        }, "abs");
        reg((in, v, a) -> {
            String name = s(a.get(0, "name", ""));
            if (v instanceof Undefined u) throw u.error();
            Object m = Methods.bind(v, name);
            if (m != null) return m;
            if (v instanceof Namespace ns && ns.attrs.containsKey(name)) return ns.attrs.get(name);
            if (v instanceof LoopContext lc) return lc.attr(name);
            return Undefined.attribute(v, name);
        }, "attr");
        reg((in, v, a) -> PyIterator.generator("do_batch", () -> {
            long size = Py.toLong(a.get(0, "linecount", 1L));
            if (size <= 0) throw TemplateError.runtime("batch size must be positive");
            boolean fill = a.has(1, "fill_with");
            Object filler = a.get(1, "fill_with", null);
            List<Object> out = new ArrayList<>();
            List<Object> cur = new ArrayList<>();
            for (Object x : Py.iterate(v)) {
                if (cur.size() == size) {
                    out.add(cur);
                    cur = new ArrayList<>();
                }
                cur.add(x);
            }
            if (!cur.isEmpty()) {
                if (fill) while (cur.size() < size) cur.add(filler);
                out.add(cur);
            }
            return out;
        }), "batch");
        reg((in, v, a) -> PyStrings.capitalize(s(v)), "capitalize");
        reg((in, v, a) -> {
            long w = Py.toLong(a.get(0, "width", 80L));
            in.checkCollectionSize(w);
            return PyStrings.center(s(v), w, " ", '^');
        }, "center");
        reg((in, v, a) -> Py.len(v), "length", "count");
        reg((in, v, a) -> {
            Object dflt = a.get(0, "default_value", "");
            boolean bool = Py.truthy(a.get(1, "boolean", false));
            return (v instanceof Undefined || (bool && !Py.truthy(v))) ? dflt : v;
        }, "default", "d");
        reg((in, v, a) -> {
            if (!(v instanceof Map<?, ?> m)) throw TemplateError.typeError("dictsort expects a mapping");
            boolean cs = Py.truthy(a.get(0, "case_sensitive", false));
            String by = s(a.get(1, "by", "key"));
            boolean reverse = Py.truthy(a.get(2, "reverse", false));
            int pos = switch (by) {
                case "key" -> 0;
                case "value" -> 1;
                default -> throw TemplateError.runtime("You can only sort by either \"key\" or \"value\"");
            };
            List<Object> items = new ArrayList<>();
            for (Map.Entry<?, ?> e : m.entrySet()) items.add(PyTuple.of(e.getKey(), e.getValue()));
            items.sort((x, y) -> Py.cmp(sortKey(((PyTuple) x).items().get(pos), cs), sortKey(((PyTuple) y).items().get(pos), cs), "<", 0));
            if (reverse) java.util.Collections.reverse(items);
            return items;
        }, "dictsort");
        reg((in, v, a) -> escape(s(v)), "escape", "e", "forceescape");
        reg((in, v, a) -> {
            if (v instanceof PyIterator it) {
                Object x = it.next();
                return x == Py.MISSING ? Undefined.hint("No first item, sequence was empty.") : x;
            }
            List<Object> items = Py.iterate(v);
            return items.isEmpty() ? Undefined.hint("No first item, sequence was empty.") : items.get(0);
        }, "first");
        reg((in, v, a) -> {
            if (v instanceof PyIterator it) throw TemplateError.typeError("'" + it.typeName() + "' object is not reversible");
            List<Object> items = Py.iterate(v);
            return items.isEmpty() ? Undefined.hint("No last item, sequence was empty.") : items.get(items.size() - 1);
        }, "last");
        reg((in, v, a) -> {
            if (v instanceof Undefined u) throw u.error();
            return toFloat(v, a.get(0, "default", 0.0));
        }, "float");
        reg((in, v, a) -> {
            if (!a.keywords().isEmpty() && a.size() > 0) {
                throw TemplateError.runtime("can't handle positional and keyword arguments at the same time");
            }
            Object args = !a.keywords().isEmpty() ? new LinkedHashMap<Object, Object>(a.keywords())
                    : new PyTuple(a.positional());
            return in.checkString(PyFormat.percent(s(v), args));
        }, "format");
        reg((in, v, a) -> {
            Object attr = a.get(0, "attribute", null);
            Object dflt = a.get(1, "default", null);
            boolean cs = Py.truthy(a.get(2, "case_sensitive", false));
            List<Object> items = Py.iterate(v);
            List<Object[]> keyed = new ArrayList<>();
            for (Object x : items) {
                Object k = attribute(x, attr);
                if (k instanceof Undefined && dflt != null) k = dflt;
                keyed.add(new Object[]{sortKey(k, cs), x, k});
            }
            keyed.sort((x, y) -> Py.cmp(x[0], y[0], "<", 0));
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < keyed.size(); ) {
                int j = i;
                List<Object> group = new ArrayList<>();
                while (j < keyed.size() && Py.eq(keyed.get(j)[0], keyed.get(i)[0])) group.add(keyed.get(j++)[1]);
                out.add(new PyTuple(java.util.Arrays.asList(keyed.get(i)[2], group), List.of("grouper", "list")));
                i = j;
            }
            return out;
        }, "groupby");
        reg((in, v, a) -> {
            if (v instanceof Undefined u) throw u.error();
            if (!(v instanceof String str)) {
                throw TemplateError.typeError("unsupported operand type(s) for +=: '" + Py.typeName(v) + "' and 'str'");
            }
            return indent(in, str, a.get(0, "width", 4L), Py.truthy(a.get(1, "first", false)), Py.truthy(a.get(2, "blank", false)));
        }, "indent");
        reg((in, v, a) -> {
            if (v instanceof Undefined u) throw u.error();
            return toInt(v, a.get(0, "default", 0L), Py.toLong(a.get(1, "base", 10L)));
        }, "int");
        reg((in, v, a) -> PyIterator.generator("do_items", () -> {
            if (v instanceof Undefined) return new ArrayList<>();
            if (!(v instanceof Map<?, ?> m)) throw TemplateError.typeError("Can only get item pairs from a mapping.");
            List<Object> out = new ArrayList<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.add(PyTuple.of(e.getKey(), e.getValue()));
            return out;
        }), "items");
        reg((in, v, a) -> {
            String sep = s(a.get(0, "d", ""));
            Object attr = a.get(1, "attribute", null);
            StringBuilder sb = new StringBuilder();
            boolean first = true;
            for (Object x : Py.iterate(v)) {
                if (!first) sb.append(sep);
                first = false;
                sb.append(PyRepr.str(attribute(x, attr), in.maxChars()));
                in.checkString(sb);
            }
            return sb.toString();
        }, "join");
        reg((in, v, a) -> new ArrayList<>(Py.iterate(v)), "list");
        reg((in, v, a) -> PyStrings.lower(s(v)), "lower");
        reg((in, v, a) -> PyStrings.upper(s(v)), "upper");
        reg((in, v, a) -> PyIterator.generator("sync_do_map", () -> {
            List<Object> out = new ArrayList<>();
            if (a.size() == 0 && a.keywords().containsKey("attribute")) {
                Object attr = a.keywords().get("attribute");
                boolean hasDefault = a.keywords().containsKey("default");
                for (Object x : Py.iterate(v)) {
                    Object r = attribute(x, attr);
                    if (r instanceof Undefined && hasDefault) r = a.keywords().get("default");
                    out.add(r);
                }
                return out;
            }
            if (a.size() == 0) throw TemplateError.runtime("map requires a filter argument");
            String name = s(a.positional().get(0));
            if (!exists(name)) throw TemplateError.runtime("No filter named '" + name + "'.");
            Args rest = a.drop(1);
            for (Object x : Py.iterate(v)) out.add(apply(in, name, x, rest));
            return out;
        }), "map");
        reg((in, v, a) -> extreme(v, a, true), "min");
        reg((in, v, a) -> extreme(v, a, false), "max");
        reg((in, v, a) -> PyRepr.repr(sortedDicts(v, 0), in.maxChars()), "pprint");
        reg((in, v, a) -> PyIterator.generator("select_or_reject", () -> select(in, v, a, false, true)), "select");
        reg((in, v, a) -> PyIterator.generator("select_or_reject", () -> select(in, v, a, false, false)), "reject");
        reg((in, v, a) -> PyIterator.generator("select_or_reject", () -> select(in, v, a, true, true)), "selectattr");
        reg((in, v, a) -> PyIterator.generator("select_or_reject", () -> select(in, v, a, true, false)), "rejectattr");
        reg((in, v, a) -> {
            Object count = a.get(2, "count", null);
            return Methods.replace(s(v), s(a.get(0, "old", "")), s(a.get(1, "new", "")),
                    count == null ? -1 : Py.toLong(count), in.maxChars());
        }, "replace");
        reg((in, v, a) -> {
            if (v instanceof String str) {
                List<Object> cps = PyStrings.chars(str);
                java.util.Collections.reverse(cps);
                return String.join("", cps.stream().map(o -> (String) o).toList());
            }
            if (v instanceof Undefined) return new PyIterator("reversed", "<reversed object>", ArrayList::new);
            if (v instanceof List<?> || v instanceof PyTuple || v instanceof Map<?, ?>) {
                List<Object> items = Py.iterate(v);
                java.util.Collections.reverse(items);
                String type = v instanceof PyTuple ? "reversed" : v instanceof Map<?, ?> ? "dict_reversekeyiterator" : "list_reverseiterator";
                return new PyIterator(type, "<" + type + " object>", () -> items);
            }
            List<Object> items = new ArrayList<>(Py.iterate(v));
            java.util.Collections.reverse(items);
            return items;
        }, "reverse");
        reg((in, v, a) -> round(v, Py.toLong(a.get(0, "precision", 0L)), s(a.get(1, "method", "common"))), "round");
        reg((in, v, a) -> PyRepr.str(v, in.maxChars()), "safe", "string");
        reg((in, v, a) -> {
            boolean reverse = Py.truthy(a.get(0, "reverse", false));
            boolean cs = Py.truthy(a.get(1, "case_sensitive", false));
            Object attr = a.get(2, "attribute", null);
            List<Object> items = new ArrayList<>(Py.iterate(v));
            items.sort((x, y) -> Py.cmp(sortKey(attribute(x, attr), cs), sortKey(attribute(y, attr), cs), "<", 0));
            if (reverse) java.util.Collections.reverse(items);
            return items;
        }, "sort");
        reg((in, v, a) -> {
            Object attr = a.get(0, "attribute", null);
            Object total = a.get(1, "start", 0L);
            for (Object x : Py.iterate(v)) total = Py.add(total, attribute(x, attr));
            return total;
        }, "sum");
        reg((in, v, a) -> titleFilter(s(v)), "title");
        reg((in, v, a) -> {
            Object ensureAscii = a.get(0, "ensure_ascii", false);
            Object indent = a.get(1, "indent", null);
            Object separators = a.get(2, "separators", null);
            Object sortKeys = a.get(3, "sort_keys", false);
            a.check("tojson", 4, "ensure_ascii", "indent", "separators", "sort_keys");
            return PyJson.dumps(v, indent, separators, Py.truthy(sortKeys), Py.truthy(ensureAscii), in.maxChars());
        }, "tojson");
        reg((in, v, a) -> PyStrings.strip(s(v), a.get(0, "chars", null) == null ? null : s(a.get(0, "chars", null))), "trim");
        reg((in, v, a) -> {
            if (v instanceof Undefined) return v;
            if (!(v instanceof String str)) {
                long len = Py.len(v);
                if (len <= Py.toLong(a.get(0, "length", 255L)) + Py.toLong(a.get(3, "leeway", 5L))) return v;
                throw TemplateError.typeError("truncate expects a string, got '" + Py.typeName(v) + "'");
            }
            return truncate(str, Py.toLong(a.get(0, "length", 255L)), Py.truthy(a.get(1, "killwords", false)),
                    s(a.get(2, "end", "...")), a.get(3, "leeway", 5L));
        }, "truncate");
        reg((in, v, a) -> PyIterator.generator("sync_do_unique", () -> {
            boolean cs = Py.truthy(a.get(0, "case_sensitive", false));
            Object attr = a.get(1, "attribute", null);
            List<Object> out = new ArrayList<>();
            List<Object> seen = new ArrayList<>();
            for (Object x : Py.iterate(v)) {
                Object k = sortKey(attribute(x, attr), cs);
                boolean dup = false;
                for (Object o : seen) {
                    if (Py.eq(o, k)) {
                        dup = true;
                        break;
                    }
                }
                if (!dup) {
                    seen.add(k);
                    out.add(x);
                }
            }
            return out;
        }), "unique");
        reg((in, v, a) -> {
            long c = 0;
            boolean inWord = false;
            for (int cp : s(v).codePoints().toArray()) {
                boolean w = Character.isLetterOrDigit(cp) || cp == '_';
                if (w && !inWord) c++;
                inWord = w;
            }
            return c;
        }, "wordcount");
    }

    /** pprint prints dicts with sorted keys (it also wraps long lines, which is not reproduced). */
    private static Object sortedDicts(Object v, int depth) {
        if (depth > 500) throw new TemplateError(TemplateError.Kind.LIMIT, "value nested too deeply to print");
        if (v instanceof Map<?, ?> m) {
            List<Object> keys = new ArrayList<>(m.keySet());
            keys.sort((x, y) -> Py.cmp(x, y, "<", 0));
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Object k : keys) out.put(k, sortedDicts(m.get(k), depth + 1));
            return out;
        }
        if (v instanceof PyTuple t) return new PyTuple(t.items().stream().map(x -> sortedDicts(x, depth + 1)).toList());
        if (v instanceof List<?> l) return new ArrayList<>(l.stream().map(x -> sortedDicts(x, depth + 1)).toList());
        return v;
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&#34;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static Object toFloat(Object v, Object dflt) {
        if (v instanceof Double) return v;
        if (Py.isInt(v)) return (double) Py.toLong(v);
        if (v instanceof String str) {
            String t = PyStrings.strip(str, null).replace("_", "");
            String l = PyStrings.lower(t);
            if (l.matches("[+-]?(inf|infinity)")) return l.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            if (l.matches("[+-]?nan")) return Double.NaN;
            if (t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) return Double.parseDouble(t);
        }
        return dflt;
    }

    private static Object toInt(Object v, Object dflt, long base) {
        if (Py.isInt(v)) return Py.toLong(v);
        if (v instanceof Double d) {
            if (Double.isNaN(d) || Double.isInfinite(d)) return dflt;
            return (long) (double) d;
        }
        if (v instanceof String str) {
            String t = PyStrings.strip(str, null).replace("_", "");
            try {
                String body = t;
                if (base == 16 && t.toLowerCase().matches("[+-]?0x.*")) body = t.replaceFirst("(?i)0x", "");
                if (base == 8 && t.toLowerCase().matches("[+-]?0o.*")) body = t.replaceFirst("(?i)0o", "");
                if (base == 2 && t.toLowerCase().matches("[+-]?0b.*")) body = t.replaceFirst("(?i)0b", "");
                return Long.parseLong(body, (int) base);
            } catch (NumberFormatException e) {
                Object f = toFloat(str, null);
                if (f instanceof Double d && !Double.isNaN(d) && !Double.isInfinite(d)) return (long) (double) d;
            }
        }
        return dflt;
    }

    private static Object round(Object v, long precision, String method) {
        if (!method.equals("common") && !method.equals("ceil") && !method.equals("floor")) {
            throw TemplateError.runtime("method must be common, ceil or floor");
        }
        if (v instanceof Undefined u) throw u.error();
        if (!Py.isNumber(v)) throw TemplateError.typeError("type " + Py.typeName(v) + " doesn't define __round__ method");
        if (Py.isInt(v) && method.equals("common")) {
            if (precision >= 0) return Py.toLong(v);
            BigDecimal r = new BigDecimal(Py.toLong(v)).setScale((int) precision, RoundingMode.HALF_EVEN);
            return r.longValue();
        }
        double d = Py.toDouble(v);
        if (Double.isNaN(d) || Double.isInfinite(d)) return d;
        if (method.equals("common")) {
            return new BigDecimal(d).setScale((int) precision, RoundingMode.HALF_EVEN).doubleValue();
        }
        double m = Math.pow(10, precision);
        return method.equals("ceil") ? Math.ceil(d * m) / m : Math.floor(d * m) / m;
    }

    private static String indent(Interpreter in, String s, Object width, boolean first, boolean blank) {
        String ind = width instanceof String w ? w : " ".repeat((int) Math.min(in.maxChars(), Math.max(0, Py.toLong(width))));
        s += "\n";
        List<Object> lines = PyStrings.splitlines(s, false);
        StringBuilder sb = new StringBuilder();
        if (blank) {
            for (int i = 0; i < lines.size(); i++) {
                if (i > 0) sb.append('\n').append(ind);
                sb.append((String) lines.get(i));
                in.checkString(sb);
            }
        } else {
            sb.append((String) lines.get(0));
            for (int i = 1; i < lines.size(); i++) {
                String line = (String) lines.get(i);
                sb.append('\n');
                if (!line.isEmpty()) sb.append(ind);
                sb.append(line);
                in.checkString(sb);
            }
        }
        return first ? ind + sb : sb.toString();
    }

    /** jinja2's {@code title} filter: upper-case the first char after {@code -}, whitespace or an opening bracket. */
    private static String titleFilter(String s) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int j = i;
            boolean sep = isTitleSep(s.codePointAt(i));
            while (j < s.length() && isTitleSep(s.codePointAt(j)) == sep) j += Character.charCount(s.codePointAt(j));
            String item = s.substring(i, j);
            int cp = item.codePointAt(0);
            int n = Character.charCount(cp);
            sb.append(PyStrings.upper(item.substring(0, n))).append(PyStrings.lower(item.substring(n)));
            i = j;
        }
        return sb.toString();
    }

    private static boolean isTitleSep(int cp) {
        return cp == '-' || cp == '(' || cp == '{' || cp == '[' || cp == '<' || PyStrings.isSpace(cp);
    }

    private static String truncate(String s, long length, boolean killwords, String end, Object leeway) {
        long lw = leeway == null ? 5 : Py.toLong(leeway);
        long n = s.codePointCount(0, s.length());
        if (n <= length + lw) return s;
        long keep = Math.max(0, length - end.codePointCount(0, end.length()));
        String head = s.substring(0, PyStrings.utf16Offset(s, keep));
        if (killwords) return head + end;
        int sp = head.lastIndexOf(' ');
        return (sp >= 0 ? head.substring(0, sp) : head) + end;
    }

    private static Object extreme(Object v, Args a, boolean min) {
        boolean cs = Py.truthy(a.get(0, "case_sensitive", false));
        Object attr = a.get(1, "attribute", null);
        Object best = null;
        Object bestKey = null;
        boolean any = false;
        for (Object x : Py.iterate(v)) {
            Object k = sortKey(attribute(x, attr), cs);
            if (!any || (min ? Py.cmp(k, bestKey, "<", 0) < 0 : Py.cmp(k, bestKey, ">", 0) > 0)) {
                best = x;
                bestKey = k;
                any = true;
            }
        }
        return any ? best : Undefined.hint("No aggregated item, sequence was empty.");
    }

    /** select/reject(test, args...) and selectattr/rejectattr(attr, test, args...). */
    private static List<Object> select(Interpreter in, Object v, Args a, boolean byAttr, boolean keep) {
        int off = 0;
        Object attr = null;
        if (byAttr) {
            if (a.size() == 0) throw TemplateError.runtime("Missing parameter for attribute name");
            attr = a.positional().get(0);
            off = 1;
        }
        String test = a.size() > off ? s(a.positional().get(off)) : null;
        if (test != null && !Tests.exists(test)) throw TemplateError.runtime("No test named '" + test + "'.");
        Args rest = a.drop(off + 1);
        List<Object> out = new ArrayList<>();
        for (Object x : Py.iterate(v)) {
            Object target = byAttr ? attribute(x, attr) : x;
            boolean ok = test == null ? Py.truthy(target) : Tests.apply(in, test, target, rest);
            if (ok == keep) out.add(x);
        }
        return out;
    }
}
