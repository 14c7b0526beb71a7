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

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * HopSkipJumpAttack (Chen, Jordan and Wainwright, "HopSkipJumpAttack: A Query-Efficient
 * Decision-Based Attack", IEEE S&amp;P 2020), in L2 and L∞: a label-only, minimal-norm attack that
 * estimates the normal of the decision boundary from the model's decisions alone and jumps along
 * it.
 *
 * <pre>{@code
 * EvasionAttack hsja = HopSkipJump.l2().maxIter(40).maxQueries(5_000).seed(1);
 * }</pre>
 *
 * <p>Algorithm (the paper's Algorithm 2 with the constants of the authors' code), every phase
 * batched over all samples still running, one model call per phase (larger calls are split into
 * chunks of at most 16 MB of input):
 * <ol>
 *   <li><b>Start</b> from an adversarial found as in {@link BoundaryAttack} (uniform noise that is
 *       adversarial; targeted: the closest batch input of the target class, then noise; or
 *       {@link #startingPoints}), then bisect to the boundary: in L2 along the segment to the
 *       clean input until the blend weight is known to {@code θ = gamma / d^1.5}; in L∞ first
 *       blend towards the clean input to 1e-3 (as the authors' code), then bisect by clipping the
 *       perturbation, to {@code min(θ·dist, θ)} with {@code θ = gamma / d^2} ({@code d}
 *       features).</li>
 *   <li>For iteration {@code t = 1..max-iter}:
 *     <ol>
 *       <li><b>Estimate the gradient direction</b> at the boundary point {@code x_t} by
 *           Monte-Carlo: {@code B_t = min(init-evals·√t, max-evals)} probes
 *           {@code x_t + δ_t u_b}, {@code u_b} uniform on the unit L2 sphere (Gaussian for L2,
 *           uniform in the cube then normalised for L∞, as the authors' code), clipped to the
 *           bounds; the estimate is {@code Σ (φ_b − mean φ) u_b} with {@code φ_b = ±1} the
 *           decision (the baseline is dropped when all decisions agree), normalised. The probe
 *           radius is {@code δ_1 = 0.1·(max − min)} and then {@code δ_t = gamma·dist_{t−1} / d}
 *           (that is {@code √d·θ·dist} in L2, {@code d·θ·dist} in L∞).</li>
 *       <li><b>Geometric step-size search</b>: {@code ξ = dist_t / √t}, halved until
 *           {@code clip(x_t + ξ v)} is adversarial, with {@code v} the estimate (L2) or its sign
 *           (L∞); at most 30 halvings.</li>
 *       <li><b>Bisect</b> the new point back to the boundary as in the start.</li>
 *     </ol></li>
 * </ol>
 * The attack returns, per sample, the closest boundary point it visited (the authors' code
 * returns the last one; distances are not monotone from step to step), moved 0.1% of its distance
 * farther from the clean input ({@code DecisionSearch.stepPast}), after a confirmation: one query
 * per sample, in one call of exactly the returned batch. A point within {@code θ} of the boundary
 * can change class with the batch it is computed in or under another engine (float rounding in the
 * model: on the CNN fixture, L∞ points had logit margins of 1e-7 that flipped between batch sizes,
 * and PyTorch 1.13 called a point 5e-7 from the boundary not adversarial); the step keeps a margin
 * on the adversarial side (on the fixture, L2: smallest logit margin 4e-5 of the logits' scale
 * instead of 4e-7, median L2 1.5558 instead of 1.5543). A sample whose point fails falls back to
 * the adversarial end its bisection had when the interval was 1/1000 of its start, moved the same
 * way.
 *
 * <p>{@code max-queries} is a hard per-sample limit on everything, the confirmation included (one
 * query is reserved for it). Before each iteration a sample reserves what the bisection needs
 * ({@code ⌈log2(1/θ)⌉} queries) plus 2 for the step search, and its probe count is capped by what
 * remains; a sample that cannot afford a probe stops. A search cut short by the budget keeps its
 * adversarial end.
 *
 * <p>Query cost per iteration and sample: {@code B_t} + the step search (usually 1–3) + the
 * bisection (about 15 for L2 and 19 for L∞ on 784 features with {@code gamma = 1}); the start costs
 * the noise draws (rounds of 1, 2, 4, ... draws until one is adversarial, so at most twice the draws
 * needed; none for a batch input) plus the bisection (and about 10 for the L∞ blend); the
 * confirmation costs 1.
 *
 * <p>It is a minimal-norm attack: without {@code eps} it has no ball. With {@code eps},
 * {@link #budget()} is the ball of that radius in the attack's norm (the template projects
 * anything outside onto it, so success counts only inside it) and a sample stops as soon as its
 * adversarial lies inside the ball.
 */
public final class HopSkipJump extends AbstractEvasionAttack {

    /** Halvings of the geometric step-size search before the step is given up. */
    static final int MAX_HALVINGS = 30;

    private final Norm norm;
    private final int maxIter;
    private final long maxQueries;
    private final int initEvals;
    private final int maxEvals;
    private final double gamma;
    private final int initTrials;
    private final Float eps;
    private final float[] startingPoints;
    private final long seed;

    private HopSkipJump(
            Norm norm, int maxIter, long maxQueries, int initEvals, int maxEvals, double gamma, int initTrials,
            Float eps, float[] startingPoints, long seed) {
        super(SPEC);
        if (norm != Norm.L2 && norm != Norm.LINF) {
            throw new IllegalArgumentException("norm must be l2 or linf for hop-skip-jump, got " + norm);
        }
        MAX_ITER.check(maxIter);
        MAX_QUERIES.check(maxQueries);
        INIT_EVALS.check(initEvals);
        if (maxEvals < initEvals) {
            throw new IllegalArgumentException(
                    "max-evals must be >= init-evals (" + initEvals + "), got " + maxEvals);
        }
        GAMMA.check(gamma);
        INIT_TRIALS.check(initTrials);
        EPS.check(eps);
        this.norm = norm;
        this.maxIter = maxIter;
        this.maxQueries = maxQueries;
        this.initEvals = initEvals;
        this.maxEvals = maxEvals;
        this.gamma = gamma;
        this.initTrials = initTrials;
        this.eps = eps;
        this.startingPoints = startingPoints;
        this.seed = seed;
    }

    /**
     * Makes the L2 attack with the defaults of the paper and Foolbox: 64 iterations, 100 initial
     * and at most 10,000 gradient probes, gamma 1; at most 10,000 queries per sample; 100 noise
     * draws to start; no eps; seed 0.
     *
     * @return the attack
     */
    public static HopSkipJump l2() {
        return new HopSkipJump(Norm.L2, 64, 10_000, 100, 10_000, 1.0, 100, null, null, 0L);
    }

    /**
     * Makes the L∞ attack with the same defaults as {@link #l2()}.
     *
     * @return the attack
     */
    public static HopSkipJump linf() {
        return l2().norm(Norm.LINF);
    }

    private HopSkipJump with(
            Norm norm, int maxIter, long maxQueries, int initEvals, int maxEvals, double gamma, int initTrials,
            Float eps, float[] startingPoints, long seed) {
        return new HopSkipJump(
                norm, maxIter, maxQueries, initEvals, maxEvals, gamma, initTrials, eps, startingPoints, seed);
    }

    /**
     * @param value the norm to minimise, {@link Norm#L2} or {@link Norm#LINF}
     * @return a copy with this norm
     */
    public HopSkipJump norm(Norm value) {
        return with(value, maxIter, maxQueries, initEvals, maxEvals, gamma, initTrials, eps, startingPoints, seed);
    }

    /**
     * @param value the most iterations, at least 0 (0 returns the start bisected to the boundary)
     * @return a copy with this many iterations
     */
    public HopSkipJump maxIter(int value) {
        return with(norm, value, maxQueries, initEvals, maxEvals, gamma, initTrials, eps, startingPoints, seed);
    }

    /**
     * @param value the hard per-sample query budget, at least 1; one query of it is kept for the final
     *     confirmation
     * @return a copy with this budget
     */
    public HopSkipJump maxQueries(long value) {
        return with(norm, maxIter, value, initEvals, maxEvals, gamma, initTrials, eps, startingPoints, seed);
    }

    /**
     * @param value gradient probes in the first iteration (then growing as √t), at least 1
     * @return a copy with this count
     */
    public HopSkipJump initEvals(int value) {
        return with(norm, maxIter, maxQueries, value, maxEvals, gamma, initTrials, eps, startingPoints, seed);
    }

    /**
     * @param value the most gradient probes in one iteration, at least {@code init-evals}
     * @return a copy with this cap
     */
    public HopSkipJump maxEvals(int value) {
        return with(norm, maxIter, maxQueries, initEvals, value, gamma, initTrials, eps, startingPoints, seed);
    }

    /**
     * @param value sets the bisection threshold {@code θ} and the probe radius, positive
     * @return a copy with this gamma
     */
    public HopSkipJump gamma(double value) {
        return with(norm, maxIter, maxQueries, initEvals, maxEvals, value, initTrials, eps, startingPoints, seed);
    }

    /**
     * @param value the most uniform-noise draws per sample to find a start, at least 1
     * @return a copy with this many draws
     */
    public HopSkipJump initTrials(int value) {
        return with(norm, maxIter, maxQueries, initEvals, maxEvals, gamma, value, eps, startingPoints, seed);
    }

    /**
     * Makes success count only inside the ball of this radius in the attack's norm, and stops each
     * sample once its adversarial lies inside it.
     *
     * @param value the radius, positive
     * @return a copy with this radius
     */
    public HopSkipJump eps(float value) {
        return with(norm, maxIter, maxQueries, initEvals, maxEvals, gamma, initTrials, value, startingPoints, seed);
    }

    /**
     * Gives explicit starting adversarials, e.g. inputs of the target class for a targeted attack.
     * They must match the batch the attack is run on and be adversarial (one query each checks).
     *
     * @param rows {@code N * sampleSize} values, sample after sample, inside the bounds; copied
     * @return a copy with these starts
     */
    public HopSkipJump startingPoints(float[] rows) {
        return with(norm, maxIter, maxQueries, initEvals, maxEvals, gamma, initTrials, eps,
                rows == null ? null : rows.clone(), seed);
    }

    /**
     * @param value the seed of every random draw
     * @return a copy with this seed
     */
    public HopSkipJump seed(long value) {
        return with(norm, maxIter, maxQueries, initEvals, maxEvals, gamma, initTrials, eps, startingPoints, value);
    }

    /** @return the norm the attack minimises */
    public Norm norm() {
        return norm;
    }

    @Override
    public String name() {
        return "hop-skip-jump";
    }

    private static final Param<HopSkipJump, Integer> MAX_ITER = Param.of(
            "max-iter", ParamType.INT, Range.atLeast(0),
            "iterations per sample", a -> a.maxIter, HopSkipJump::maxIter);
    private static final Param<HopSkipJump, Long> MAX_QUERIES = Param.of(
            "max-queries", ParamType.LONG, Range.atLeastLong(1),
            "queries per sample", a -> a.maxQueries,
            HopSkipJump::maxQueries);
    private static final Param<HopSkipJump, Integer> INIT_EVALS = Param.of(
            "init-evals", ParamType.INT, Range.atLeast(1),
            "gradient-estimate queries at the first iteration",
            a -> a.initEvals, HopSkipJump::initEvals);
    private static final Param<HopSkipJump, Double> GAMMA = Param.of(
            "gamma", ParamType.DOUBLE, Range.positiveDouble(),
            "bisection threshold factor", a -> a.gamma,
            HopSkipJump::gamma);
    private static final Param<HopSkipJump, Integer> INIT_TRIALS = Param.of(
            "init-trials", ParamType.INT, Range.atLeast(1),
            "uniform draws to find a starting point",
            a -> a.initTrials, HopSkipJump::initTrials);
    private static final Param<HopSkipJump, Float> EPS = Param.of(
            "eps", ParamType.FLOAT, Range.positive(),
            "optional radius: stop once inside it", a -> a.eps,
            HopSkipJump::eps);

    /**
     * The parameters, declared once: the registry sets them from text, {@link #params()} and the
     * JSON record report them, help lists them.
     */
    public static final Parameters<HopSkipJump> PARAMETERS = Parameters.of(
            AttackParams.<HopSkipJump>norm(HopSkipJump::norm, a -> a.norm),
            MAX_ITER,
            MAX_QUERIES,
            INIT_EVALS,
            Param.of("max-evals", ParamType.INT, "most gradient-estimate queries per iteration, >= init-evals",
                    a -> a.maxEvals, HopSkipJump::maxEvals),
            GAMMA,
            INIT_TRIALS,
            EPS,
            Param.javaOnly("starting-points", "adversarial starting points (Java API: startingPoints)",
                    a -> a.startingPoints != null ? "given" : null),
            AttackParams.<HopSkipJump>seed((a, v) -> a.seed(v)));

    private static final AttackSpec<HopSkipJump> SPEC =
            AttackSpec.of(HopSkipJump.class, ModelAccess.LABELS, PARAMETERS)
            .budget(a -> a.norm, HopSkipJump::norm, a -> a.eps, HopSkipJump::eps)
            .seed(a -> a.seed);

    /** @return the bisection threshold θ for {@code d} features */
    double theta(int d) {
        return norm == Norm.L2 ? gamma / (d * Math.sqrt(d)) : gamma / ((double) d * d);
    }

    @Override
    protected NDArray attack(AttackContext ctx) {
        int n = ctx.size();
        int dim = ctx.sampleSize();
        float[] x = ctx.xData();
        Bounds bounds = ctx.model().bounds();
        // One query per sample is kept for the final confirmation.
        Oracle oracle = Oracle.of(ctx, maxQueries - 1);
        SplittableRandom[] random = DecisionSearch.streams(ctx);
        DecisionSearch.Start start = DecisionSearch.start(
                ctx, oracle, startingPoints, initTrials, random, norm == Norm.LINF);
        double theta = theta(dim);

        float[] current = start.rows;
        double[] distance = new double[n];
        boolean[] running = new boolean[n];
        int[] idx = new int[0];
        for (int i = 0; i < n; i++) {
            running[i] = start.found[i] && !start.clean[i];
            if (running[i]) {
                idx = Arrays.copyOf(idx, idx.length + 1);
                idx[idx.length - 1] = i;
            }
        }
        // In L2 the bisection below runs along the segment to the start itself, so the start needs
        // no blending first; in L∞ the blend comes first, as in the authors' code.
        float[] safe = current.clone();
        toBoundary(oracle, x, dim, idx, current, safe, theta);
        float[] best = current.clone();
        double[] bestDistance = new double[n];
        for (int i = 0; i < n; i++) {
            distance[i] = DecisionSearch.distance(norm, x, i * dim, current, i * dim, dim);
            bestDistance[i] = distance[i];
            if (distance[i] == 0 || (eps != null && distance[i] <= eps)) {
                running[i] = false;
            }
        }
        long bisectCost = (long) Math.ceil(Math.log(1 / theta) / Math.log(2));

        for (int t = 1; t <= maxIter; t++) {
            // Who runs this iteration, with how many probes of which radius.
            int[] act = new int[n];
            int[] counts = new int[n];
            double[] deltas = new double[n];
            int m = 0;
            long planned = Math.min((long) (initEvals * Math.sqrt(t)), maxEvals);
            for (int i = 0; i < n; i++) {
                if (!running[i]) {
                    continue;
                }
                // The bisection's cost (in L∞ its interval starts at the distance, up to the box width) and
                // two step-size trials.
                long reserve = bisectCost + 2
                        + (norm == Norm.LINF ? (long) Math.ceil(Math.log(Math.max(1, bounds.width())) / Math.log(2)) : 0);
                long probes = Math.min(planned, oracle.remaining(i) - reserve);
                if (probes < 1) {
                    running[i] = false;
                    continue;
                }
                act[m] = i;
                counts[m] = (int) probes;
                deltas[m] = t == 1 ? 0.1 * bounds.width() : gamma * distance[i] / dim;
                m++;
            }
            if (m == 0) {
                break;
            }
            act = Arrays.copyOf(act, m);
            counts = Arrays.copyOf(counts, m);
            deltas = Arrays.copyOf(deltas, m);
            float[] points = DecisionSearch.gather(current, act, dim);
            SplittableRandom[] streams = new SplittableRandom[m];
            for (int j = 0; j < m; j++) {
                streams[j] = random[act[j]];
            }
            double[] gradient = estimateGradient(oracle, points, act, counts, deltas, norm, bounds, streams, dim);

            // Geometric step-size search.
            double[] xi = new double[m];
            boolean[] accepted = new boolean[m];
            boolean[] searching = new boolean[m];
            float[] proposals = new float[m * dim];
            for (int j = 0; j < m; j++) {
                xi[j] = distance[act[j]] / Math.sqrt(t);
                searching[j] = true;
                if (norm == Norm.LINF) {
                    for (int f = 0; f < dim; f++) {
                        gradient[j * dim + f] = Math.signum(gradient[j * dim + f]);
                    }
                }
            }
            for (int round = 0; round <= MAX_HALVINGS; round++) {
                int[] rows = new int[m];
                int c = 0;
                for (int j = 0; j < m; j++) {
                    if (searching[j] && oracle.remaining(act[j]) >= 1) {
                        rows[c++] = j;
                    }
                }
                if (c == 0) {
                    break;
                }
                int[] owners = new int[c];
                float[] probe = new float[c * dim];
                for (int k = 0; k < c; k++) {
                    int j = rows[k];
                    owners[k] = act[j];
                    for (int f = 0; f < dim; f++) {
                        double v = points[j * dim + f] + xi[j] * gradient[j * dim + f];
                        probe[k * dim + f] = (float) Math.max(bounds.min(), Math.min(bounds.max(), v));
                    }
                }
                boolean[] hit = oracle.adversarial(probe, owners);
                for (int k = 0; k < c; k++) {
                    int j = rows[k];
                    if (hit[k]) {
                        accepted[j] = true;
                        searching[j] = false;
                        System.arraycopy(probe, k * dim, proposals, j * dim, dim);
                    } else {
                        xi[j] /= 2;
                    }
                }
            }

            // Back to the boundary.
            int[] moved = new int[m];
            int c = 0;
            for (int j = 0; j < m; j++) {
                if (accepted[j]) {
                    moved[c++] = j;
                }
            }
            int[] movedSamples = new int[c];
            float[] movedPoints = new float[c * dim];
            for (int k = 0; k < c; k++) {
                movedSamples[k] = act[moved[k]];
                System.arraycopy(proposals, moved[k] * dim, movedPoints, k * dim, dim);
            }
            float[] movedCoarse = new float[c * dim];
            bisectFrom(oracle, x, dim, movedSamples, movedPoints, movedCoarse, theta);
            for (int k = 0; k < c; k++) {
                int s = movedSamples[k];
                System.arraycopy(movedPoints, k * dim, current, s * dim, dim);
                distance[s] = DecisionSearch.distance(norm, x, s * dim, current, s * dim, dim);
                if (distance[s] < bestDistance[s]) {
                    bestDistance[s] = distance[s];
                    System.arraycopy(current, s * dim, best, s * dim, dim);
                    System.arraycopy(movedCoarse, k * dim, safe, s * dim, dim);
                }
                if (distance[s] == 0 || (eps != null && bestDistance[s] <= eps)) {
                    running[s] = false;
                }
            }
        }
        boolean[] attacked = new boolean[n];
        for (int i = 0; i < n; i++) {
            attacked[i] = start.found[i] && !start.clean[i];
        }
        DecisionSearch.stepPast(x, best, attacked, dim, bounds, norm, eps);
        DecisionSearch.stepPast(x, safe, attacked, dim, bounds, norm, eps);
        DecisionSearch.confirm(ctx, best, safe, attacked);
        return ctx.manager().create(best, ctx.x().getShape());
    }

    /**
     * Bisects the rows of the given samples inside {@code rows} (all samples' rows) to the boundary,
     * writing their coarse ends into {@code coarse}.
     */
    private void toBoundary(
            Oracle oracle, float[] x, int dim, int[] samples, float[] rows, float[] coarse, double theta) {
        float[] points = DecisionSearch.gather(rows, samples, dim);
        float[] ends = new float[points.length];
        bisectFrom(oracle, x, dim, samples, points, ends, theta);
        for (int k = 0; k < samples.length; k++) {
            System.arraycopy(points, k * dim, rows, samples[k] * dim, dim);
            System.arraycopy(ends, k * dim, coarse, samples[k] * dim, dim);
        }
    }

    /** The HSJA bisection of adversarial rows towards their clean inputs, in place. */
    private void bisectFrom(
            Oracle oracle, float[] x, int dim, int[] samples, float[] points, float[] coarse, double theta) {
        int m = samples.length;
        double[] highs = new double[m];
        double[] thresholds = new double[m];
        for (int k = 0; k < m; k++) {
            if (norm == Norm.L2) {
                highs[k] = 1;
                thresholds[k] = theta;
            } else {
                highs[k] = DecisionSearch.linf(x, samples[k] * dim, points, k * dim, dim);
                thresholds[k] = Math.min(highs[k] * theta, theta);
            }
        }
        DecisionSearch.bisect(oracle, x, dim, samples, points, norm, highs, thresholds, coarse);
    }

    /**
     * Estimates, per row, the direction of the decision function's gradient at a boundary point by
     * Monte-Carlo sampling (the paper's Eq. 9 with the authors' baseline): {@code counts[j]}
     * probes {@code clip(p + δ u)}, {@code u} uniform on the unit L2 sphere (Gaussian, or uniform
     * in the cube for L∞, normalised), decisions {@code φ = ±1}, and
     * {@code Σ (φ − mean φ) (clip(p + δ u) − p) / δ}, or {@code Σ φ u'} when all decisions agree.
     * Probes are generated and sent in chunks, so memory stays bounded whatever the count.
     *
     * @param oracle the oracle
     * @param points the boundary points, one row per entry of {@code samples}
     * @param samples the sample of each row
     * @param counts the probes per row, at least 1
     * @param deltas the probe radius per row
     * @param norm the norm, which picks the probe distribution
     * @param bounds the input bounds
     * @param random one stream per row
     * @param dim features per sample
     * @return the unit-L2 estimates, row after row (zero if all probes cancelled out)
     */
    static double[] estimateGradient(
            Oracle oracle, float[] points, int[] samples, int[] counts, double[] deltas, Norm norm, Bounds bounds,
            SplittableRandom[] random, int dim) {
        int m = samples.length;
        double[] sumPhiU = new double[m * dim];
        double[] sumU = new double[m * dim];
        long[] positives = new long[m];
        int chunk = Math.max(1, Oracle.MAX_FLOATS_PER_CALL / dim);
        float[] probe = new float[Math.min(chunk, Arrays.stream(counts).sum()) * dim];
        int[] owners = new int[probe.length / dim];
        int[] ownerRow = new int[owners.length];
        int filled = 0;
        double[] u = new double[dim];
        for (int j = 0; j < m; j++) {
            for (int b = 0; b < counts[j]; b++) {
                double sq = 0;
                for (int f = 0; f < dim; f++) {
                    u[f] = norm == Norm.LINF ? 2 * random[j].nextDouble() - 1 : random[j].nextGaussian();
                    sq += u[f] * u[f];
                }
                double scale = deltas[j] / Math.sqrt(sq);
                for (int f = 0; f < dim; f++) {
                    double v = points[j * dim + f] + scale * u[f];
                    probe[filled * dim + f] = (float) Math.max(bounds.min(), Math.min(bounds.max(), v));
                }
                owners[filled] = samples[j];
                ownerRow[filled] = j;
                filled++;
                if (filled == owners.length) {
                    accumulate(oracle, probe, owners, ownerRow, filled, points, deltas, dim, sumPhiU, sumU, positives);
                    filled = 0;
                }
            }
        }
        if (filled > 0) {
            accumulate(oracle, probe, owners, ownerRow, filled, points, deltas, dim, sumPhiU, sumU, positives);
        }
        double[] out = new double[m * dim];
        for (int j = 0; j < m; j++) {
            double mean = (2.0 * positives[j] - counts[j]) / counts[j];
            boolean agree = positives[j] == 0 || positives[j] == counts[j];
            double sq = 0;
            for (int f = 0; f < dim; f++) {
                double g = agree ? sumPhiU[j * dim + f] : sumPhiU[j * dim + f] - mean * sumU[j * dim + f];
                out[j * dim + f] = g;
                sq += g * g;
            }
            double norm2 = Math.sqrt(sq);
            if (norm2 > 0) {
                for (int f = 0; f < dim; f++) {
                    out[j * dim + f] /= norm2;
                }
            }
        }
        return out;
    }

    /** Queries one chunk of probes and adds their decisions into the running sums. */
    private static void accumulate(
            Oracle oracle, float[] probe, int[] owners, int[] ownerRow, int filled, float[] points, double[] deltas,
            int dim, double[] sumPhiU, double[] sumU, long[] positives) {
        float[] rows = filled * dim == probe.length ? probe : Arrays.copyOf(probe, filled * dim);
        int[] who = filled == owners.length ? owners : Arrays.copyOf(owners, filled);
        boolean[] hit = oracle.adversarial(rows, who);
        for (int k = 0; k < filled; k++) {
            int j = ownerRow[k];
            double phi = hit[k] ? 1 : -1;
            if (hit[k]) {
                positives[j]++;
            }
            double inv = 1 / deltas[j];
            for (int f = 0; f < dim; f++) {
                double uf = (probe[k * dim + f] - (double) points[j * dim + f]) * inv;
                sumPhiU[j * dim + f] += phi * uf;
                sumU[j * dim + f] += uf;
            }
        }
    }
}
