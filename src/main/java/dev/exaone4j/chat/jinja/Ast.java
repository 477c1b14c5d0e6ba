package dev.exaone4j.chat.jinja;

import java.util.List;

/** The parsed template: immutable statement and expression nodes, each with its 1-based source line. */
final class Ast {
    private Ast() {
    }

    sealed interface Expr permits Const, Name, ListLit, TupleLit, DictLit, GetAttr, GetItem, SliceExpr, Call, FilterExpr,
            TestExpr, Unary, Binary, Compare, CondExpr {
        int line();
    }

    record Const(Object value, int line) implements Expr { }

    record Name(String name, int line) implements Expr { }

    record ListLit(List<Expr> items, int line) implements Expr { }

    record TupleLit(List<Expr> items, int line) implements Expr { }

    record DictLit(List<Expr> keys, List<Expr> values, int line) implements Expr { }

    record GetAttr(Expr target, String attr, int line) implements Expr { }

    record GetItem(Expr target, Expr key, int line) implements Expr { }

    /** {@code target[start:stop:step]}; absent parts are null. */
    record SliceExpr(Expr target, Expr start, Expr stop, Expr step, int line) implements Expr { }

    /** Call arguments; {@code starArgs}/{@code starKwargs} are the {@code *x}/{@code **x} forms, or null. */
    record CallArgs(List<Expr> args, List<String> kwNames, List<Expr> kwValues, Expr starArgs, Expr starKwargs) {
        static final CallArgs NONE = new CallArgs(List.of(), List.of(), List.of(), null, null);
    }

    record Call(Expr callee, CallArgs args, int line) implements Expr { }

    /** {@code value|name(args)}; value is null inside filter blocks and set blocks. */
    record FilterExpr(Expr value, String name, CallArgs args, int line) implements Expr { }

    record TestExpr(Expr value, String name, CallArgs args, int line) implements Expr { }

    /** {@code op} is {@code "not"}, {@code "-"} or {@code "+"}. */
    record Unary(String op, Expr operand, int line) implements Expr { }

    /** Arithmetic ({@code + - * / // % ** ~}) and the short-circuit {@code and}/{@code or}. */
    record Binary(String op, Expr left, Expr right, int line) implements Expr { }

    /** A comparison chain {@code first op0 rest0 op1 rest1 ...}; ops include {@code in} and {@code notin}. */
    record Compare(Expr first, List<String> ops, List<Expr> rest, int line) implements Expr { }

    /** {@code then if test else orElse}; orElse null means undefined. */
    record CondExpr(Expr test, Expr then, Expr orElse, int line) implements Expr { }

    // ---- assignment targets ----

    sealed interface Target permits NameTarget, TupleTarget, AttrTarget { }

    record NameTarget(String name) implements Target { }

    record TupleTarget(List<Target> items) implements Target { }

    /** {@code ns.attr} in {@code set}. */
    record AttrTarget(String name, String attr) implements Target { }

    // ---- statements ----

    sealed interface Stmt permits Text, Print, If, For, Set, SetBlock, MacroDef, CallBlock, FilterBlock, With, Break,
            Continue, Seq {
        int line();
    }

    record Text(String text, int line) implements Stmt { }

    record Print(Expr expr, int line) implements Stmt { }

    record If(List<Expr> tests, List<List<Stmt>> bodies, List<Stmt> orElse, int line) implements Stmt { }

    record For(Target target, Expr iter, Expr filter, List<Stmt> body, List<Stmt> orElse, boolean recursive,
               int line) implements Stmt { }

    record Set(Target target, Expr value, int line) implements Stmt { }

    /** {@code {% set x | filters %}body{% endset %}}; filters apply innermost first, each with a null value. */
    record SetBlock(Target target, List<FilterExpr> filters, List<Stmt> body, int line) implements Stmt { }

    /** A macro signature and body; {@code defaults} align with the last parameters. */
    record Signature(List<String> params, List<Expr> defaults) {
        static final Signature EMPTY = new Signature(List.of(), List.of());
    }

    record MacroDef(String name, Signature signature, List<Stmt> body, boolean catchVarargs, boolean catchKwargs,
                    boolean usesCaller, int line) implements Stmt { }

    record CallBlock(Call call, Signature signature, List<Stmt> body, int line) implements Stmt { }

    record FilterBlock(List<FilterExpr> filters, List<Stmt> body, int line) implements Stmt { }

    record With(List<Target> targets, List<Expr> values, List<Stmt> body, int line) implements Stmt { }

    record Break(int line) implements Stmt { }

    record Continue(int line) implements Stmt { }

    /** A body rendered in place (transformers' {@code {% generation %}} block). */
    record Seq(List<Stmt> body, int line) implements Stmt { }
}
