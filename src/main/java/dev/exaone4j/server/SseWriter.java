package dev.exaone4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events over one exchange: {@code data: JSON} events, {@code : comment} keep-alives and the final
 * {@code data: [DONE]}. Every write is flushed at once; an IOException means the client went away.
 */
final class SseWriter {
    private final HttpExchange ex;
    private OutputStream out;

    SseWriter(HttpExchange ex) {
        this.ex = ex;
    }

    /** Sends the 200 headers (chunked body). */
    void open() throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.getResponseHeaders().set("X-Accel-Buffering", "no");
        ex.sendResponseHeaders(200, 0);
        out = ex.getResponseBody();
    }

    boolean opened() {
        return out != null;
    }

    void event(JsonNode data) throws IOException {
        write("data: " + HttpIo.JSON.writeValueAsString(data) + "\n\n");
    }

    /** A comment line clients ignore: keeps the connection alive and reveals a client that left. */
    void keepAlive() throws IOException {
        write(": keep-alive\n\n");
    }

    void done() throws IOException {
        write("data: [DONE]\n\n");
    }

    private void write(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
