package dev.robust4j.spark;

import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.EvasionAttack;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An attack as executors rebuild it: its registry name and its parameters as text. Attacks are
 * immutable values made from their parameters, so {@link #of} checks on the driver that the
 * rebuilt attack has exactly the parameters of the given one (seed included) before any task runs.
 *
 * @param name the attack's registry name, e.g. {@code pgd}
 * @param params its parameters as text, by kebab-case name
 */
record AttackSpec(String name, Map<String, String> params) implements Serializable {

    private static final long serialVersionUID = 1L;

    AttackSpec {
        params = new LinkedHashMap<>(params);
    }

    /**
     * The spec of an attack, checked to rebuild into the same attack.
     *
     * @param attack the attack
     * @return its spec
     * @throws IllegalArgumentException if the attack cannot be rebuilt from its parameters
     */
    static AttackSpec of(EvasionAttack attack) {
        Map<String, String> text = new TreeMap<>();
        attack.params().forEach((k, v) -> text.put(k, String.valueOf(v)));
        // params() also reports settings an attack derives or fixes (FGSM's steps=1, early-stop); the
        // registry refuses those as inputs, so they are dropped, and the check below proves the
        // rebuilt attack the same.
        AttackSpec spec;
        EvasionAttack rebuilt;
        while (true) {
            spec = new AttackSpec(attack.name(), text);
            try {
                rebuilt = spec.build();
                break;
            } catch (IllegalArgumentException e) {
                String m = String.valueOf(e.getMessage());
                String prefix = "unknown parameter '";
                int at = m.indexOf(prefix);
                int end = at < 0 ? -1 : m.indexOf('\'', at + prefix.length());
                if (at < 0 || end < 0 || text.remove(m.substring(at + prefix.length(), end)) == null) {
                    throw new IllegalArgumentException("attack " + attack.name() + " " + attack.params()
                            + " cannot be sent to Spark executors: rebuilding it from its parameters fails: " + m, e);
                }
            }
        }
        if (!rebuilt.name().equals(attack.name()) || !rebuilt.params().equals(attack.params())) {
            throw new IllegalArgumentException("attack " + attack.name() + " " + attack.params()
                    + " cannot be sent to Spark executors: rebuilt from its parameters it is " + rebuilt.name() + " "
                    + rebuilt.params());
        }
        return spec;
    }

    /** @return the attack, made by the registry */
    EvasionAttack build() {
        return AttackRegistry.create(name, params);
    }
}
