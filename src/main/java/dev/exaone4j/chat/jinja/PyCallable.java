package dev.exaone4j.chat.jinja;

/** Anything a template can call: global functions, bound methods, macros, {@code caller}, recursive loops. */
interface PyCallable {
    Object call(Interpreter in, Args args);

    /** Name for messages and for printing ({@code <built-in function name>}). */
    String name();
}
