package dev.exaone4j.gguf;

/** A model file that cannot be read: the message names the file, the tensor or key, and the problem. */
public class GgufFormatException extends RuntimeException {
    public GgufFormatException(String message) {
        super(message);
    }

    public GgufFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
