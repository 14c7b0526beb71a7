package dev.robust4j.defence;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a {@link DefenceSpec}'s parameters, each at most once, with messages that name the
 * defence, the key and the value; {@link #done()} refuses keys nobody read.
 */
public final class DefenceParams {

    private final DefenceSpec spec;
    private final Map<String, String> left;

    /**
     * Starts reading a spec's parameters.
     *
     * @param spec the spec
     */
    public DefenceParams(DefenceSpec spec) {
        this.spec = spec;
        this.left = new LinkedHashMap<>(spec.params());
    }

    /**
     * Removes and returns a raw value.
     *
     * @param key the parameter
     * @return its value, or {@code null} if not given
     */
    public String take(String key) {
        return left.remove(key);
    }

    /**
     * Returns the parameters not read yet, for passing on (e.g. to attacks); they count as read.
     *
     * @return the remaining parameters, in order
     */
    public Map<String, String> takeRest() {
        Map<String, String> rest = new LinkedHashMap<>(left);
        left.clear();
        return rest;
    }

    /**
     * Reads a number.
     *
     * @param key the parameter
     * @param fallback the value when not given
     * @return the value
     * @throws IllegalArgumentException naming the defence, key and value if it is not a finite number
     */
    public float number(String key, float fallback) {
        String v = left.remove(key);
        if (v == null) {
            return fallback;
        }
        try {
            float f = Float.parseFloat(v);
            if (Float.isFinite(f)) {
                return f;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("defence " + spec.name() + ": " + key + " must be a number, got '" + v + "'");
    }

    /**
     * Reads an integer.
     *
     * @param key the parameter
     * @param fallback the value when not given
     * @return the value
     * @throws IllegalArgumentException naming the defence, key and value if it is not an integer
     */
    public int integer(String key, int fallback) {
        String v = left.remove(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("defence " + spec.name() + ": " + key + " must be an integer, got '" + v + "'");
        }
    }

    /**
     * Refuses parameters nobody read.
     *
     * @throws IllegalArgumentException naming the first unknown parameter
     */
    public void done() {
        for (String key : left.keySet()) {
            throw new IllegalArgumentException("unknown parameter '" + key + "' for defence " + spec.name());
        }
    }
}
