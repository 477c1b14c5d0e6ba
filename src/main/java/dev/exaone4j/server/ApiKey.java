package dev.exaone4j.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The server's API key check: {@code Authorization: Bearer KEY}, compared in constant time (both sides hashed to the
 * same length, then {@link MessageDigest#isEqual}). The key is kept only as its digest and never logged.
 */
final class ApiKey {
    private final byte[] digest;

    /** @param key the required key, or null for an open server */
    ApiKey(String key) {
        // an empty key would accept requests with no Authorization header at all
        if (key != null && key.isBlank()) throw new IllegalArgumentException("the API key is empty");
        this.digest = key == null ? null : sha256(key);
    }

    boolean required() {
        return digest != null;
    }

    /** Whether an Authorization header value carries the key (always true without a key). */
    boolean accepts(String authorization) {
        if (digest == null) return true;
        String given = "";
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) given = authorization.substring(7).trim();
        return MessageDigest.isEqual(digest, sha256(given));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
