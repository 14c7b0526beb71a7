package dev.robust4j.attack.whitebox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AbstractEvasionAttack;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackParams;
import dev.robust4j.attack.AttackSpec;
import dev.robust4j.attack.ModelAccess;
import dev.robust4j.attack.Batches;
import dev.robust4j.model.Criterion;
import dev.robust4j.attack.Norm;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Shapes;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.Objective;
import dev.robust4j.model.Objectives;
import dev.robust4j.param.Param;
import dev.robust4j.param.ParamType;
import dev.robust4j.param.Parameters;
import dev.robust4j.param.Range;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The Fast Adaptive Boundary attack (Croce and Hein, "Minimally distorted adversarial examples
 * with a fast adaptive boundary attack", ICML 2020), in L∞ and L2, in the targeted form FAB-T that
 * AutoAttack runs (Croce and Hein, ICML 2020, "Reliable evaluation of adversarial robustness with
 * an ensemble of diverse parameter-free attacks") and in the original untargeted form.
 *
 * <p>Per iteration, per sample, with {@code x_orig} the clean input and {@code x} the current
 * point: linearise the boundary between the reference class {@code y} (the clean prediction) and
 * a class {@code k}, {@code f(z) ~ f(x) + grad f(x)·(z - x)} with {@code f = z_k - z_y}; project
 * both {@code x} and {@code x_orig} onto that hyperplane intersected with the input box
 * ({@link BoundaryProjection}: {@code d1}, {@code d2}); with
 * {@code alpha = min(||d1|| / (||d1|| + ||d2||), alphaMax)} move to
 * <pre>  x = clip((1 - alpha)(x + eta d1) + alpha (x_orig + eta d2))</pre>
 * and, once {@code x} is adversarial, remember it if it is the closest so far and step back
 * towards the clean input: {@code x = x_orig + beta (x - x_orig)}. The adversarial is the closest
 * point found.
 *
 * <ul>
 *   <li>{@link Variant#FAB_T} (the default, AutoAttack's {@code fab-t}): {@code k} is a fixed
 *       target; the attack runs once per target among the {@code targetClasses} classes with the
 *       highest clean logits after the prediction (AutoAttack: 9), each with {@code restarts} runs,
 *       and later runs attack only the samples no earlier run broke. One gradient evaluation
 *       (of {@code z_k - z_y}) and one prediction per iteration.</li>
 *   <li>{@link Variant#FAB}: {@code k} is, each iteration, the class whose linearised boundary is
 *       closest ({@code |f_k| / ||grad f_k||_q}, {@code q} the dual norm); needs the whole Jacobian,
 *       one evaluation per class per iteration.</li>
 *   <li>Given targets ({@link #generate(dev.robust4j.model.Classifier, NDArray, NDArray, NDArray)}):
 *       success means predicting each sample's target {@code t}, and the boundary linearised is
 *       that of the target's region, {@code f = z_t - max_{j != t} z_j} (which is AutoAttack's
 *       {@code z_t - z_y} while {@code y} is the strongest other class, and follows the strongest
 *       competitor once another class overtakes it); the variant is then irrelevant.</li>
 * </ul>
 *
 * <p>FAB minimises the norm. With {@code eps} set (as AutoAttack runs it), the attack has that
 * budget: a sample counts as done only once an adversarial within {@code eps} is found, and the
 * template projects anything larger into the ball. Without {@code eps}, a sample is done once any
 * adversarial is found, and its closest one is returned. Restart {@code r > 0} starts at
 * {@code x_orig + eps/2 * u / ||u||} with a seeded random direction {@code u} (uniform for L∞,
 * Gaussian for L2), {@code eps} defaulting to AutoAttack's 0.3 (L∞) or 1.0 (L2) times the bounds'
 * width. Samples never broken are returned unchanged; only correctly classified samples (those
 * not yet predicted as their target, when targeted) are attacked.
 *
 * <p>The projection is an exact sort-and-walk on Java arrays, so each iteration copies the
 * current batch to the engine and the gradient back once; the model's passes dominate the cost.
 */
public final class FastAdaptiveBoundaryAttack extends AbstractEvasionAttack {

    /** Which boundary each iteration projects onto when no targets are given. */
    public enum Variant {
        /** AutoAttack's targeted FAB: a fixed target class per run, over the top classes. */
        FAB_T("fab-t"),
        /** The original FAB: the closest linearised boundary among all classes. */
        FAB("fab");

        private final String cliName;

        Variant(String cliName) {
            this.cliName = cliName;
        }

        /** @return the name on the command line: fab-t or fab */
        public String cliName() {
            return cliName;
        }

        /**
         * Parses a variant name.
         *
         * @param name fab-t or fab, case-insensitive
         * @return the variant
         * @throws IllegalArgumentException for any other name
         */
        public static Variant parse(String name) {
            String key = name.trim().toLowerCase(Locale.ROOT);
            for (Variant v : values()) {
                if (v.cliName.equals(key)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("variant must be fab-t or fab, got '" + name + "'");
        }

        @Override
        public String toString() {
            return cliName;
        }
    }

    /** AutoAttack's defaults. */
    public static final int DEFAULT_STEPS = 100;
    /** Default largest weight of the clean-input projection. */
    public static final float DEFAULT_ALPHA_MAX = 0.1f;
    /** Default overshoot of the projections. */
    public static final float DEFAULT_ETA = 1.05f;
    /** Default backward step after a success. */
    public static final float DEFAULT_BETA = 0.9f;
    /** Default number of target classes of FAB-T, as in AutoAttack. */
    public static final int DEFAULT_TARGET_CLASSES = 9;

    private final Norm norm;
    private final Float eps;
    private final int steps;
    private final float alphaMax;
    private final float eta;
    private final float beta;
    private final int restarts;
    private final int targetClasses;
    private final Variant variant;
    private final long seed;

    private FastAdaptiveBoundaryAttack(
            Norm norm, Float eps, int steps, float alphaMax, float eta, float beta, int restarts,
            int targetClasses, Variant variant, long seed) {
        super(SPEC);
        if (norm != Norm.L2 && norm != Norm.LINF) {
            throw new IllegalArgumentException("norm must be l2 or linf, got " + norm);
        }
        EPS.check(eps);
        STEPS.check(steps);
        ALPHA_MAX.check(alphaMax);
        ETA.check(eta);
        BETA.check(beta);
        RESTARTS.check(restarts);
        TARGET_CLASSES.check(targetClasses);
        this.norm = norm;
        this.eps = eps;
        this.steps = steps;
        this.alphaMax = alphaMax;
        this.eta = eta;
        this.beta = beta;
        this.restarts = restarts;
        this.targetClasses = targetClasses;
        this.variant = java.util.Objects.requireNonNull(variant, "variant");
        this.seed = seed;
    }

    /** @return FAB-T in L∞ with AutoAttack's defaults and no budget */
    public static FastAdaptiveBoundaryAttack linf() {
        return new FastAdaptiveBoundaryAttack(Norm.LINF, null, DEFAULT_STEPS, DEFAULT_ALPHA_MAX, DEFAULT_ETA,
                DEFAULT_BETA, 1, DEFAULT_TARGET_CLASSES, Variant.FAB_T, 0L);
    }

    /** @return FAB-T in L2 with AutoAttack's defaults and no budget */
    public static FastAdaptiveBoundaryAttack l2() {
        return linf().norm(Norm.L2);
    }

    private FastAdaptiveBoundaryAttack with(
            Norm norm, Float eps, int steps, float alphaMax, float eta, float beta, int restarts,
            int targetClasses, Variant variant, long seed) {
        return new FastAdaptiveBoundaryAttack(
                norm, eps, steps, alphaMax, eta, beta, restarts, targetClasses, variant, seed);
    }

    /**
     * @param value the norm to minimise: l2 or linf
     * @return a copy with this norm
     */
    public FastAdaptiveBoundaryAttack norm(Norm value) {
        return with(value, eps, steps, alphaMax, eta, beta, restarts, targetClasses, variant, seed);
    }

    /**
     * @param value the budget: success counts only within this radius, and restarts start at half
     *     of it; positive
     * @return a copy with this budget
     */
    public FastAdaptiveBoundaryAttack eps(float value) {
        return with(norm, value, steps, alphaMax, eta, beta, restarts, targetClasses, variant, seed);
    }

    /** @return a copy without a budget: a pure minimal-norm attack */
    public FastAdaptiveBoundaryAttack noEps() {
        return with(norm, null, steps, alphaMax, eta, beta, restarts, targetClasses, variant, seed);
    }

    /**
     * @param value iterations per run, at least 1 (AutoAttack: 100)
     * @return a copy with this many iterations
     */
    public FastAdaptiveBoundaryAttack steps(int value) {
        return with(norm, eps, value, alphaMax, eta, beta, restarts, targetClasses, variant, seed);
    }

    /**
     * @param value the largest weight of the clean input's projection in each step, in [0, 1]
     *     (paper and AutoAttack: 0.1)
     * @return a copy with this weight
     */
    public FastAdaptiveBoundaryAttack alphaMax(float value) {
        return with(norm, eps, steps, value, eta, beta, restarts, targetClasses, variant, seed);
    }

    /**
     * @param value the overshoot of each projection, at least 1 (paper and AutoAttack: 1.05)
     * @return a copy with this overshoot
     */
    public FastAdaptiveBoundaryAttack eta(float value) {
        return with(norm, eps, steps, alphaMax, value, beta, restarts, targetClasses, variant, seed);
    }

    /**
     * @param value the backward step towards the clean input after a success, in (0, 1] (paper
     *     and AutoAttack: 0.9)
     * @return a copy with this factor
     */
    public FastAdaptiveBoundaryAttack beta(float value) {
        return with(norm, eps, steps, alphaMax, eta, value, restarts, targetClasses, variant, seed);
    }

    /**
     * @param value runs per target (FAB-T) or in all (FAB); runs after the first start at random
     *     points; at least 1
     * @return a copy with this many restarts
     */
    public FastAdaptiveBoundaryAttack restarts(int value) {
        return with(norm, eps, steps, alphaMax, eta, beta, value, targetClasses, variant, seed);
    }

    /**
     * @param value how many target classes FAB-T tries, those with the highest clean logits after
     *     the prediction; at least 1 (AutoAttack: 9); capped at the number of other classes
     * @return a copy with this many targets
     */
    public FastAdaptiveBoundaryAttack targetClasses(int value) {
        return with(norm, eps, steps, alphaMax, eta, beta, restarts, value, variant, seed);
    }

    /**
     * @param value FAB-T (fixed targets, the default) or FAB (closest boundary among all classes)
     * @return a copy with this variant
     */
    public FastAdaptiveBoundaryAttack variant(Variant value) {
        return with(norm, eps, steps, alphaMax, eta, beta, restarts, targetClasses, value, seed);
    }

    /**
     * @param value the seed of the random restarts
     * @return a copy with this seed
     */
    public FastAdaptiveBoundaryAttack seed(long value) {
        return with(norm, eps, steps, alphaMax, eta, beta, restarts, targetClasses, variant, value);
    }

    @Override
    public String name() {
        return "fab";
    }

    /** @return the variant: {@link Variant#FAB_T} (targeted) or {@link Variant#FAB} */
    public Variant variant() {
        return variant;
    }

    private static final Param<FastAdaptiveBoundaryAttack, Float> EPS = Param.of(
            "eps", ParamType.FLOAT, Range.positive(),
            "optional radius: success only inside it", a -> a.eps,
            FastAdaptiveBoundaryAttack::eps);
    private static final Param<FastAdaptiveBoundaryAttack, Integer> STEPS = Param.of(
            "steps", ParamType.INT, Range.atLeast(1),
            "iterations per restart", a -> a.steps,
            FastAdaptiveBoundaryAttack::steps);
    private static final Param<FastAdaptiveBoundaryAttack, Float> ALPHA_MAX = Param.of(
            "alpha-max", ParamType.FLOAT, Range.interval(0f, true, 1f, true),
            "largest step towards the clean input",
            a -> a.alphaMax, FastAdaptiveBoundaryAttack::alphaMax);
    private static final Param<FastAdaptiveBoundaryAttack, Float> ETA = Param.of(
            "eta", ParamType.FLOAT, Range.of(">= 1", "a finite number >= 1", v -> v >= 1 && Float.isFinite(v)),
            "overshoot of the projection", a -> a.eta,
            FastAdaptiveBoundaryAttack::eta);
    private static final Param<FastAdaptiveBoundaryAttack, Float> BETA = Param.of(
            "beta", ParamType.FLOAT, Range.interval(0f, false, 1f, true),
            "final backward-step factor", a -> a.beta,
            FastAdaptiveBoundaryAttack::beta);
    private static final Param<FastAdaptiveBoundaryAttack, Integer> RESTARTS = Param.of(
            "restarts", ParamType.INT, Range.atLeast(1),
            "random restarts", a -> a.restarts,
            FastAdaptiveBoundaryAttack::restarts);
    private static final Param<FastAdaptiveBoundaryAttack, Integer> TARGET_CLASSES =
            Param.<FastAdaptiveBoundaryAttack, Integer>of(
            "target-classes", ParamType.INT, Range.atLeast(1),
            "target classes tried (fab-t)", a -> a.targetClasses,
            FastAdaptiveBoundaryAttack::targetClasses).shownWhen(a -> a.variant == Variant.FAB_T);

    /**
     * The parameters, declared once: the registry sets them from text, {@link #params()} and the
     * JSON record report them, help lists them.
     */
    public static final Parameters<FastAdaptiveBoundaryAttack> PARAMETERS = Parameters.of(
            Param.of("variant", ParamType.choice("fab-t|fab", Variant::parse), "fab-t (targeted, default) or fab",
                    a -> a.variant.cliName(), FastAdaptiveBoundaryAttack::variant),
            AttackParams.<FastAdaptiveBoundaryAttack>norm(FastAdaptiveBoundaryAttack::norm, a -> a.norm),
            EPS,
            STEPS,
            ALPHA_MAX,
            ETA,
            BETA,
            RESTARTS,
            TARGET_CLASSES,
            AttackParams.<FastAdaptiveBoundaryAttack>seed((a, v) -> a.seed(v)));

    private static final AttackSpec<FastAdaptiveBoundaryAttack> SPEC =
            AttackSpec.of(FastAdaptiveBoundaryAttack.class, ModelAccess.GRADIENTS, PARAMETERS)
            .budget(a -> a.norm, FastAdaptiveBoundaryAttack::norm, a -> a.eps, FastAdaptiveBoundaryAttack::eps)
            .seed(a -> a.seed);

    @Override
    protected NDArray attack(AttackContext ctx) {
        int n = ctx.size();
        int dim = ctx.sampleSize();
        int numClasses = ctx.model().numClasses();
        int[] clean = ctx.cleanPredictions();
        float[] best = ctx.xData().clone();
        double[] bestNorm = new double[n];
        Arrays.fill(bestNorm, Double.POSITIVE_INFINITY);
        boolean[] done = ctx.adversarialAtStart();
        double threshold = eps == null ? Double.POSITIVE_INFINITY : eps;
        Run run = new Run(ctx, best, bestNorm);
        SplittableRandom root = ctx.random();

        Criterion criterion = ctx.criterion();
        if (criterion.targeted() || variant == Variant.FAB) {
            for (int r = 0; r < restarts; r++) {
                SplittableRandom random = root.split();
                int[] idx = Batches.where(done, false);
                if (idx.length == 0) {
                    break;
                }
                int[] targets = criterion.select(idx).targets(); // null when untargeted
                run.attack(idx, targets, r > 0, random);
                markDone(done, bestNorm, threshold);
            }
        } else {
            int[][] ranked = rankTargets(ctx, done, numClasses);
            int tries = Math.min(targetClasses, numClasses - 1);
            for (int t = 0; t < tries; t++) {
                for (int r = 0; r < restarts; r++) {
                    SplittableRandom random = root.split();
                    int[] idx = Batches.where(done, false);
                    if (idx.length == 0) {
                        break;
                    }
                    int[] targets = new int[idx.length];
                    for (int i = 0; i < idx.length; i++) {
                        targets[i] = ranked[idx[i]][t];
                    }
                    run.attack(idx, targets, r > 0, random);
                    markDone(done, bestNorm, threshold);
                }
            }
        }
        return ctx.manager().create(best, ctx.x().getShape());
    }

    private static void markDone(boolean[] done, double[] bestNorm, double threshold) {
        for (int i = 0; i < done.length; i++) {
            done[i] |= bestNorm[i] <= threshold;
        }
    }

    /** Per sample still to attack, the other classes by decreasing clean logit (one prediction). */
    private static int[][] rankTargets(AttackContext ctx, boolean[] done, int numClasses) {
        int[][] ranked = new int[ctx.size()][];
        int[] idx = Batches.where(done, false);
        if (idx.length == 0) {
            return ranked;
        }
        float[] logits;
        try (NDManager m = ctx.manager().newSubManager()) {
            NDArray x = m.create(Batches.rows(ctx.xData(), idx, ctx.sampleSize()),
                    Shapes.batch(idx.length, ctx.x().getShape().slice(1)));
            logits = ctx.predict(x, idx).toFloatArray();
        }
        int[] clean = ctx.cleanPredictions();
        for (int i = 0; i < idx.length; i++) {
            int row = i * numClasses;
            int origin = clean[idx[i]];
            Integer[] others = new Integer[numClasses - 1];
            int c = 0;
            for (int k = 0; k < numClasses; k++) {
                if (k != origin) {
                    others[c++] = k;
                }
            }
            Arrays.sort(others, (a, b) -> {
                int cmp = Float.compare(logits[row + b], logits[row + a]);
                return cmp != 0 ? cmp : Integer.compare(a, b);
            });
            ranked[idx[i]] = Arrays.stream(others).mapToInt(Integer::intValue).toArray();
        }
        return ranked;
    }

    /** One FAB run over a set of samples; records every closer adversarial it finds. */
    private final class Run {
        private final AttackContext ctx;
        private final float[] best;
        private final double[] bestNorm;
        private final int dim;
        private final Shape sampleShape;
        private final Bounds bounds;
        private final BoundaryProjection projection = new BoundaryProjection();

        Run(AttackContext ctx, float[] best, double[] bestNorm) {
            this.ctx = ctx;
            this.best = best;
            this.bestNorm = bestNorm;
            this.dim = ctx.sampleSize();
            this.sampleShape = ctx.x().getShape().slice(1);
            this.bounds = ctx.model().bounds();
        }

        /**
         * @param idx the samples
         * @param targets per sample the class whose boundary to cross, or null for the closest
         * @param randomStart whether to start at a random point
         * @param random the run's generator; each sample's start is drawn from its own stream keyed
         *     by a seed from it ({@link AttackContext#sampleRandom}), so it does not depend on the batch
         */
        void attack(int[] idx, int[] targets, boolean randomStart, SplittableRandom random) {
            int m = idx.length;
            float[] x0 = Batches.rows(ctx.xData(), idx, dim);
            float[] x1 = randomStart ? randomStart(x0, idx, random.nextLong()) : x0.clone();
            int[] origin = new int[m];
            for (int i = 0; i < m; i++) {
                origin[i] = ctx.cleanPredictions()[idx[i]];
            }
            float[] df = new float[m];
            float[] dg = new float[m * dim];
            float[] d1 = new float[dim];
            float[] d2 = new float[dim];
            Shape shape = Shapes.batch(m, sampleShape);
            for (int it = 0; it < steps; it++) {
                try (NDManager step = ctx.manager().newSubManager()) {
                    NDArray point = step.create(x1, shape);
                    if (targets != null) {
                        NDArray target = step.create(Batches.longs(targets));
                        // FAB-T: the boundary between the target and the clean class, as AutoAttack;
                        // given targets: the boundary of the target's region, z_t - max_{j != t} z_j.
                        Objective objective = ctx.criterion().targeted()
                                ? Objectives.margin().negate()
                                : Objectives.logitDifference(step.create(Batches.longs(origin)));
                        Evaluation ev = ctx.evaluate(point, objective, target, idx);
                        System.arraycopy(ev.values().toFloatArray(), 0, df, 0, m);
                        System.arraycopy(ev.gradient().toFloatArray(), 0, dg, 0, m * dim);
                    } else {
                        closestBoundary(point, origin, idx, df, dg, step);
                    }
                    for (int i = 0; i < m; i++) {
                        int off = i * dim;
                        double b = -df[i];
                        for (int j = 0; j < dim; j++) {
                            b += (double) dg[off + j] * x1[off + j];
                        }
                        projection.project(norm, x1, off, dg, off, b, dim, bounds.min(), bounds.max(), d1, 0);
                        projection.project(norm, x0, off, dg, off, b, dim, bounds.min(), bounds.max(), d2, 0);
                        double a1 = Math.max(norm.measure(d1, 0, dim), 1e-8);
                        double a2 = Math.max(norm.measure(d2, 0, dim), 1e-8);
                        float alpha = (float) Math.min(Math.max(a1 / (a1 + a2), 0), alphaMax);
                        for (int j = 0; j < dim; j++) {
                            float v = (x1[off + j] + eta * d1[j]) * (1 - alpha) + (x0[off + j] + eta * d2[j]) * alpha;
                            x1[off + j] = Math.max(bounds.min(), Math.min(bounds.max(), v));
                        }
                    }
                    boolean[] adversarial = ctx.isSuccess(ctx.predict(step.create(x1, shape), idx), idx);
                    float[] delta = new float[dim];
                    for (int i = 0; i < m; i++) {
                        if (!adversarial[i]) {
                            continue;
                        }
                        int off = i * dim;
                        for (int j = 0; j < dim; j++) {
                            delta[j] = x1[off + j] - x0[off + j];
                        }
                        double size = norm.measure(delta, 0, dim);
                        int s = idx[i];
                        if (size < bestNorm[s]) {
                            bestNorm[s] = size;
                            System.arraycopy(x1, off, best, s * dim, dim);
                        }
                        for (int j = 0; j < dim; j++) {
                            x1[off + j] = x0[off + j] + beta * delta[j];
                        }
                    }
                }
            }
        }

        /**
         * The original FAB's choice: for every class {@code k != y} the linearised distance
         * {@code |z_k - z_y| / ||grad z_k - grad z_y||_q}, one Jacobian row per class; fills
         * {@code df} and {@code dg} with the closest boundary's values.
         */
        private void closestBoundary(NDArray point, int[] origin, int[] idx, float[] df, float[] dg, NDManager step) {
            int m = idx.length;
            int numClasses = ctx.model().numClasses();
            float[][] grads = new float[numClasses][];
            float[] logits = null;
            for (int k = 0; k < numClasses; k++) {
                long[] classes = new long[m];
                Arrays.fill(classes, k);
                Evaluation ev = ctx.evaluate(point, Objectives.classLogit(), step.create(classes), idx);
                grads[k] = ev.gradient().toFloatArray();
                if (logits == null) {
                    logits = ev.logits().toFloatArray();
                }
            }
            for (int i = 0; i < m; i++) {
                int off = i * dim;
                int y = origin[i];
                double bestDist = Double.POSITIVE_INFINITY;
                int chosen = -1;
                for (int k = 0; k < numClasses; k++) {
                    if (k == y) {
                        continue;
                    }
                    double f = logits[i * numClasses + k] - logits[i * numClasses + y];
                    double dual = 0;
                    for (int j = 0; j < dim; j++) {
                        double w = grads[k][off + j] - grads[y][off + j];
                        dual = norm == Norm.L2 ? dual + w * w : dual + Math.abs(w);
                    }
                    dual = norm == Norm.L2 ? Math.sqrt(dual) : dual;
                    double dist = Math.abs(f) / (dual + 1e-12);
                    if (dist < bestDist || chosen < 0) {
                        bestDist = dist;
                        chosen = k;
                    }
                }
                df[i] = logits[i * numClasses + chosen] - logits[i * numClasses + y];
                for (int j = 0; j < dim; j++) {
                    dg[off + j] = grads[chosen][off + j] - grads[y][off + j];
                }
            }
        }

        private float[] randomStart(float[] x0, int[] idx, long streamSeed) {
            int m = idx.length;
            double radius = 0.5 * (eps != null ? eps : (norm == Norm.LINF ? 0.3 : 1.0) * bounds.width());
            float[] x1 = new float[x0.length];
            double[] u = new double[dim];
            for (int i = 0; i < m; i++) {
                SplittableRandom random = ctx.sampleRandom(streamSeed, idx[i]);
                double size = 0;
                for (int j = 0; j < dim; j++) {
                    if (norm == Norm.LINF) {
                        u[j] = 2 * random.nextDouble() - 1;
                        size = Math.max(size, Math.abs(u[j]));
                    } else {
                        u[j] = gaussian(random);
                        size += u[j] * u[j];
                    }
                }
                size = norm == Norm.LINF ? size : Math.sqrt(size);
                int off = i * dim;
                for (int j = 0; j < dim; j++) {
                    float v = (float) (x0[off + j] + radius * u[j] / size);
                    x1[off + j] = Math.max(bounds.min(), Math.min(bounds.max(), v));
                }
            }
            return x1;
        }
    }

    private static double gaussian(SplittableRandom random) {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
