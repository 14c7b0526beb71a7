package dev.robust4j.attack.blackbox;

import ai.djl.ndarray.NDArray;
import dev.robust4j.attack.AbstractEvasionAttack;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackParams;
import dev.robust4j.attack.AttackSpec;
import dev.robust4j.attack.ModelAccess;
import dev.robust4j.attack.Norm;
import dev.robust4j.model.Bounds;
import dev.robust4j.param.Param;
import dev.robust4j.param.ParamType;
import dev.robust4j.param.Parameters;
import dev.robust4j.param.Range;

import java.util.SplittableRandom;

/**
 * The Boundary Attack (Brendel, Rauber and Bethge, "Decision-Based Adversarial Attacks: Reliable
 * Attacks Against Black-Box Machine Learning Models", ICLR 2018): a label-only, minimal-L2 attack
 * that starts from a large adversarial perturbation and walks along the decision boundary towards
 * the clean input, using nothing but the model's decisions.
 *
 * <pre>{@code
 * EvasionAttack boundary = BoundaryAttack.create().maxQueries(5_000).seed(1);
 * }</pre>
 *
 * <p>Algorithm, per sample, all samples batched into one model call per step:
 * <ol>
 *   <li><b>Start</b> from an adversarial: uniform noise over the bounds that is already
 *       adversarial (up to {@code init-trials} draws), bisected towards the clean input to the
 *       closest adversarial blend (as Foolbox does). A targeted attack cannot start from noise of
 *       the target class reliably, so it starts from the closest other input of the batch the
 *       model classifies as the target, then from noise; {@link #startingPoints} gives explicit
 *       starts (they must be adversarial). See {@code DecisionSearch.start} for the exact order.</li>
 *   <li><b>Step</b>: draw Gaussian noise, make it orthogonal to the direction to the clean input
 *       and scale it to {@code spherical-step} times the current distance; project back onto the
 *       sphere around the clean input (the orthogonal step δ); then move {@code source-step}
 *       times the distance towards the clean input (the step ε); clip to the bounds. The
 *       candidate replaces the current adversarial if it is adversarial and closer.</li>
 *   <li><b>Adapt</b> the step sizes from success statistics (paper §3.3, reference
 *       implementation): over the last 100 orthogonal candidates, a success rate above 50% means
 *       the boundary is locally flat, so both steps grow by {@code step-adaptation}; below 20%
 *       both shrink. Over the last 30 candidates whose orthogonal step was adversarial, a success
 *       rate of the full step above 50% grows {@code source-step}, below 20% shrinks it. A window
 *       is cleared after it caused a change.</li>
 *   <li>A sample stops when its steps are used up, its next step would exceed
 *       {@code max-queries}, or its source step fell below 1e-7 (converged).</li>
 *   <li><b>Step past</b> the boundary: the returned point is moved 0.1% of its distance farther
 *       from the clean input ({@code DecisionSearch.stepPast}), so that it keeps a margin on the
 *       adversarial side under another engine's or CPU's rounding.</li>
 *   <li><b>Confirm</b> the rows to return with one query per sample, in one call of exactly the
 *       returned batch: a point this close to the boundary can change class with the batch it is
 *       computed in (float rounding in the model); a sample whose point fails falls back to its
 *       blended start, farther from the boundary (moved the same way).</li>
 * </ol>
 *
 * <p>Query cost: the start (noise draws in rounds of 1, 2, 4, ... until one is adversarial, so at
 * most twice the draws needed, none for a batch input; then about 10 for the bisection), then 2
 * per step: the orthogonal candidate and the full candidate are both queried, in
 * the same model call, so both statistics are exact at every step; finally 1 for the
 * confirmation. {@code max-queries} is a hard per-sample limit on everything, including the start
 * and the confirmation (reserved from the start).
 *
 * <p>It is a minimal-norm attack: without {@code eps} it keeps shrinking the L2 distance until the
 * budget is spent and has no ball. With {@code eps}, {@link #budget()} is the L2 ball of that
 * radius (the template projects anything outside onto it, so success counts only inside it) and
 * a sample stops as soon as its adversarial lies inside the ball.
 */
