package dev.robust4j.defence;

import dev.robust4j.param.ParamReader;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed {@code name[:k=v,k=v...]} specification, as the command line writes defences (and
 * attacks in configuration): {@code adversarial-training:attack=pgd,eps=0.1,ratio=1}.
 *
 * @param name the lower-case name
 * @param params the parameters in order, keys lower-case
 */
public record DefenceSpec(String name, Map<String, String> params) {

    /**
     * Parses a spec.
     *
     * @param text e.g. {@code label-smoothing:max-value=0.9}
     * @return the spec
     * @throws IllegalArgumentException naming the spec if it is malformed
     */
    public static DefenceSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty spec; expected name[:k=v,k=v...]");
        }
        String t = text.trim();
        int colon = t.indexOf(':');
        String name = (colon < 0 ? t : t.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("spec '" + text + "' has no name; expected name[:k=v,k=v...]");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (colon >= 0) {
            String rest = t.substring(colon + 1);
            if (!rest.isBlank()) {
                for (String part : rest.split(",")) {
                    int eq = part.indexOf('=');
                    if (eq <= 0 || eq == part.length() - 1) {
                        throw new IllegalArgumentException(
                                "spec '" + text + "': '" + part + "' is not k=v; expected name[:k=v,k=v...]");
                    }
                    String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                    if (params.put(key, part.substring(eq + 1).trim()) != null) {
                        throw new IllegalArgumentException("spec '" + text + "' sets " + key + " twice");
                    }
                }
            }
        }
        return new DefenceSpec(name, Collections.unmodifiableMap(params));
    }

    /**
     * Starts reading the parameters, each at most once, with messages that name the defence, the
     * key and the value; {@link ParamReader#done()} refuses keys nobody read. The same reader
     * as attacks' parameters.
     *
     * @return the reader
     */
    public ParamReader reader() {
        return new ParamReader(new ParamReader.Defence(name), params);
    }

    @Override
    public String toString() {
        if (params.isEmpty()) {
            return name;
        }
        StringBuilder b = new StringBuilder(name).append(':');
        boolean first = true;
        for (Map.Entry<String, String> e : params.entrySet()) {
            b.append(first ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
            first = false;
        }
        return b.toString();
    }
}
