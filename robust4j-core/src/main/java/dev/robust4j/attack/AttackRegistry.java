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

import dev.robust4j.param.ParamReader;
import dev.robust4j.param.ParamType;
import dev.robust4j.param.Parameters;
import dev.robust4j.transform.TransformSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

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
 *
 * <p>Every other attack is a {@link Declaration}: its name, the attack with its defaults, and the
 * parameters it takes, which the attack class declares once ({@code PARAMETERS}). The registry
 * is the list below; parsing, validation messages, help and {@code params()} all come from the
 * declarations.
 */
public final class AttackRegistry {

    private static final Parameters<GradientDescentAttack> ENGINE = GradientDescentAttack.PARAMETERS;
    private static final Parameters<AutoPgd> APGD = AutoPgd.PARAMETERS;

    /** The attacks, in the order {@link #names()} lists them ({@code transfer} and {@code eot-pgd} aside). */
    private static final List<Declaration<?>> DECLARATIONS = List.of(
            declare("fgsm", () -> Attacks.fgsm(Budget.defaultEps(Norm.LINF)),
                    ENGINE.except("norm", "steps", "random-start", "restarts", "early-stop", "decay")),
            declare("fgm", () -> Attacks.fgm(Norm.L2, Budget.defaultEps(Norm.L2)), ENGINE.except("decay")),
            declare("bim", () -> Attacks.bim(Norm.LINF, Budget.defaultEps(Norm.LINF)), ENGINE.except("decay")),
            declare("pgd", () -> Attacks.pgd(Norm.LINF, Budget.defaultEps(Norm.LINF)), ENGINE.except("decay")),
            declare("mim", () -> Attacks.mim(Norm.LINF, Budget.defaultEps(Norm.LINF)), ENGINE),
            declare("apgd-ce", () -> apgd(AutoPgd.Loss.CE), APGD.except("target-classes")),
            declare("apgd-dlr", () -> apgd(AutoPgd.Loss.DLR), APGD.except("target-classes")),
            declare("apgd-t", () -> apgd(AutoPgd.Loss.TARGETED_DLR), APGD),
            declare("auto-attack", () -> AutoAttack.standard(Norm.LINF, Budget.defaultEps(Norm.LINF)),
                    AutoAttack.PARAMETERS),
            declare("cw-l2", CarliniWagnerL2::create, CarliniWagnerL2.PARAMETERS),
            declare("cw-linf", () -> CarliniWagnerLinf.create(Budget.defaultEps(Norm.LINF)),
                    CarliniWagnerLinf.PARAMETERS),
            declare("ead", ElasticNetAttack::create, ElasticNetAttack.PARAMETERS),
            declare("lbfgs", BoxConstrainedLbfgs::create, BoxConstrainedLbfgs.PARAMETERS),
            declare("deepfool", DeepFool::l2, DeepFool.PARAMETERS),
            declare("jsma", JacobianSaliencyMapAttack::create, JacobianSaliencyMapAttack.PARAMETERS),
            declare("fab", FastAdaptiveBoundaryAttack::linf, FastAdaptiveBoundaryAttack.PARAMETERS),
            declare("square", () -> SquareAttack.linf(Budget.defaultEps(Norm.LINF)), SquareAttack.PARAMETERS),
            declare("simba", SimBA::dct, SimBA.PARAMETERS),
            declare("zoo", ZooAttack::create, ZooAttack.PARAMETERS),
            declare("one-pixel", OnePixelAttack::create, OnePixelAttack.PARAMETERS),
            declare("boundary", BoundaryAttack::create, BoundaryAttack.PARAMETERS),
            declare("hop-skip-jump", HopSkipJump::l2, HopSkipJump.PARAMETERS));

    /** The name of the meta-attack that crafts on a surrogate model. */
    public static final String TRANSFER = "transfer";

    /**
     * One attack the registry makes: its name, a supplier of the attack with its defaults, and
     * the declared parameters it takes from text (a preset may take fewer than its class declares:
     * FGSM takes no {@code steps}).
     *
     * @param name the command-line name
     * @param defaults the attack with every parameter at its default
     * @param parameters the parameters it takes, in the order they are applied
     * @param <A> the attack's class
     */
    public record Declaration<A extends EvasionAttack>(String name, Supplier<A> defaults, Parameters<A> parameters) {

