package dev.exaone4j.quant;

import dev.exaone4j.gguf.GgufWriter;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A text progress bar for long writes: bytes done / total, rate and ETA, redrawn in place on a terminal at
 * most every 200 ms (or printed as a new line every 10% when the stream is not a terminal). Ends with a newline.
 */
public final class ProgressBar implements GgufWriter.Progress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastDraw;
    private int lastDecile = -1;
    private boolean finished;

    public ProgressBar(PrintStream out, String label) {
        this(out, label, System.console() != null);
    }

    ProgressBar(PrintStream out, String label, boolean terminal) {
        this.out = out;
        this.label = label;
        this.terminal = terminal;
    }

    @Override
    public synchronized void update(long done, long total) {
        if (finished) return;
        long now = System.nanoTime();
        boolean end = done >= total;
        if (terminal) {
            if (!end && now - lastDraw < 200_000_000L) return;
            lastDraw = now;
            out.print("\r" + line(done, total, now));
        } else {
            int decile = total == 0 ? 10 : (int) (done * 10 / total);
            if (decile == lastDecile) return;
            lastDecile = decile;
            out.println(line(done, total, now));
        }
        if (end) {
            finished = true;
            if (terminal) out.println();
        }
        out.flush();
    }

    String line(long done, long total, long now) {
        double frac = total == 0 ? 1 : Math.min(1, (double) done / total);
        int fill = (int) Math.round(frac * WIDTH);
        double secs = (now - start) / 1e9;
        double rate = secs > 0 ? done / secs : 0;
        String eta = done >= total ? "done in " + time(secs) : rate > 0 ? "ETA " + time((total - done) / rate) : "ETA --:--";
        return String.format(Locale.ROOT, "%s [%s%s] %3.0f%% %s / %s  %s/s  %s", label, "#".repeat(fill), ".".repeat(WIDTH - fill),
                frac * 100, bytes(done), bytes(total), bytes((long) rate), eta);
    }

    /** Human-readable byte count (binary units). */
    public static String bytes(long b) {
        if (b < 1024) return b + " B";
        String[] u = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int i = -1;
        while (v >= 1024 && i < u.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, u[i]);
    }

    private static String time(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }
}
