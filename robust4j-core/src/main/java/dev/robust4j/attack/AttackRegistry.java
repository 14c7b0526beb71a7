package dev.robust4j.attack;

import dev.robust4j.attack.blackbox.BoundaryAttack;
import dev.robust4j.attack.blackbox.HopSkipJump;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Makes attacks from their command-line names and kebab-case parameters, as the CLI and
 * configuration files name them: {@code pgd} with {@code eps=0.1, steps=40, step-size=0.01}.
 * Unknown names, unknown parameters and malformed values are refused with a message that names
 * them and lists what is valid.
 */
public final class AttackRegistry {

    private static final Map<String, Function<Params, EvasionAttack>> FACTORIES = new LinkedHashMap<>();

    static {
        FACTORIES.put("fgsm", p -> gradient(p, Attacks.fgsm(p.eps(Norm.LINF)), false));
        FACTORIES.put("fgm", p -> {
            Norm norm = p.norm(Norm.L2);
            return gradient(p, Attacks.fgm(norm, p.eps(norm)), true);
        });
        FACTORIES.put("bim", p -> {
            Norm norm = p.norm(Norm.LINF);
            return gradient(p, Attacks.bim(norm, p.eps(norm)), true);
        });
        FACTORIES.put("pgd", p -> {
            Norm norm = p.norm(Norm.LINF);
            return gradient(p, Attacks.pgd(norm, p.eps(norm)), true);
        });
        FACTORIES.put("boundary", AttackRegistry::boundary);
        FACTORIES.put("hop-skip-jump", AttackRegistry::hopSkipJump);
    }

    private AttackRegistry() {}

    /** @return the names of all attacks this build knows, in a stable order */
    public static List<String> names() {
        return new ArrayList<>(FACTORIES.keySet());
    }

