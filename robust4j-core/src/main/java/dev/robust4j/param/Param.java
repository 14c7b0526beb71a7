package dev.robust4j.param;

import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One parameter of an immutable value {@code A} (an attack), declared once: its kebab-case name,
 * its type, what it means, how to read it from a value and how to set it on a copy. The value's
 * constructor stays the one place its range is checked (every wither goes through it), so a
 * declaration never restates a check.
 *
 * @param name the kebab-case name, e.g. {@code max-iter}
 * @param type how text becomes a value
 * @param doc one line: what it means, its range and default rule
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
        String name, ParamType<T> type, String doc, Function<A, ?> getter, BiFunction<A, T, A> wither,
        Predicate<A> shown) {

    /**
     * Checks the fields.
     *
     * @param name the kebab-case name, e.g. {@code max-iter}
     * @param type how text becomes a value
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
        return new Param<>(name, type, doc, getter, wither, a -> true);
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
        return new Param<>(name, ParamType.STRING, doc, getter, null, a -> true);
    }

    /**
     * @param when when the parameter applies to a value
     * @return a copy reported only where {@code when} holds
     */
    public Param<A, T> shownWhen(Predicate<A> when) {
        return new Param<>(name, type, doc, getter, wither, when);
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
        return reader.has(name) ? wither.apply(value, reader.get(name, type)) : value;
    }
}
