package dev.exaone4j.server;

import java.util.Arrays;

/**
 * Validates, character by character, that a text is a prefix of one JSON object, compact style: no whitespace except
 * one optional space after {@code :} and {@code ,} (so a constrained generation cannot idle on blanks). Knows when the
 * object is complete and the shortest text that would complete it now ({@link #completion()}). Not thread-safe;
 * {@link #copyFrom} makes trial runs cheap.
 */
final class JsonPrefix {
    private static final int VALUE = 0, OBJ_FIRST = 1, OBJ_KEY = 2, COLON = 3, STRING = 4, ESCAPE = 5, UNICODE = 6,
            NUM_MINUS = 7, NUM_ZERO = 8, NUM_INT = 9, NUM_DOT = 10, NUM_FRAC = 11, NUM_E = 12, NUM_ESIGN = 13, NUM_EXP = 14,
            LITERAL = 15, AFTER_VALUE = 16, ARR_FIRST = 17, DONE = 18;
    private static final String[] LITERALS = {"true", "false", "null"};

    private char[] stack = new char[8];
    private int depth;
    private int mode = VALUE;
    private boolean key;        // the string being read is an object key
    private boolean spaceOk;    // one space may follow (after ':' or ',')
    private int hex;            // \\u digits read
    private int literal, litPos;

    /** Whether the object is complete (nothing more may follow). */
    boolean complete() {
        return mode == DONE;
    }

    /** Whether nothing has been accepted yet. */
    boolean empty() {
        return mode == VALUE && depth == 0;
    }

    /** Becomes a copy of o. */
    void copyFrom(JsonPrefix o) {
        if (stack.length < o.stack.length) stack = new char[o.stack.length];
        System.arraycopy(o.stack, 0, stack, 0, o.depth);
        depth = o.depth;
        mode = o.mode;
        key = o.key;
        spaceOk = o.spaceOk;
        hex = o.hex;
        literal = o.literal;
        litPos = o.litPos;
    }

    /** Accepts every character of s; false (state then undefined) as soon as one is invalid. */
    boolean accept(CharSequence s) {
        for (int i = 0; i < s.length(); i++) if (!accept(s.charAt(i))) return false;
        return true;
    }

    /** Accepts one character if the text stays a valid prefix; false (state then undefined) if not. */
    boolean accept(char c) {
        switch (mode) {
            case VALUE:
                if (c == ' ' && spaceOk) {
                    spaceOk = false;
                    return true;
                }
                return startValue(c);
            case ARR_FIRST:
                if (c == ']') {
                    depth--;
                    valueDone();
                    return true;
                }
                return startValue(c);
            case OBJ_FIRST:
                if (c == '}') {
                    depth--;
                    valueDone();
                    return true;
                }
                return startKey(c);
            case OBJ_KEY:
                if (c == ' ' && spaceOk) {
                    spaceOk = false;
                    return true;
                }
                return startKey(c);
            case COLON:
                if (c != ':') return false;
                mode = VALUE;
                spaceOk = true;
                return true;
            case STRING:
                if (c == '"') {
                    if (key) {
                        mode = COLON;
                    } else {
                        valueDone();
                    }
                    return true;
                }
                if (c == '\\') {
                    mode = ESCAPE;
                    return true;
                }
                return c >= 0x20;
            case ESCAPE:
                if ("\"\\/bfnrt".indexOf(c) >= 0) {
                    mode = STRING;
                    return true;
                }
                if (c == 'u') {
                    mode = UNICODE;
                    hex = 0;
                    return true;
                }
                return false;
            case UNICODE:
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
                if (++hex == 4) mode = STRING;
                return true;
            case NUM_MINUS:
                if (c == '0') mode = NUM_ZERO;
                else if (c >= '1' && c <= '9') mode = NUM_INT;
                else return false;
                return true;
            case NUM_ZERO:
                if (c == '.') mode = NUM_DOT;
                else if (c == 'e' || c == 'E') mode = NUM_E;
                else return endNumber(c);
                return true;
            case NUM_INT:
                if (c >= '0' && c <= '9') return true;
                if (c == '.') mode = NUM_DOT;
                else if (c == 'e' || c == 'E') mode = NUM_E;
                else return endNumber(c);
                return true;
            case NUM_DOT:
                if (c < '0' || c > '9') return false;
                mode = NUM_FRAC;
                return true;
            case NUM_FRAC:
                if (c >= '0' && c <= '9') return true;
                if (c == 'e' || c == 'E') {
                    mode = NUM_E;
                    return true;
                }
                return endNumber(c);
            case NUM_E:
                if (c == '+' || c == '-') mode = NUM_ESIGN;
                else if (c >= '0' && c <= '9') mode = NUM_EXP;
                else return false;
                return true;
            case NUM_ESIGN:
                if (c < '0' || c > '9') return false;
                mode = NUM_EXP;
                return true;
            case NUM_EXP:
                if (c >= '0' && c <= '9') return true;
                return endNumber(c);
            case LITERAL:
                if (c != LITERALS[literal].charAt(litPos)) return false;
                if (++litPos == LITERALS[literal].length()) valueDone();
                return true;
            case AFTER_VALUE:
                char top = stack[depth - 1];
                if (c == ',') {
                    mode = top == '{' ? OBJ_KEY : VALUE;
                    spaceOk = true;
                    return true;
                }
                if ((c == '}' && top == '{') || (c == ']' && top == '[')) {
                    depth--;
                    valueDone();
                    return true;
                }
                return false;
            default:
                return false;
        }
    }

