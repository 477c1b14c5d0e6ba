package dev.exaone4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A non-streamed JSON answer to a generation that may take long. A quick answer is an ordinary response with its own
 * status. Once {@code delayMillis} pass without an answer, the 200 headers go out and a space follows every
 * delay period ({@link #tick}) — JSON allows leading whitespace — so a client that disconnected is noticed (the write fails) and
 * its generation cancelled instead of running on. The one cost: an error after that point arrives as its JSON error
 * body under status 200.
 */
final class DelayedJsonResponse {
    private final HttpExchange ex;
    private final long start = System.nanoTime();
    private final long delayNanos;
    private long lastWrite;
    private OutputStream out;

    DelayedJsonResponse(HttpExchange ex, long delayMillis) {
        this.ex = ex;
        this.delayNanos = delayMillis * 1_000_000L;
    }

    /**
     * Called often while generating: once the delay has passed, writes one space per delay period (IOException: the
     * client is gone).
     */
    void tick() throws IOException {
        long now = System.nanoTime();
        if (now - start < delayNanos || (out != null && now - lastWrite < delayNanos)) return;
        lastWrite = now;
        if (out == null) {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 0);
            out = ex.getResponseBody();
        }
        out.write(' ');
        out.flush();
    }

    /** Sends the answer (status ignored once the headers went out early). */
    void send(int status, JsonNode body) throws IOException {
        if (out == null) {
            HttpIo.sendJson(ex, status, body);
            return;
        }
        out.write(HttpIo.JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
        out.close();
    }

    /** Sends an error (as a body under 200 once the headers went out early). */
    void sendError(ApiError e) throws IOException {
        if (out == null) {
            HttpIo.sendError(ex, e);
            return;
        }
        send(e.status(), e.toJson());
    }
}