public final class BoundaryAttack extends AbstractEvasionAttack {

    /** Samples whose source step falls below this have converged. */
    static final double CONVERGENCE = 1e-7;
    /** Window of orthogonal-step outcomes for the step-size statistics. */
    static final int SPHERICAL_WINDOW = 100;
    /** Window of full-step outcomes (given an adversarial orthogonal step). */
    static final int STEP_WINDOW = 30;

    private final int steps;
    private final long maxQueries;
    private final double sphericalStep;
    private final double sourceStep;
    private final double stepAdaptation;
    private final int initTrials;
    private final Float eps;
    private final float[] startingPoints;
    private final long seed;

    private BoundaryAttack(
            int steps, long maxQueries, double sphericalStep, double sourceStep, double stepAdaptation,
            int initTrials, Float eps, float[] startingPoints, long seed) {
        super(SPEC);
        STEPS.check(steps);
        MAX_QUERIES.check(maxQueries);
        SPHERICAL_STEP.check(sphericalStep);
        SOURCE_STEP.check(sourceStep);
        STEP_ADAPTATION.check(stepAdaptation);
        INIT_TRIALS.check(initTrials);
        EPS.check(eps);
        this.steps = steps;
        this.maxQueries = maxQueries;
        this.sphericalStep = sphericalStep;
        this.sourceStep = sourceStep;
        this.stepAdaptation = stepAdaptation;
        this.initTrials = initTrials;
        this.eps = eps;
        this.startingPoints = startingPoints;
        this.seed = seed;
    }

    /**
     * Makes the attack with the defaults: 5,000 steps, at most 10,000 queries per sample,
     * spherical and source steps 0.01, step adaptation 1.5 (the paper's and Foolbox's), 100 noise
     * draws to start, no eps, seed 0.
     *
     * @return the attack
     */
    public static BoundaryAttack create() {
        return new BoundaryAttack(5_000, 10_000, 0.01, 0.01, 1.5, 100, null, null, 0L);
    }

    private BoundaryAttack with(
            int steps, long maxQueries, double sphericalStep, double sourceStep, double stepAdaptation,
            int initTrials, Float eps, float[] startingPoints, long seed) {
        return new BoundaryAttack(
                steps, maxQueries, sphericalStep, sourceStep, stepAdaptation, initTrials, eps, startingPoints, seed);
    }

    /**
     * @param value the most steps per sample, at least 0 (0 returns the blended start)
     * @return a copy with this many steps
     */
    public BoundaryAttack steps(int value) {
        return with(value, maxQueries, sphericalStep, sourceStep, stepAdaptation, initTrials, eps, startingPoints, seed);
    }

    /**
     * @param value the hard per-sample query budget, at least 1; one query of it is kept for the final
     *     confirmation
     * @return a copy with this budget
     */
    public BoundaryAttack maxQueries(long value) {
        return with(steps, value, sphericalStep, sourceStep, stepAdaptation, initTrials, eps, startingPoints, seed);
    }

    /**
     * @param value the initial orthogonal step, relative to the current distance, positive
     * @return a copy with this step
     */
    public BoundaryAttack sphericalStep(double value) {
        return with(steps, maxQueries, value, sourceStep, stepAdaptation, initTrials, eps, startingPoints, seed);
    }

    /**
     * @param value the initial step towards the clean input, relative to the current distance, in (0, 1)
     * @return a copy with this step
     */
    public BoundaryAttack sourceStep(double value) {
        return with(steps, maxQueries, sphericalStep, value, stepAdaptation, initTrials, eps, startingPoints, seed);
    }

    /**
     * @param value the factor by which step sizes grow or shrink, greater than 1
     * @return a copy with this factor
     */
    public BoundaryAttack stepAdaptation(double value) {
        return with(steps, maxQueries, sphericalStep, sourceStep, value, initTrials, eps, startingPoints, seed);
    }