    private boolean startKey(char c) {
        if (c != '"') return false;
        mode = STRING;
        key = true;
        spaceOk = false;
        return true;
    }

    private boolean startValue(char c) {
        spaceOk = false;
        if (depth == 0 && c != '{') return false; // the root is an object
        switch (c) {
            case '{' -> {
                push('{');
                mode = OBJ_FIRST;
            }
            case '[' -> {
                push('[');
                mode = ARR_FIRST;
            }
            case '"' -> {
                mode = STRING;
                key = false;
            }
            case '-' -> mode = NUM_MINUS;
            case '0' -> mode = NUM_ZERO;
            case 't', 'f', 'n' -> {
                mode = LITERAL;
                literal = c == 't' ? 0 : c == 'f' ? 1 : 2;
                litPos = 1;
            }
            default -> {
                if (c < '1' || c > '9') return false;
                mode = NUM_INT;
            }
        }
        return true;
    }

    private boolean endNumber(char c) {
        valueDone();
        return accept(c);
    }

    private void valueDone() {
        mode = depth == 0 ? DONE : AFTER_VALUE;
        spaceOk = false;
    }

    private void push(char c) {
        if (depth == stack.length) stack = Arrays.copyOf(stack, depth * 2);
        stack[depth++] = c;
    }

    /** The shortest text that makes the object complete from here ("" when complete). */
    String completion() {
        StringBuilder sb = new StringBuilder();
        boolean keyOpen = false;
        switch (mode) {
            case VALUE -> sb.append(depth == 0 ? "{}" : "null");
            case OBJ_KEY -> sb.append("\"\": null");
            case COLON -> sb.append(": null");
            case STRING -> {
                sb.append('"');
                keyOpen = key;
            }
            case ESCAPE -> {
                sb.append("\\\"");
                keyOpen = key;
            }
            case UNICODE -> {
                sb.append("0".repeat(4 - hex)).append('"');
                keyOpen = key;
            }
            case NUM_MINUS, NUM_DOT, NUM_E, NUM_ESIGN -> sb.append('0');
            case LITERAL -> sb.append(LITERALS[literal], litPos, LITERALS[literal].length());
            default -> {
            }
        }
        if (keyOpen) sb.append(": null");
        for (int i = depth - 1; i >= 0; i--) sb.append(stack[i] == '{' ? '}' : ']');
        return sb.toString();
    }
}
