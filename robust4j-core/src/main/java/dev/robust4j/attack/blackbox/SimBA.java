package dev.robust4j.attack.blackbox;

import ai.djl.ndarray.NDArray;
import dev.robust4j.attack.AbstractEvasionAttack;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackParams;
import dev.robust4j.attack.AttackSpec;
import dev.robust4j.attack.Batches;
import dev.robust4j.attack.ModelAccess;
import dev.robust4j.model.Bounds;
import dev.robust4j.param.Param;
import dev.robust4j.param.ParamType;
import dev.robust4j.param.Parameters;
import dev.robust4j.param.Range;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * SimBA, the Simple Black-box Attack (Guo, Gardner, You, Wilson and Weinberger, "Simple
 * Black-box Adversarial Attacks", ICML 2019): take orthonormal basis directions {@code q} one at
 * a time, in random order without replacement; try {@code x + δ + ε q}, then {@code x + δ − ε q};
 * keep the first that lowers the model's probability of the true class (untargeted) or raises
 * that of the target (targeted); stop once the sample is adversarial.
 *
 * <pre>{@code
 * EvasionAttack simba = SimBA.dct().epsilon(0.2f).maxQueries(1000);
 * }</pre>
 *
 * <p>Two bases, as in the paper:
 * <ul>
 *   <li>{@code pixel} (SimBA): the standard basis, in a uniformly random order;</li>
 *   <li>{@code dct} (SimBA-DCT): the orthonormal 2-D DCT basis of each channel, in the
 *       authors' low-frequency ("strided") order: the {@code freq-dims × freq-dims} lowest
 *       frequencies of every channel first, in random order, then bands of width
 *       {@code stride} towards higher frequencies, each band in random order. Defaults:
 *       {@code freq-dims} = 1/8 of the image side (the paper's ratio; 28 for 224 pixels),
 *       {@code stride} = 1/32 of the side (7 for 224 pixels), at least 1.</li>
 * </ul>
 * Each try is one query, so an iteration costs one or two; the first query of a sample scores the
 * clean input. Whether a sample is adversarial is read from the very query that accepted its
 * step (no extra query). Every try of every active sample of a phase goes to the model in one
 * batch. Each sample has its own random order, drawn from a generator split from the seed in
 * sample order. When every direction has been tried and budget is left, a new random order of
 * the same basis starts (a direction may then be stepped twice); the paper stops there.
 *
 * <p>Scores are read as logits: the probabilities are their softmax. Candidates are clipped to the
 * model's bounds, the accumulated step {@code δ} is not (as in the authors' code). SimBA has no
 * perturbation budget: after {@code T} accepted steps the L2 norm of {@code δ} is
 * {@code ε sqrt(T)}.
 *
 * <p>Cost: at most {@code max-queries} queries per sample.
 */
public final class SimBA extends AbstractEvasionAttack {

    /** Default step along each basis direction. */
    public static final float DEFAULT_EPSILON = 0.2f;
    /** Default query budget per sample. */
    public static final int DEFAULT_MAX_QUERIES = 1000;

    /** The basis SimBA searches in. */
    public enum Basis {
        /** The standard basis: one feature at a time. */
        PIXEL,
        /** The orthonormal 2-D DCT basis per channel, low frequencies first. */
        DCT;

        /** @return the name used on the command line */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param name pixel or dct, any case
         * @return the basis
         * @throws IllegalArgumentException for other names
         */
        public static Basis parse(String name) {
            for (Basis b : values()) {
                if (b.cliName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return b;
                }
            }
            throw new IllegalArgumentException("basis must be pixel or dct, got '" + name + "'");
        }
    }

    private final Basis basis;
    private final float epsilon;
    private final int maxQueries;
    private final Integer freqDims;
    private final Integer stride;
    private final long seed;

    private SimBA(Basis basis, float epsilon, int maxQueries, Integer freqDims, Integer stride, long seed) {
        super(SPEC);
        if (basis == null) {
            throw new IllegalArgumentException("basis must be pixel or dct, got null");
        }
        EPSILON.check(epsilon);
        MAX_QUERIES.check(maxQueries);
        FREQ_DIMS.check(freqDims);
        STRIDE.check(stride);
        this.basis = basis;
        this.epsilon = epsilon;
        this.maxQueries = maxQueries;
        this.freqDims = freqDims;
        this.stride = stride;
        this.seed = seed;
    }

    /** @return SimBA-DCT with epsilon 0.2, 1,000 queries, default frequency ordering, seed 0 */
    public static SimBA dct() {
        return new SimBA(Basis.DCT, DEFAULT_EPSILON, DEFAULT_MAX_QUERIES, null, null, 0L);
    }

    /** @return SimBA in the pixel basis with epsilon 0.2, 1,000 queries, seed 0 */
    public static SimBA pixel() {
        return new SimBA(Basis.PIXEL, DEFAULT_EPSILON, DEFAULT_MAX_QUERIES, null, null, 0L);
    }

    /**
     * @param value the basis
     * @return a copy searching this basis
     */
    public SimBA basis(Basis value) {
        return new SimBA(value, epsilon, maxQueries, freqDims, stride, seed);
    }

    /**
     * @param value the step along each direction, positive
     * @return a copy with this step
     */
    public SimBA epsilon(float value) {
        return new SimBA(basis, value, maxQueries, freqDims, stride, seed);
    }

    /**
     * @param value the hard per-sample query budget, at least 1
     * @return a copy with this budget
     */
    public SimBA maxQueries(int value) {
        return new SimBA(basis, epsilon, value, freqDims, stride, seed);
    }

    /**
     * @param value the side of the block of lowest frequencies tried first (DCT basis), at least 1
     * @return a copy with this block
     */
    public SimBA freqDims(int value) {
        return new SimBA(basis, epsilon, maxQueries, value, stride, seed);
    }

    /**
     * @param value the width of each later frequency band (DCT basis), at least 1
     * @return a copy with this band width
     */
    public SimBA stride(int value) {
        return new SimBA(basis, epsilon, maxQueries, freqDims, value, seed);
    }

    /**
     * @param value the seed of every random draw
     * @return a copy with this seed
     */
    public SimBA seed(long value) {
        return new SimBA(basis, epsilon, maxQueries, freqDims, stride, value);
    }

    @Override
    public String name() {
        return "simba";
    }

    private static final Param<SimBA, Float> EPSILON = Param.of(
            "epsilon", ParamType.FLOAT, Range.positive(),
            "step along each direction", a -> a.epsilon, SimBA::epsilon);
    private static final Param<SimBA, Integer> MAX_QUERIES = Param.of(
            "max-queries", ParamType.INT, Range.atLeast(1),
            "queries per sample", a -> a.maxQueries,
            SimBA::maxQueries);
    private static final Param<SimBA, Integer> FREQ_DIMS = Param.of(
            "freq-dims", ParamType.INT, Range.atLeast(1),
            "low-frequency block searched first (dct; default: auto)", a -> a.freqDims != null ? a.freqDims : "auto", SimBA::freqDims)
            .shownWhen(a -> a.basis == Basis.DCT);
    private static final Param<SimBA, Integer> STRIDE = Param.of(
            "stride", ParamType.INT, Range.atLeast(1),
            "frequencies added per block (dct; default: auto)",
            a -> a.stride != null ? a.stride : "auto", SimBA::stride).shownWhen(a -> a.basis == Basis.DCT);

    /**
     * The parameters, declared once: the registry sets them from text, {@link #params()} and the
     * JSON record report them, help lists them.
     */
    public static final Parameters<SimBA> PARAMETERS = Parameters.of(
            Param.of("basis", ParamType.choice("dct|pixel", Basis::parse), "search directions: dct or pixel",
                    a -> a.basis.cliName(), SimBA::basis),
            EPSILON,
            MAX_QUERIES,
            FREQ_DIMS,
            STRIDE,
            AttackParams.<SimBA>seed((a, v) -> a.seed(v)));

    private static final AttackSpec<SimBA> SPEC =
            AttackSpec.of(SimBA.class, ModelAccess.SCORES, PARAMETERS)
            .seed(a -> a.seed);

    /** @return the first block's side for an image of the given side: the one set, or side/8 */
    int effectiveFreqDims(int side) {
        return Math.min(side, freqDims != null ? freqDims : Math.max(1, Math.round(side / 8f)));
    }

    /** @return the band width for an image of the given side: the one set, or side/32 */
    int effectiveStride(int side) {
        return stride != null ? stride : Math.max(1, Math.round(side / 32f));
    }

    /** Draws a sample's next order of basis directions. */
    int[] order(int[] chw, SplittableRandom random) {
        if (basis == Basis.PIXEL) {
            int[] order = new int[chw[0] * chw[1] * chw[2]];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Dct.shuffle(order, random);
            return order;
        }
        int side = Math.min(chw[1], chw[2]);
        return Dct.blockOrder(chw[0], chw[1], chw[2], effectiveFreqDims(side), effectiveStride(side), random);
    }

    @Override
    protected NDArray attack(AttackContext ctx) {
        int n = ctx.size();
        int dim = ctx.sampleSize();
        int k = ctx.model().numClasses();
        int[] chw = basis == Basis.DCT
                ? Scores.image(name(), ctx.x().getShape().slice(1))
                : new int[] {1, 1, dim};
        double[] rowsTable = basis == Basis.DCT ? Dct.table(chw[1]) : null;
        double[] colsTable = basis == Basis.DCT ? Dct.table(chw[2]) : null;
        Bounds b = ctx.model().bounds();
        float[] x = ctx.xData();
        float[] state = x.clone();
        double[] delta = new double[n * dim];
        double[] prob = new double[n];
        boolean[] done = ctx.adversarialAtStart();
        SplittableRandom[] rng = Scores.perSample(ctx);
        int[][] order = new int[n][];
        int[] position = new int[n];

        // The probability of the objective class at the clean input: one query.
        int[] idx = Batches.where(done, false);
        if (idx.length > 0) {
            float[] rows = new float[idx.length * dim];
            for (int a = 0; a < idx.length; a++) {
                System.arraycopy(x, idx[a] * dim, rows, a * dim, dim);
            }
            float[] logits = Scores.logits(ctx, rows, idx);
            for (int a = 0; a < idx.length; a++) {
                int s = idx[a];
                prob[s] = Scores.probability(logits, a, k, ctx.criterion().objectiveClass(s));
                done[s] = ctx.criterion().isAdversarial(s, Scores.argMax(logits, a, k), logits, a, k);
            }
        }

        int[] direction = new int[n];
        double[] proposal = new double[dim];
        while (true) {
            boolean[] active = new boolean[n];
            for (int s = 0; s < n; s++) {
                active[s] = !done[s] && ctx.queriesUsed(s) < maxQueries;
            }
            idx = Batches.where(active, true);
            if (idx.length == 0) {
                break;
            }
            for (int s : idx) {
                if (order[s] == null || position[s] == order[s].length) {
                    order[s] = order(chw, rng[s]);
                    position[s] = 0;
                }
                direction[s] = order[s][position[s]++];
            }
            boolean[] improved = tryStep(ctx, idx, +epsilon, direction, chw, rowsTable, colsTable, x, state, delta,
                    prob, done, proposal, b, k);
            boolean[] retry = new boolean[n];
            for (int a = 0; a < idx.length; a++) {
                int s = idx[a];
                retry[s] = !improved[a] && !done[s] && ctx.queriesUsed(s) < maxQueries;
            }
            int[] again = Batches.where(retry, true);
            if (again.length > 0) {
                tryStep(ctx, again, -epsilon, direction, chw, rowsTable, colsTable, x, state, delta, prob, done,
                        proposal, b, k);
            }
        }
        return ctx.manager().create(state, ctx.x().getShape());
    }

    /** Tries {@code x + δ + alpha q} for every listed sample in one batch; accepts improvements. */
    private boolean[] tryStep(
            AttackContext ctx, int[] idx, float alpha, int[] direction, int[] chw, double[] rowsTable,
            double[] colsTable, float[] x, float[] state, double[] delta, double[] prob, boolean[] done,
            double[] proposal, Bounds b, int k) {
        int dim = ctx.sampleSize();
        float[] rows = new float[idx.length * dim];
        for (int a = 0; a < idx.length; a++) {
            int s = idx[a];
            candidate(s, alpha, direction[s], chw, rowsTable, colsTable, x, state, delta, proposal, rows, a * dim, b, dim);
        }
        float[] logits = Scores.logits(ctx, rows, idx);
        boolean[] improved = new boolean[idx.length];
        for (int a = 0; a < idx.length; a++) {
            int s = idx[a];
            double p = Scores.probability(logits, a, k, ctx.criterion().objectiveClass(s));
            improved[a] = ctx.criterion().cost(p) < ctx.criterion().cost(prob[s]);
            if (improved[a]) {
                prob[s] = p;
                System.arraycopy(rows, a * dim, state, s * dim, dim);
                if (basis == Basis.PIXEL) {
                    delta[s * dim + direction[s]] += alpha;
                } else {
                    Dct.addBasis(delta, s * dim, chw[1], chw[2], direction[s], alpha, rowsTable, colsTable);
                }
                done[s] = ctx.criterion().isAdversarial(s, Scores.argMax(logits, a, k), logits, a, k);
            }
        }
        return improved;
    }

    /** Writes {@code clip(x + δ + alpha q)} of sample {@code s} into {@code out}. */
    private void candidate(
            int s, float alpha, int dir, int[] chw, double[] rowsTable, double[] colsTable, float[] x, float[] state,
            double[] delta, double[] proposal, float[] out, int off, Bounds b, int dim) {
        int xOff = s * dim;
        if (basis == Basis.PIXEL) {
            System.arraycopy(state, xOff, out, off, dim);
            out[off + dir] = Scores.clip(x[xOff + dir] + delta[xOff + dir] + alpha, b.min(), b.max());
            return;
        }
        System.arraycopy(delta, xOff, proposal, 0, dim);
        Dct.addBasis(proposal, 0, chw[1], chw[2], dir, alpha, rowsTable, colsTable);
        for (int j = 0; j < dim; j++) {
            out[off + j] = Scores.clip(x[xOff + j] + proposal[j], b.min(), b.max());
        }
    }
}
