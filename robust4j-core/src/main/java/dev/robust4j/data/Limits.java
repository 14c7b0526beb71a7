package dev.robust4j.data;

import java.util.Locale;

/**
 * The resource limits that keep hostile input from exhausting memory or time: every reader checks
 * what a header declares against them before it allocates. Each limit has a documented default
 * and a system property to raise it (README, "Limits"); with the launcher, pass it through
 * {@code ROBUST4J_JAVA_OPTS}, e.g. {@code ROBUST4J_JAVA_OPTS=-Drobust4j.limit.sampleValues=50000000}.
 */
public final class Limits {

    /** System property: the most values one sample (a decoded image, a model input) may have. */
    public static final String SAMPLE_VALUES = "robust4j.limit.sampleValues";
    /** Default of {@link #SAMPLE_VALUES}: 4,194,304 = 2^22, e.g. 1×2048×2048 or 3×1182×1182. */
    public static final long DEFAULT_SAMPLE_VALUES = 1L << 22;

    /** System property: the most values one array (an NPY file, an NPZ entry, an IDX file, a dataset) may have. */
    public static final String ARRAY_VALUES = "robust4j.limit.arrayValues";
    /** Default of {@link #ARRAY_VALUES}: 268,435,456 = 2^28, 1 GiB as float32. */
    public static final long DEFAULT_ARRAY_VALUES = 1L << 28;

    /** System property: the largest configuration or metadata file read, in bytes. */
    public static final String CONFIG_BYTES = "robust4j.limit.configBytes";
    /** Default of {@link #CONFIG_BYTES}: 1 MiB. */
    public static final long DEFAULT_CONFIG_BYTES = 1L << 20;

    /** The largest array a Java array can hold, whatever the limits say. */
    static final long JAVA_ARRAY_MAX = Integer.MAX_VALUE - 8;

    private Limits() {}

    /** @return the most values one sample may have ({@value #SAMPLE_VALUES}) */
    public static long sampleValues() {
        return get(SAMPLE_VALUES, DEFAULT_SAMPLE_VALUES);
    }

    /** @return the most values one array may have ({@value #ARRAY_VALUES}), at most a Java array's size */
    public static long arrayValues() {
        return Math.min(JAVA_ARRAY_MAX, get(ARRAY_VALUES, DEFAULT_ARRAY_VALUES));
    }

    /** @return the largest configuration file, in bytes ({@value #CONFIG_BYTES}) */
    public static long configBytes() {
        return get(CONFIG_BYTES, DEFAULT_CONFIG_BYTES);
    }

    /**
     * Refuses an array that declares more values than {@link #arrayValues()}.
     *
     * @param name the source, for the message
     * @param what what is declared, e.g. {@code shape (100000, 100000) float32}
     * @param count the number of values declared
     * @throws DataFormatException naming the source, the count and the limit
     */
    public static void checkArray(String name, String what, long count) {
        long max = arrayValues();
        if (count > max) {
            throw new DataFormatException(name + ": " + what + " holds " + count + " values, more than the limit of "
                    + max + hint(ARRAY_VALUES));
        }
    }

    /**
     * Refuses a sample that has more values than {@link #sampleValues()}.
     *
     * @param name the source, for the message
     * @param what what is declared, e.g. {@code image of 12000x12000 pixels}
     * @param count the number of values
     * @throws DataFormatException naming the source, the count and the limit
     */
    public static void checkSample(String name, String what, long count) {
        long max = sampleValues();
        if (count > max) {
            throw new DataFormatException(name + ": " + what + " has " + count + " values per sample, more than the"
                    + " limit of " + max + hint(SAMPLE_VALUES));
        }
    }

    /**
     * @param property the system property that raises a limit
     * @return the clause that says how to raise it
     */
    public static String hint(String property) {
        return " (raise it with -D" + property + "=N)";
    }

    private static long get(String property, long fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim().replace("_", ""));
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "system property %s must be a positive integer, got '%s'", property, v));
    }
}
