package dev.exaone4j.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A reference logits file of shared/testdata: `logits i v0 v1 ...` lines (also `hidden i ...`), with the
 * comparison the README defines: rel = max|ours − ref| / max|ref|; argmax agreement where the reference's
 * top-2 gap is clear.
 */
public final class RefLogits {
    public final float[][] rows;

    private RefLogits(float[][] rows) {
        this.rows = rows;
    }

    public static RefLogits read(Path p, String prefix) throws IOException {
        List<float[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(p)) {
            if (!line.startsWith(prefix + " ")) continue;
            String[] parts = line.trim().split(" ");
            float[] r = new float[parts.length - 2];
            for (int i = 2; i < parts.length; i++) r[i - 2] = Float.parseFloat(parts[i]);
            rows.add(r);
        }
        return new RefLogits(rows.toArray(new float[0][]));
    }

    public static RefLogits read(Path p) throws IOException {
        return read(p, "logits");
    }

    public int vocab() {
        return rows[0].length;
    }

    /** max|ours − ref| / max|ref| over all rows; ours is row-major rows x vocab. */
    public double rel(float[] ours) {
        double maxRef = 0, maxDiff = 0;
        int v = vocab();
        for (int r = 0; r < rows.length; r++) {
            for (int i = 0; i < v; i++) {
                maxRef = Math.max(maxRef, Math.abs(rows[r][i]));
                maxDiff = Math.max(maxDiff, Math.abs(ours[r * v + i] - rows[r][i]));
            }
        }
        return maxDiff / maxRef;
    }

    /** How many rows have max|ours − ref| / max|ref| (the max over all rows) at most tol. */
    public int rowsWithin(float[] ours, double tol) {
        double maxRef = 0;
        int v = vocab(), n = 0;
        for (float[] row : rows) for (float x : row) maxRef = Math.max(maxRef, Math.abs(x));
        for (int r = 0; r < rows.length; r++) {
            double d = 0;
            for (int i = 0; i < v; i++) d = Math.max(d, Math.abs(ours[r * v + i] - rows[r][i]));
            if (d <= tol * maxRef) n++;
        }
        return n;
    }

    /** Rows whose reference top-1 beats top-2 by more than minGap. */
    public int[] clearRows(double minGap) {
        List<Integer> out = new ArrayList<>();
        for (int r = 0; r < rows.length; r++) {
            float a = Float.NEGATIVE_INFINITY, b = Float.NEGATIVE_INFINITY;
            for (float x : rows[r]) {
                if (x > a) { b = a; a = x; } else if (x > b) b = x;
            }
            if (a - b > minGap) out.add(r);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    public static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (x[off + i] > x[off + best]) best = i;
        return best;
    }

    /** Number of clear rows where ours and the reference agree on the argmax, and how many clear rows exist. */
    public int[] argmaxAgreement(float[] ours, double minGap) {
        int v = vocab(), agree = 0;
        int[] clear = clearRows(minGap);
        for (int r : clear) if (argmax(ours, r * v, v) == argmax(rows[r], 0, v)) agree++;
        return new int[]{agree, clear.length};
    }

    public static int[] readIds(Path p) throws IOException {
        String[] parts = Files.readString(p).trim().split("\\s*,\\s*");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) ids[i] = Integer.parseInt(parts[i]);
        return ids;
    }
}
