package dev.robust4j.attack.blackbox;

import ai.djl.ndarray.NDArray;
import dev.robust4j.attack.AbstractEvasionAttack;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackParams;
import dev.robust4j.attack.AttackSpec;
import dev.robust4j.attack.Budget;
import dev.robust4j.attack.ModelAccess;
import dev.robust4j.attack.Batches;
import dev.robust4j.model.Criterion;
import dev.robust4j.attack.Norm;
import dev.robust4j.model.Bounds;
import dev.robust4j.param.Param;
import dev.robust4j.param.ParamType;
import dev.robust4j.param.Parameters;
import dev.robust4j.param.Range;

import java.util.SplittableRandom;

/**
 * Square Attack (Andriushchenko, Croce, Flammarion and Hein, "Square Attack: a query-efficient
 * black-box adversarial attack via random search", ECCV 2020), in L∞ and L2: a random search
 * that, at every query, changes the perturbation inside one random square window and keeps the
 * change only if it lowers the loss.
 *
 * <pre>{@code
 * EvasionAttack square = SquareAttack.linf(0.1f).maxQueries(1000).seed(7);
 * }</pre>
 *
 * <p>Per sample, as in the authors' reference implementation:
 * <ul>
 *   <li>initialisation (one query): L∞, vertical stripes of width 1 and value ±eps (one random
 *       sign per channel and column); L2, a 5×5 grid of pseudo-Gaussian bumps of side
 *       {@code H/5} with random signs, rescaled to L2 norm eps;</li>
 *   <li>every further query: a square of side {@code s = round(sqrt(p·C·H·W / C))}, at a uniform
 *       random place. L∞: every channel of the square gets one value, ±eps (redrawn while the
 *       square would not change, as the reference does). L2: a pseudo-Gaussian bump with a
 *       random sign per channel is added to the square's normalised perturbation, the
 *       perturbation of a second random square is moved into it, and the whole perturbation is
 *       rescaled to norm eps; side at least 3 and odd;</li>
 *   <li>{@code p} follows the reference's piecewise-constant schedule: {@code p-init} halves at
 *       the iteration fractions 10, 50, 200, 500, 1000, 2000, 4000, 6000 and 8000 per 10,000 of
 *       {@code max-queries};</li>
 *   <li>loss: the margin {@code z_y - max_{j != y} z_j} (untargeted), the cross-entropy of the
 *       target {@code -log softmax(z)_t} (targeted); the candidate is kept if its loss is lower;</li>
 *   <li>a sample stops at its first adversarial candidate (which is kept even if its loss did
 *       not improve; the reference would discard such a rare targeted candidate), or when it has
 *       spent {@code max-queries}. Samples adversarial at the clean input spend no query.</li>
 * </ul>
 * Every query of every active sample of an iteration goes to the model in one batch. Each sample
 * draws from its own generator, split from the seed in sample order, so its search does not
 * depend on the other samples of the batch. Windows are drawn per sample (the reference's L2 code
 * shares one window across the batch).
 *
 * <p>Cost: at most {@code max-queries} queries per sample, one per iteration.
 */
public final class SquareAttack extends AbstractEvasionAttack {

    /** Default {@code p-init} in L∞ (AutoAttack's and torchattacks' default for the square attack). */
    public static final float DEFAULT_P_INIT_LINF = 0.8f;
    /** Default {@code p-init} in L2 (the reference's standard value). */
    public static final float DEFAULT_P_INIT_L2 = 0.1f;
    /** Default query budget per sample. */
    public static final int DEFAULT_MAX_QUERIES = 1000;

    private static final int MAX_REDRAWS = 100;

    private final Norm norm;
    private final float eps;
    private final int maxQueries;
    private final Float pInit;
    private final long seed;

    private SquareAttack(Norm norm, float eps, int maxQueries, Float pInit, long seed) {
        super(SPEC);
        if (norm != Norm.LINF && norm != Norm.L2) {
            throw new IllegalArgumentException("norm must be linf or l2 for the square attack, got " + norm);
        }
        EPS.check(eps);
        MAX_QUERIES.check(maxQueries);
        P_INIT.check(pInit);
        this.norm = norm;
        this.eps = eps;
        this.maxQueries = maxQueries;
        this.pInit = pInit;
        this.seed = seed;
    }

