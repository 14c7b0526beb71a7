package dev.robust4j.attack;

import dev.robust4j.param.Param;
import dev.robust4j.param.ParamType;
import dev.robust4j.param.Parameters;
import dev.robust4j.param.Range;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.Objective;
import dev.robust4j.model.Shapes;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * The one gradient-descent engine behind FGSM/FGM, BIM, PGD and MIM: iterated steepest-ascent
 * steps of a loss in a {@link Norm}, each followed by projection onto the epsilon ball and the input
 * bounds. Presets are made by {@link Attacks}; every setting is a wither returning a new,
 * validated, immutable attack:
 *
 * <pre>{@code
 * EvasionAttack pgd = Attacks.pgd(Norm.LINF, 0.1f).steps(40).stepSize(0.01f).restarts(5);
 * }</pre>
 *
 * <p>Algorithm, per restart (each restart draws from its own seeded stream, so restart {@code r}
 * is the same whatever the total number of restarts):
 * <ol>
 *   <li>start at {@code x} or, with a random start, at a uniform point of the ball;</li>
 *   <li>repeat {@code steps} times: evaluate the loss gradient at the current point, take a step
 *       of {@code stepSize} along the norm's steepest-ascent direction, project onto the ball and
 *       clip to the bounds;</li>
 *   <li>with a momentum {@code decay} μ &gt; 0 (the Momentum Iterative Method of Dong et al.,
 *       "Boosting Adversarial Attacks with Momentum", CVPR 2018) the step follows the accumulated
 *       gradient {@code g_{t+1} = μ g_t + ∇ / ‖∇‖₁} (per sample, {@code g_0 = 0}) instead of the
 *       current gradient: its sign in L∞, {@code g / ‖g‖₂} in L2 (the paper's L2 variant);
 *       {@code decay = 0} is exactly the momentum-free engine;</li>
 *   <li>with early stop (the default except for FGSM/FGM) a sample leaves the batch at the first
 *       point the model misclassifies (hits the target), and that point is its adversarial; so
 *       more steps or restarts never lower the success rate for a fixed seed;</li>
 *   <li>otherwise the final point is the adversarial.</li>
 * </ol>
 * Restarts run only on samples no earlier restart broke; a sample no restart broke returns the
 * final point with the highest loss. The loss is summed over the batch, so a sample's step does
 * not depend on the batch it is in.
 */
public final class GradientDescentAttack extends AbstractEvasionAttack {

    private final String name;
    private final Norm norm;
    private final float eps;
    private final int steps;
    private final Float stepSize;
    private final boolean randomStart;
    private final int restarts;
    private final boolean earlyStop;
    private final GradientLoss loss;
    private final float decay;
    private final float defaultStepScale;
    private final long seed;

    GradientDescentAttack(
            String name,
            Norm norm,
            float eps,
            int steps,
            Float stepSize,
            boolean randomStart,
            int restarts,
            boolean earlyStop,
            GradientLoss loss,
            float decay,
            float defaultStepScale,
            long seed) {
        super(SPEC);
        this.name = Objects.requireNonNull(name, "name");
        if (norm == null || !norm.supportsSteps()) {
            throw new IllegalArgumentException("norm must be one of linf, l2, l1, got " + norm);
        }
        DECAY.check(decay);
        if (decay > 0 && norm == Norm.L1) {
            throw new IllegalArgumentException(
                    "decay (momentum) is defined for the linf and l2 norms (Dong et al. 2018), got norm l1");
        }
        EPS.check(eps);
        STEPS.check(steps);
        STEP_SIZE.check(stepSize);
        RESTARTS.check(restarts);
        this.norm = norm;
        this.eps = eps;
        this.steps = steps;
        this.stepSize = stepSize;
        this.randomStart = randomStart;
        this.restarts = restarts;
        this.earlyStop = earlyStop;
        this.loss = Objects.requireNonNull(loss, "loss");
        this.decay = decay;
        this.defaultStepScale = defaultStepScale;
        this.seed = seed;
    }

    private GradientDescentAttack with(
            Norm norm, float eps, int steps, Float stepSize, boolean randomStart, int restarts,
            boolean earlyStop, GradientLoss loss, long seed) {
        return with(norm, eps, steps, stepSize, randomStart, restarts, earlyStop, loss, decay, seed);
    }

    private GradientDescentAttack with(
            Norm norm, float eps, int steps, Float stepSize, boolean randomStart, int restarts,
            boolean earlyStop, GradientLoss loss, float decay, long seed) {
        return new GradientDescentAttack(
                name, norm, eps, steps, stepSize, randomStart, restarts, earlyStop, loss, decay,
                defaultStepScale, seed);
    }

    /**
     * @param value the norm of the ball and of the steps
     * @return a copy with this norm
     */
    public GradientDescentAttack norm(Norm value) {
        return with(value, eps, steps, stepSize, randomStart, restarts, earlyStop, loss, seed);
    }

    /**
     * @param value the radius of the ball, positive
     * @return a copy with this radius
     */
    public GradientDescentAttack eps(float value) {
        return with(norm, value, steps, stepSize, randomStart, restarts, earlyStop, loss, seed);
    }

    /**
     * @param value gradient steps per restart, at least 1
     * @return a copy with this many steps
     */
    public GradientDescentAttack steps(int value) {
        return with(norm, eps, value, stepSize, randomStart, restarts, earlyStop, loss, seed);
    }

    /**
     * @param value the length of each step in the attack's norm, positive; default
     *     {@code 2.5 * eps / steps} (Madry et al.) for BIM and PGD, {@code eps / steps} for MIM
     *     (Dong et al.), or {@code eps} for a single step
     * @return a copy with this step size
     */
    public GradientDescentAttack stepSize(float value) {
        return with(norm, eps, steps, value, randomStart, restarts, earlyStop, loss, seed);
    }

    /**
     * @param value whether each restart starts at a uniform random point of the ball
     * @return a copy with this setting
     */
    public GradientDescentAttack randomStart(boolean value) {
        return with(norm, eps, steps, stepSize, value, restarts, earlyStop, loss, seed);
    }

    /**
     * @param value the number of runs; later runs attack only the samples earlier ones did not break
     * @return a copy with this many restarts
     */
    public GradientDescentAttack restarts(int value) {
        return with(norm, eps, steps, stepSize, randomStart, value, earlyStop, loss, seed);
    }

    /**
     * @param value whether a sample stops at its first adversarial point
     * @return a copy with this setting
     */
    public GradientDescentAttack earlyStop(boolean value) {
        return with(norm, eps, steps, stepSize, randomStart, restarts, value, loss, seed);
    }

    /**
     * @param value the loss to ascend
     * @return a copy with this loss
     */
    public GradientDescentAttack loss(GradientLoss value) {
        return with(norm, eps, steps, stepSize, randomStart, restarts, earlyStop, value, seed);
    }

    /**
     * @param value the momentum decay factor μ, finite and {@code >= 0}: 0 (the default except
     *     for MIM) disables momentum; MIM uses 1.0; only for the linf and l2 norms
     * @return a copy with this decay factor
     */
    public GradientDescentAttack decay(float value) {
        return with(norm, eps, steps, stepSize, randomStart, restarts, earlyStop, loss, value, seed);
    }

    /** @return the momentum decay factor μ; 0 when the attack uses no momentum */
    public float decay() {
        return decay;
    }

    /**
     * @param value the seed of every random draw
     * @return a copy with this seed
     */
    public GradientDescentAttack seed(long value) {
        return with(norm, eps, steps, stepSize, randomStart, restarts, earlyStop, loss, value);
    }

    /** @return gradient steps per restart */
    public int steps() {
        return steps;
    }

    /** @return the step size in use: the one set, or the default for eps and steps */
    public float effectiveStepSize() {
        if (stepSize != null) {
            return stepSize;
        }
        return steps == 1 ? eps : defaultStepScale * eps / steps;
    }

    @Override
    public String name() {
        return name;
    }

    private static final Param<GradientDescentAttack, Float> EPS = Param.of(
            "eps", ParamType.FLOAT, Range.positive(),
            "radius of the ball (default by norm: linf 0.1, l2 1, l1 10)", a -> a.eps, GradientDescentAttack::eps);
    private static final Param<GradientDescentAttack, Integer> STEPS = Param.of(
            "steps", ParamType.INT, Range.atLeast(1),
            "gradient steps per restart", a -> a.steps, GradientDescentAttack::steps);
    private static final Param<GradientDescentAttack, Float> STEP_SIZE = Param.of(
            "step-size", ParamType.FLOAT, Range.positive(),
            "step length in the norm (default 2.5 eps / steps; MIM eps / steps; eps for one step)",
            GradientDescentAttack::effectiveStepSize, GradientDescentAttack::stepSize);
    private static final Param<GradientDescentAttack, Integer> RESTARTS = Param.of(
            "restarts", ParamType.INT, Range.atLeast(1),
            "runs; later runs attack only unbroken samples", a -> a.restarts, GradientDescentAttack::restarts);
    private static final Param<GradientDescentAttack, Float> DECAY = Param.<GradientDescentAttack, Float>of(
            "decay", ParamType.FLOAT, Range.nonNegative(),
            "momentum decay factor (MIM: 1.0; 0 = none)", a -> a.decay,
            GradientDescentAttack::decay)
            .shownWhen(a -> a.decay > 0 || a.name.equals("mim"));

    /**
     * The parameters, declared once with their ranges: the registry sets them from text,
     * {@link #params()} and the JSON record report them, help lists them, the constructor checks
     * them.
     */
    public static final Parameters<GradientDescentAttack> PARAMETERS = Parameters.of(
            AttackParams.<GradientDescentAttack>norm((a, v) -> a.norm(v).eps(Budget.defaultEps(v)), a -> a.norm),
            EPS, STEPS, STEP_SIZE,
            Param.of("random-start", ParamType.BOOLEAN, "start each restart at a uniform point of the ball",
                    a -> a.randomStart, GradientDescentAttack::randomStart),
            RESTARTS,
            Param.of("early-stop", ParamType.BOOLEAN, "a sample stops at its first adversarial point",
                    a -> a.earlyStop, GradientDescentAttack::earlyStop),
            Param.of("loss", ParamType.STRING, "the loss ascended: ce or cw", a -> a.loss.cliName(),
                    (a, v) -> a.loss(GradientLoss.parse(v))),
            DECAY,
            AttackParams.<GradientDescentAttack>seed((a, v) -> a.seed(v)));

    private static final AttackSpec<GradientDescentAttack> SPEC =
            AttackSpec.of(GradientDescentAttack.class, ModelAccess.GRADIENTS, PARAMETERS)
            .budget(a -> a.norm, GradientDescentAttack::norm, a -> a.eps, GradientDescentAttack::eps)
            .seed(a -> a.seed);

    @Override
    protected NDArray attack(AttackContext ctx) {
        int n = ctx.size();
        int dim = ctx.sampleSize();
        Shape sampleShape = ctx.x().getShape().slice(1);
        Bounds bounds = ctx.model().bounds();
        Objective objective = ctx.criterion().ascend(loss.objective());
        int[] objectiveLabels = ctx.criterion().objectiveClasses();
        float stepSize = effectiveStepSize();

        float[] best = ctx.xData().clone();
        float[] bestLoss = new float[n];
        java.util.Arrays.fill(bestLoss, Float.NEGATIVE_INFINITY);
        boolean[] found = new boolean[n];
        SplittableRandom root = ctx.random();

        for (int r = 0; r < restarts; r++) {
            SplittableRandom random = root.split();
            int[] idx = Batches.where(found, false);
            if (idx.length == 0) {
                break;
            }
            try (ShrinkingBatch<Carried> batch = new ShrinkingBatch<>(ctx.manager(), idx)) {
                NDManager restart = batch.manager();
                NDArray xA = restart.create(Batches.rows(ctx.xData(), idx, dim), Shapes.batch(idx.length, sampleShape));
                NDArray labA = restart.create(Batches.pick(objectiveLabels, idx));
                NDArray delta = randomStart
                        ? norm.randomStart(restart, xA.getShape(), eps, sampleStreams(ctx, idx, random.nextLong()))
                        : restart.zeros(xA.getShape());
                delta = clipDelta(xA, delta, bounds);
                // With momentum, the accumulated gradient is carried too.
                NDArray momentum = decay > 0 ? restart.zeros(xA.getShape()) : null;
                batch.start(new Carried(xA, labA, delta, momentum));

                for (int s = 0; s < steps && !batch.isEmpty(); s++) {
                    try (ShrinkingBatch<Carried>.Step step = batch.step()) {
                        Carried c = step.state();
                        int[] rows = step.samples();
                        NDArray xAdv = c.x().add(c.delta()).clip(bounds.min(), bounds.max());
                        Evaluation ev = ctx.evaluate(xAdv, objective, c.labels(), rows);
                        NDArray gradient = ev.gradient();
                        boolean offerClean = s == 0 && !randomStart;
                        int[] predicted = earlyStop || offerClean ? AttackContext.argMax(ev.logits()) : null;
                        if (offerClean) {
                            // The first point is the clean input (unless clipping moved it): its
                            // logits are the clean predictions the template would compute again.
                            offerClean(ctx, xAdv.toFloatArray(), predicted, rows, dim);
                        }
                        if (earlyStop) {
                            boolean[] success = AttackContext.verdict(ctx.criterion(), ev.logits(), predicted, rows);
                            if (Batches.count(success) > 0) {
                                record(ctx, best, found, xAdv, success, predicted, rows, dim, step.manager());
                                if (!step.keep(Batches.not(success))) {
                                    break;
                                }
                                c = step.kept(c);
                                gradient = step.rows(gradient);
                            }
                        }
                        NDArray ascent = gradient;
                        NDArray nextMomentum = c.momentum();
                        if (nextMomentum != null) {
                            nextMomentum = nextMomentum.mul(decay).add(gradient.div(l1Norm(gradient)));
                            ascent = nextMomentum;
                        }
                        NDArray moved = c.delta().add(norm.direction(ascent).mul(stepSize));
                        NDArray projected = clipDelta(c.x(), norm.project(moved, eps), bounds);
                        step.carry(new Carried(c.x(), c.labels(), projected, nextMomentum));
                    }
                }
                if (!batch.isEmpty()) {
                    finish(ctx, objective, batch, bounds, dim, best, bestLoss, found);
                }
            }
        }
        return ctx.manager().create(best, ctx.x().getShape());
    }

    /**
     * What a restart carries from step to step, one row per active sample.
     *
     * @param x the clean inputs
     * @param labels the labels the objective refers to
     * @param delta the perturbation
     * @param momentum the accumulated gradient (MIM), or {@code null}
     */
    private record Carried(NDArray x, NDArray labels, NDArray delta, NDArray momentum)
            implements ShrinkingBatch.State<Carried> {

        @Override
        public List<NDArray> arrays() {
            return momentum == null ? List.of(x, labels, delta) : List.of(x, labels, delta, momentum);
        }

        @Override
        public Carried map(UnaryOperator<NDArray> rows) {
            return new Carried(rows.apply(x), rows.apply(labels), rows.apply(delta),
                    momentum == null ? null : rows.apply(momentum));
        }
    }

    /** Scores the final points of a restart and keeps each sample's best. */
    private void finish(
            AttackContext ctx, Objective objective, ShrinkingBatch<Carried> batch, Bounds bounds, int dim,
            float[] best, float[] bestLoss, boolean[] found) {
        try (ShrinkingBatch<Carried>.Step step = batch.step()) {
            Carried c = step.state();
            int[] idx = step.samples();
            NDArray xAdv = c.x().add(c.delta()).clip(bounds.min(), bounds.max());
            NDArray logits = ctx.predict(xAdv, idx);
            int[] predicted = AttackContext.argMax(logits);
            boolean[] success = AttackContext.verdict(ctx.criterion(), logits, predicted, idx);
            float[] values = objective.apply(logits, c.labels()).toFloatArray();
            float[] points = xAdv.toFloatArray();
            for (int i = 0; i < idx.length; i++) {
                int s = idx[i];
                if (success[i] || values[i] > bestLoss[s]) {
                    System.arraycopy(points, i * dim, best, s * dim, dim);
                    bestLoss[s] = values[i];
                    found[s] = success[i];
                    ctx.recordVerdict(s, points, i * dim, predicted[i], success[i]);
                }
            }
        }
    }

    /** Copies the successful rows of {@code xAdv} into {@code best}, with their verdicts. */
    private static void record(
            AttackContext ctx, float[] best, boolean[] found, NDArray xAdv, boolean[] success, int[] predicted,
            int[] idx, int dim, NDManager it) {
        float[] hits = xAdv.get(new NDIndex("{}", Batches.rowIndex(it, success))).toFloatArray();
        int row = 0;
        for (int i = 0; i < idx.length; i++) {
            if (success[i]) {
                System.arraycopy(hits, row * dim, best, idx[i] * dim, dim);
                found[idx[i]] = true;
                ctx.recordVerdict(idx[i], hits, row * dim, predicted[i], true);
                row++;
            }
        }
    }

    /** Hands the template the predictions of the rows that are their clean input bit for bit. */
    private static void offerClean(AttackContext ctx, float[] points, int[] predicted, int[] idx, int dim) {
        float[] clean = ctx.xData();
        for (int i = 0; i < idx.length; i++) {
            int from = idx[i] * dim;
            if (java.util.Arrays.equals(points, i * dim, i * dim + dim, clean, from, from + dim)) {
                ctx.offerClean(idx[i], predicted[i]);
            }
        }
    }

    /** Per-sample L1 norms of a batch, shaped to broadcast over its rows; never below 1e-12. */
    private static NDArray l1Norm(NDArray gradient) {
        Shape shape = gradient.getShape();
        long[] dims = new long[shape.dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[0] = shape.get(0);
        return gradient.reshape(shape.get(0), -1).abs().sum(new int[] {1}).maximum(1e-12f).reshape(new Shape(dims));
    }

    /** Returns {@code clip(x + delta) - x}: the perturbation that keeps {@code x + delta} in bounds. */
    static NDArray clipDelta(NDArray x, NDArray delta, Bounds bounds) {
        return x.add(delta).clip(bounds.min(), bounds.max()).sub(x);
    }

    /**
     * One random stream per listed sample, keyed by the sample's input ({@link
     * AttackContext#sampleRandom}): a sample's random start does not depend on its batch.
     */
    static SplittableRandom[] sampleStreams(AttackContext ctx, int[] idx, long streamSeed) {
        SplittableRandom[] out = new SplittableRandom[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = ctx.sampleRandom(streamSeed, idx[i]);
        }
        return out;
    }
}