        /** @return true if the attack draws random numbers and so takes {@code seed} */
        public boolean takesSeed() {
            return parameters.accepts("seed");
        }

        /**
         * Makes the attack from text parameters.
         *
         * @param reader the parameters; every one must be declared
         * @return the attack
         */
        public A create(ParamReader reader) {
            A attack = parameters.apply(defaults.get(), reader);
            reader.done();
            return attack;
        }

        /**
         * One line per parameter the registry can set: name, type, default and meaning.
         *
         * @return the lines
         */
        public List<String> help() {
            Map<String, Object> defaultValues = parameters.values(defaults.get());
            List<String> out = new ArrayList<>();
            for (var p : parameters.list()) {
                if (p.settable()) {
                    Object d = defaultValues.get(p.name());
                    out.add(p.name() + " (" + p.type() + (d == null ? "" : ", default " + d) + "): " + p.described());
                }
            }
            return out;
        }
    }

    private static <A extends EvasionAttack> Declaration<A> declare(
            String name, Supplier<A> defaults, Parameters<A> parameters) {
        return new Declaration<>(name, defaults, parameters);
    }

    private static AutoPgd apgd(AutoPgd.Loss loss) {
        return AutoPgd.ce(Norm.LINF, Budget.defaultEps(Norm.LINF)).loss(loss);
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
    public static final String EOT_SAMPLES = ExpectationOverTransformation.SAMPLES.name();

    /** @return the names of all attacks this build knows, in a stable order */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (Declaration<?> d : DECLARATIONS) {
            names.add(d.name());
        }
        names.add(names.indexOf("mim") + 1, EOT_PGD);
        names.add(names.indexOf("auto-attack") + 1, TRANSFER);
        return names;
    }

    /**
     * The declaration of an attack the registry makes from its parameters alone ({@code transfer}
     * and the Expectation-over-Transformation forms are composed, not declared).
     *
     * @param name the attack's name
     * @return its declaration, or empty if there is none by that name
     */
    public static Optional<Declaration<?>> declaration(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        return DECLARATIONS.stream().<Declaration<?>>map(d -> d).filter(d -> d.name().equals(key)).findFirst();
    }

