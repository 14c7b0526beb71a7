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

import dev.robust4j.transform.TransformSpec;

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
            a = p.number(a, "decay", (x, v) -> x.decay(v));
            return gradient(p, a, true);
        });
        FACTORIES.put("apgd-ce", p -> autoPgd(p, AutoPgd.Loss.CE));
        FACTORIES.put("apgd-dlr", p -> autoPgd(p, AutoPgd.Loss.DLR));
        FACTORIES.put("apgd-t", p -> autoPgd(p, AutoPgd.Loss.TARGETED_DLR));
        FACTORIES.put("auto-attack", p -> {
            Norm norm = p.norm(Norm.LINF);
            AutoAttack a = AutoAttack.standard(norm, p.eps(norm));
            a = p.string(a, "version", (x, v) -> x.version(v));
            a = p.integer(a, "steps", (x, v) -> x.steps(v));
            a = p.integer(a, "square-queries", (x, v) -> x.squareQueries(v));
            a = p.longValue(a, "seed", (x, v) -> x.seed(v));
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

    /** The name of PGD under Expectation over Transformation. */
    public static final String EOT_PGD = "eot-pgd";

    /** The parameter that turns any gradient attack into its Expectation-over-Transformation form. */
    public static final String EOT_SAMPLES = "eot-samples";

    /** @return the names of all attacks this build knows, in a stable order */
    public static List<String> names() {
        List<String> names = new ArrayList<>(FACTORIES.keySet());
        names.add(names.indexOf("mim") + 1, EOT_PGD);
        return names;
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
        if (key.equals(EOT_PGD) || params.keySet().stream().anyMatch(k -> k.trim().equalsIgnoreCase(EOT_SAMPLES))) {
            return eot(key, params, loader);
        }
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
     * Expectation over Transformation: {@code eot-pgd}, or any gradient attack given
     * {@code eot-samples=N}. The transformation parameters ({@link TransformSpec#NAMES}) and
     * {@code eot-samples} (default 8) and {@code eot-seed} (default: the inner attack's {@code seed})
     * are taken here; every other parameter goes to the inner attack. {@code eot-pgd} is PGD with
     * early stop off unless {@code early-stop} is given.
     */
    private static EvasionAttack eot(String key, Map<String, String> params, ModelLoader loader) {
        Map<String, String> transform = new LinkedHashMap<>();
        Map<String, String> rest = new LinkedHashMap<>();
        String samples = null;
        String eotSeed = null;
        for (Map.Entry<String, String> e : params.entrySet()) {
            String k = e.getKey().trim().toLowerCase(Locale.ROOT);
            if (k.equals(EOT_SAMPLES)) {
                samples = e.getValue().trim();
            } else if (k.equals("eot-seed")) {
                eotSeed = e.getValue().trim();
            } else if (TransformSpec.NAMES.contains(k)) {
                transform.put(k, e.getValue());
            } else {
                rest.put(k, e.getValue());
            }
        }
        String inner = key.equals(EOT_PGD) ? "pgd" : key;
        if (inner.equals("transfer")) {
            throw new IllegalArgumentException("eot-samples applies to gradient attacks run on the model itself, not"
                    + " to transfer");
        }
        if (key.equals(EOT_PGD)) {
            rest.putIfAbsent("early-stop", "false");
        }
        int n = 8;
        if (samples != null) {
            try {
                n = Integer.parseInt(samples);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "parameter eot-samples of attack " + key + " must be an integer, got '" + samples + "'");
            }
        }
        // the draws' seed: eot-seed, else the inner attack's seed, else 0
        String seedText = eotSeed != null ? eotSeed : rest.get("seed");
        String seedName = eotSeed != null ? "eot-seed" : "seed";
        long seed = 0;
        if (seedText != null) {
            try {
                seed = Long.parseLong(seedText.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "parameter " + seedName + " of attack " + key + " must be an integer, got '" + seedText + "'");
            }
        }
        TransformSpec spec;
        try {
            spec = TransformSpec.of(transform);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("attack " + key + ": " + e.getMessage(), e);
        }
        EvasionAttack attack = create(inner, rest, loader);
        try {
            return ExpectationOverTransformation.of(attack, spec, n, seed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("attack " + key + ": " + e.getMessage(), e);
        }
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
        a = p.integer(a, "steps", (x, v) -> x.steps(v));
        a = p.integer(a, "restarts", (x, v) -> x.restarts(v));
        a = p.number(a, "rho", (x, v) -> x.rho(v));
        if (loss == AutoPgd.Loss.TARGETED_DLR && p.has("target-classes")) {
            a = a.targetClasses(p.integer("target-classes"));
        }
        a = p.longValue(a, "seed", (x, v) -> x.seed(v));
        return a;
    }

    private static EvasionAttack gradient(Params p, GradientDescentAttack base, boolean iterative) {
        GradientDescentAttack a = base;
        if (iterative) {
            a = p.integer(a, "steps", (x, v) -> x.steps(v));
            a = p.bool(a, "random-start", (x, v) -> x.randomStart(v));
            a = p.integer(a, "restarts", (x, v) -> x.restarts(v));
            a = p.bool(a, "early-stop", (x, v) -> x.earlyStop(v));
        }
        a = p.number(a, "step-size", (x, v) -> x.stepSize(v));
        if (p.has("loss")) {
            a = a.loss(GradientLoss.parse(p.string("loss")));
        }
        a = p.longValue(a, "seed", (x, v) -> x.seed(v));
        return a;
    }

    private static EvasionAttack cwL2(Params p) {
        CarliniWagnerL2 a = Attacks.cwL2();
        a = p.number(a, "confidence", (x, v) -> x.confidence(v));
        a = p.number(a, "learning-rate", (x, v) -> x.learningRate(v));
        a = p.integer(a, "binary-search-steps", (x, v) -> x.binarySearchSteps(v));
        a = p.integer(a, "max-iter", (x, v) -> x.maxIter(v));
        a = p.number(a, "initial-const", (x, v) -> x.initialConst(v));
        a = p.bool(a, "abort-early", (x, v) -> x.abortEarly(v));
        a = p.longValue(a, "seed", (x, v) -> x.seed(v));
        return a;
    }

    private static EvasionAttack cwLinf(Params p) {
        CarliniWagnerLinf a = Attacks.cwLinf(p.eps(Norm.LINF));
        a = p.number(a, "confidence", (x, v) -> x.confidence(v));
        a = p.integer(a, "binary-search-steps", (x, v) -> x.binarySearchSteps(v));
        a = p.integer(a, "max-iter", (x, v) -> x.maxIter(v));
        a = p.longValue(a, "seed", (x, v) -> x.seed(v));
        return a;
    }

    private static EvasionAttack ead(Params p) {
        ElasticNetAttack a = Attacks.ead();
        a = p.number(a, "beta", (x, v) -> x.beta(v));
        if (p.has("decision-rule")) {
            a = a.decisionRule(p.wrap("decision-rule", () -> ElasticNetAttack.DecisionRule.parse(p.string("decision-rule"))));
        }
        a = p.number(a, "confidence", (x, v) -> x.confidence(v));
        a = p.number(a, "learning-rate", (x, v) -> x.learningRate(v));
        a = p.integer(a, "binary-search-steps", (x, v) -> x.binarySearchSteps(v));
        a = p.integer(a, "max-iter", (x, v) -> x.maxIter(v));
        a = p.number(a, "initial-const", (x, v) -> x.initialConst(v));
        a = p.bool(a, "abort-early", (x, v) -> x.abortEarly(v));
        a = p.longValue(a, "seed", (x, v) -> x.seed(v));
        return a;
    }

    private static EvasionAttack lbfgs(Params p) {
        BoxConstrainedLbfgs a = Attacks.lbfgs();
        a = p.number(a, "initial-const", (x, v) -> x.initialConst(v));
        a = p.integer(a, "binary-search-steps", (x, v) -> x.binarySearchSteps(v));
        a = p.integer(a, "max-iter", (x, v) -> x.maxIter(v));
        a = p.integer(a, "history", (x, v) -> x.history(v));
        a = p.longValue(a, "seed", (x, v) -> x.seed(v));
        return a;
    }

    private static EvasionAttack deepFool(Params p) {
        DeepFool a = DeepFool.l2().norm(p.norm(Norm.L2));
        a = p.integer(a, "candidates", (x, v) -> x.candidates(v));
        a = p.number(a, "overshoot", (x, v) -> x.overshoot(v));
        a = p.integer(a, "max-iter", (x, v) -> x.maxIter(v));
        if (p.has("seed")) {
            // DeepFool draws no random numbers; a seed is accepted (the CLI always passes one) and ignored.
            p.longValue("seed");
        }
        return a;
    }

    private static EvasionAttack jsma(Params p) {
        JacobianSaliencyMapAttack a = JacobianSaliencyMapAttack.create();
        a = p.number(a, "theta", (x, v) -> x.theta(v));
        a = p.number(a, "gamma", (x, v) -> x.gamma(v));
        a = p.longValue(a, "seed", (x, v) -> x.seed(v));
        return a;
    }

    private static EvasionAttack fab(Params p) {
        FastAdaptiveBoundaryAttack a = FastAdaptiveBoundaryAttack.linf().norm(p.norm(Norm.LINF));
        if (p.has("variant")) {
            a = a.variant(p.wrap("variant", () -> FastAdaptiveBoundaryAttack.Variant.parse(p.string("variant"))));
        }
        a = p.number(a, "eps", (x, v) -> x.eps(v));
        a = p.integer(a, "steps", (x, v) -> x.steps(v));
        a = p.number(a, "alpha-max", (x, v) -> x.alphaMax(v));
        a = p.number(a, "eta", (x, v) -> x.eta(v));
        a = p.number(a, "beta", (x, v) -> x.beta(v));
        a = p.integer(a, "restarts", (x, v) -> x.restarts(v));
        a = p.integer(a, "target-classes", (x, v) -> x.targetClasses(v));
        a = p.longValue(a, "seed", (x, v) -> x.seed(v));
        return a;
    }

    private static EvasionAttack square(Params p) {
        Norm norm = p.norm(Norm.LINF);
        SquareAttack a = SquareAttack.linf(p.eps(norm)).norm(norm);
        a = p.integer(a, "max-queries", (x, v) -> x.maxQueries(v));
        a = p.number(a, "p-init", (x, v) -> x.pInit(v));
        a = p.longValue(a, "seed", (x, v) -> x.seed(v));
        return a;
    }

    private static EvasionAttack simba(Params p) {
        SimBA a = SimBA.dct();
        if (p.has("basis")) {
            a = a.basis(p.wrap("basis", () -> SimBA.Basis.parse(p.string("basis"))));
        }
        a = p.number(a, "epsilon", (x, v) -> x.epsilon(v));
        a = p.integer(a, "max-queries", (x, v) -> x.maxQueries(v));
        a = p.integer(a, "freq-dims", (x, v) -> x.freqDims(v));
        a = p.integer(a, "stride", (x, v) -> x.stride(v));
        a = p.longValue(a, "seed", (x, v) -> x.seed(v));
        return a;
    }

    private static EvasionAttack zoo(Params p) {
        ZooAttack a = ZooAttack.create();
        a = p.integer(a, "max-iter", (x, v) -> x.maxIter(v));
        a = p.number(a, "learning-rate", (x, v) -> x.learningRate(v));
        a = p.number(a, "confidence", (x, v) -> x.confidence(v));
        a = p.number(a, "initial-const", (x, v) -> x.initialConst(v));
        a = p.integer(a, "binary-search-steps", (x, v) -> x.binarySearchSteps(v));
        a = p.integer(a, "nb-parallel", (x, v) -> x.nbParallel(v));
        a = p.integer(a, "max-queries", (x, v) -> x.maxQueries(v));
        a = p.longValue(a, "seed", (x, v) -> x.seed(v));
        return a;
    }

    private static EvasionAttack onePixel(Params p) {
        OnePixelAttack a = OnePixelAttack.create();
        a = p.integer(a, "pixels", (x, v) -> x.pixels(v));
        a = p.integer(a, "population", (x, v) -> x.population(v));
        a = p.integer(a, "max-iter", (x, v) -> x.maxIter(v));
        a = p.number(a, "crossover", (x, v) -> x.crossover(v));
        a = p.integer(a, "max-queries", (x, v) -> x.maxQueries(v));
        a = p.longValue(a, "seed", (x, v) -> x.seed(v));
        return a;
    }

    private static EvasionAttack boundary(Params p) {
        BoundaryAttack a = BoundaryAttack.create();
        a = p.integer(a, "steps", (x, v) -> x.steps(v));
        a = p.longValue(a, "max-queries", (x, v) -> x.maxQueries(v));
        a = p.real(a, "spherical-step", (x, v) -> x.sphericalStep(v));
        a = p.real(a, "source-step", (x, v) -> x.sourceStep(v));
        a = p.real(a, "step-adaptation", (x, v) -> x.stepAdaptation(v));
        a = p.integer(a, "init-trials", (x, v) -> x.initTrials(v));
        a = p.number(a, "eps", (x, v) -> x.eps(v));
        a = p.longValue(a, "seed", (x, v) -> x.seed(v));
        return a;
    }

    private static EvasionAttack hopSkipJump(Params p) {
        HopSkipJump a = HopSkipJump.l2().norm(p.norm(Norm.L2));
        a = p.integer(a, "max-iter", (x, v) -> x.maxIter(v));
        a = p.longValue(a, "max-queries", (x, v) -> x.maxQueries(v));
        a = p.integer(a, "init-evals", (x, v) -> x.initEvals(v));
        a = p.integer(a, "max-evals", (x, v) -> x.maxEvals(v));
        a = p.real(a, "gamma", (x, v) -> x.gamma(v));
        a = p.integer(a, "init-trials", (x, v) -> x.initTrials(v));
        a = p.number(a, "eps", (x, v) -> x.eps(v));
        a = p.longValue(a, "seed", (x, v) -> x.seed(v));
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

        /** Applies {@code set} with the integer value if the parameter is given; otherwise returns {@code a}. */
        <A> A integer(A a, String key, java.util.function.BiFunction<A, Integer, A> set) {
            return has(key) ? set.apply(a, integer(key)) : a;
        }

        /** Applies {@code set} with the float value if the parameter is given. */
        <A> A number(A a, String key, java.util.function.BiFunction<A, Float, A> set) {
            return has(key) ? set.apply(a, number(key)) : a;
        }

        /** Applies {@code set} with the double value if the parameter is given. */
        <A> A real(A a, String key, java.util.function.BiFunction<A, Double, A> set) {
            return has(key) ? set.apply(a, real(key)) : a;
        }

        /** Applies {@code set} with the long value if the parameter is given. */
        <A> A longValue(A a, String key, java.util.function.BiFunction<A, Long, A> set) {
            return has(key) ? set.apply(a, longValue(key)) : a;
        }

        /** Applies {@code set} with the boolean value if the parameter is given. */
        <A> A bool(A a, String key, java.util.function.BiFunction<A, Boolean, A> set) {
            return has(key) ? set.apply(a, bool(key)) : a;
        }

        /** Applies {@code set} with the string value if the parameter is given. */
        <A> A string(A a, String key, java.util.function.BiFunction<A, String, A> set) {
            return has(key) ? set.apply(a, string(key)) : a;
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
