package dev.exaone4j.chat.jinja;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** jinja2's built-in tests ({@code x is defined}, {@code x is string}, {@code x is divisibleby 3}, ...). */
final class Tests {
    @FunctionalInterface
    interface Test {
        boolean test(Interpreter in, Object value, Args args);
    }

    private static final Map<String, Test> TESTS = new HashMap<>();

    private Tests() {
    }

    static boolean exists(String name) {
        return TESTS.containsKey(name);
    }

    /** Tests taking one argument besides the value; all others take none. */
    private static final java.util.Set<String> ONE_ARG = java.util.Set.of("sameas", "divisibleby", "eq", "equalto", "==",
            "ne", "!=", "lt", "lessthan", "<", "le", "<=", "gt", "greaterthan", ">", "ge", ">=", "in");

    static boolean apply(Interpreter in, String name, Object value, Args args) {
        Test t = TESTS.get(name);
        if (t == null) throw new TemplateError(TemplateError.Kind.SYNTAX, "unknown test '" + name + "'");
        int want = ONE_ARG.contains(name) ? 1 : 0;
        int given = args.size() + args.keywords().size();
        if (given != want) {
            throw TemplateError.typeError("test '" + name + "' takes " + (want + 1) + " positional argument(s) but "
                    + (given + 1) + " were given");
        }
        return t.test(in, value, args);
    }

    private static void reg(Test t, String... names) {
        for (String n : names) TESTS.put(n, t);
    }

    private static Object arg(Args a) {
        return a.get(0, null, null);
    }

    static {
        reg((in, v, a) -> !(v instanceof Undefined), "defined");
        reg((in, v, a) -> v instanceof Undefined, "undefined");
        reg((in, v, a) -> v == null, "none");
        reg((in, v, a) -> v instanceof Boolean, "boolean");
        reg((in, v, a) -> Boolean.FALSE.equals(v), "false");
        reg((in, v, a) -> Boolean.TRUE.equals(v), "true");
        reg((in, v, a) -> v instanceof Long, "integer");
        reg((in, v, a) -> v instanceof Double, "float");
        reg((in, v, a) -> Py.isNumber(v), "number");
        reg((in, v, a) -> v instanceof String, "string");
        reg((in, v, a) -> v instanceof Map<?, ?>, "mapping");
        reg((in, v, a) -> v instanceof String || v instanceof List<?> || v instanceof PyTuple || v instanceof Map<?, ?>
                || v instanceof Undefined || v instanceof LoopContext || v instanceof PyIterator || v instanceof DictView, "iterable");
        reg((in, v, a) -> v instanceof String || v instanceof List<?> || v instanceof PyTuple || v instanceof Map<?, ?>
                || v instanceof DictView || v instanceof Undefined,
                "sequence");
        reg((in, v, a) -> v instanceof PyCallable || v instanceof Undefined || (v instanceof LoopContext lc && lc.recurse() != null),
                "callable");
        reg((in, v, a) -> {
            Object o = arg(a);
            if (v == null || o == null) return v == o;
            if (v instanceof Boolean || v instanceof Long || v instanceof String) return v.equals(o) && v.getClass() == o.getClass();
            return v == o;
        }, "sameas");
        reg((in, v, a) -> false, "escaped");
        reg((in, v, a) -> Py.eq(Py.mod(v, 2L), 1L), "odd");
        reg((in, v, a) -> Py.eq(Py.mod(v, 2L), 0L), "even");
        reg((in, v, a) -> Py.eq(Py.mod(v, arg(a)), 0L), "divisibleby");
        reg((in, v, a) -> {
            String s = PyRepr.str(v);
            return PyStrings.lower(s).equals(s) && !PyStrings.upper(s).equals(s);
        }, "lower");
        reg((in, v, a) -> {
            String s = PyRepr.str(v);
            return PyStrings.upper(s).equals(s) && !PyStrings.lower(s).equals(s);
        }, "upper");
        reg((in, v, a) -> Py.eq(v, arg(a)), "eq", "equalto", "==");
        reg((in, v, a) -> !Py.eq(v, arg(a)), "ne", "!=");
        reg((in, v, a) -> Py.compare("<", v, arg(a)), "lt", "lessthan", "<");
        reg((in, v, a) -> Py.compare("<=", v, arg(a)), "le", "<=");
        reg((in, v, a) -> Py.compare(">", v, arg(a)), "gt", "greaterthan", ">");
        reg((in, v, a) -> Py.compare(">=", v, arg(a)), "ge", ">=");
        reg((in, v, a) -> Py.contains(arg(a), v), "in");
        reg((in, v, a) -> v instanceof String s && Filters.exists(s), "filter");
        reg((in, v, a) -> v instanceof String s && exists(s), "test");
    }
}
