package dev.robust4j.attack;

import dev.robust4j.attack.blackbox.BoundaryAttack;
import dev.robust4j.attack.blackbox.HopSkipJump;
import dev.robust4j.attack.blackbox.TransferAttack;
import dev.robust4j.model.Classifier;
import dev.robust4j.attack.whitebox.BoxConstrainedLbfgs;
import dev.robust4j.attack.whitebox.CarliniWagnerL2;
import dev.robust4j.attack.whitebox.CarliniWagnerLinf;
import dev.robust4j.attack.whitebox.DeepFool;
import dev.robust4j.attack.whitebox.AutoAttack;
import dev.robust4j.attack.whitebox.AutoPgd;
import dev.robust4j.attack.whitebox.ElasticNetAttack;
import dev.robust4j.attack.whitebox.FastAdaptiveBoundaryAttack;
import dev.robust4j.attack.whitebox.JacobianSaliencyMapAttack;

import dev.robust4j.attack.blackbox.OnePixelAttack;
import dev.robust4j.attack.blackbox.SimBA;
import dev.robust4j.attack.blackbox.SquareAttack;
import dev.robust4j.attack.blackbox.ZooAttack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Makes attacks from their command-line names and kebab-case parameters, as the CLI and
 * configuration files name them: {@code pgd} with {@code eps=0.1, steps=40, step-size=0.01}.
 * Unknown names, unknown parameters and malformed values are refused with a message that names
 * them and lists what is valid.
 *
 * <p>{@code transfer} is a meta-attack: {@code surrogate=PATH} names the model to craft on,
 * {@code attack=NAME} the inner attack (default {@code pgd}), and every other parameter is the
 * inner attack's. The registry never loads files itself: the surrogate is loaded by the
 * {@link ModelLoader} its caller passes to {@link #create(String, Map, ModelLoader)}, because only
 * the caller knows the input shape and bounds to load with, and owns the loaded model's lifetime.
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
        FACTORIES.put("mim", p -> {
            Norm norm = p.norm(Norm.LINF);
            GradientDescentAttack a = Attacks.mim(norm, p.eps(norm));
            if (p.has("decay")) {
                a = a.decay(p.number("decay"));
            }
            return gradient(p, a, true);
        });
        FACTORIES.put("apgd-ce", p -> autoPgd(p, AutoPgd.Loss.CE));
        FACTORIES.put("apgd-dlr", p -> autoPgd(p, AutoPgd.Loss.DLR));
        FACTORIES.put("apgd-t", p -> autoPgd(p, AutoPgd.Loss.TARGETED_DLR));
        FACTORIES.put("auto-attack", p -> {
            Norm norm = p.norm(Norm.LINF);
            AutoAttack a = AutoAttack.standard(norm, p.eps(norm));
            if (p.has("version")) {
                a = a.version(p.string("version"));
            }
            if (p.has("steps")) {
                a = a.steps(p.integer("steps"));
            }
            if (p.has("square-queries")) {
                a = a.squareQueries(p.integer("square-queries"));
            }
            if (p.has("seed")) {
                a = a.seed(p.longValue("seed"));
            }
            return a;
        });
        FACTORIES.put("transfer", AttackRegistry::transfer);
        FACTORIES.put("cw-l2", AttackRegistry::cwL2);
        FACTORIES.put("cw-linf", AttackRegistry::cwLinf);
        FACTORIES.put("ead", AttackRegistry::ead);
        FACTORIES.put("lbfgs", AttackRegistry::lbfgs);
        FACTORIES.put("deepfool", AttackRegistry::deepFool);
        FACTORIES.put("jsma", AttackRegistry::jsma);
        FACTORIES.put("fab", AttackRegistry::fab);
        FACTORIES.put("square", AttackRegistry::square);
        FACTORIES.put("simba", AttackRegistry::simba);
        FACTORIES.put("zoo", AttackRegistry::zoo);
        FACTORIES.put("one-pixel", AttackRegistry::onePixel);
        FACTORIES.put("boundary", AttackRegistry::boundary);
        FACTORIES.put("hop-skip-jump", AttackRegistry::hopSkipJump);
    }

    /**
     * Loads the models that attack parameters name by path: the surrogate of {@code transfer}.
     * Attacks never load files; the caller of {@link #create(String, Map, ModelLoader)} supplies
     * the loader (the command line loads with the data's input shape and the model's bounds), owns
     * every model it loads and closes them after the attack's last use.
     */
    @FunctionalInterface
    public interface ModelLoader {
        /**
         * Loads a model.
         *
         * @param path the path as given in the parameter
         * @return the model
         * @throws IllegalArgumentException if it cannot be loaded
         */
        Classifier load(String path);
    }

    /** The loader of {@link #create(String, Map)}: refuses, naming the way to supply one. */
    private static final ModelLoader NO_LOADER = path -> {
        throw new IllegalArgumentException(
                "attack transfer loads its surrogate model " + path + ": make it with AttackRegistry.create(name,"
                        + " params, loader) or TransferAttack.of(surrogate, attack)");
    };

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
        return create(name, params, NO_LOADER);
    }

    /**
     * Makes an attack whose parameters may name models by path ({@code transfer}'s
     * {@code surrogate}).
     *
     * @param name the attack's name, e.g. {@code transfer}
     * @param params parameter values as strings by kebab-case name; may be empty
     * @param loader loads the models named by parameters; the caller owns and closes what it loads
     * @return the attack, validated
     * @throws IllegalArgumentException for an unknown attack or parameter, a malformed value, or a
     *     model that cannot be loaded or used
     */
    public static EvasionAttack create(String name, Map<String, String> params, ModelLoader loader) {
        Objects.requireNonNull(loader, "loader");
        String key = name.trim().toLowerCase(Locale.ROOT);
        Function<Params, EvasionAttack> factory = FACTORIES.get(key);
        if (factory == null) {
            throw new IllegalArgumentException(
                    "unknown attack '" + name + "'; known attacks: " + String.join(", ", names()));
        }
        Params p = new Params(key, params, loader);
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

    /**
     * {@code transfer}: {@code surrogate=PATH} (required), {@code attack=NAME} (default
     * {@code pgd}); every other parameter goes to the inner attack.
     */
    private static EvasionAttack transfer(Params p) {
        String inner = p.has("attack") ? p.string("attack").toLowerCase(Locale.ROOT) : "pgd";
        if (inner.equals("transfer")) {
            throw new IllegalArgumentException("parameter attack of attack transfer must name another attack, got transfer");
        }
        if (!p.has("surrogate")) {
            throw new IllegalArgumentException(
                    "attack transfer needs parameter surrogate=PATH: a model with gradients to craft on (TorchScript"
                            + " .pt or a model directory)");
        }
        String path = p.string("surrogate");
        Map<String, String> rest = p.rest();
        EvasionAttack attack;
        try {
            attack = create(inner, rest, p.loader);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("attack transfer: " + e.getMessage(), e);
        }
        Classifier surrogate = p.loader.load(path);
        return TransferAttack.of(surrogate, attack);
    }

    private static EvasionAttack autoPgd(Params p, AutoPgd.Loss loss) {
        Norm norm = p.norm(Norm.LINF);
        AutoPgd a = AutoPgd.ce(norm, p.eps(norm)).loss(loss);
        if (p.has("steps")) {
            a = a.steps(p.integer("steps"));
        }
        if (p.has("restarts")) {
            a = a.restarts(p.integer("restarts"));
        }
        if (p.has("rho")) {
            a = a.rho(p.number("rho"));
        }
        if (loss == AutoPgd.Loss.TARGETED_DLR && p.has("target-classes")) {
            a = a.targetClasses(p.integer("target-classes"));
        }
        if (p.has("seed")) {
            a = a.seed(p.longValue("seed"));
        }
        return a;
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

    private static EvasionAttack cwL2(Params p) {
        CarliniWagnerL2 a = Attacks.cwL2();
        if (p.has("confidence")) {
            a = a.confidence(p.number("confidence"));
        }
        if (p.has("learning-rate")) {
            a = a.learningRate(p.number("learning-rate"));
        }
        if (p.has("binary-search-steps")) {
            a = a.binarySearchSteps(p.integer("binary-search-steps"));
        }
        if (p.has("max-iter")) {
            a = a.maxIter(p.integer("max-iter"));
        }
        if (p.has("initial-const")) {
            a = a.initialConst(p.number("initial-const"));
        }
        if (p.has("abort-early")) {
            a = a.abortEarly(p.bool("abort-early"));
        }
        if (p.has("seed")) {
            a = a.seed(p.longValue("seed"));
        }
        return a;
    }

    private static EvasionAttack cwLinf(Params p) {
        CarliniWagnerLinf a = Attacks.cwLinf(p.eps(Norm.LINF));
        if (p.has("confidence")) {
            a = a.confidence(p.number("confidence"));
        }
        if (p.has("binary-search-steps")) {
            a = a.binarySearchSteps(p.integer("binary-search-steps"));
        }
        if (p.has("max-iter")) {
            a = a.maxIter(p.integer("max-iter"));
        }
        if (p.has("seed")) {
            a = a.seed(p.longValue("seed"));
        }
        return a;
    }

    private static EvasionAttack ead(Params p) {
        ElasticNetAttack a = Attacks.ead();
        if (p.has("beta")) {
            a = a.beta(p.number("beta"));
        }
        if (p.has("decision-rule")) {
            a = a.decisionRule(p.wrap("decision-rule", () -> ElasticNetAttack.DecisionRule.parse(p.string("decision-rule"))));
        }
        if (p.has("confidence")) {
            a = a.confidence(p.number("confidence"));
        }
        if (p.has("learning-rate")) {
            a = a.learningRate(p.number("learning-rate"));
        }
        if (p.has("binary-search-steps")) {
            a = a.binarySearchSteps(p.integer("binary-search-steps"));
        }
        if (p.has("max-iter")) {
            a = a.maxIter(p.integer("max-iter"));
        }
        if (p.has("initial-const")) {
            a = a.initialConst(p.number("initial-const"));
        }
        if (p.has("abort-early")) {
            a = a.abortEarly(p.bool("abort-early"));
        }
        if (p.has("seed")) {
            a = a.seed(p.longValue("seed"));
        }
        return a;
    }

    private static EvasionAttack lbfgs(Params p) {
        BoxConstrainedLbfgs a = Attacks.lbfgs();
        if (p.has("initial-const")) {
            a = a.initialConst(p.number("initial-const"));
        }
        if (p.has("binary-search-steps")) {
            a = a.binarySearchSteps(p.integer("binary-search-steps"));
        }
        if (p.has("max-iter")) {
            a = a.maxIter(p.integer("max-iter"));
        }
        if (p.has("history")) {
            a = a.history(p.integer("history"));
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

    private static EvasionAttack square(Params p) {
        Norm norm = p.norm(Norm.LINF);
        SquareAttack a = SquareAttack.linf(p.eps(norm)).norm(norm);
        if (p.has("max-queries")) {
            a = a.maxQueries(p.integer("max-queries"));
        }
        if (p.has("p-init")) {
            a = a.pInit(p.number("p-init"));
        }
        if (p.has("seed")) {
            a = a.seed(p.longValue("seed"));
        }
        return a;
    }

    private static EvasionAttack simba(Params p) {
        SimBA a = SimBA.dct();
        if (p.has("basis")) {
            a = a.basis(p.wrap("basis", () -> SimBA.Basis.parse(p.string("basis"))));
        }
        if (p.has("epsilon")) {
            a = a.epsilon(p.number("epsilon"));
        }
        if (p.has("max-queries")) {
            a = a.maxQueries(p.integer("max-queries"));
        }
        if (p.has("freq-dims")) {
            a = a.freqDims(p.integer("freq-dims"));
        }
        if (p.has("stride")) {
            a = a.stride(p.integer("stride"));
        }
        if (p.has("seed")) {
            a = a.seed(p.longValue("seed"));
        }
        return a;
    }

    private static EvasionAttack zoo(Params p) {
        ZooAttack a = ZooAttack.create();
        if (p.has("max-iter")) {
            a = a.maxIter(p.integer("max-iter"));
        }
        if (p.has("learning-rate")) {
            a = a.learningRate(p.number("learning-rate"));
        }
        if (p.has("confidence")) {
            a = a.confidence(p.number("confidence"));
        }
        if (p.has("initial-const")) {
            a = a.initialConst(p.number("initial-const"));
        }
        if (p.has("binary-search-steps")) {
            a = a.binarySearchSteps(p.integer("binary-search-steps"));
        }
        if (p.has("nb-parallel")) {
            a = a.nbParallel(p.integer("nb-parallel"));
        }
        if (p.has("max-queries")) {
            a = a.maxQueries(p.integer("max-queries"));
        }
        if (p.has("seed")) {
            a = a.seed(p.longValue("seed"));
        }
        return a;
    }

    private static EvasionAttack onePixel(Params p) {
        OnePixelAttack a = OnePixelAttack.create();
        if (p.has("pixels")) {
            a = a.pixels(p.integer("pixels"));
        }
        if (p.has("population")) {
            a = a.population(p.integer("population"));
        }
        if (p.has("max-iter")) {
            a = a.maxIter(p.integer("max-iter"));
        }
        if (p.has("crossover")) {
            a = a.crossover(p.number("crossover"));
        }
        if (p.has("max-queries")) {
            a = a.maxQueries(p.integer("max-queries"));
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
        private final ModelLoader loader;

        Params(String attack, Map<String, String> raw, ModelLoader loader) {
            this.attack = attack;
            this.loader = loader;
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

        /** Takes every parameter not used yet, marking it used: for an inner attack. */
        Map<String, String> rest() {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : values.entrySet()) {
                if (used.add(e.getKey())) {
                    out.put(e.getKey(), e.getValue());
                }
            }
            return out;
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
