package dev.exaone4j.chat.jinja;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Global functions: jinja2's {@code range} (sandboxed: at most {@value #MAX_RANGE} items), {@code dict},
 * {@code namespace}, {@code joiner}, {@code cycler}, and transformers' {@code raise_exception} and
 * {@code strftime_now}.
 */
final class Globals {
    /** jinja2's sandbox refuses larger ranges. */
    static final int MAX_RANGE = 100_000;

    private Globals() {
    }

    private record Fn(String name, java.util.function.BiFunction<Interpreter, Args, Object> body) implements PyCallable {
        @Override
        public Object call(Interpreter in, Args args) {
            return body.apply(in, args);
        }
    }

    /** A fresh scope holding the globals (fresh per render, since joiner/cycler objects carry state). */
    static Scope scope() {
        Scope s = new Scope(null);
        s.set("range", new Fn("range", (in, a) -> range(a)));
        s.set("dict", new Fn("dict", (in, a) -> {
            Map<Object, Object> d = new LinkedHashMap<>();
            if (a.size() > 1) throw TemplateError.typeError("dict expected at most 1 argument, got " + a.size());
            if (a.size() == 1) putAll(d, a.positional().get(0));
            d.putAll(a.keywords());
            return d;
        }));
        s.set("namespace", new Fn("namespace", (in, a) -> {
            Namespace ns = new Namespace();
            for (Object o : a.positional()) {
                Map<Object, Object> d = new LinkedHashMap<>();
                putAll(d, o);
                d.forEach((k, v) -> ns.attrs.put(PyRepr.str(k), v));
            }
            ns.attrs.putAll(a.keywords());
            return ns;
        }));
        s.set("joiner", new Fn("joiner", (in, a) -> {
            String sep = PyRepr.str(a.get(0, "sep", ", "));
            boolean[] used = {false};
            return new Fn("joiner", (in2, a2) -> {
                if (!used[0]) {
                    used[0] = true;
                    return "";
                }
                return sep;
            });
        }));
        s.set("cycler", new Fn("cycler", (in, a) -> cycler(a.positional())));
        s.set("raise_exception", new Fn("raise_exception", (in, a) -> {
            throw new TemplateError(TemplateError.Kind.RAISED, PyRepr.str(a.get(0, "message", "")));
        }));
        s.set("strftime_now", new Fn("strftime_now", (in, a) -> strftime(PyRepr.str(a.get(0, "format", "")),
                ZonedDateTime.now())));
        return s;
    }

    private static void putAll(Map<Object, Object> d, Object src) {
        if (src instanceof Map<?, ?> m) {
            d.putAll(m);
            return;
        }
        for (Object pair : Py.iterate(src)) {
            List<Object> kv = Py.iterate(pair);
            if (kv.size() != 2) throw TemplateError.runtime("dictionary update sequence element has length " + kv.size() + "; 2 is required");
            d.put(kv.get(0), kv.get(1));
        }
    }

    private static Object range(Args a) {
        a.check("range", 3);
        long start = 0;
        long stop;
        long step = 1;
        if (a.size() == 0) throw TemplateError.typeError("range expected at least 1 argument, got 0");
        if (a.size() == 1) {
            stop = Py.toLong(a.positional().get(0));
        } else {
            start = Py.toLong(a.positional().get(0));
            stop = Py.toLong(a.positional().get(1));
            if (a.size() == 3) step = Py.toLong(a.positional().get(2));
        }
        if (step == 0) throw TemplateError.runtime("range() arg 3 must not be zero");
        double count = step > 0 ? Math.ceil(((double) stop - start) / step) : Math.ceil(((double) start - stop) / -step);
        if (count > MAX_RANGE) {
            throw new TemplateError(TemplateError.Kind.LIMIT,
                    "Range too big. The sandbox blocks ranges larger than MAX_RANGE (" + MAX_RANGE + ").");
        }
        List<Object> out = new ArrayList<>();
        if (step > 0) for (long i = start; i < stop; i += step) out.add(i);
        else for (long i = start; i > stop; i += step) out.add(i);
        return out;
    }

    private static Object cycler(List<Object> items) {
        if (items.isEmpty()) throw TemplateError.runtime("at least one item has to be provided");
        Namespace ns = new Namespace();
        int[] pos = {0};
        ns.attrs.put("current", items.get(0));
        ns.attrs.put("next", new Fn("next", (in, a) -> {
            Object v = items.get(pos[0]);
            pos[0] = (pos[0] + 1) % items.size();
            ns.attrs.put("current", items.get(pos[0]));
            return v;
        }));
        ns.attrs.put("reset", new Fn("reset", (in, a) -> {
            pos[0] = 0;
            ns.attrs.put("current", items.get(0));
            return null;
        }));
        return ns;
    }

    /** Python's {@code time.strftime} for the common directives (C locale, glibc's {@code %-d} no-padding flag). */
    static String strftime(String fmt, ZonedDateTime t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                sb.append(c);
                continue;
            }
            char d = fmt.charAt(++i);
            boolean noPad = false;
            if (d == '-' && i + 1 < fmt.length()) {
                noPad = true;
                d = fmt.charAt(++i);
            }
            int hour12 = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
            String v = switch (d) {
                case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case 'd' -> pad(t.getDayOfMonth(), 2, noPad);
                case 'e' -> String.format("%2d", t.getDayOfMonth());
                case 'm' -> pad(t.getMonthValue(), 2, noPad);
                case 'y' -> pad(t.getYear() % 100, 2, noPad);
                case 'Y' -> String.valueOf(t.getYear());
                case 'H' -> pad(t.getHour(), 2, noPad);
                case 'I' -> pad(hour12, 2, noPad);
                case 'M' -> pad(t.getMinute(), 2, noPad);
                case 'S' -> pad(t.getSecond(), 2, noPad);
                case 'f' -> String.format("%06d", t.getNano() / 1000);
                case 'j' -> pad(t.getDayOfYear(), 3, noPad);
                case 'p' -> t.getHour() < 12 ? "AM" : "PM";
                case 'w' -> String.valueOf(t.getDayOfWeek().getValue() % 7);
                case 'u' -> String.valueOf(t.getDayOfWeek().getValue());
                case 'z' -> t.getOffset().getId().equals("Z") ? "+0000" : t.getOffset().getId().replace(":", "");
                case 'Z' -> t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'c' -> strftime("%a %b %e %H:%M:%S %Y", t);
                case 'x' -> strftime("%m/%d/%y", t);
                case 'X' -> strftime("%H:%M:%S", t);
                case 'D' -> strftime("%m/%d/%y", t);
                case 'F' -> strftime("%Y-%m-%d", t);
                case 'T' -> strftime("%H:%M:%S", t);
                case 'n' -> "\n";
                case 't' -> "\t";
                case '%' -> "%";
                default -> "%" + (noPad ? "-" : "") + d;
            };
            sb.append(v);
        }
        return sb.toString();
    }

    private static String pad(int v, int width, boolean noPad) {
        String s = String.valueOf(v);
        return noPad ? s : "0".repeat(Math.max(0, width - s.length())) + s;
    }
}