    /**
     * The L∞ square attack.
     *
     * @param eps the L∞ radius
     * @return the attack, with 1,000 queries, p-init 0.8 and seed 0
     */
    public static SquareAttack linf(float eps) {
        return new SquareAttack(Norm.LINF, eps, DEFAULT_MAX_QUERIES, null, 0L);
    }

    /**
     * The L2 square attack.
     *
     * @param eps the L2 radius
     * @return the attack, with 1,000 queries, p-init 0.1 and seed 0
     */
    public static SquareAttack l2(float eps) {
        return new SquareAttack(Norm.L2, eps, DEFAULT_MAX_QUERIES, null, 0L);
    }

    /**
     * @param value linf or l2; a p-init left at its default follows the norm's default
     * @return a copy in this norm
     */
    public SquareAttack norm(Norm value) {
        return new SquareAttack(value, eps, maxQueries, pInit, seed);
    }

    /**
     * @param value the radius of the ball, positive
     * @return a copy with this radius
     */
    public SquareAttack eps(float value) {
        return new SquareAttack(norm, value, maxQueries, pInit, seed);
    }

    /**
     * @param value the hard per-sample query budget, at least 1; the p-schedule scales to it
     * @return a copy with this budget
     */
    public SquareAttack maxQueries(int value) {
        return new SquareAttack(norm, eps, value, pInit, seed);
    }

    /**
     * @param value the initial fraction of features a square covers, in (0, 1]
     * @return a copy with this fraction
     */
    public SquareAttack pInit(float value) {
        return new SquareAttack(norm, eps, maxQueries, value, seed);
    }

    /**
     * @param value the seed of every random draw
     * @return a copy with this seed
     */
    public SquareAttack seed(long value) {
        return new SquareAttack(norm, eps, maxQueries, pInit, value);
    }

    /** @return the p-init in use: the one set, or the norm's default */
    public float effectivePInit() {
        if (pInit != null) {
            return pInit;
        }
        return norm == Norm.LINF ? DEFAULT_P_INIT_LINF : DEFAULT_P_INIT_L2;
    }

    @Override
    public String name() {
        return "square";
    }

    private static final Param<SquareAttack, Float> EPS = Param.of(
            "eps", ParamType.FLOAT, Range.positive(),
            "radius of the ball (default by norm)", a -> a.eps,
            SquareAttack::eps);
    private static final Param<SquareAttack, Integer> MAX_QUERIES = Param.of(
            "max-queries", ParamType.INT, Range.atLeast(1),
            "queries per sample", a -> a.maxQueries,
            SquareAttack::maxQueries);
    private static final Param<SquareAttack, Float> P_INIT = Param.of(
            "p-init", ParamType.FLOAT, Range.interval(0f, false, 1f, true),
            "initial fraction of features per square",
            SquareAttack::effectivePInit, SquareAttack::pInit);

    /**
     * The parameters, declared once: the registry sets them from text, {@link #params()} and the
     * JSON record report them, help lists them.
     */
    public static final Parameters<SquareAttack> PARAMETERS = Parameters.of(
            AttackParams.<SquareAttack>norm((a, v) -> a.norm(v).eps(Budget.defaultEps(v)), a -> a.norm),
            EPS,
            MAX_QUERIES,
            P_INIT,
            AttackParams.<SquareAttack>seed((a, v) -> a.seed(v)));

    private static final AttackSpec<SquareAttack> SPEC =
            AttackSpec.of(SquareAttack.class, ModelAccess.SCORES, PARAMETERS)
            .budget(a -> a.norm, SquareAttack::norm, a -> a.eps, SquareAttack::eps)
            .seed(a -> a.seed);

    /**
     * The reference's schedule of {@code p}: piecewise constant in the fraction of the budget
     * spent, halving at 10, 50, 200, 500, 1000, 2000, 4000, 6000 and 8000 per 10,000.
     *
     * @param pInit the initial fraction
     * @param iteration the iteration, from 0 (the query after the initialisation)
     * @param iterations the query budget the schedule is scaled to
     * @return the fraction of features the square covers
     */
    static double pSelection(double pInit, int iteration, int iterations) {
        int it = (int) (iteration / (double) iterations * 10000);
        int[] ends = {10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000, 10000};
        if (it <= ends[0] || it > ends[ends.length - 1]) {
            return pInit;
        }
        for (int i = 1; i < ends.length; i++) {
            if (it <= ends[i]) {
                return pInit / (1 << i);
            }
        }
        return pInit;
    }

