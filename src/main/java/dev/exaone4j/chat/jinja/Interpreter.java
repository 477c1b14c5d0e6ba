package dev.exaone4j.chat.jinja;

import dev.exaone4j.chat.jinja.Ast.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes a parsed template for one render. Not thread-safe; one instance per render. Every statement,
 * expression and loop iteration counts against {@link RenderLimits#maxSteps()}; the wall-clock budget is checked
 * every 1024 steps; output and every string or list a template builds are bounded by
 * {@link RenderLimits#maxOutputChars()}.
 */
final class Interpreter {
    enum Flow { NORMAL, BREAK, CONTINUE }

    private final RenderLimits limits;
    private final long deadline;
    private long steps;
    private int callDepth;
    private int line;
    private StringBuilder out = new StringBuilder();

    Interpreter(RenderLimits limits) {
        this.limits = limits;
        this.deadline = System.nanoTime() + limits.maxTime().toNanos();
    }

    String render(List<Stmt> body, Map<String, Object> context) {
        Scope root = new Scope(Globals.scope());
        context.forEach(root::set);
        try {
            exec(body, root);
        } catch (TemplateError e) {
            e.lineIfUnknown(line);
            throw e;
        } catch (StackOverflowError e) {
            throw new TemplateError(TemplateError.Kind.LIMIT, "template recursion too deep", line);
        } catch (RuntimeException e) {
            throw new TemplateError(TemplateError.Kind.RUNTIME, "internal error: " + e, line);
        }
        return out.toString();
    }

    // ---- limits ----

    long maxChars() {
        return limits.maxOutputChars();
    }

    private void tick() {
        if (++steps > limits.maxSteps()) {
            throw new TemplateError(TemplateError.Kind.LIMIT, "template exceeded " + limits.maxSteps() + " evaluation steps");
        }
        if ((steps & 1023) == 0 && System.nanoTime() - deadline > 0) {
            throw new TemplateError(TemplateError.Kind.LIMIT, "template exceeded the render time limit of "
                    + limits.maxTime().toMillis() + " ms");
        }
    }

    String checkString(String s) {
        if (s.length() > limits.maxOutputChars()) throw tooLong();
        return s;
    }

    void checkString(StringBuilder sb) {
        if (sb.length() > limits.maxOutputChars()) throw tooLong();
    }

    void checkCollectionSize(long n) {
        if (n > limits.maxOutputChars()) throw tooLong();
    }

    private TemplateError tooLong() {
        return new TemplateError(TemplateError.Kind.LIMIT, "output exceeds the limit of " + limits.maxOutputChars() + " chars");
    }

    private void write(String s) {
        out.append(s);
        if (out.length() > limits.maxOutputChars()) throw tooLong();
    }

    private Object checked(Object v) {
        if (v instanceof String s) checkString(s);
        else if (v instanceof List<?> l) checkCollectionSize(l.size());
        return v;
    }

    // ---- statements ----

    Flow exec(List<Stmt> body, Scope sc) {
        for (Stmt s : body) {
            Flow f = exec(s, sc);
            if (f != Flow.NORMAL) return f;
        }
        return Flow.NORMAL;
    }

    private Flow exec(Stmt stmt, Scope sc) {
        tick();
        line = stmt.line();
        switch (stmt) {
            case Text t -> write(t.text());
            case Print p -> write(PyRepr.str(eval(p.expr(), sc), limits.maxOutputChars()));
            case If i -> {
                for (int k = 0; k < i.tests().size(); k++) {
                    if (Py.truthy(eval(i.tests().get(k), sc))) return exec(i.bodies().get(k), sc);
                }
                return exec(i.orElse(), sc);
            }
            case For f -> {
                return execFor(f, sc, Py.iterate(eval(f.iter(), sc)), 0);
            }
            case Set s -> assign(s.target(), eval(s.value(), sc), sc);
            case SetBlock s -> {
                Object v = capture(s.body(), sc);
                for (FilterExpr f : s.filters()) v = applyFilter(f, v, sc);
                assign(s.target(), v, sc);
            }
            case MacroDef m -> sc.set(m.name(), new Macro(m.name(), m.signature(), m.body(), sc, m.catchVarargs(),
                    m.catchKwargs(), m.usesCaller()));
            case CallBlock c -> {
                Macro caller = new Macro("caller", c.signature(), c.body(), sc, true, true, false);
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("caller", caller);
                write(PyRepr.str(call(c.call(), sc, extra), limits.maxOutputChars()));
            }
            case FilterBlock fb -> {
                Object v = capture(fb.body(), sc);
                for (FilterExpr f : fb.filters()) v = applyFilter(f, v, sc);
                write(PyRepr.str(v, limits.maxOutputChars()));
            }
            case With w -> {
                Scope inner = new Scope(sc);
                for (int k = 0; k < w.targets().size(); k++) assign(w.targets().get(k), eval(w.values().get(k), sc), inner);
                return exec(w.body(), inner);
            }
            case Break b -> {
                return Flow.BREAK;
            }
            case Continue c -> {
                return Flow.CONTINUE;
            }
            case Seq q -> {
                return exec(q.body(), sc);
            }
        }
        return Flow.NORMAL;
    }

    private Flow execFor(For f, Scope sc, List<Object> items, int depth0) {
        List<Object> selected = items;
        if (f.filter() != null) {
            selected = new ArrayList<>();
            for (Object item : items) {
                tick();
                Scope probe = new Scope(sc);
                assign(f.target(), item, probe);
                if (Py.truthy(eval(f.filter(), probe))) selected.add(item);
            }
        }
        if (selected.isEmpty()) return exec(f.orElse(), sc);
        PyCallable recurse = null;
        if (f.recursive()) {
            recurse = new PyCallable() {
                @Override
                public Object call(Interpreter in, Args args) {
                    if (args.size() != 1) throw TemplateError.typeError("loop() takes exactly one argument");
                    List<Object> sub = Py.iterate(args.positional().get(0));
                    return in.captureCall(() -> in.execFor(f, sc, sub, depth0 + 1));
                }

                @Override
                public String name() {
                    return "loop";
                }
            };
        }
        LoopContext loop = new LoopContext(selected, depth0, recurse);
        for (int i = 0; i < selected.size(); i++) {
            tick();
            Scope it = new Scope(sc);
            assign(f.target(), selected.get(i), it);
            loop.advance(i);
            it.set("loop", loop);
            if (exec(f.body(), it) == Flow.BREAK) break;
        }
        return Flow.NORMAL;
    }

    private String capture(List<Stmt> body, Scope sc) {
        StringBuilder saved = out;
        out = new StringBuilder();
        try {
            exec(body, sc);
            return out.toString();
        } finally {
            out = saved;
        }
    }

    private String captureCall(Runnable r) {
        if (++callDepth > limits.maxCallDepth()) {
            throw new TemplateError(TemplateError.Kind.LIMIT, "macro/recursion depth exceeds " + limits.maxCallDepth());
        }
        StringBuilder saved = out;
        out = new StringBuilder();
        try {
            r.run();
            return out.toString();
        } finally {
            out = saved;
            callDepth--;
        }
    }

    /** Renders a macro or caller body in its own scope and returns the text. */
    String renderCallable(List<Stmt> body, Scope scope) {
        return captureCall(() -> exec(body, scope));
    }

    private void assign(Target target, Object value, Scope sc) {
        switch (target) {
            case NameTarget n -> sc.set(n.name(), value);
            case TupleTarget t -> {
                List<Object> items = Py.iterate(value);
                int want = t.items().size();
                if (items.size() > want) throw TemplateError.runtime("too many values to unpack (expected " + want + ")");
                if (items.size() < want) {
                    throw TemplateError.runtime("not enough values to unpack (expected " + want + ", got " + items.size() + ")");
                }
                for (int i = 0; i < want; i++) assign(t.items().get(i), items.get(i), sc);
            }
            case AttrTarget a -> {
                Object ns = sc.lookup(a.name());
                if (!(ns instanceof Namespace n)) {
                    throw TemplateError.runtime("cannot assign attribute on non-namespace object");
                }
                n.attrs.put(a.attr(), value);
            }
        }
    }

    // ---- expressions ----

    Object eval(Expr e, Scope sc) {
        tick();
        int saved = line;
        line = e.line();
        Object r = switch (e) {
            case Const c -> c.value();
            case Name n -> {
                Object v = sc.lookup(n.name());
                yield v == Py.MISSING ? Undefined.name(n.name()) : v;
            }
            case ListLit l -> {
                List<Object> items = new ArrayList<>(l.items().size());
                for (Expr x : l.items()) items.add(eval(x, sc));
                yield items;
            }
            case TupleLit t -> {
                List<Object> items = new ArrayList<>(t.items().size());
                for (Expr x : t.items()) items.add(eval(x, sc));
                yield new PyTuple(items);
            }
            case DictLit d -> {
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < d.keys().size(); i++) {
                    Object k = eval(d.keys().get(i), sc);
                    if (k instanceof List<?> && !(k instanceof PyTuple) || k instanceof Map<?, ?>) {
                        throw TemplateError.typeError("unhashable type: '" + Py.typeName(k) + "'");
                    }
                    Object existing = Py.findKey(m, k);
                    m.put(existing == Py.MISSING ? k : existing, eval(d.values().get(i), sc));
                }
                yield m;
            }
            case GetAttr g -> Py.getattr(eval(g.target(), sc), g.attr());
            case GetItem g -> {
                Object target = eval(g.target(), sc);
                yield Py.getitem(target, eval(g.key(), sc));
            }
            case SliceExpr s -> {
                Object target = eval(s.target(), sc);
                Object a = s.start() == null ? null : eval(s.start(), sc);
                Object b = s.stop() == null ? null : eval(s.stop(), sc);
                Object c = s.step() == null ? null : eval(s.step(), sc);
                yield Py.slice(target, a, b, c);
            }
            case Call c -> call(c, sc, null);
            case FilterExpr f -> applyFilter(f, eval(f.value(), sc), sc);
            case TestExpr t -> Tests.apply(this, t.name(), eval(t.value(), sc), evalArgs(t.args(), sc, null));
            case Unary u -> {
                Object v = eval(u.operand(), sc);
                yield switch (u.op()) {
                    case "not" -> !Py.truthy(v);
                    case "-" -> Py.neg(v);
                    default -> Py.pos(v);
                };
            }
            case Binary b -> binary(b, sc);
            case Compare c -> {
                Object left = eval(c.first(), sc);
                boolean ok = true;
                for (int i = 0; i < c.ops().size() && ok; i++) {
                    Object right = eval(c.rest().get(i), sc);
                    ok = compare(c.ops().get(i), left, right);
                    left = right;
                }
                yield ok;
            }
            case CondExpr c -> {
                if (Py.truthy(eval(c.test(), sc))) yield eval(c.then(), sc);
                yield c.orElse() == null
                        ? Undefined.hint("the inline if-expression on line " + c.line()
                        + " evaluated to false and no else section was defined.")
                        : eval(c.orElse(), sc);
            }
        };
        line = saved;
        return r;
    }

    private static boolean compare(String op, Object a, Object b) {
        return switch (op) {
            case "==" -> Py.eq(a, b);
            case "!=" -> !Py.eq(a, b);
            case "in" -> Py.contains(b, a);
            case "notin" -> !Py.contains(b, a);
            default -> Py.compare(op, a, b);
        };
    }

    private Object binary(Binary b, Scope sc) {
        Object l = eval(b.left(), sc);
        switch (b.op()) {
            case "and" -> {
                return Py.truthy(l) ? eval(b.right(), sc) : l;
            }
            case "or" -> {
                return Py.truthy(l) ? l : eval(b.right(), sc);
            }
            default -> { }
        }
        Object r = eval(b.right(), sc);
        return checked(switch (b.op()) {
            case "+" -> Py.add(l, r);
            case "-" -> Py.sub(l, r);
            case "*" -> Py.mul(l, r, limits.maxOutputChars());
            case "/" -> Py.truediv(l, r);
            case "//" -> Py.floordiv(l, r);
            case "%" -> Py.mod(l, r);
            case "**" -> Py.pow(l, r);
            default -> { // "~"
                String ls = PyRepr.str(l, limits.maxOutputChars());
                String rs = PyRepr.str(r, limits.maxOutputChars());
                if ((long) ls.length() + rs.length() > limits.maxOutputChars()) throw tooLong();
                yield ls.concat(rs);
            }
        });
    }

    private Object applyFilter(FilterExpr f, Object value, Scope sc) {
        return checked(Filters.apply(this, f.name(), value, evalArgs(f.args(), sc, null)));
    }

    private Object call(Call c, Scope sc, Map<String, Object> extraKw) {
        Object callee = eval(c.callee(), sc);
        Args args = evalArgs(c.args(), sc, extraKw);
        return checked(switch (callee) {
            case PyCallable p -> p.call(this, args);
            case LoopContext lc -> {
                if (lc.recurse() == null) {
                    throw TemplateError.typeError("Tried to call non recursive loop. Maybe you forgot the 'recursive' modifier.");
                }
                yield lc.recurse().call(this, args);
            }
            case Undefined u -> throw u.error();
            case null, default -> throw TemplateError.typeError("'" + Py.typeName(callee) + "' object is not callable");
        });
    }

    private Args evalArgs(CallArgs ca, Scope sc, Map<String, Object> extraKw) {
        if (ca == CallArgs.NONE && extraKw == null) return Args.EMPTY;
        List<Object> pos = new ArrayList<>(ca.args().size());
        for (Expr x : ca.args()) pos.add(eval(x, sc));
        if (ca.starArgs() != null) pos.addAll(Py.iterate(eval(ca.starArgs(), sc)));
        Map<String, Object> kw = new LinkedHashMap<>();
        for (int i = 0; i < ca.kwNames().size(); i++) kw.put(ca.kwNames().get(i), eval(ca.kwValues().get(i), sc));
        if (ca.starKwargs() != null) {
            Object d = eval(ca.starKwargs(), sc);
            if (!(d instanceof Map<?, ?> m)) throw TemplateError.typeError("argument after ** must be a mapping");
            for (Map.Entry<?, ?> en : m.entrySet()) {
                if (!(en.getKey() instanceof String k)) throw TemplateError.typeError("keywords must be strings");
                kw.put(k, en.getValue());
            }
        }
        if (extraKw != null) kw.putAll(extraKw);
        return new Args(pos, kw);
    }
}
