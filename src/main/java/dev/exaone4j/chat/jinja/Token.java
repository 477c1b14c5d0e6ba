package dev.exaone4j.chat.jinja;

/** One lexer token; {@code value} is the decoded literal for STRING/INT/FLOAT and the text otherwise. */
record Token(Kind kind, String text, Object value, int line) {
    enum Kind { DATA, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INT, FLOAT, OP, EOF }

    boolean is(Kind k, String t) {
        return kind == k && text.equals(t);
    }

    boolean isName(String t) {
        return kind == Kind.NAME && text.equals(t);
    }

    boolean isOp(String t) {
        return kind == Kind.OP && text.equals(t);
    }

    String describe() {
        return switch (kind) {
            case EOF -> "end of template";
            case VAR_END, BLOCK_END, VAR_BEGIN, BLOCK_BEGIN -> kind.name().toLowerCase().replace('_', ' ');
            case DATA -> "template data";
            default -> text;
        };
    }
}
