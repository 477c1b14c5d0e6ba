package dev.exaone4j.chat.jinja;

import dev.exaone4j.chat.jinja.Ast.*;
import dev.exaone4j.chat.jinja.Token.Kind;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;

/** Recursive-descent parser with jinja2's grammar and operator precedence. Unknown filters and tests fail here. */
final class Parser {
    private static final int MAX_NESTING = 600;
    private static final java.util.Set<String> UNSUPPORTED_TAGS = java.util.Set.of(
            "extends", "block", "include", "import", "from", "autoescape", "trans", "pluralize", "do");

    private final List<Token> tokens;
    private int p;
    private int nesting;
    private final Deque<java.util.Set<String>> macroNames = new ArrayDeque<>();

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Stmt> parse(String source) {
        Parser ps = new Parser(Lexer.tokenize(source));
        List<Stmt> body = ps.subparse(null);
        if (ps.cur().kind() != Kind.EOF) throw ps.fail("unexpected " + ps.cur().describe());
        return body;
    }

    // ---- token stream ----

    private Token cur() {
        return tokens.get(p);
    }

    private Token look() {
        return tokens.get(Math.min(p + 1, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(p);
        if (p < tokens.size() - 1) p++;
        return t;
    }

    private TemplateError fail(String msg) {
        return new TemplateError(TemplateError.Kind.SYNTAX, msg, cur().line());
    }

    private TemplateError fail(String msg, int line) {
        return new TemplateError(TemplateError.Kind.SYNTAX, msg, line);
    }

    private Token expect(Kind kind) {
        if (cur().kind() != kind) {
            throw fail("expected " + kind.name().toLowerCase().replace('_', ' ') + ", got " + quoted(cur()));
        }
        return next();
    }

    private void expectOp(String op) {
        if (!cur().isOp(op)) throw fail("expected '" + op + "', got " + quoted(cur()));
        next();
    }

    private void expectName(String name) {
        if (!cur().isName(name)) throw fail("expected '" + name + "', got " + quoted(cur()));
        next();
    }

    private boolean skipOp(String op) {
        if (cur().isOp(op)) {
            next();
            return true;
        }
        return false;
    }

    private boolean skipName(String name) {
        if (cur().isName(name)) {
            next();
            return true;
        }
        return false;
    }

    private static String quoted(Token t) {
        return t.kind() == Kind.EOF || t.kind() == Kind.BLOCK_END || t.kind() == Kind.VAR_END
                ? t.describe() : "'" + t.describe() + "'";
    }

    private void enter() {
        if (++nesting > MAX_NESTING) throw new TemplateError(TemplateError.Kind.LIMIT, "template nested too deeply", cur().line());
    }

    private void leave() {
        nesting--;
    }

    // ---- statements ----

    /** Parses until a block tag whose name is in {@code endTags} (left as current token) or EOF. */
    private List<Stmt> subparse(java.util.Set<String> endTags) {
        enter();
        try {
            List<Stmt> body = new ArrayList<>();
            while (true) {
                Token t = cur();
                switch (t.kind()) {
                    case EOF -> {
                        return body;
                    }
                    case DATA -> {
                        next();
                        body.add(new Text(t.text(), t.line()));
                    }
                    case VAR_BEGIN -> {
                        next();
                        Expr e = parseTuple(true, true, null, false);
                        body.add(new Print(e, t.line()));
                        expect(Kind.VAR_END);
                    }
                    case BLOCK_BEGIN -> {
                        next();
                        if (endTags != null && cur().kind() == Kind.NAME && endTags.contains(cur().text())) {
                            return body;
                        }
                        body.add(parseStatement());
                        expect(Kind.BLOCK_END);
                    }
                    default -> throw fail("unexpected " + quoted(t));
                }
            }
        } finally {
            leave();
        }
    }

    /** Expects the block end of the opening tag, parses the body up to one of {@code endTags}. */
    private List<Stmt> parseStatements(java.util.Set<String> endTags, boolean dropNeedle) {
        skipOp(":");
        expect(Kind.BLOCK_END);
        List<Stmt> body = subparse(endTags);
        if (cur().kind() == Kind.EOF) {
            throw fail("Unexpected end of template. Jinja was looking for the following tags: "
                    + String.join(" or ", endTags.stream().sorted().map(s -> "'" + s + "'").toList())
                    + ". The innermost block that needs to be closed is '" + innermost(endTags) + "'.");
        }
        if (dropNeedle) next();
        return body;
    }

    private static String innermost(java.util.Set<String> endTags) {
        for (String s : endTags) if (s.startsWith("end")) return s.substring(3);
        return endTags.iterator().next();
    }

    private Stmt parseStatement() {
        Token t = cur();
        if (t.kind() != Kind.NAME) throw fail("tag name expected");
        int line = t.line();
        switch (t.text()) {
            case "if" -> {
                return parseIf();
            }
            case "for" -> {
                return parseFor();
            }
            case "set" -> {
                return parseSet();
            }
            case "macro" -> {
                return parseMacro();
            }
            case "call" -> {
                return parseCallBlock();
            }
            case "filter" -> {
                next();
                List<FilterExpr> filters = parseFilterChain(null, true);
                List<Stmt> body = parseStatements(java.util.Set.of("endfilter"), true);
                return new FilterBlock(filters, body, line);
            }
            case "with" -> {
                return parseWith();
            }
            case "break" -> {
                next();
                return new Break(line);
            }
            case "continue" -> {
                next();
                return new Continue(line);
            }
            case "print" -> {
                next();
                List<Stmt> prints = new ArrayList<>();
                while (cur().kind() != Kind.BLOCK_END) {
                    if (!prints.isEmpty()) expectOp(",");
                    prints.add(new Print(parseExpression(true), cur().line()));
                }
                return new Seq(List.copyOf(prints), line);
            }
            case "generation" -> {
                next();
                return new Seq(parseStatements(java.util.Set.of("endgeneration"), true), line);
            }
            default -> {
                if (UNSUPPORTED_TAGS.contains(t.text())) {
                    throw fail("tag '" + t.text() + "' is not supported in chat templates");
                }
                throw fail("Encountered unknown tag '" + t.text() + "'.");
            }
        }
    }

    private Stmt parseIf() {
        int line = next().line();
        List<Expr> tests = new ArrayList<>();
        List<List<Stmt>> bodies = new ArrayList<>();
        List<Stmt> orElse = List.of();
        java.util.Set<String> ends = java.util.Set.of("elif", "else", "endif");
        while (true) {
            tests.add(parseTuple(false, true, null, false));
            bodies.add(parseStatements(ends, false));
            Token t = next();
            if (t.isName("elif")) continue;
            if (t.isName("else")) orElse = parseStatements(java.util.Set.of("endif"), true);
            break;
        }
        return new If(List.copyOf(tests), List.copyOf(bodies), orElse, line);
    }

    private Stmt parseFor() {
        int line = next().line();
        Target target = parseAssignTarget(java.util.Set.of("in"), false);
        expectName("in");
        Expr iter = parseTuple(false, true, java.util.Set.of("recursive"), false);
        Expr filter = null;
        if (skipName("if")) filter = parseExpression(true);
        boolean recursive = skipName("recursive");
        List<Stmt> body = parseStatements(java.util.Set.of("endfor", "else"), false);
        List<Stmt> orElse = List.of();
        if (next().isName("else")) orElse = parseStatements(java.util.Set.of("endfor"), true);
        return new For(target, iter, filter, body, orElse, recursive, line);
    }

    private Stmt parseSet() {
        int line = next().line();
        Target target = parseAssignTarget(null, true);
        if (skipOp("=")) {
            return new Set(target, parseTuple(true, true, null, false), line);
        }
        List<FilterExpr> filters = cur().isOp("|") ? parseFilterChain(null, false) : List.of();
        List<Stmt> body = parseStatements(java.util.Set.of("endset"), true);
        return new SetBlock(target, filters, body, line);
    }

    private Stmt parseMacro() {
        int line = next().line();
        String name = expect(Kind.NAME).text();
        Signature sig = parseSignature();
        macroNames.push(new HashSet<>());
        List<Stmt> body;
        java.util.Set<String> used;
        try {
            body = parseStatements(java.util.Set.of("endmacro"), true);
        } finally {
            used = macroNames.pop();
        }
        return new MacroDef(name, sig, body, used.contains("varargs"), used.contains("kwargs"), used.contains("caller"), line);
    }

    private Stmt parseCallBlock() {
        int line = next().line();
        Signature sig = cur().isOp("(") ? parseSignature() : Signature.EMPTY;
        Expr call = parseExpression(true);
        if (!(call instanceof Call c)) throw fail("expected call", line);
        List<Stmt> body = parseStatements(java.util.Set.of("endcall"), true);
        return new CallBlock(c, sig, body, line);
    }

    private Stmt parseWith() {
        int line = next().line();
        List<Target> targets = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (cur().kind() != Kind.BLOCK_END) {
            if (!targets.isEmpty()) expectOp(",");
            targets.add(parseAssignTarget(null, false));
            expectOp("=");
            values.add(parseExpression(true));
        }
        List<Stmt> body = parseStatements(java.util.Set.of("endwith"), true);
        return new With(targets, values, body, line);
    }

    private Signature parseSignature() {
        expectOp("(");
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        while (!cur().isOp(")")) {
            if (!params.isEmpty()) expectOp(",");
            String name = expect(Kind.NAME).text();
            if (skipOp("=")) {
                defaults.add(parseExpression(true));
            } else if (!defaults.isEmpty()) {
                throw fail("non-default argument follows default argument");
            }
            params.add(name);
        }
        expectOp(")");
        return new Signature(List.copyOf(params), List.copyOf(defaults));
    }

    private Target parseAssignTarget(java.util.Set<String> extraEnd, boolean withNamespace) {
        if (withNamespace && cur().kind() == Kind.NAME && look().isOp(".")) {
            String ns = next().text();
            next();
            String attr = expect(Kind.NAME).text();
            return new AttrTarget(ns, attr);
        }
        Expr e = parseTuple(false, true, extraEnd, false, true);
        return toTarget(e);
    }

    private Target toTarget(Expr e) {
        if (e instanceof Name n) {
            if (List.of("true", "false", "none", "True", "False", "None").contains(n.name())) {
                throw fail("Can't assign to '" + n.name() + "'", n.line());
            }
            return new NameTarget(n.name());
        }
        if (e instanceof TupleLit t) {
            List<Target> items = new ArrayList<>();
            for (Expr x : t.items()) items.add(toTarget(x));
            return new TupleTarget(items);
        }
        throw fail("can't assign to " + e.getClass().getSimpleName(), e.line());
    }

    // ---- expressions ----

    private Expr parseTuple(boolean withCondexpr, boolean allowTuple, java.util.Set<String> extraEnd, boolean explicitParens) {
        return parseTuple(withCondexpr, allowTuple, extraEnd, explicitParens, false);
    }

    /**
     * jinja2's parse_tuple: a comma-separated list becomes a tuple, a single item is itself.
     * {@code simplified} parses primaries only (assignment targets).
     */
    private Expr parseTuple(boolean withCondexpr, boolean allowTuple, java.util.Set<String> extraEnd,
                            boolean explicitParens, boolean simplified) {
        int line = cur().line();
        List<Expr> args = new ArrayList<>();
        boolean isTuple = false;
        while (true) {
            if (!args.isEmpty()) expectOp(",");
            if (isTupleEnd(extraEnd)) break;
            args.add(simplified ? parsePrimary() : parseExpression(withCondexpr));
            if (cur().isOp(",") && allowTuple) {
                isTuple = true;
            } else {
                break;
            }
        }
        if (!isTuple) {
            if (!args.isEmpty()) return args.get(0);
            if (!explicitParens) throw fail("Expected an expression, got " + quoted(cur()));
        }
        return new TupleLit(List.copyOf(args), line);
    }

    private boolean isTupleEnd(java.util.Set<String> extraEnd) {
        Token t = cur();
        if (t.kind() == Kind.VAR_END || t.kind() == Kind.BLOCK_END || t.isOp(")")) return true;
        return extraEnd != null && t.kind() == Kind.NAME && extraEnd.contains(t.text());
    }

    private Expr parseExpression(boolean withCondexpr) {
        enter();
        try {
            return withCondexpr ? parseCondexpr() : parseOr();
        } finally {
            leave();
        }
    }

    private Expr parseCondexpr() {
        int line = cur().line();
        Expr e1 = parseOr();
        while (skipName("if")) {
            Expr test = parseOr();
            Expr orElse = skipName("else") ? parseCondexpr() : null;
            e1 = new CondExpr(test, e1, orElse, line);
            line = cur().line();
        }
        return e1;
    }

    private Expr parseOr() {
        Expr left = parseAnd();
        while (cur().isName("or")) {
            int line = next().line();
            left = new Binary("or", left, parseAnd(), line);
        }
        return left;
    }

    private Expr parseAnd() {
        Expr left = parseNot();
        while (cur().isName("and")) {
            int line = next().line();
            left = new Binary("and", left, parseNot(), line);
        }
        return left;
    }

    private Expr parseNot() {
        if (cur().isName("not")) {
            int line = next().line();
            enter();
            try {
                return new Unary("not", parseNot(), line);
            } finally {
                leave();
            }
        }
        return parseCompare();
    }

    private Expr parseCompare() {
        int line = cur().line();
        Expr first = parseMath1();
        List<String> ops = new ArrayList<>();
        List<Expr> rest = new ArrayList<>();
        while (true) {
            Token t = cur();
            if (t.kind() == Kind.OP && List.of("==", "!=", "<", "<=", ">", ">=").contains(t.text())) {
                next();
                ops.add(t.text());
            } else if (t.isName("in")) {
                next();
                ops.add("in");
            } else if (t.isName("not") && look().isName("in")) {
                next();
                next();
                ops.add("notin");
            } else {
                break;
            }
            rest.add(parseMath1());
        }
        return ops.isEmpty() ? first : new Compare(first, List.copyOf(ops), List.copyOf(rest), line);
    }

    private Expr parseMath1() {
        Expr left = parseConcat();
        while (cur().isOp("+") || cur().isOp("-")) {
            Token op = next();
            left = new Binary(op.text(), left, parseConcat(), op.line());
        }
        return left;
    }

    private Expr parseConcat() {
        Expr left = parseMath2();
        while (cur().isOp("~")) {
            int line = next().line();
            left = new Binary("~", left, parseMath2(), line);
        }
        return left;
    }

    private Expr parseMath2() {
        Expr left = parsePow();
        while (cur().kind() == Kind.OP && List.of("*", "/", "//", "%").contains(cur().text())) {
            Token op = next();
            left = new Binary(op.text(), left, parsePow(), op.line());
        }
        return left;
    }

    private Expr parsePow() {
        Expr left = parseUnary(true);
        while (cur().isOp("**")) {
            int line = next().line();
            left = new Binary("**", left, parseUnary(true), line);
        }
        return left;
    }

    private Expr parseUnary(boolean withFilter) {
        enter();
        try {
            Token t = cur();
            Expr node;
            if (t.isOp("-") || t.isOp("+")) {
                next();
                node = new Unary(t.text(), parseUnary(false), t.line());
            } else {
                node = parsePrimary();
            }
            node = parsePostfix(node);
            if (withFilter) node = parseFilterExpr(node);
            return node;
        } finally {
            leave();
        }
    }

    private Expr parsePrimary() {
        Token t = cur();
        switch (t.kind()) {
            case NAME -> {
                next();
                return switch (t.text()) {
                    case "true", "True" -> new Const(Boolean.TRUE, t.line());
                    case "false", "False" -> new Const(Boolean.FALSE, t.line());
                    case "none", "None" -> new Const(null, t.line());
                    default -> {
                        if (!macroNames.isEmpty()) macroNames.peek().add(t.text());
                        yield new Name(t.text(), t.line());
                    }
                };
            }
            case STRING -> {
                next();
                StringBuilder sb = new StringBuilder((String) t.value());
                while (cur().kind() == Kind.STRING) sb.append((String) next().value());
                return new Const(sb.toString(), t.line());
            }
            case INT, FLOAT -> {
                next();
                return new Const(t.value(), t.line());
            }
            case OP -> {
                switch (t.text()) {
                    case "(" -> {
                        next();
                        Expr e = parseTuple(true, true, null, true);
                        expectOp(")");
                        return e;
                    }
                    case "[" -> {
                        return parseList();
                    }
                    case "{" -> {
                        return parseDict();
                    }
                    default -> throw fail("unexpected '" + t.text() + "'");
                }
            }
            default -> throw fail("unexpected " + quoted(t));
        }
    }

    private Expr parseList() {
        int line = next().line();
        List<Expr> items = new ArrayList<>();
        while (!cur().isOp("]")) {
            if (!items.isEmpty()) expectOp(",");
            if (cur().isOp("]")) break;
            items.add(parseExpression(true));
        }
        expectOp("]");
        return new ListLit(List.copyOf(items), line);
    }

    private Expr parseDict() {
        int line = next().line();
        List<Expr> keys = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (!cur().isOp("}")) {
            if (!keys.isEmpty()) expectOp(",");
            if (cur().isOp("}")) break;
            keys.add(parseExpression(true));
            expectOp(":");
            values.add(parseExpression(true));
        }
        expectOp("}");
        return new DictLit(List.copyOf(keys), List.copyOf(values), line);
    }

    private Expr parsePostfix(Expr node) {
        while (true) {
            Token t = cur();
            if (t.isOp(".") || t.isOp("[")) {
                node = parseSubscript(node);
            } else if (t.isOp("(")) {
                node = new Call(node, parseCallArgs(), t.line());
            } else {
                return node;
            }
        }
    }

    private Expr parseFilterExpr(Expr node) {
        while (true) {
            Token t = cur();
            if (t.isOp("|")) {
                List<FilterExpr> chain = parseFilterChain(node, false);
                node = chain.get(chain.size() - 1);
            } else if (t.isName("is")) {
                node = parseTest(node);
            } else if (t.isOp("(")) {
                node = new Call(node, parseCallArgs(), t.line());
            } else {
                return node;
            }
        }
    }

    private Expr parseSubscript(Expr node) {
        Token t = next();
        if (t.isOp(".")) {
            Token attr = next();
            if (attr.kind() == Kind.NAME) return new GetAttr(node, attr.text(), t.line());
            if (attr.kind() != Kind.INT) throw fail("expected name or number", attr.line());
            return new GetItem(node, new Const(attr.value(), attr.line()), t.line());
        }
        List<Expr> args = new ArrayList<>();
        while (!cur().isOp("]")) {
            if (!args.isEmpty()) expectOp(",");
            args.add(parseSubscribed(node));
        }
        expectOp("]");
        if (args.size() == 1) {
            Expr a = args.get(0);
            if (a instanceof SliceExpr) return a;
            return new GetItem(node, a, t.line());
        }
        return new GetItem(node, new TupleLit(List.copyOf(args), t.line()), t.line());
    }

    private Expr parseSubscribed(Expr target) {
        int line = cur().line();
        Expr start = null;
        if (cur().isOp(":")) {
            next();
        } else {
            Expr e = parseExpression(true);
            if (!cur().isOp(":")) return e;
            next();
            start = e;
        }
        Expr stop = null;
        Expr step = null;
        if (!cur().isOp(":") && !cur().isOp("]") && !cur().isOp(",")) stop = parseExpression(true);
        if (cur().isOp(":")) {
            next();
            if (!cur().isOp("]") && !cur().isOp(",")) step = parseExpression(true);
        }
        return new SliceExpr(target, start, stop, step, line);
    }

    private CallArgs parseCallArgs() {
        Token open = cur();
        expectOp("(");
        List<Expr> args = new ArrayList<>();
        List<String> kwNames = new ArrayList<>();
        List<Expr> kwValues = new ArrayList<>();
        Expr star = null;
        Expr starStar = null;
        boolean first = true;
        while (!cur().isOp(")")) {
            if (!first) {
                expectOp(",");
                if (cur().isOp(")")) break;
            }
            first = false;
            if (cur().isOp("*")) {
                if (star != null || starStar != null) throw fail("Invalid argument syntax");
                next();
                star = parseExpression(true);
            } else if (cur().isOp("**")) {
                if (starStar != null) throw fail("Invalid argument syntax");
                next();
                starStar = parseExpression(true);
            } else if (cur().kind() == Kind.NAME && look().isOp("=")) {
                if (starStar != null) throw fail("Invalid argument syntax");
                String key = next().text();
                next();
                kwNames.add(key);
                kwValues.add(parseExpression(true));
            } else {
                if (star != null || starStar != null || !kwNames.isEmpty()) throw fail("Invalid argument syntax");
                args.add(parseExpression(true));
            }
        }
        expectOp(")");
        if (args.isEmpty() && kwNames.isEmpty() && star == null && starStar == null) return CallArgs.NONE;
        return new CallArgs(List.copyOf(args), List.copyOf(kwNames), List.copyOf(kwValues), star, starStar);
    }

    /** Parses {@code |f1(args)|f2...} (or, inline, {@code f1|f2} in filter/set tags); returns each node, last outermost. */
    private List<FilterExpr> parseFilterChain(Expr node, boolean startInline) {
        List<FilterExpr> chain = new ArrayList<>();
        Expr value = node;
        while (cur().isOp("|") || startInline) {
            if (!startInline) next();
            Token nameTok = expect(Kind.NAME);
            String name = nameTok.text();
            while (cur().isOp(".")) {
                next();
                name += "." + expect(Kind.NAME).text();
            }
            if (!Filters.exists(name)) throw fail("unknown filter '" + name + "'", nameTok.line());
            CallArgs args = cur().isOp("(") ? parseCallArgs() : CallArgs.NONE;
            FilterExpr f = new FilterExpr(value, name, args, nameTok.line());
            chain.add(f);
            value = f;
            startInline = false;
        }
        return chain;
    }

    private Expr parseTest(Expr node) {
        int line = next().line();
        boolean negated = skipName("not");
        Token nameTok = expect(Kind.NAME);
        String name = nameTok.text();
        while (cur().isOp(".")) {
            next();
            name += "." + expect(Kind.NAME).text();
        }
        if (!Tests.exists(name)) throw fail("unknown test '" + name + "'", nameTok.line());
        CallArgs args = CallArgs.NONE;
        Token t = cur();
        if (t.isOp("(")) {
            args = parseCallArgs();
        } else if ((t.kind() == Kind.NAME || t.kind() == Kind.STRING || t.kind() == Kind.INT || t.kind() == Kind.FLOAT
                || t.isOp("(") || t.isOp("[") || t.isOp("{"))
                && !(t.isName("else") || t.isName("or") || t.isName("and"))) {
            if (t.isName("is")) throw fail("You cannot chain multiple tests with is");
            Expr arg = parsePostfix(parsePrimary());
            args = new CallArgs(List.of(arg), List.of(), List.of(), null, null);
        }
        Expr test = new TestExpr(node, name, args, line);
        return negated ? new Unary("not", test, line) : test;
    }
}
