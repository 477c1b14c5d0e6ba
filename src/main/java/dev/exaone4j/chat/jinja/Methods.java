package dev.exaone4j.chat.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Python methods of str, list, tuple and dict values ({@code "a,b".split(",")}, {@code d.items()}, ...). */
final class Methods {
    private static final Set<String> STR = Set.of("startswith", "endswith", "strip", "lstrip", "rstrip", "split",
            "rsplit", "splitlines", "replace", "upper", "lower", "title", "capitalize", "casefold", "swapcase", "find",
            "rfind", "index", "rindex", "count", "format", "join", "isdigit", "isalpha", "isalnum", "isspace", "isupper",
            "islower", "isnumeric", "isdecimal", "istitle", "zfill", "center", "ljust", "rjust", "partition",
            "rpartition", "removeprefix", "removesuffix", "expandtabs");
    private static final Set<String> LIST = Set.of("index", "count", "append", "extend", "insert", "pop", "copy");
    private static final Set<String> TUPLE = Set.of("index", "count");
    private static final Set<String> DICT = Set.of("items", "keys", "values", "get", "copy");

    private Methods() {
    }

    /** A method bound to a receiver. */
    record Bound(Object self, String name) implements PyCallable {
        @Override
        public Object call(Interpreter in, Args args) {
            return invoke(in, self, name, args);
        }
    }

    /** The bound method {@code obj.name}, or null when the type has no such method. */
    static PyCallable bind(Object obj, String name) {
        boolean has = switch (obj) {
            case String s -> STR.contains(name);
            case PyTuple t -> TUPLE.contains(name);
            case List<?> l -> LIST.contains(name);
            case Map<?, ?> m -> DICT.contains(name);
            case null, default -> false;
        };
        return has ? new Bound(obj, name) : null;
    }

    private static String str(Object v, String what) {
        if (v instanceof String s) return s;
        if (v instanceof Undefined u) throw u.error();
        throw TemplateError.typeError(what + " must be str, not " + Py.typeName(v));
    }

    private static String optChars(Object v) {
        if (v == null) return null;
        return str(v, "argument");
    }

    @SuppressWarnings("unchecked")
    private static Object invoke(Interpreter in, Object self, String name, Args a) {
        if (self instanceof String s) return invokeStr(in, s, name, a);
        if (self instanceof PyTuple t) return invokeSeq(t.items(), name, a);
        if (self instanceof List<?> l) {
            List<Object> list = (List<Object>) l;
            switch (name) {
                case "append" -> {
                    a.check("append", 1);
                    if (a.size() != 1) throw TemplateError.typeError("list.append() takes exactly one argument");
                    in.checkCollectionSize(list.size() + 1L);
                    list.add(a.positional().get(0));
                    return null;
                }
                case "extend" -> {
                    a.check("extend", 1);
                    List<Object> more = Py.iterate(a.get(0, null, List.of()));
                    in.checkCollectionSize(list.size() + (long) more.size());
                    list.addAll(more);
                    return null;
                }
                case "insert" -> {
                    a.check("insert", 2);
                    long i = Py.toLong(a.get(0, null, 0L));
                    int n = list.size();
                    if (i < 0) i = Math.max(0, i + n);
                    in.checkCollectionSize(n + 1L);
                    list.add((int) Math.min(i, n), a.get(1, null, null));
                    return null;
                }
                case "pop" -> {
                    a.check("pop", 1);
                    if (list.isEmpty()) throw TemplateError.runtime("pop from empty list");
                    long i = Py.toLong(a.get(0, null, -1L));
                    if (i < 0) i += list.size();
                    if (i < 0 || i >= list.size()) throw TemplateError.runtime("pop index out of range");
                    return list.remove((int) i);
                }
                case "copy" -> {
                    return new ArrayList<>(list);
                }
                default -> {
                    return invokeSeq(list, name, a);
                }
            }
        }
        Map<Object, Object> map = (Map<Object, Object>) self;
        switch (name) {
            case "items" -> {
                List<Object> out = new ArrayList<>();
                for (Map.Entry<Object, Object> e : map.entrySet()) out.add(PyTuple.of(e.getKey(), e.getValue()));
                return new DictView("dict_items", out);
            }
            case "keys" -> {
                return new DictView("dict_keys", new ArrayList<>(map.keySet()));
            }
            case "values" -> {
                return new DictView("dict_values", new ArrayList<>(map.values()));
            }
            case "get" -> {
                a.check("get", 2);
                Object k = Py.findKey(map, a.get(0, null, null));
                return k == Py.MISSING ? a.get(1, null, null) : map.get(k);
            }
            default -> {
                return new java.util.LinkedHashMap<>(map);
            }
        }
    }

