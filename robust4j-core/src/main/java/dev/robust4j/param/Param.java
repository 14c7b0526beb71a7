package dev.robust4j.param;

import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One parameter of an immutable value {@code A} (an attack), declared once: its kebab-case name,
 * its type, the values it accepts, what it means, how to read it from a value and how to set it on
 * a copy. The range is declared here and nowhere else: the registry checks a parsed value against
 * it before the wither, help prints it, and the declaring type's constructor calls
 * {@link #check(Object)} so a Java caller gets the same refusal.
 *
 * @param name the kebab-case name, e.g. {@code max-iter}
 * @param type how text becomes a value
 * @param range the values accepted, or {@code null} for any value of the type
 * @param doc one line: what it means and its default rule (help appends the range)
 * @param getter the value reported in {@code params()} and JSON (e.g. the effective step size, a
 *     norm's command-line name); {@code null} from it leaves the parameter out
 * @param wither returns a copy with the parameter set; {@code null} for a parameter only the Java
 *     API can set (an array of starting points), which the registry refuses
 * @param shown when the parameter applies to a value (e.g. {@code target-classes} only to the
 *     targeted variant); where it does not, {@code params()} leaves it out
 * @param <A> the declaring type
 * @param <T> the parameter's type
 */
public record Param<A, T>(
        String name, ParamType<T> type, Range<T> range, String doc, Function<A, ?> getter, BiFunction<A, T, A> wither,
        Predicate<A> shown) {

    /**
     * Checks the fields.
     *
     * @param name the kebab-case name, e.g. {@code max-iter}
     * @param type how text becomes a value
     * @param range the values accepted, or {@code null}
     * @param doc one line: what it means
     * @param getter the reported value
     * @param wither sets it on a copy, or {@code null} for a Java-only parameter
     * @param shown when the parameter applies
     */
    public Param {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(doc, "doc");
        Objects.requireNonNull(getter, "getter");
        Objects.requireNonNull(shown, "shown");
    }

    /**
     * Declares a parameter.
     *
     * @param name the kebab-case name
     * @param type its type
     * @param doc what it means
     * @param getter the reported value
     * @param wither sets it on a copy
     * @param <A> the declaring type
     * @param <T> the parameter's type
     * @return the declaration
     */
    public static <A, T> Param<A, T> of(
            String name, ParamType<T> type, String doc, Function<A, ?> getter, BiFunction<A, T, A> wither) {
        return new Param<>(name, type, null, doc, getter, wither, a -> true);
    }

    /**
     * Declares a parameter with a range.
     *
     * @param name the kebab-case name
     * @param type its type
     * @param range the values it accepts
     * @param doc what it means
     * @param getter the reported value
     * @param wither sets it on a copy
     * @param <A> the declaring type
     * @param <T> the parameter's type
     * @return the declaration
     */
    public static <A, T> Param<A, T> of(
            String name, ParamType<T> type, Range<T> range, String doc, Function<A, ?> getter,
            BiFunction<A, T, A> wither) {
        return new Param<>(name, type, Objects.requireNonNull(range, "range"), doc, getter, wither, a -> true);
    }

    /**
     * Declares a parameter only the Java API sets (reported, never parsed).
     *
     * @param name the kebab-case name
     * @param doc what it means and which method sets it
     * @param getter the reported value, {@code null} when unset
     * @param <A> the declaring type
     * @return the declaration
     */
    public static <A> Param<A, String> javaOnly(String name, String doc, Function<A, ?> getter) {
        return new Param<>(name, ParamType.STRING, null, doc, getter, null, a -> true);
    }

    /**
     * @param when when the parameter applies to a value
     * @return a copy reported only where {@code when} holds
     */
    public Param<A, T> shownWhen(Predicate<A> when) {
        return new Param<>(name, type, range, doc, getter, wither, when);
    }

    /**
     * @param accepted the values the parameter accepts
     * @return a copy that checks them
     */
    public Param<A, T> within(Range<T> accepted) {
        return new Param<>(name, type, Objects.requireNonNull(accepted, "accepted"), doc, getter, wither, shown);
    }

    /**
     * Checks a value against the declared range: what the declaring type's constructor calls, so
     * the Java API and the registry refuse alike.
     *
     * @param value the value; {@code null} (unset, e.g. a step size left to its default rule) passes
     * @return {@code value}
     * @throws IllegalArgumentException "NAME must be ..., got VALUE" if out of range
     */
    public T check(T value) {
        return range == null || value == null ? value : range.check(name, value);
    }

    /** @return the doc followed by the range, as help prints it */
    public String described() {
        return range == null ? doc : doc + "; " + range.shown();
    }

    /** @return true if the registry can set it from text */
    public boolean settable() {
        return wither != null;
    }

    /**
     * Reads the parameter, if given, and sets it on a copy.
     *
     * @param value the value to start from
     * @param reader the given parameters
     * @return the copy, or {@code value} itself if the parameter is not given
     */
    A apply(A value, ParamReader reader) {
        return reader.has(name) ? wither.apply(value, check(reader.get(name, type))) : value;
    }
}