    @Override
    protected NDArray attack(AttackContext ctx) {
        int n = ctx.size();
        int dim = ctx.sampleSize();
        int[] chw = Scores.image(name(), ctx.x().getShape().slice(1));
        if (Math.min(chw[1], chw[2]) < 2) {
            throw new IllegalArgumentException(
                    "attack square needs images at least 2 pixels high and wide, got " + chw[1] + "x" + chw[2]);
        }
        Geometry g = new Geometry(chw[0], chw[1], chw[2]);
        Bounds bounds = ctx.model().bounds();
        float[] x = ctx.xData();
        float[] best = x.clone();
        double[] lossMin = new double[n];
        boolean[] done = ctx.adversarialAtStart();
        // Keyed by the sample: AutoAttack's run on the samples still robust draws what a run alone does.
        SplittableRandom[] rng = Scores.keyedPerSample(ctx);
        int k = ctx.model().numClasses();

        // Initialisation: one query per sample still to attack.
        int[] idx = Batches.where(done, false);
        if (idx.length > 0) {
            float[] rows = new float[idx.length * dim];
            for (int a = 0; a < idx.length; a++) {
                int s = idx[a];
                if (norm == Norm.LINF) {
                    initLinf(g, x, s * dim, rows, a * dim, rng[s], bounds);
                } else {
                    initL2(g, x, s * dim, rows, a * dim, rng[s], bounds);
                }
            }
            score(ctx, rows, idx, k, dim, best, lossMin, done, true);
        }

        double p0 = effectivePInit();
        for (int it = 0; ; it++) {
            boolean[] active = new boolean[n];
            for (int s = 0; s < n; s++) {
                active[s] = !done[s] && ctx.queriesUsed(s) < maxQueries;
            }
            idx = Batches.where(active, true);
            if (idx.length == 0) {
                break;
            }
            double p = pSelection(p0, it, maxQueries);
            float[] rows = new float[idx.length * dim];
            for (int a = 0; a < idx.length; a++) {
                int s = idx[a];
                if (norm == Norm.LINF) {
                    stepLinf(g, p, x, best, s * dim, rows, a * dim, rng[s], bounds);
                } else {
                    stepL2(g, p, x, best, s * dim, rows, a * dim, rng[s], bounds);
                }
            }
            score(ctx, rows, idx, k, dim, best, lossMin, done, false);
        }
        return ctx.manager().create(best, ctx.x().getShape());
    }

    /** Scores candidates and keeps each sample's candidate if it is adversarial or lowers the loss. */
    private void score(
            AttackContext ctx, float[] rows, int[] idx, int k, int dim, float[] best, double[] lossMin,
            boolean[] done, boolean first) {
        float[] logits = Scores.logits(ctx, rows, idx);
        for (int a = 0; a < idx.length; a++) {
            int s = idx[a];
            boolean adversarial = ctx.criterion().isAdversarial(s, Scores.argMax(logits, a, k), logits, a, k);
            double loss = loss(ctx, logits, a, k, s);
            if (first || adversarial || loss < lossMin[s]) {
                System.arraycopy(rows, a * dim, best, s * dim, dim);
                lossMin[s] = loss;
                done[s] = adversarial;
            }
        }
    }

    /** Margin of the true class (untargeted) or cross-entropy of the target (targeted); lower is better. */
    private static double loss(AttackContext ctx, float[] logits, int row, int k, int sample) {
        Criterion criterion = ctx.criterion();
        // The paper's losses: the margin untargeted, the target's cross-entropy targeted.
        return criterion.targeted()
                ? -Scores.logProbability(logits, row, k, criterion.objectiveClass(sample))
                : criterion.slack(logits, row, k, sample);
    }