    private static Object invokeSeq(List<?> items, String name, Args a) {
        Object x = a.get(0, null, null);
        if (name.equals("count")) {
            long c = 0;
            for (Object o : items) if (Py.eq(o, x)) c++;
            return c;
        }
        for (int i = 0; i < items.size(); i++) if (Py.eq(items.get(i), x)) return (long) i;
        throw TemplateError.runtime(PyRepr.repr(x) + " is not in list");
    }

    private static Object invokeStr(Interpreter in, String s, String name, Args a) {
        switch (name) {
            case "startswith", "endswith" -> {
                Object prefix = a.get(0, null, null);
                int from = a.has(1, null) && a.get(1, null, null) != null ? PyStrings.utf16Offset(s, Py.toLong(a.get(1, null, 0L))) : 0;
                int to = a.has(2, null) && a.get(2, null, null) != null ? PyStrings.utf16Offset(s, Py.toLong(a.get(2, null, 0L))) : s.length();
                String region = from <= to ? s.substring(from, to) : "";
                List<Object> options = prefix instanceof PyTuple t ? t.items() : List.of(str(prefix, name + " first arg"));
                for (Object o : options) {
                    String p = str(o, name + " first arg");
                    if (name.equals("startswith") ? region.startsWith(p) : region.endsWith(p)) return true;
                }
                return false;
            }
            case "strip" -> {
                return PyStrings.strip(s, optChars(a.get(0, "chars", null)));
            }
            case "lstrip" -> {
                return PyStrings.lstrip(s, optChars(a.get(0, "chars", null)));
            }
            case "rstrip" -> {
                return PyStrings.rstrip(s, optChars(a.get(0, "chars", null)));
            }
            case "split", "rsplit" -> {
                a.check(name, 2, "sep", "maxsplit");
                String sep = optChars(a.get(0, "sep", null));
                long max = Py.toLong(a.get(1, "maxsplit", -1L));
                return name.equals("split") ? PyStrings.split(s, sep, max) : PyStrings.rsplit(s, sep, max);
            }
            case "splitlines" -> {
                return PyStrings.splitlines(s, Py.truthy(a.get(0, "keepends", false)));
            }
            case "replace" -> {
                String old = str(a.get(0, null, null), "replace() argument 1");
                String rep = str(a.get(1, null, null), "replace() argument 2");
                long count = Py.toLong(a.get(2, "count", -1L));
                return replace(s, old, rep, count, in.maxChars());
            }
            case "upper" -> {
                return PyStrings.upper(s);
            }
            case "lower", "casefold" -> {
                return PyStrings.lower(s);
            }
            case "title" -> {
                return PyStrings.title(s);
            }
            case "capitalize" -> {
                return PyStrings.capitalize(s);
            }
            case "swapcase" -> {
                StringBuilder sb = new StringBuilder();
                s.codePoints().forEach(cp -> sb.appendCodePoint(Character.isUpperCase(cp) ? Character.toLowerCase(cp)
                        : Character.isLowerCase(cp) ? Character.toUpperCase(cp) : cp));
                return sb.toString();
            }
            case "find", "rfind", "index", "rindex", "count" -> {
                String sub = str(a.get(0, null, null), "must be str");
                int from = a.get(1, null, null) != null ? PyStrings.utf16Offset(s, Py.toLong(a.get(1, null, 0L))) : 0;
                int to = a.get(2, null, null) != null ? PyStrings.utf16Offset(s, Py.toLong(a.get(2, null, 0L))) : s.length();
                if (name.equals("count")) return PyStrings.count(s, sub, from, to);
                int k = -1;
                if (from <= to) {
                    String region = s.substring(from, to);
                    int r = name.startsWith("r") ? region.lastIndexOf(sub) : region.indexOf(sub);
                    if (r >= 0) k = from + r;
                }
                if (k < 0 && name.endsWith("index")) throw TemplateError.runtime("substring not found");
                return k < 0 ? -1L : PyStrings.cpIndex(s, k);
            }
            case "format" -> {
                return in.checkString(PyFormat.format(s, a));
            }
            case "join" -> {
                StringBuilder sb = new StringBuilder();
                boolean first = true;
                for (Object o : Py.iterate(a.get(0, null, List.of()))) {
                    if (!first) sb.append(s);
                    first = false;
                    if (!(o instanceof String)) {
                        throw TemplateError.typeError("sequence item: expected str instance, " + Py.typeName(o) + " found");
                    }
                    sb.append((String) o);
                    in.checkString(sb);
                }
                return sb.toString();
            }
            case "isdigit", "isnumeric", "isdecimal" -> {
                return !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            }
            case "isalpha" -> {
                return !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
            }
            case "isalnum" -> {
                return !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
            }
            case "isspace" -> {
                return !s.isEmpty() && s.codePoints().allMatch(PyStrings::isSpace);
            }
            case "isupper", "islower" -> {
                boolean cased = false;
                for (int cp : s.codePoints().toArray()) {
                    if (Character.isUpperCase(cp) || Character.isTitleCase(cp)) {
                        if (name.equals("islower")) return false;
                        cased = true;
                    } else if (Character.isLowerCase(cp)) {
                        if (name.equals("isupper")) return false;
                        cased = true;
                    }
                }
                return cased;
            }
            case "istitle" -> {
                return !s.isEmpty() && PyStrings.title(s).equals(s) && !PyStrings.lower(s).equals(s);
            }
            case "zfill" -> {
                long w = Py.toLong(a.get(0, null, 0L));
                in.checkCollectionSize(w);
                int len = s.codePointCount(0, s.length());
                if (w <= len) return s;
                String z = "0".repeat((int) (w - len));
                if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) return s.charAt(0) + z + s.substring(1);
                return z + s;
            }
            case "center", "ljust", "rjust" -> {
                long w = Py.toLong(a.get(0, null, 0L));
                in.checkCollectionSize(w);
                String fill = str(a.get(1, null, " "), "fill character");
                char align = name.equals("center") ? '^' : name.equals("ljust") ? '<' : '>';
                return PyStrings.center(s, w, fill, align);
            }
            case "partition", "rpartition" -> {
                String sep = str(a.get(0, null, null), "separator");
                int k = name.equals("partition") ? s.indexOf(sep) : s.lastIndexOf(sep);
                if (k < 0) return name.equals("partition") ? PyTuple.of(s, "", "") : PyTuple.of("", "", s);
                return PyTuple.of(s.substring(0, k), sep, s.substring(k + sep.length()));
            }
            case "removeprefix" -> {
                String p = str(a.get(0, null, null), "prefix");
                return s.startsWith(p) ? s.substring(p.length()) : s;
            }
            case "removesuffix" -> {
                String p = str(a.get(0, null, null), "suffix");
                return !p.isEmpty() && s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s;
            }
            default -> { // expandtabs
                long size = Py.toLong(a.get(0, "tabsize", 8L));
                StringBuilder sb = new StringBuilder();
                int col = 0;
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (c == '\t') {
                        int spaces = size > 0 ? (int) (size - col % size) : 0;
                        sb.append(" ".repeat(spaces));
                        col += spaces;
                    } else {
                        sb.append(c);
                        col = (c == '\n' || c == '\r') ? 0 : col + 1;
                    }
                }
                return in.checkString(sb.toString());
            }
        }
    }

    /** Python {@code str.replace} (an empty {@code old} inserts between every character). */
    static String replace(String s, String old, String rep, long count, long max) {
        if (count < 0) count = Long.MAX_VALUE;
        if (old.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            long done = 0;
            for (Object ch : PyStrings.chars(s)) {
                if (done < count) {
                    sb.append(rep);
                    done++;
                }
                sb.append((String) ch);
                if (sb.length() > max) throw new TemplateError(TemplateError.Kind.LIMIT, "string exceeds the output limit");
            }
            if (done < count) sb.append(rep);
            return sb.toString();
        }
        StringBuilder sb = new StringBuilder();
        int start = 0;
        long done = 0;
        int k;
        while (done < count && (k = s.indexOf(old, start)) >= 0) {
            sb.append(s, start, k).append(rep);
            if (sb.length() > max) throw new TemplateError(TemplateError.Kind.LIMIT, "string exceeds the output limit");
            start = k + old.length();
            done++;
        }
        return sb.append(s, start, s.length()).toString();
    }
}
