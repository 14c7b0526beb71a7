package dev.robust4j.attack.blackbox;

import ai.djl.ndarray.NDArray;
import dev.robust4j.attack.AbstractEvasionAttack;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackParams;
import dev.robust4j.attack.AttackSpec;
import dev.robust4j.attack.ModelAccess;
import dev.robust4j.attack.Batches;
import dev.robust4j.model.Criterion;
import dev.robust4j.model.Bounds;
import dev.robust4j.param.Param;
import dev.robust4j.param.ParamType;
import dev.robust4j.param.Parameters;
import dev.robust4j.param.Range;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * ZOO, zeroth-order optimisation (Chen, Zhang, Sharma, Yi and Hsieh, "ZOO: Zeroth Order
 * Optimization based Black-box Attacks to Deep Neural Networks without Training Substitute
 * Models", AISec 2017), in its ZOO-ADAM form: the Carlini-Wagner L2 objective minimised by
 * stochastic coordinate descent, each coordinate's derivative estimated by a symmetric finite
 * difference of two queries and applied by a per-coordinate ADAM step.
 *
 * <pre>{@code
 * EvasionAttack zoo = ZooAttack.create().maxIter(200).nbParallel(128).learningRate(0.01f);
 * }</pre>
 *
 * <p>The objective of a sample at {@code x'} is {@code ||x' - x||² + c f(x')} with, on
 * log-probabilities {@code log F(x')} (equal to logit differences),
 * {@code f = max(log F_y - max_{j != y} log F_j, -confidence)} untargeted and
 * {@code f = max(max_{j != t} log F_j - log F_t, -confidence)} targeted. Every iteration, for each
 * active sample: draw {@code nb-parallel} distinct coordinates uniformly, query the
 * {@code 2 nb-parallel} probes {@code x' ± h e_i} in one batch together with every other active
 * sample's probes, estimate {@code g_i = (L(x' + h e_i) - L(x' - h e_i)) / 2h} ({@code h = 1e-4},
 * the paper's value; a probe that would leave the model's bounds is clipped and the difference
 * divided by the actual distance), and update each chosen coordinate with ADAM (its own moments
 * and step count; {@code beta1 = 0.9}, {@code beta2 = 0.999}) before projecting it onto the bounds
 * (the reference's non-tanh variant). The probes are real inputs: the first adversarial one is
 * the sample's adversarial.
 *
 * <p>Binary search over {@code c} is optional. With {@code binary-search-steps = 1} (the default)
 * a sample stops at its first adversarial probe, so its query count is its queries to success.
 * With more steps the attack becomes minimal-norm, as Carlini-Wagner's: each step restarts from
 * {@code x} with fresh ADAM state, runs up to {@code max-iter} iterations keeping the adversarial
 * probe of smallest L2 norm, then halves the interval of {@code c} around the success boundary
 * (or multiplies {@code c} by 10 while no step has succeeded); samples keep querying after their
 * first success, and their query count is the total spent. Not implemented: the paper's
 * attack-space reduction, hierarchical attack and importance sampling (for large images), and
 * early abort.
 *
 * <p>Cost: {@code 2 nb-parallel} queries per sample per iteration, at most
 * {@code max-queries} in all (default {@code 2 nb-parallel max-iter binary-search-steps}); a last
 * iteration that would exceed it probes fewer coordinates.
 */
public final class ZooAttack extends AbstractEvasionAttack {

    /** Half the distance between the two probes of a coordinate (the paper's h). */
    public static final float FD_STEP = 1e-4f;

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double ADAM_EPS = 1e-8;

    private final int maxIter;
    private final float learningRate;
    private final float confidence;
    private final float initialConst;
    private final int binarySearchSteps;
    private final int nbParallel;
    private final Integer maxQueries;
    private final long seed;

    private ZooAttack(
            int maxIter, float learningRate, float confidence, float initialConst, int binarySearchSteps,
            int nbParallel, Integer maxQueries, long seed) {
        super(SPEC);
        MAX_ITER.check(maxIter);
        LEARNING_RATE.check(learningRate);
        CONFIDENCE.check(confidence);
        INITIAL_CONST.check(initialConst);
        BINARY_SEARCH_STEPS.check(binarySearchSteps);
        NB_PARALLEL.check(nbParallel);
        MAX_QUERIES.check(maxQueries);
        this.maxIter = maxIter;
        this.learningRate = learningRate;
        this.confidence = confidence;
        this.initialConst = initialConst;
        this.binarySearchSteps = binarySearchSteps;
        this.nbParallel = nbParallel;
        this.maxQueries = maxQueries;
        this.seed = seed;
    }

    /**
     * @return ZOO-ADAM with 100 iterations of 128 coordinates, learning rate 0.01, confidence 0,
     *     c = 10, no binary search, seed 0
     */
    public static ZooAttack create() {
        return new ZooAttack(100, 0.01f, 0f, 10f, 1, 128, null, 0L);
    }

    private ZooAttack with(int mi, float lr, float conf, float c, int bss, int nb, Integer mq, long s) {
        return new ZooAttack(mi, lr, conf, c, bss, nb, mq, s);
    }

    /**
     * @param value iterations per binary-search step, at least 1
     * @return a copy with this many iterations
     */
    public ZooAttack maxIter(int value) {
        return with(value, learningRate, confidence, initialConst, binarySearchSteps, nbParallel, maxQueries, seed);
    }

    /**
     * @param value the ADAM learning rate, positive
     * @return a copy with this rate
     */
    public ZooAttack learningRate(float value) {
        return with(maxIter, value, confidence, initialConst, binarySearchSteps, nbParallel, maxQueries, seed);
    }

    /**
     * @param value the margin kappa beyond the decision boundary at which the loss stops falling, &gt;= 0
     * @return a copy with this confidence
     */
    public ZooAttack confidence(float value) {
        return with(maxIter, learningRate, value, initialConst, binarySearchSteps, nbParallel, maxQueries, seed);
    }

    /**
     * @param value the first trade-off constant c, positive
     * @return a copy with this constant
     */
    public ZooAttack initialConst(float value) {
        return with(maxIter, learningRate, confidence, value, binarySearchSteps, nbParallel, maxQueries, seed);
    }

    /**
     * @param value the number of binary-search steps over c, at least 1; 1 means a fixed c and
     *     early stop at the first adversarial
     * @return a copy with this many steps
     */
    public ZooAttack binarySearchSteps(int value) {
        return with(maxIter, learningRate, confidence, initialConst, value, nbParallel, maxQueries, seed);
    }

    /**
     * @param value coordinates estimated per iteration (two queries each), at least 1
     * @return a copy with this many coordinates
     */
    public ZooAttack nbParallel(int value) {
        return with(maxIter, learningRate, confidence, initialConst, binarySearchSteps, value, maxQueries, seed);
    }

    /**
     * @param value the hard per-sample query budget, at least 2
     * @return a copy with this budget
     */
    public ZooAttack maxQueries(int value) {
        return with(maxIter, learningRate, confidence, initialConst, binarySearchSteps, nbParallel, value, seed);
    }

    /**
     * @param value the seed of every random draw
     * @return a copy with this seed
     */
    public ZooAttack seed(long value) {
        return with(maxIter, learningRate, confidence, initialConst, binarySearchSteps, nbParallel, maxQueries, value);
    }

    /** @return the budget in use: the one set, or {@code 2 nb-parallel max-iter binary-search-steps} */
    public long effectiveMaxQueries() {
        return maxQueries != null ? maxQueries : 2L * nbParallel * maxIter * binarySearchSteps;
    }

    @Override
    public String name() {
        return "zoo";
    }

    private static final Param<ZooAttack, Integer> MAX_ITER = Param.of(
            "max-iter", ParamType.INT, Range.atLeast(1),
            "coordinate steps per search", a -> a.maxIter,
            ZooAttack::maxIter);
    private static final Param<ZooAttack, Float> LEARNING_RATE = Param.of(
            "learning-rate", ParamType.FLOAT, Range.positive(),
            "Adam's learning rate", a -> a.learningRate,
            ZooAttack::learningRate);
    private static final Param<ZooAttack, Float> CONFIDENCE = Param.of(
            "confidence", ParamType.FLOAT, Range.nonNegative(),
            "log-probability margin", a -> a.confidence,
            ZooAttack::confidence);
    private static final Param<ZooAttack, Float> INITIAL_CONST = Param.of(
            "initial-const", ParamType.FLOAT, Range.positive(),
            "the first constant c", a -> a.initialConst,
            ZooAttack::initialConst);
    private static final Param<ZooAttack, Integer> BINARY_SEARCH_STEPS = Param.of(
            "binary-search-steps", ParamType.INT, Range.atLeast(1),
            "searches over the constant c",
            a -> a.binarySearchSteps, ZooAttack::binarySearchSteps);
    private static final Param<ZooAttack, Integer> NB_PARALLEL = Param.of(
            "nb-parallel", ParamType.INT, Range.atLeast(1),
            "coordinates estimated per step", a -> a.nbParallel,
            ZooAttack::nbParallel);
    private static final Param<ZooAttack, Integer> MAX_QUERIES = Param.of(
            "max-queries", ParamType.INT, Range.of(">= 2", ">= 2 (one pair of probes)", v -> v >= 2),
            "queries per sample (default: what the schedule needs)",
            ZooAttack::effectiveMaxQueries, ZooAttack::maxQueries);

    /**
     * The parameters, declared once: the registry sets them from text, {@link #params()} and the
     * JSON record report them, help lists them.
     */
    public static final Parameters<ZooAttack> PARAMETERS = Parameters.of(
            MAX_ITER,
            LEARNING_RATE,
            CONFIDENCE,
            INITIAL_CONST,
            BINARY_SEARCH_STEPS,
            NB_PARALLEL,
            MAX_QUERIES,
            AttackParams.<ZooAttack>seed((a, v) -> a.seed(v)));

    private static final AttackSpec<ZooAttack> SPEC =
            AttackSpec.of(ZooAttack.class, ModelAccess.SCORES, PARAMETERS)
            .seed(a -> a.seed);

    @Override
    protected NDArray attack(AttackContext ctx) {
        int n = ctx.size();
        int dim = ctx.sampleSize();
        int k = ctx.model().numClasses();
        Bounds b = ctx.model().bounds();
        long budget = effectiveMaxQueries();
        boolean earlyStop = binarySearchSteps == 1;
        float[] x0 = ctx.xData();
        float[] best = x0.clone();
        double[] bestL2 = new double[n];
        Arrays.fill(bestL2, Double.POSITIVE_INFINITY);
        boolean[] finished = ctx.adversarialAtStart();
        SplittableRandom[] rng = Scores.perSample(ctx);
        double[] c = new double[n];
        double[] lower = new double[n];
        double[] upper = new double[n];
        Arrays.fill(c, initialConst);
        Arrays.fill(upper, 1e10);

        float[] point = new float[n * dim];
        double[] m = new double[n * dim];
        double[] v = new double[n * dim];
        int[] t = new int[n * dim];
        int[][] pool = new int[n][];

        for (int step = 0; step < binarySearchSteps; step++) {
            System.arraycopy(x0, 0, point, 0, point.length);
            Arrays.fill(m, 0);
            Arrays.fill(v, 0);
            Arrays.fill(t, 1);
            boolean[] succeeded = new boolean[n];
            for (int it = 0; it < maxIter; it++) {
                int[][] coords = new int[n][];
                int rowsCount = 0;
                boolean[] active = new boolean[n];
                for (int s = 0; s < n; s++) {
                    long left = budget - ctx.queriesUsed(s);
                    if (finished[s] || left < 2) {
                        continue;
                    }
                    int count = (int) Math.min(Math.min(nbParallel, dim), left / 2);
                    if (pool[s] == null) {
                        pool[s] = new int[dim];
                        for (int j = 0; j < dim; j++) {
                            pool[s][j] = j;
                        }
                    }
                    coords[s] = choose(pool[s], count, rng[s]);
                    active[s] = true;
                    rowsCount += 2 * count;
                }
                int[] idx = Batches.where(active, true);
                if (idx.length == 0) {
                    break;
                }
                float[] rows = new float[rowsCount * dim];
                int[] owner = new int[rowsCount];
                int[] first = new int[n];
                int r = 0;
                for (int s : idx) {
                    first[s] = r;
                    writeProbes(point, s * dim, dim, coords[s], FD_STEP, b, rows, r * dim);
                    Arrays.fill(owner, r, r + 2 * coords[s].length, s);
                    r += 2 * coords[s].length;
                }
                float[] logits = Scores.logits(ctx, rows, owner);
                for (int s : idx) {
                    int adversarialRow = -1;
                    double adversarialL2 = Double.POSITIVE_INFINITY;
                    for (int q = first[s]; q < first[s] + 2 * coords[s].length; q++) {
                        if (ctx.criterion().isAdversarial(s, Scores.argMax(logits, q, k), logits, q, k)) {
                            double d = Math.sqrt(distance2(rows, q * dim, x0, s * dim, dim));
                            if (d < adversarialL2) {
                                adversarialL2 = d;
                                adversarialRow = q;
                            }
                        }
                    }
                    if (adversarialRow >= 0) {
                        succeeded[s] = true;
                        if (adversarialL2 < bestL2[s]) {
                            bestL2[s] = adversarialL2;
                            System.arraycopy(rows, adversarialRow * dim, best, s * dim, dim);
                        }
                        if (earlyStop) {
                            finished[s] = true;
                            continue;
                        }
                    }
                    double[] g = coordinateGradient(point, x0, s * dim, dim, coords[s], FD_STEP, b, logits, first[s],
                            k, ctx.criterion(), s, c[s], confidence);
                    adam(point, m, v, t, s * dim, coords[s], g, b);
                }
            }
            for (int s = 0; s < n; s++) {
                if (!earlyStop && !finished[s]) {
                    updateConst(s, succeeded[s], c, lower, upper);
                }
            }
        }
        // A sample never made adversarial returns its last point (of the last binary-search step).
        for (int s = 0; s < n; s++) {
            if (bestL2[s] == Double.POSITIVE_INFINITY && !finished[s]) {
                System.arraycopy(point, s * dim, best, s * dim, dim);
            }
        }
        return ctx.manager().create(best, ctx.x().getShape());
    }

    /** Carlini-Wagner's update of c after a binary-search step. */
    private static void updateConst(int s, boolean success, double[] c, double[] lower, double[] upper) {
        if (success) {
            upper[s] = Math.min(upper[s], c[s]);
            if (upper[s] < 1e9) {
                c[s] = (lower[s] + upper[s]) / 2;
            }
        } else {
            lower[s] = Math.max(lower[s], c[s]);
            c[s] = upper[s] < 1e9 ? (lower[s] + upper[s]) / 2 : c[s] * 10;
        }
    }

    /** Picks {@code count} distinct values of {@code pool} uniformly (partial Fisher-Yates; reorders the pool). */
    private static int[] choose(int[] pool, int count, SplittableRandom random) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(pool.length - i);
            int tmp = pool[i];
            pool[i] = pool[j];
            pool[j] = tmp;
            out[i] = pool[i];
        }
        return out;
    }

    /**
     * Writes the probes of one sample: row {@code 2i} is the point with coordinate
     * {@code coords[i]} raised by {@code h}, row {@code 2i + 1} the point with it lowered by
     * {@code h}, each clipped to the bounds.
     */
    static void writeProbes(float[] point, int off, int dim, int[] coords, float h, Bounds b, float[] out, int outOff) {
        for (int i = 0; i < coords.length; i++) {
            int plus = outOff + 2 * i * dim;
            int minus = plus + dim;
            System.arraycopy(point, off, out, plus, dim);
            System.arraycopy(point, off, out, minus, dim);
            int j = coords[i];
            out[plus + j] = Scores.clip(point[off + j] + h, b.min(), b.max());
            out[minus + j] = Scores.clip(point[off + j] - h, b.min(), b.max());
        }
    }

    /**
     * The ZOO loss of one probe: {@code dist2 + c f} with f the confidence-clamped margin on
     * log-probabilities.
     */
    static double loss(
            float[] logits, int row, int k, Criterion criterion, int sample, double c, double kappa, double dist2) {
        double f = Math.max(criterion.slack(logits, row, k, sample), -kappa);
        return dist2 + c * f;
    }

    /**
     * Estimates the derivatives of the loss along the chosen coordinates by symmetric finite
     * differences of the probes {@link #writeProbes} wrote, whose logits start at row {@code firstRow}.
     *
     * @return one derivative per coordinate
     */
    static double[] coordinateGradient(
            float[] point, float[] x0, int off, int dim, int[] coords, float h, Bounds b, float[] logits, int firstRow,
            int k, Criterion criterion, int sample, double c, double kappa) {
        double base = distance2(point, off, x0, off, dim);
        double[] g = new double[coords.length];
        for (int i = 0; i < coords.length; i++) {
            int j = coords[i];
            double p = point[off + j];
            double x = x0[off + j];
            float up = Scores.clip(p + h, b.min(), b.max());
            float down = Scores.clip(p - h, b.min(), b.max());
            double rest = base - (p - x) * (p - x);
            double lUp = loss(logits, firstRow + 2 * i, k, criterion, sample, c, kappa, rest + (up - x) * (up - x));
            double lDown = loss(
                    logits, firstRow + 2 * i + 1, k, criterion, sample, c, kappa, rest + (down - x) * (down - x));
            double width = (double) up - down;
            g[i] = width > 0 ? (lUp - lDown) / width : 0;
        }
        return g;
    }

    /** One ADAM step on the chosen coordinates, each with its own step count, then projection onto the bounds. */
    private void adam(float[] point, double[] m, double[] v, int[] t, int off, int[] coords, double[] g, Bounds b) {
        for (int i = 0; i < coords.length; i++) {
            int j = off + coords[i];
            m[j] = BETA1 * m[j] + (1 - BETA1) * g[i];
            v[j] = BETA2 * v[j] + (1 - BETA2) * g[i] * g[i];
            double corr = Math.sqrt(1 - Math.pow(BETA2, t[j])) / (1 - Math.pow(BETA1, t[j]));
            double next = point[j] - learningRate * corr * m[j] / (Math.sqrt(v[j]) + ADAM_EPS);
            point[j] = Scores.clip(next, b.min(), b.max());
            t[j]++;
        }
    }

    private static double distance2(float[] a, int aOff, float[] b, int bOff, int dim) {
        double sum = 0;
        for (int j = 0; j < dim; j++) {
            double d = (double) a[aOff + j] - b[bOff + j];
            sum += d * d;
        }
        return sum;
    }
}
