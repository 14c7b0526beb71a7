package dev.robust4j.param;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one reader of {@code k=v} parameters, for attacks and defences alike: typed reads whose
 * messages name the owner, the key and the value, and {@link #done()}, which refuses any key
 * nobody read. Not thread-safe; one reader per spec.
 */
public final class ParamReader {

    /**
     * Whose parameters are read: decides how messages name them.
     */
    public sealed interface Owner {

        /**
         * @param key the parameter
         * @param expected what its text should be, e.g. {@code a number}
         * @param value the text given
         * @return the message for a value of the wrong form
         */
        String malformed(String key, String expected, String value);

        /**
         * @param key the parameter
         * @param message the parser's message, naming the valid values
         * @return the message, prefixed with the parameter
         */
        String wrapped(String key, String message);

        /**
         * @param key the parameter nobody read
         * @param known the parameters that were asked for
         * @return the message
         */
        String unknown(String key, Set<String> known);
    }

    /**
     * An attack's parameters: {@code parameter eps of attack pgd must be a number, got 'x'}.
     *
     * @param name the attack's name
     */
    public record Attack(String name) implements Owner {
        @Override
        public String malformed(String key, String expected, String value) {
            return "parameter " + key + " of attack " + name + " must be " + expected + ", got '" + value + "'";
        }

        @Override
        public String wrapped(String key, String message) {
            return "parameter " + key + " of attack " + name + ": " + message;
        }

        @Override
        public String unknown(String key, Set<String> known) {
            return "unknown parameter '" + key + "' for attack " + name + "; known parameters: "
                    + String.join(", ", known);
        }
    }

    /**
     * A defence's parameters: {@code defence gaussian-noise: sigma must be a number, got 'x'}.
     *
     * @param name the defence's name
     */
    public record Defence(String name) implements Owner {
        @Override
        public String malformed(String key, String expected, String value) {
            return "defence " + name + ": " + key + " must be " + expected + ", got '" + value + "'";
        }

        @Override
        public String wrapped(String key, String message) {
            return "defence " + name + ": " + key + ": " + message;
        }

        @Override
        public String unknown(String key, Set<String> known) {
            return "unknown parameter '" + key + "' for defence " + name;
        }
    }

    private final Owner owner;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> used = new TreeSet<>();
    private final Set<String> known = new TreeSet<>();

    /**
     * Starts reading.
     *
     * @param owner whose parameters they are
     * @param raw the values by key, in order; keys are trimmed and lower-cased, values trimmed
     */
    public ParamReader(Owner owner, Map<String, String> raw) {
        this.owner = Objects.requireNonNull(owner, "owner");
        for (Map.Entry<String, String> e : raw.entrySet()) {
            values.put(e.getKey().trim().toLowerCase(Locale.ROOT), e.getValue().trim());
        }
    }

    /** @return whose parameters these are */
    public Owner owner() {
        return owner;
    }

    /**
     * Tells whether a parameter was given; asking makes it a known parameter for {@link #done()}'s
     * message.
     *
     * @param key the parameter
     * @return true if given
     */
    public boolean has(String key) {
        known.add(key);
        return values.containsKey(key);
    }

    /**
     * Reads a given parameter's value.
     *
     * @param key the parameter
     * @param type its type
     * @param <T> the value's type
     * @return the value
     * @throws IllegalArgumentException if it is not given or does not parse
     */
    public <T> T get(String key, ParamType<T> type) {
        String v = take(key);
        if (v == null) {
            throw new IllegalArgumentException(owner.malformed(key, type.name(), ""));
        }
        return type.parse(v, owner, key);
    }

    /**
     * Reads a parameter, or returns a fallback when it is not given.
     *
     * @param key the parameter
     * @param type its type
     * @param fallback the value when not given
     * @param <T> the value's type
     * @return the value
     * @throws IllegalArgumentException if it does not parse
     */
    public <T> T get(String key, ParamType<T> type, T fallback) {
        return has(key) ? get(key, type) : fallback;
    }

    /**
     * Reads a number ({@link ParamType#FLOAT}).
     *
     * @param key the parameter
     * @param fallback the value when not given
     * @return the value
     */
    public float number(String key, float fallback) {
        return get(key, ParamType.FLOAT, fallback);
    }

    /**
     * Reads an integer ({@link ParamType#INT}).
     *
     * @param key the parameter
     * @param fallback the value when not given
     * @return the value
     */
    public int integer(String key, int fallback) {
        return get(key, ParamType.INT, fallback);
    }

    /**
     * Returns a raw value, marking it read.
     *
     * @param key the parameter
     * @return its text, or {@code null} if not given
     */
    public String take(String key) {
        known.add(key);
        String v = values.get(key);
        if (v != null) {
            used.add(key);
        }
        return v;
    }

    /**
     * Returns the parameters not read yet, in order, for passing on (to an inner attack); they
     * count as read.
     *
     * @return the remaining parameters
     */
    public Map<String, String> takeRest() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (used.add(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /**
     * Refuses parameters nobody read.
     *
     * @throws IllegalArgumentException naming the first unknown parameter
     */
    public void done() {
        for (String key : values.keySet()) {
            if (!used.contains(key)) {
                throw new IllegalArgumentException(owner.unknown(key, known));
            }
        }
    }
}
