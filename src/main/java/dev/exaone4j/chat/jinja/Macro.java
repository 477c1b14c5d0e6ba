package dev.exaone4j.chat.jinja;

import dev.exaone4j.chat.jinja.Ast.Expr;
import dev.exaone4j.chat.jinja.Ast.Signature;
import dev.exaone4j.chat.jinja.Ast.Stmt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A macro (or the {@code caller} of a call block): a signature and body closed over the scope it was defined in.
 * Calling renders the body into a string, jinja2's way: missing arguments are undefined, extra ones go to
 * {@code varargs}/{@code kwargs} only if the body uses those names.
 */
final class Macro implements PyCallable {
    private final String name;
    private final Signature signature;
    private final List<Stmt> body;
    private final Scope closure;
    private final boolean catchVarargs;
    private final boolean catchKwargs;
    private final boolean acceptsCaller;

    Macro(String name, Signature signature, List<Stmt> body, Scope closure, boolean catchVarargs, boolean catchKwargs,
          boolean acceptsCaller) {
        this.name = name;
        this.signature = signature;
        this.body = body;
        this.closure = closure;
        this.catchVarargs = catchVarargs;
        this.catchKwargs = catchKwargs;
        this.acceptsCaller = acceptsCaller;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Object call(Interpreter in, Args args) {
        List<String> params = signature.params();
        if (args.size() > params.size() && !catchVarargs) {
            throw TemplateError.typeError("macro '" + name + "' takes not more than " + params.size() + " argument(s)");
        }
        Scope scope = new Scope(closure);
        Map<String, Object> extraKw = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : args.keywords().entrySet()) {
            String k = e.getKey();
            if (!params.contains(k) && !(k.equals("caller") && acceptsCaller)) {
                if (!catchKwargs) throw TemplateError.typeError("macro '" + name + "' takes no keyword argument '" + k + "'");
                extraKw.put(k, e.getValue());
            }
        }
        int firstDefault = params.size() - signature.defaults().size();
        for (int i = 0; i < params.size(); i++) {
            String p = params.get(i);
            Object v;
            if (i < args.size()) {
                if (args.keywords().containsKey(p)) {
                    throw TemplateError.typeError("macro '" + name + "' got multiple values for argument '" + p + "'");
                }
                v = args.positional().get(i);
            } else if (args.keywords().containsKey(p)) {
                v = args.keywords().get(p);
            } else if (i >= firstDefault) {
                Expr d = signature.defaults().get(i - firstDefault);
                v = in.eval(d, scope);
            } else {
                v = Undefined.hint("parameter '" + p + "' was not provided");
            }
            scope.set(p, v);
        }
        List<Object> extra = args.size() > params.size()
                ? new ArrayList<>(args.positional().subList(params.size(), args.size())) : List.of();
        scope.set("varargs", new PyTuple(extra));
        scope.set("kwargs", extraKw);
        if (args.keywords().containsKey("caller")) scope.set("caller", args.keywords().get("caller"));
        return in.renderCallable(body, scope);
    }
}