    /**
     * @param value the most uniform-noise draws per sample to find a start, at least 1
     * @return a copy with this many draws
     */
    public BoundaryAttack initTrials(int value) {
        return with(steps, maxQueries, sphericalStep, sourceStep, stepAdaptation, value, eps, startingPoints, seed);
    }

    /**
     * Makes success count only inside the L2 ball of this radius, and stops each sample once its
     * adversarial lies inside it.
     *
     * @param value the radius, positive
     * @return a copy with this radius
     */
    public BoundaryAttack eps(float value) {
        return with(steps, maxQueries, sphericalStep, sourceStep, stepAdaptation, initTrials, value, startingPoints, seed);
    }

    /**
     * Gives explicit starting adversarials, e.g. inputs of the target class for a targeted attack.
     * They must match the batch the attack is run on and be adversarial (one query each checks);
     * a sample whose clean input is already adversarial ignores its row.
     *
     * @param rows {@code N * sampleSize} values, sample after sample, inside the bounds; copied
     * @return a copy with these starts
     */
    public BoundaryAttack startingPoints(float[] rows) {
        return with(steps, maxQueries, sphericalStep, sourceStep, stepAdaptation, initTrials, eps,
                rows == null ? null : rows.clone(), seed);
    }

    /**
     * @param value the seed of every random draw
     * @return a copy with this seed
     */
    public BoundaryAttack seed(long value) {
        return with(steps, maxQueries, sphericalStep, sourceStep, stepAdaptation, initTrials, eps, startingPoints, value);
    }

    @Override
    public String name() {
        return "boundary";
    }

    private static final Param<BoundaryAttack, Integer> STEPS = Param.of(
            "steps", ParamType.INT, Range.atLeast(0),
            "walk steps per sample", a -> a.steps, BoundaryAttack::steps);
    private static final Param<BoundaryAttack, Long> MAX_QUERIES = Param.of(
            "max-queries", ParamType.LONG, Range.atLeastLong(1),
            "queries per sample", a -> a.maxQueries,
            BoundaryAttack::maxQueries);
    private static final Param<BoundaryAttack, Double> SPHERICAL_STEP = Param.of(
            "spherical-step", ParamType.DOUBLE, Range.positiveDouble(),
            "initial orthogonal step, relative",
            a -> a.sphericalStep, BoundaryAttack::sphericalStep);
    private static final Param<BoundaryAttack, Double> SOURCE_STEP = Param.of(
            "source-step", ParamType.DOUBLE, Range.of("in (0, 1)", "in (0, 1)", v -> v > 0 && v < 1),
            "initial step towards the clean input, relative",
            a -> a.sourceStep, BoundaryAttack::sourceStep);
    private static final Param<BoundaryAttack, Double> STEP_ADAPTATION = Param.of(
            "step-adaptation", ParamType.DOUBLE, Range.of("> 1", "a number > 1", v -> v > 1 && Double.isFinite(v)),
            "step-size adaptation factor",
            a -> a.stepAdaptation, BoundaryAttack::stepAdaptation);
    private static final Param<BoundaryAttack, Integer> INIT_TRIALS = Param.of(
            "init-trials", ParamType.INT, Range.atLeast(1),
            "uniform draws to find a starting point",
            a -> a.initTrials, BoundaryAttack::initTrials);
    private static final Param<BoundaryAttack, Float> EPS = Param.of(
            "eps", ParamType.FLOAT, Range.positive(),
            "optional l2 radius: stop once inside it", a -> a.eps,
            BoundaryAttack::eps);

    /**
     * The parameters, declared once: the registry sets them from text, {@link #params()} and the
     * JSON record report them, help lists them.
     */
    public static final Parameters<BoundaryAttack> PARAMETERS = Parameters.of(
            STEPS,
            MAX_QUERIES,
            SPHERICAL_STEP,
            SOURCE_STEP,
            STEP_ADAPTATION,
            INIT_TRIALS,
            EPS,
            Param.javaOnly("starting-points", "adversarial starting points (Java API: startingPoints)",
                    a -> a.startingPoints != null ? "given" : null),
            AttackParams.<BoundaryAttack>seed((a, v) -> a.seed(v)));

