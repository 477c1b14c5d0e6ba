package dev.exaone4j.server;

import java.security.SecureRandom;

/** Random identifiers for responses ({@code chatcmpl-...}, {@code cmpl-...}). */
final class Ids {
    private static final SecureRandom RNG = new SecureRandom();
    private static final char[] ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Ids() {}

    static String random(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append(ALNUM[RNG.nextInt(ALNUM.length)]);
        return sb.toString();
    }
}
