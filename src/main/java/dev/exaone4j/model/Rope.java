package dev.exaone4j.model;

/**
 * Rotary position embedding: inv_freq[i] = theta^(-2i/rotDim) / divisor[i] (llama3 scaling divisors or 1);
 * the angle at position p is p * inv_freq[i]. NeoX pairs j with j + rotDim/2; NORM pairs 2i with 2i+1.
 */
public final class Rope {
    private final int rotDim;
    private final RopeStyle style;
    private final double[] invFreq;

    public Rope(ModelConfig c) {
        this.rotDim = c.ropeDim;
        this.style = c.ropeStyle;
        this.invFreq = new double[rotDim / 2];
        for (int i = 0; i < invFreq.length; i++) {
            double f = Math.pow(c.ropeTheta, -2.0 * i / rotDim);
            invFreq[i] = c.ropeDivisors != null ? f / c.ropeDivisors[i] : f;
        }
    }

    /** Fills cos/sin (length rotDim/2) for position pos. */
    public void angles(int pos, float[] cos, float[] sin) {
        for (int i = 0; i < invFreq.length; i++) {
            double a = pos * invFreq[i];
            cos[i] = (float) Math.cos(a);
            sin[i] = (float) Math.sin(a);
        }
    }

    /** Rotates heads vectors of length hd starting at x[off] by the given angles. */
    public void apply(float[] x, int off, int heads, int hd, float[] cos, float[] sin) {
        int half = rotDim / 2;
        for (int h = 0; h < heads; h++) {
            int base = off + h * hd;
            if (style == RopeStyle.NEOX) {
                for (int i = 0; i < half; i++) {
                    float x0 = x[base + i], x1 = x[base + i + half];
                    x[base + i] = x0 * cos[i] - x1 * sin[i];
                    x[base + i + half] = x0 * sin[i] + x1 * cos[i];
                }
            } else {
                for (int i = 0; i < half; i++) {
                    float x0 = x[base + 2 * i], x1 = x[base + 2 * i + 1];
                    x[base + 2 * i] = x0 * cos[i] - x1 * sin[i];
                    x[base + 2 * i + 1] = x0 * sin[i] + x1 * cos[i];
                }
            }
        }
    }
}