    private static final AttackSpec<BoundaryAttack> SPEC =
            AttackSpec.of(BoundaryAttack.class, ModelAccess.LABELS, PARAMETERS)
            .budget(Norm.L2, a -> a.eps, BoundaryAttack::eps)
            .seed(a -> a.seed);

    @Override
    protected NDArray attack(AttackContext ctx) {
        int n = ctx.size();
        int dim = ctx.sampleSize();
        float[] x = ctx.xData();
        Bounds bounds = ctx.model().bounds();
        // One query per sample is kept for the final confirmation.
        Oracle oracle = Oracle.of(ctx, maxQueries - 1);
        SplittableRandom[] random = DecisionSearch.streams(ctx);
        DecisionSearch.Start start = DecisionSearch.start(ctx, oracle, startingPoints, initTrials, random, true);
        float[] adv = start.rows;
        float[] safe = adv.clone();

        double[] distance = new double[n];
        double[] spherical = new double[n];
        double[] source = new double[n];
        Window[] sphericalStats = new Window[n];
        Window[] stepStats = new Window[n];
        boolean[] running = new boolean[n];
        for (int i = 0; i < n; i++) {
            distance[i] = DecisionSearch.l2(x, i * dim, adv, i * dim, dim);
            spherical[i] = sphericalStep;
            source[i] = sourceStep;
            sphericalStats[i] = new Window(SPHERICAL_WINDOW);
            stepStats[i] = new Window(STEP_WINDOW);
            running[i] = start.found[i] && !start.clean[i] && distance[i] > 0 && (eps == null || distance[i] > eps);
        }

        double[] eta = new double[dim];
        for (int step = 0; step < steps; step++) {
            int[] idx = active(running, distance, source, oracle);
            if (idx.length == 0) {
                break;
            }
            int m = idx.length;
            // Rows 2j and 2j+1: sample idx[j]'s orthogonal candidate and full candidate.
            float[] probe = new float[2 * m * dim];
            int[] owners = new int[2 * m];
            for (int j = 0; j < m; j++) {
                int s = idx[j];
                owners[2 * j] = s;
                owners[2 * j + 1] = s;
                propose(x, adv, s * dim, dim, distance[s], spherical[s], source[s], bounds, random[s], eta,
                        probe, 2 * j * dim, (2 * j + 1) * dim);
            }
            boolean[] hit = oracle.adversarial(probe, owners);
            for (int j = 0; j < m; j++) {
                int s = idx[j];
                boolean sphericalHit = hit[2 * j];
                boolean candidateHit = hit[2 * j + 1];
                if (candidateHit) {
                    double d = DecisionSearch.l2(x, s * dim, probe, (2 * j + 1) * dim, dim);
                    if (d < distance[s]) {
                        System.arraycopy(probe, (2 * j + 1) * dim, adv, s * dim, dim);
                        distance[s] = d;
                    }
                }
                sphericalStats[s].add(sphericalHit);
                if (sphericalHit) {
                    stepStats[s].add(candidateHit);
                }
                if (sphericalStats[s].full()) {
                    double p = sphericalStats[s].rate();
                    if (p > 0.5) {
                        spherical[s] *= stepAdaptation;
                        source[s] *= stepAdaptation;
                        sphericalStats[s].clear();
                    } else if (p < 0.2) {
                        spherical[s] /= stepAdaptation;
                        source[s] /= stepAdaptation;
                        sphericalStats[s].clear();
                    }
                }
                if (stepStats[s].full()) {
                    double p = stepStats[s].rate();
                    if (p > 0.5) {
                        source[s] *= stepAdaptation;
                        stepStats[s].clear();
                    } else if (p < 0.2) {
                        source[s] /= stepAdaptation;
                        stepStats[s].clear();
                    }
                }
                if (eps != null && distance[s] <= eps) {
                    running[s] = false;
                }
            }
        }
        boolean[] attacked = new boolean[n];
        for (int i = 0; i < n; i++) {
            attacked[i] = start.found[i] && !start.clean[i];
        }
        DecisionSearch.stepPast(x, adv, attacked, dim, bounds, Norm.L2, eps);
        DecisionSearch.stepPast(x, safe, attacked, dim, bounds, Norm.L2, eps);
        DecisionSearch.confirm(ctx, adv, safe, attacked);
        return ctx.manager().create(adv, ctx.x().getShape());
    }