    /**
     * Tells whether an attack made from these parameters takes a {@code seed}: a declared attack
     * if it declares one, {@code transfer} if its inner attack does, an Expectation-over-
     * Transformation form always (the seed of its draws). Unknown names count as taking one, so
     * {@link #create} reports them.
     *
     * @param name the attack's name
     * @param params its parameters
     * @return true if a seed may be given
     */
    public static boolean takesSeed(String name, Map<String, String> params) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (key.equals(EOT_PGD) || params.keySet().stream().anyMatch(k -> k.trim().equalsIgnoreCase(EOT_SAMPLES))) {
            return true;
        }
        if (key.equals(TRANSFER)) {
            String inner = params.entrySet().stream().filter(e -> e.getKey().trim().equalsIgnoreCase("attack"))
                    .map(e -> e.getValue().trim().toLowerCase(Locale.ROOT)).findFirst().orElse("pgd");
            return inner.equals(TRANSFER) || takesSeed(inner, Map.of());
        }
        return declaration(key).map(Declaration::takesSeed).orElse(true);
    }

    /**
     * Adds a default seed to an attack's parameters when the attack takes one and none is given:
     * what a command line with one {@code --seed} for everything passes.
     *
     * @param name the attack's name
     * @param params its parameters
     * @param seed the default seed
     * @return a copy of the parameters, with {@code seed} if the attack takes one
     */
    public static Map<String, String> withDefaultSeed(String name, Map<String, String> params, long seed) {
        Map<String, String> out = new LinkedHashMap<>(params);
        boolean given = out.keySet().stream().anyMatch(k -> k.trim().equalsIgnoreCase("seed"));
        if (!given && takesSeed(name, params)) {
            out.put("seed", Long.toString(seed));
        }
        return out;
    }

    /**
     * Describes an attack's parameters for help: one line per parameter with its type, default
     * and meaning.
     *
     * @param name the attack's name
     * @return the lines
     * @throws IllegalArgumentException for an unknown attack
     */
    public static List<String> help(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (key.equals(TRANSFER)) {
            return List.of("surrogate (path, required): the model to craft on, loaded like --model",
                    "attack (name, default pgd): the attack run on the surrogate; its parameters follow");
        }
        if (key.equals(EOT_PGD)) {
            List<String> out = new ArrayList<>(help("pgd"));
            for (var p : ExpectationOverTransformation.PARAMETERS.list()) {
                out.add(p.name() + " (" + p.type() + (p == ExpectationOverTransformation.SAMPLES
                        ? ", default " + ExpectationOverTransformation.DEFAULT_SAMPLES : "") + "): " + p.described());
            }
            out.add("and the transformation's parameters: " + String.join(", ", TransformSpec.NAMES));
            return out;
        }
        return declaration(key).orElseThrow(() -> unknown(name)).help();
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException(
                "unknown attack '" + name + "'; known attacks: " + String.join(", ", names()));
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
        ParamReader reader = new ParamReader(new ParamReader.Attack(key), params);
        if (key.equals(TRANSFER)) {
            EvasionAttack attack = transfer(reader, loader);
            reader.done();
            return attack;
        }
        return declaration(key).orElseThrow(() -> unknown(name)).create(reader);
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
        Map<String, String> own = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
            String k = e.getKey().trim().toLowerCase(Locale.ROOT);
            if (ExpectationOverTransformation.PARAMETERS.accepts(k)) {
                own.put(k, e.getValue());
            } else if (TransformSpec.NAMES.contains(k)) {
                transform.put(k, e.getValue());
            } else {
                rest.put(k, e.getValue());
            }
        }
        String inner = key.equals(EOT_PGD) ? "pgd" : key;
        if (inner.equals(TRANSFER)) {
            throw new IllegalArgumentException("eot-samples applies to gradient attacks run on the model itself, not"
                    + " to transfer");
        }
        if (key.equals(EOT_PGD)) {
            rest.putIfAbsent("early-stop", "false");
        }
        // the wrapper's declared parameters; its range (eot-samples >= 1) is checked by of() below
        var samplesParam = ExpectationOverTransformation.SAMPLES;
        var seedParam = ExpectationOverTransformation.SEED;
        ParamReader eotReader = new ParamReader(new ParamReader.Attack(key), own);
        int n = eotReader.get(samplesParam.name(), samplesParam.type(), ExpectationOverTransformation.DEFAULT_SAMPLES);
        // the draws' seed: eot-seed, else the inner attack's seed, else 0
        long seed;
        if (eotReader.has(seedParam.name())) {
            seed = eotReader.get(seedParam.name(), seedParam.type());
        } else {
            ParamReader innerSeed = new ParamReader(new ParamReader.Attack(key),
                    rest.containsKey("seed") ? Map.of("seed", rest.get("seed")) : Map.of());
            seed = innerSeed.get("seed", ParamType.LONG, 0L);
        }
        if (!takesSeed(inner, Map.of())) {
            rest.remove("seed"); // the draws' seed only: the inner attack draws no random numbers
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
     * {@code transfer}: {@code surrogate=PATH} (required), {@code attack=NAME} (default
     * {@code pgd}); every other parameter goes to the inner attack.
     */
    private static EvasionAttack transfer(ParamReader p, ModelLoader loader) {
        String inner = p.has("attack") ? p.take("attack").toLowerCase(Locale.ROOT) : "pgd";
        if (inner.equals(TRANSFER)) {
            throw new IllegalArgumentException("parameter attack of attack transfer must name another attack, got transfer");
        }
        if (!p.has("surrogate")) {
            throw new IllegalArgumentException(
                    "attack transfer needs parameter surrogate=PATH: a model with gradients to craft on (TorchScript"
                            + " .pt or a model directory)");
        }
        String path = p.take("surrogate");
        Map<String, String> rest = p.takeRest();
        EvasionAttack attack;
        try {
            attack = create(inner, rest, loader);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("attack transfer: " + e.getMessage(), e);
        }
        Classifier surrogate = loader.load(path);
        return TransferAttack.of(surrogate, attack);
    }

}
