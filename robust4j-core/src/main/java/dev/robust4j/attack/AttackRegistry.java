package dev.robust4j.attack;

import dev.robust4j.attack.whitebox.DeepFool;
import dev.robust4j.attack.whitebox.FastAdaptiveBoundaryAttack;
import dev.robust4j.attack.whitebox.JacobianSaliencyMapAttack;

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
        FACTORIES.put("deepfool", AttackRegistry::deepFool);
        FACTORIES.put("jsma", AttackRegistry::jsma);
        FACTORIES.put("fab", AttackRegistry::fab);
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

    private static EvasionAttack deepFool(Params p) {
        DeepFool a = DeepFool.l2().norm(p.norm(Norm.L2));
        if (p.has("candidates")) {
            a = a.candidates(p.integer("candidates"));
        }
        if (p.has("overshoot")) {
            a = a.overshoot(p.number("overshoot"));
        }
        if (p.has("max-iter")) {
            a = a.maxIter(p.integer("max-iter"));
        }
        if (p.has("seed")) {
            // DeepFool draws no random numbers; a seed is accepted (the CLI always passes one) and ignored.
            p.longValue("seed");
        }
        return a;
    }

    private static EvasionAttack jsma(Params p) {
        JacobianSaliencyMapAttack a = JacobianSaliencyMapAttack.create();
        if (p.has("theta")) {
            a = a.theta(p.number("theta"));
        }
        if (p.has("gamma")) {
            a = a.gamma(p.number("gamma"));
        }
        if (p.has("seed")) {
            a = a.seed(p.longValue("seed"));
        }
        return a;
    }

    private static EvasionAttack fab(Params p) {
        FastAdaptiveBoundaryAttack a = FastAdaptiveBoundaryAttack.linf().norm(p.norm(Norm.LINF));
        if (p.has("variant")) {
            a = a.variant(p.wrap("variant", () -> FastAdaptiveBoundaryAttack.Variant.parse(p.string("variant"))));
        }
        if (p.has("eps")) {
            a = a.eps(p.number("eps"));
        }
        if (p.has("steps")) {
            a = a.steps(p.integer("steps"));
        }
        if (p.has("alpha-max")) {
            a = a.alphaMax(p.number("alpha-max"));
        }
        if (p.has("eta")) {
            a = a.eta(p.number("eta"));
        }
        if (p.has("beta")) {
            a = a.beta(p.number("beta"));
        }
        if (p.has("restarts")) {
            a = a.restarts(p.integer("restarts"));
        }
        if (p.has("target-classes")) {
            a = a.targetClasses(p.integer("target-classes"));
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
