package dev.exaone4j.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Reading request bodies (bounded) and writing JSON responses and errors. */
final class HttpIo {
    static final ObjectMapper JSON = new ObjectMapper();

    private HttpIo() {}

    /**
     * The most of an oversized body read and dropped before the 413 goes out: a client that sends its whole body
     * before reading (most HTTP libraries) gets the answer instead of a connection reset; beyond this the
     * connection is simply closed.
     */
    static final long DISCARD_LIMIT = 64L << 20;

    /** The request body, at most limit bytes (413 beyond, judged from Content-Length first). */
    static byte[] readBody(HttpExchange ex, long limit) throws IOException {
        String cl = ex.getRequestHeaders().getFirst("Content-Length");
        try (InputStream in = ex.getRequestBody()) {
            if (cl != null) {
                long n;
                try {
                    n = Long.parseLong(cl.trim());
                } catch (NumberFormatException e) {
                    throw ApiError.badJson("invalid Content-Length header");
                }
                if (n < 0) throw ApiError.badJson("invalid Content-Length header");
                if (n > limit) {
                    if (n <= DISCARD_LIMIT) discard(in, n);
                    throw ApiError.tooLarge(limit);
                }
            }
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (b.length > limit) {
                discard(in, DISCARD_LIMIT);
                throw ApiError.tooLarge(limit);
            }
            return b;
        }
    }

    /** Reads and drops up to max bytes of in. */
    private static void discard(InputStream in, long max) throws IOException {
        byte[] buf = new byte[64 << 10];
        for (long left = max; left > 0; ) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) return;
            left -= r;
        }
    }

    /** The body parsed as a JSON object (400 otherwise). */
    static JsonNode readJsonObject(HttpExchange ex, long limit) throws IOException {
        byte[] b = readBody(ex, limit);
        if (b.length == 0) throw ApiError.badJson("the request body is empty; expected a JSON object");
        JsonNode n;
        try {
            n = JSON.readTree(b);
        } catch (JacksonException e) {
            throw ApiError.badJson("the request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) throw ApiError.badJson("the request body must be a JSON object");
        return n;
    }

    static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        send(ex, status, "application/json", JSON.writeValueAsBytes(body));
    }

    static void sendText(HttpExchange ex, int status, String contentType, String body) throws IOException {
        send(ex, status, contentType, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A complete response; to a HEAD request the same headers without the body. */
    private static void send(HttpExchange ex, int status, String contentType, byte[] b) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        if (ex.getRequestMethod().equalsIgnoreCase("HEAD")) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    static void sendError(HttpExchange ex, ApiError e) throws IOException {
        if (e.retryAfterSeconds() > 0) ex.getResponseHeaders().set("Retry-After", Integer.toString(e.retryAfterSeconds()));
        if (e.status() == 401) ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        sendJson(ex, e.status(), e.toJson());
    }
}