    private void initLinf(Geometry g, float[] x, int xOff, float[] out, int off, SplittableRandom r, Bounds b) {
        for (int c = 0; c < g.c; c++) {
            for (int w = 0; w < g.w; w++) {
                float sign = r.nextBoolean() ? eps : -eps;
                for (int h = 0; h < g.h; h++) {
                    int j = g.at(c, h, w);
                    out[off + j] = Scores.clip(x[xOff + j] + sign, b.min(), b.max());
                }
            }
        }
    }

    private void stepLinf(
            Geometry g, double p, float[] x, float[] best, int xOff, float[] out, int off, SplittableRandom r, Bounds b) {
        int dim = g.size();
        System.arraycopy(best, xOff, out, off, dim);
        int s = (int) Math.round(Math.sqrt(p * dim / g.c));
        s = Math.min(Math.max(s, 1), Math.min(g.h, g.w) - 1);
        int h0 = r.nextInt(g.h - s);
        int w0 = r.nextInt(g.w - s);
        for (int tries = 0; tries < MAX_REDRAWS && unchanged(g, out, best, xOff, off, h0, w0, s); tries++) {
            for (int c = 0; c < g.c; c++) {
                float sign = r.nextBoolean() ? eps : -eps;
                for (int h = h0; h < h0 + s; h++) {
                    for (int w = w0; w < w0 + s; w++) {
                        int j = g.at(c, h, w);
                        out[off + j] = Scores.clip(x[xOff + j] + sign, b.min(), b.max());
                    }
                }
            }
        }
    }

