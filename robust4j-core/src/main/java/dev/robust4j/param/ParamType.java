package dev.robust4j.param;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * How a parameter's text becomes a value. Two kinds:
 *
 * <ul>
 *   <li>a scalar with an expected form ({@link #FLOAT}, {@link #INT}, ...): text that does not
 *       parse is refused by the reader as "must be {@code expected}, got 'text'";</li>
 *   <li>a {@link #choice(String, Function) choice}, parsed by a function that throws an
 *       {@link IllegalArgumentException} naming the valid values, e.g. {@code Norm::parse}; the
 *       reader prefixes its message with the parameter and its owner.</li>
 * </ul>
 *
 * @param <T> the value's type
 */
public final class ParamType<T> {

    /** A finite {@code float}. */
    public static final ParamType<Float> FLOAT = scalar("float", "a number", s -> {
        float f = Float.parseFloat(s);
        return Float.isFinite(f) ? f : null;
    });
    /** A finite {@code double}. */
    public static final ParamType<Double> DOUBLE = scalar("double", "a number", s -> {
        double d = Double.parseDouble(s);
        return Double.isFinite(d) ? d : null;
    });
    /** An {@code int}. */
    public static final ParamType<Integer> INT = scalar("int", "an integer", Integer::parseInt);
    /** A {@code long}. */
    public static final ParamType<Long> LONG = scalar("long", "an integer", Long::parseLong);
    /** {@code true} or {@code false}, any case. */
    public static final ParamType<Boolean> BOOLEAN = new ParamType<>("boolean", "true or false", s -> {
        String v = s.toLowerCase(Locale.ROOT);
        return v.equals("true") || v.equals("false") ? Boolean.valueOf(v) : null;
    }, true, false);
    /** Any text; checks, if any, are the wither's. */
    public static final ParamType<String> STRING = scalar("string", "text", s -> s);

    private final String name;
    private final String expected;
    private final Function<String, T> parser;
    private final boolean lowerCase;
    private final boolean choice;

    private ParamType(String name, String expected, Function<String, T> parser, boolean lowerCase, boolean choice) {
        this.name = Objects.requireNonNull(name, "name");
        this.expected = expected;
        this.parser = Objects.requireNonNull(parser, "parser");
        this.lowerCase = lowerCase;
        this.choice = choice;
    }

    private static <T> ParamType<T> scalar(String name, String expected, Function<String, T> parser) {
        return new ParamType<>(name, expected, s -> {
            try {
                return parser.apply(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }, false, false);
    }

    /**
     * A value from a fixed set, parsed by a function whose exception names the valid values.
     *
     * @param name how help shows the type, e.g. {@code linf|l2|l1}
     * @param parser parses the text or throws {@link IllegalArgumentException}
     * @param <T> the value's type
     * @return the type
     */
    public static <T> ParamType<T> choice(String name, Function<String, T> parser) {
        return new ParamType<>(name, null, parser, false, true);
    }

    /** @return how help shows the type, e.g. {@code int} or {@code linf|l2|l1} */
    public String name() {
        return name;
    }

    /**
     * Parses a value.
     *
     * @param text the text, trimmed
     * @param owner whose parameter it is, for messages
     * @param key the parameter's name, for messages
     * @return the value
     * @throws IllegalArgumentException naming owner, key and text if the text does not parse
     */
    T parse(String text, ParamReader.Owner owner, String key) {
        String v = lowerCase ? text.toLowerCase(Locale.ROOT) : text;
        if (choice) {
            try {
                return parser.apply(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(owner.wrapped(key, e.getMessage()), e);
            }
        }
        T value = parser.apply(v);
        if (value == null) {
            throw new IllegalArgumentException(owner.malformed(key, expected, v));
        }
        return value;
    }

    @Override
    public String toString() {
        return name;
    }
}
