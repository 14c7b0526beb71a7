package dev.robust4j.param;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * The values a parameter accepts, declared with it: a test, the short form help prints (e.g.
 * {@code >= 1}) and what the refusal says the value must be. The one place a range is written: the
 * registry checks a parsed value against it before setting it, and the declaring type's
 * constructor calls {@link Param#check(Object)} so Java callers meet the same check and message,
 * {@code steps must be >= 1, got 0}.
 *
 * <p>Ranges that relate two parameters (HopSkipJump's {@code max-evals >= init-evals}) are not
 * ranges of one value and stay in the constructor.
 *
 * @param <T> the value's type
 */
public final class Range<T> {

    private final String shown;
    private final String requirement;
    private final Predicate<T> test;

    private Range(String shown, String requirement, Predicate<T> test) {
        this.shown = Objects.requireNonNull(shown, "shown");
        this.requirement = Objects.requireNonNull(requirement, "requirement");
        this.test = Objects.requireNonNull(test, "test");
    }

    /**
     * A range of any form.
     *
     * @param shown how help shows it, e.g. {@code >= 2}
     * @param requirement what the value must be, completing "NAME must be ...", e.g. {@code >= 2
     *     (one pair of probes)}
     * @param test true for an accepted value
     * @param <T> the value's type
     * @return the range
     */
    public static <T> Range<T> of(String shown, String requirement, Predicate<T> test) {
        return new Range<>(shown, requirement, test);
    }

    /** @return finite and {@code > 0}: "must be a positive number" */
    public static Range<Float> positive() {
        return new Range<>("> 0", "a positive number", v -> v > 0 && Float.isFinite(v));
    }

    /** @return finite and {@code > 0}, for a {@code double}: "must be a positive number" */
    public static Range<Double> positiveDouble() {
        return new Range<>("> 0", "a positive number", v -> v > 0 && Double.isFinite(v));
    }

    /** @return finite and {@code >= 0}: "must be a finite number >= 0" */
    public static Range<Float> nonNegative() {
        return new Range<>(">= 0", "a finite number >= 0", v -> v >= 0 && Float.isFinite(v));
    }

    /** @return finite and {@code >= 0}, worded "must be finite and >= 0" (the whitebox optimisers') */
    public static Range<Float> finiteAtLeastZero() {
        return new Range<>(">= 0", "finite and >= 0", v -> v >= 0 && Float.isFinite(v));
    }

    /**
     * @param min the least value accepted
     * @return {@code >= min}: "must be >= min"
     */
    public static Range<Integer> atLeast(int min) {
        return new Range<>(">= " + min, ">= " + min, v -> v >= min);
    }

    /**
     * @param min the least value accepted
     * @return {@code >= min}, for a {@code long}: "must be >= min"
     */
    public static Range<Long> atLeastLong(long min) {
        return new Range<>(">= " + min, ">= " + min, v -> v >= min);
    }

    /**
     * An interval of {@code float}s; the message reads "must be in (0, 1]".
     *
     * @param low the lower end
     * @param lowIncluded whether {@code low} is accepted
     * @param high the upper end
     * @param highIncluded whether {@code high} is accepted
     * @return the range
     */
    public static Range<Float> interval(float low, boolean lowIncluded, float high, boolean highIncluded) {
        String text = "in " + (lowIncluded ? "[" : "(") + plain(low) + ", " + plain(high) + (highIncluded ? "]" : ")");
        return new Range<>(text, text,
                v -> (lowIncluded ? v >= low : v > low) && (highIncluded ? v <= high : v < high));
    }

    private static String plain(float v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Float.toString(v);
    }

    /** @return how help shows the range, e.g. {@code >= 1} or {@code in (0, 1]} */
    public String shown() {
        return shown;
    }

    /**
     * @param value a value
     * @return true if the range accepts it
     */
    public boolean accepts(T value) {
        return test.test(value);
    }

    /**
     * Refuses a value out of range.
     *
     * @param name the parameter's name
     * @param value the value
     * @return {@code value}
     * @throws IllegalArgumentException "NAME must be REQUIREMENT, got VALUE" if out of range
     */
    public T check(String name, T value) {
        if (!test.test(value)) {
            throw new IllegalArgumentException(name + " must be " + requirement + ", got " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return shown;
    }
}
