package dev.robust4j.metric;

import java.util.Arrays;

/** Small descriptive statistics over float values, NaN when there are none. */
public final class Stats {

    private Stats() {}

    /**
     * @param values the values
     * @param mask which values count, or {@code null} for all
     * @return the selected values
     */
    public static float[] select(float[] values, boolean[] mask) {
        if (mask == null) {
            return values.clone();
        }
        int n = 0;
        for (boolean b : mask) {
            if (b) {
                n++;
            }
        }
        float[] out = new float[n];
        int j = 0;
        for (int i = 0; i < values.length; i++) {
            if (mask[i]) {
                out[j++] = values[i];
            }
        }
        return out;
    }

    /**
     * @param values the sample
     * @return the arithmetic mean, NaN for no values
     */
    public static double mean(float[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /**
     * @param values the sample; not modified (the median is taken on a sorted copy)
     * @return the median (mean of the two middle values for an even count), NaN for no values
     */
    public static double median(float[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        float[] s = values.clone();
        Arrays.sort(s);
        int mid = s.length / 2;
        return s.length % 2 == 1 ? s[mid] : (s[mid - 1] + (double) s[mid]) / 2;
    }

    /**
     * @param values the sample
     * @return the largest value, NaN for no values
     */
    public static double max(float[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        float m = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    /**
     * @param flags one flag per sample, e.g. whether the attack succeeded on it
     * @param mask which samples count (same length as {@code flags}), or {@code null} for all
     * @return the fraction of true flags among those selected by the mask, NaN if none selected
     */
    public static double fraction(boolean[] flags, boolean[] mask) {
        int n = 0;
        int hits = 0;
        for (int i = 0; i < flags.length; i++) {
            if (mask == null || mask[i]) {
                n++;
                if (flags[i]) {
                    hits++;
                }
            }
        }
        return n == 0 ? Double.NaN : hits / (double) n;
    }
}