    /**
     * Makes an attack.
     *
     * @param name the attack's name, e.g. {@code pgd}
     * @param params parameter values as strings by kebab-case name; may be empty
     * @return the attack, validated
     * @throws IllegalArgumentException for an unknown attack or parameter or a malformed value
     */
    public static EvasionAttack create(String name, Map<String, String> params) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        Function<Params, EvasionAttack> factory = FACTORIES.get(key);
        if (factory == null) {
            throw new IllegalArgumentException(
                    "unknown attack '" + name + "'; known attacks: " + String.join(", ", names()));
        }
        Params p = new Params(key, params);
        EvasionAttack attack = factory.apply(p);
        p.checkAllUsed();
        return attack;
    }

    /**
     * Default radius per norm when none is given: 0.1 in L∞ (for inputs in [0, 1]), 1.0 in L2,
     * 10 in L1.
     */
    static float defaultEps(Norm norm) {
        switch (norm) {
            case L2:
                return 1.0f;
            case L1:
                return 10f;
            default:
                return 0.1f;
        }
    }

    private static EvasionAttack gradient(Params p, GradientDescentAttack base, boolean iterative) {
        GradientDescentAttack a = base;
        if (iterative) {
            if (p.has("steps")) {
                a = a.steps(p.integer("steps"));
            }
            if (p.has("random-start")) {
                a = a.randomStart(p.bool("random-start"));
            }
            if (p.has("restarts")) {
                a = a.restarts(p.integer("restarts"));
            }
            if (p.has("early-stop")) {
                a = a.earlyStop(p.bool("early-stop"));
            }
        }
        if (p.has("step-size")) {
            a = a.stepSize(p.number("step-size"));
        }
        if (p.has("loss")) {
            a = a.loss(GradientLoss.parse(p.string("loss")));
        }
        if (p.has("seed")) {
            a = a.seed(p.longValue("seed"));
        }
        return a;
    }

    private static EvasionAttack boundary(Params p) {
        BoundaryAttack a = BoundaryAttack.create();
        if (p.has("steps")) {
            a = a.steps(p.integer("steps"));
        }
        if (p.has("max-queries")) {
            a = a.maxQueries(p.longValue("max-queries"));
        }
        if (p.has("spherical-step")) {
            a = a.sphericalStep(p.real("spherical-step"));
        }
        if (p.has("source-step")) {
            a = a.sourceStep(p.real("source-step"));
        }
        if (p.has("step-adaptation")) {
            a = a.stepAdaptation(p.real("step-adaptation"));
        }
        if (p.has("init-trials")) {
            a = a.initTrials(p.integer("init-trials"));
        }
        if (p.has("eps")) {
            a = a.eps(p.number("eps"));
        }
        if (p.has("seed")) {
            a = a.seed(p.longValue("seed"));
        }
        return a;
    }

    private static EvasionAttack hopSkipJump(Params p) {
        HopSkipJump a = HopSkipJump.l2().norm(p.norm(Norm.L2));
        if (p.has("max-iter")) {
            a = a.maxIter(p.integer("max-iter"));
        }
        if (p.has("max-queries")) {
            a = a.maxQueries(p.longValue("max-queries"));
        }
        if (p.has("init-evals")) {
            a = a.initEvals(p.integer("init-evals"));
        }
        if (p.has("max-evals")) {
            a = a.maxEvals(p.integer("max-evals"));
        }
        if (p.has("gamma")) {
            a = a.gamma(p.real("gamma"));
        }
        if (p.has("init-trials")) {
            a = a.initTrials(p.integer("init-trials"));
        }
        if (p.has("eps")) {
            a = a.eps(p.number("eps"));
        }
        if (p.has("seed")) {
            a = a.seed(p.longValue("seed"));
        }
        return a;
    }

    /** Parameter values of one attack, tracking which were used. */
    private static final class Params {
        private final String attack;
        private final Map<String, String> values = new LinkedHashMap<>();
        private final Set<String> used = new TreeSet<>();
        private final Set<String> known = new TreeSet<>();

        Params(String attack, Map<String, String> raw) {
            this.attack = attack;
            for (Map.Entry<String, String> e : raw.entrySet()) {
                values.put(e.getKey().trim().toLowerCase(Locale.ROOT), e.getValue().trim());
            }
        }

        boolean has(String key) {
            known.add(key);
            return values.containsKey(key);
        }

        String string(String key) {
            used.add(key);
            return values.get(key);
        }

        Norm norm(Norm fallback) {
            return has("norm") ? wrap("norm", () -> Norm.parse(string("norm"))) : fallback;
        }

        float eps(Norm norm) {
            return has("eps") ? number("eps") : defaultEps(norm);
        }

        float number(String key) {
            String v = string(key);
            try {
                float f = Float.parseFloat(v);
                if (!Float.isFinite(f)) {
                    throw new NumberFormatException();
                }
                return f;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "parameter " + key + " of attack " + attack + " must be a number, got '" + v + "'");
            }
        }

        double real(String key) {
            String v = string(key);
            try {
                double d = Double.parseDouble(v);
                if (!Double.isFinite(d)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "parameter " + key + " of attack " + attack + " must be a number, got '" + v + "'");
            }
        }

        int integer(String key) {
            String v = string(key);
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "parameter " + key + " of attack " + attack + " must be an integer, got '" + v + "'");
            }
        }

        long longValue(String key) {
            String v = string(key);
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "parameter " + key + " of attack " + attack + " must be an integer, got '" + v + "'");
            }
        }

        boolean bool(String key) {
            String v = string(key).toLowerCase(Locale.ROOT);
            if (v.equals("true") || v.equals("false")) {
                return Boolean.parseBoolean(v);
            }
            throw new IllegalArgumentException(
                    "parameter " + key + " of attack " + attack + " must be true or false, got '" + v + "'");
        }

        private <T> T wrap(String key, java.util.function.Supplier<T> parse) {
            try {
                return parse.get();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("parameter " + key + " of attack " + attack + ": " + e.getMessage());
            }
        }

        void checkAllUsed() {
            for (String key : values.keySet()) {
                if (!used.contains(key)) {
                    throw new IllegalArgumentException(
                            "unknown parameter '" + key + "' for attack " + attack + "; known parameters: "
                                    + String.join(", ", known));
                }
            }
        }
    }
}
