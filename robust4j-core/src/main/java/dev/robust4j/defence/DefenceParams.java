package dev.robust4j.defence;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a {@link DefenceSpec}'s parameters, each at most once, with messages that name the
 * defence, the key and the value; {@link #done()} refuses keys nobody read.
 */
final class DefenceParams {

    private final DefenceSpec spec;
    private final Map<String, String> left;

    DefenceParams(DefenceSpec spec) {
        this.spec = spec;
        this.left = new LinkedHashMap<>(spec.params());
    }

    /** Removes and returns a raw value, or null. */
    String take(String key) {
        return left.remove(key);
    }

    /** The remaining parameters, for passing on (e.g. to attacks); they count as read. */
    Map<String, String> takeRest() {
        Map<String, String> rest = new LinkedHashMap<>(left);
        left.clear();
        return rest;
    }

    float number(String key, float fallback) {
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

    int integer(String key, int fallback) {
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

    void done() {
        for (String key : left.keySet()) {
            throw new IllegalArgumentException("unknown parameter '" + key + "' for defence " + spec.name());
        }
    }
}
