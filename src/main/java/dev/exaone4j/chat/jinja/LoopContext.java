package dev.exaone4j.chat.jinja;

import java.util.List;

/** The {@code loop} variable of a for loop: index, first/last, length, neighbours, cycle, depth, recursion. */
final class LoopContext {
    private final List<Object> items;
    private final int depth0;
    private final PyCallable recurse;
    private int index0;
    private Object lastChanged = Py.MISSING;

    LoopContext(List<Object> items, int depth0, PyCallable recurse) {
        this.items = items;
        this.depth0 = depth0;
        this.recurse = recurse;
    }

    void advance(int i) {
        index0 = i;
    }

    long index() {
        return index0 + 1L;
    }

    long length() {
        return items.size();
    }

    PyCallable recurse() {
        return recurse;
    }

    Object attr(String name) {
        int n = items.size();
        return switch (name) {
            case "index" -> (long) index0 + 1;
            case "index0" -> (long) index0;
            case "revindex" -> (long) (n - index0);
            case "revindex0" -> (long) (n - index0 - 1);
            case "first" -> index0 == 0;
            case "last" -> index0 == n - 1;
            case "length" -> (long) n;
            case "depth" -> (long) depth0 + 1;
            case "depth0" -> (long) depth0;
            case "previtem" -> index0 > 0 ? items.get(index0 - 1) : Undefined.hint("there is no previous item");
            case "nextitem" -> index0 + 1 < n ? items.get(index0 + 1) : Undefined.hint("there is no next item");
            case "cycle" -> new PyCallable() {
                @Override
                public Object call(Interpreter in, Args args) {
                    if (args.size() == 0) throw TemplateError.typeError("no items for cycling given");
                    return args.positional().get(index0 % args.size());
                }

                @Override
                public String name() {
                    return "cycle";
                }
            };
            case "changed" -> new PyCallable() {
                @Override
                public Object call(Interpreter in, Args args) {
                    Object v = new PyTuple(args.positional());
                    if (lastChanged != Py.MISSING && Py.eq(lastChanged, v)) return false;
                    lastChanged = v;
                    return true;
                }

                @Override
                public String name() {
                    return "changed";
                }
            };
            default -> Undefined.attribute(this, name);
        };
    }
}