    private static boolean unchanged(Geometry g, float[] cand, float[] best, int xOff, int off, int h0, int w0, int s) {
        for (int c = 0; c < g.c; c++) {
            for (int h = h0; h < h0 + s; h++) {
                for (int w = w0; w < w0 + s; w++) {
                    int j = g.at(c, h, w);
                    if (Math.abs(cand[off + j] - best[xOff + j]) >= 1e-7f) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private void initL2(Geometry g, float[] x, int xOff, float[] out, int off, SplittableRandom r, Bounds b) {
        int dim = g.size();
        double[] delta = new double[dim];
        int s = Math.max(1, g.h / 5);
        int h0 = Math.max(0, (g.h - 5 * s) / 2);
        int w0 = Math.max(0, (g.w - 5 * s) / 2);
        for (int i = 0; i < g.h / s; i++) {
            for (int j = 0; j < g.w / s; j++) {
                double[][] bump = metaPseudoGaussian(s, r);
                for (int c = 0; c < g.c; c++) {
                    double sign = r.nextBoolean() ? 1 : -1;
                    for (int u = 0; u < s; u++) {
                        for (int v = 0; v < s; v++) {
                            int h = h0 + i * s + u;
                            int w = w0 + j * s + v;
                            if (h < g.h && w < g.w) {
                                delta[g.at(c, h, w)] += sign * bump[u][v];
                            }
                        }
                    }
                }
            }
        }
        rescale(delta, x, xOff, out, off, b);
    }

    private void stepL2(
            Geometry g, double p, float[] x, float[] best, int xOff, float[] out, int off, SplittableRandom r, Bounds b) {
        int dim = g.size();
        int s = Math.max((int) Math.round(Math.sqrt(p * dim / g.c)), 3);
        if (s % 2 == 0) {
            s++;
        }
        s = Math.min(s, Math.min(g.h, g.w) - 1);
        int h1 = r.nextInt(g.h - s);
        int w1 = r.nextInt(g.w - s);
        int h2 = r.nextInt(g.h - s);
        int w2 = r.nextInt(g.w - s);
        double[] delta = new double[dim];
        double imageNorm2 = 0;
        for (int j = 0; j < dim; j++) {
            delta[j] = best[xOff + j] - x[xOff + j];
            imageNorm2 += delta[j] * delta[j];
        }
        double[][] bump = metaPseudoGaussian(s, r);
        double[] update = new double[s * s];
        for (int c = 0; c < g.c; c++) {
            double window2 = 0;
            double union2 = 0;
            for (int h = 0; h < g.h; h++) {
                for (int w = 0; w < g.w; w++) {
                    boolean in1 = inside(h, w, h1, w1, s);
                    if (in1 || inside(h, w, h2, w2, s)) {
                        double d = delta[g.at(c, h, w)];
                        union2 += d * d;
                        if (in1) {
                            window2 += d * d;
                        }
                    }
                }
            }
            double windowNorm = Math.sqrt(window2);
            double sign = r.nextBoolean() ? 1 : -1;
            double updateNorm2 = 0;
            for (int u = 0; u < s; u++) {
                for (int v = 0; v < s; v++) {
                    double val = bump[u][v] * sign + delta[g.at(c, h1 + u, w1 + v)] / (1e-10 + windowNorm);
                    update[u * s + v] = val;
                    updateNorm2 += val * val;
                }
            }
            double target = Math.sqrt(Math.max(eps * (double) eps - imageNorm2, 0) / g.c + union2);
            double scale = updateNorm2 > 0 ? target / Math.sqrt(updateNorm2) : 0;
            for (int u = 0; u < s; u++) {
                for (int v = 0; v < s; v++) {
                    delta[g.at(c, h2 + u, w2 + v)] = 0;
                }
            }
            for (int u = 0; u < s; u++) {
                for (int v = 0; v < s; v++) {
                    delta[g.at(c, h1 + u, w1 + v)] = update[u * s + v] * scale;
                }
            }
        }
        rescale(delta, x, xOff, out, off, b);
    }

    private static boolean inside(int h, int w, int h0, int w0, int s) {
        return h >= h0 && h < h0 + s && w >= w0 && w < w0 + s;
    }

    /** Writes {@code clip(x + delta * eps / ||delta||)}; {@code x} itself if the perturbation vanished. */
    private void rescale(double[] delta, float[] x, int xOff, float[] out, int off, Bounds b) {
        double norm2 = 0;
        for (double d : delta) {
            norm2 += d * d;
        }
        double scale = norm2 > 0 ? eps / Math.sqrt(norm2) : 0;
        for (int j = 0; j < delta.length; j++) {
            out[off + j] = Scores.clip(x[xOff + j] + delta[j] * scale, b.min(), b.max());
        }
    }

    /**
     * The reference's pseudo-Gaussian bump of side {@code s}: two stacked rectangles of
     * concentric squares with weights {@code 1/(r+1)^2}, of opposite signs, unit L2 norm,
     * transposed with probability 1/2.
     */
    static double[][] metaPseudoGaussian(int s, SplittableRandom r) {
        double[][] delta = new double[s][s];
        int top = s / 2;
        double[][] upper = pseudoGaussianRectangle(top, s);
        double[][] lower = pseudoGaussianRectangle(s - top, s);
        for (int i = 0; i < top; i++) {
            delta[i] = upper[i];
        }
        for (int i = top; i < s; i++) {
            for (int j = 0; j < s; j++) {
                delta[i][j] = -lower[i - top][j];
            }
        }
        normalise(delta);
        if (r.nextDouble() > 0.5) {
            double[][] t = new double[s][s];
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    t[j][i] = delta[i][j];
                }
            }
            delta = t;
        }
        return delta;
    }

    static double[][] pseudoGaussianRectangle(int x, int y) {
        double[][] delta = new double[x][y];
        int xc = x / 2 + 1;
        int yc = y / 2 + 1;
        int c0 = xc - 1;
        int c1 = yc - 1;
        for (int counter = 0; counter < Math.max(xc, yc); counter++) {
            for (int i = Math.max(c0, 0); i < Math.min(c0 + 2 * counter + 1, x); i++) {
                for (int j = Math.max(c1, 0); j < Math.min(c1 + 2 * counter + 1, y); j++) {
                    delta[i][j] += 1.0 / ((counter + 1) * (counter + 1));
                }
            }
            c0--;
            c1--;
        }
        normalise(delta);
        return delta;
    }

    private static void normalise(double[][] a) {
        double sum = 0;
        for (double[] row : a) {
            for (double v : row) {
                sum += v * v;
            }
        }
        if (sum > 0) {
            double inv = 1 / Math.sqrt(sum);
            for (double[] row : a) {
                for (int j = 0; j < row.length; j++) {
                    row[j] *= inv;
                }
            }
        }
    }

    /** Channel-first image geometry. */
    private record Geometry(int c, int h, int w) {
        int size() {
            return c * h * w;
        }

        int at(int channel, int row, int col) {
            return (channel * h + row) * w + col;
        }
    }
}
