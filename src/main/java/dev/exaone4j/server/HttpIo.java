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

    /** The request body, at most limit bytes (413 beyond, judged from Content-Length first). */
    static byte[] readBody(HttpExchange ex, long limit) throws IOException {
        String cl = ex.getRequestHeaders().getFirst("Content-Length");
        if (cl != null) {
            long n;
            try {
                n = Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                throw ApiError.badJson("invalid Content-Length header");
            }
            if (n > limit) throw ApiError.tooLarge(limit);
        }
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (b.length > limit) throw ApiError.tooLarge(limit);
            return b;
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
        byte[] b = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    static void sendText(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
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