    /** Samples that may take another step: running, not converged, with budget for two queries. */
    private int[] active(boolean[] running, double[] distance, double[] source, Oracle oracle) {
        int[] out = new int[running.length];
        int c = 0;
        for (int i = 0; i < running.length; i++) {
            if (running[i] && source[i] >= CONVERGENCE && distance[i] > 0 && oracle.remaining(i) >= 2) {
                out[c++] = i;
            }
        }
        return java.util.Arrays.copyOf(out, c);
    }

    /**
     * Draws one proposal (the reference implementation's candidate generator): an orthogonal step
     * on the sphere around the clean input, then a step towards it; both clipped to the bounds.
     */
    static void propose(
            float[] x, float[] adv, int off, int dim, double distance, double spherical, double source,
            Bounds bounds, SplittableRandom random, double[] eta, float[] out, int sphericalOff, int candidateOff) {
        // Unit direction from the adversarial to the clean input.
        double dot = 0;
        for (int f = 0; f < dim; f++) {
            eta[f] = random.nextGaussian();
            dot += eta[f] * (x[off + f] - adv[off + f]) / distance;
        }
        double norm = 0;
        for (int f = 0; f < dim; f++) {
            eta[f] -= dot * (x[off + f] - adv[off + f]) / distance;
            norm += eta[f] * eta[f];
        }
        norm = Math.sqrt(norm);
        double scale = norm > 0 ? spherical * distance / norm : 0;
        double shrink = 1 / Math.sqrt(spherical * spherical + 1);
        double lo = bounds.min();
        double hi = bounds.max();
        double newNorm = 0;
        for (int f = 0; f < dim; f++) {
            double xv = x[off + f];
            // x + (eta - (x - adv)) / sqrt(1 + spherical^2): on the sphere of the current distance.
            double v = xv + (eta[f] * scale - (xv - adv[off + f])) * shrink;
            v = Math.max(lo, Math.min(hi, v));
            out[sphericalOff + f] = (float) v;
            double d = xv - out[sphericalOff + f];
            newNorm += d * d;
        }
        newNorm = Math.sqrt(newNorm);
        // Step towards the clean input by source * distance, corrected for clipping off the sphere.
        double length = Math.max(0, source * distance + newNorm - distance);
        double factor = newNorm > 0 ? length / newNorm : 0;
        for (int f = 0; f < dim; f++) {
            double sv = out[sphericalOff + f];
            double v = sv + factor * (x[off + f] - sv);
            out[candidateOff + f] = (float) Math.max(lo, Math.min(hi, v));
        }
    }

    /** A sliding window of the last outcomes. */
    static final class Window {
        private final boolean[] values;
        private int next;
        private int size;
        private int hits;

        Window(int length) {
            values = new boolean[length];
        }

        void add(boolean value) {
            if (size == values.length) {
                if (values[next]) {
                    hits--;
                }
            } else {
                size++;
            }
            values[next] = value;
            if (value) {
                hits++;
            }
            next = (next + 1) % values.length;
        }

        boolean full() {
            return size == values.length;
        }

        double rate() {
            return size == 0 ? 0 : hits / (double) size;
        }

        void clear() {
            size = 0;
            hits = 0;
            next = 0;
        }
    }
}
