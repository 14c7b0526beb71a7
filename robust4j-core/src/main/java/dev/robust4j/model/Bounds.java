package dev.robust4j.model;

/**
 * The closed interval every input feature of a model must lie in, for example {@code [0, 1]} for
 * images scaled to unit range.
 *
 * @param min the smallest valid feature value
 * @param max the largest valid feature value
 */
public record Bounds(float min, float max) {

    /** The unit interval {@code [0, 1]}, the default bounds of every model. */
    public static final Bounds UNIT = new Bounds(0f, 1f);

    /**
     * Validates the interval.
     *
     * @param min the smallest valid feature value
     * @param max the largest valid feature value
     * @throws IllegalArgumentException if a bound is not finite or {@code min >= max}
     */
    public Bounds {
        if (!Float.isFinite(min) || !Float.isFinite(max) || min >= max) {
            throw new IllegalArgumentException(
                    "bounds must be finite with min < max, got [" + min + ", " + max + "]");
        }
    }

    /**
     * Returns the width of the interval.
     *
     * @return {@code max - min}
     */
    public float width() {
        return max - min;
    }

    /**
     * Tells whether a value lies inside the interval, allowing a small tolerance.
     *
     * @param value the value to test
     * @param tolerance how far outside the interval still counts as inside
     * @return true if {@code min - tolerance <= value <= max + tolerance}
     */
    public boolean contains(float value, float tolerance) {
        return value >= min - tolerance && value <= max + tolerance;
    }

    @Override
    public String toString() {
        return "[" + min + ", " + max + "]";
    }
}
