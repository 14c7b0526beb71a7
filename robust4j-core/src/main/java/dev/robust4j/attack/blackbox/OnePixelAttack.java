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

import java.util.SplittableRandom;

/**
 * The pixel attack of Su, Vargas and Sakurai ("One Pixel Attack for Fooling Deep Neural
 * Networks", IEEE Transactions on Evolutionary Computation 2019): changes at most {@code pixels}
 * pixels (all channels of each), found by differential evolution over candidate solutions
 * {@code (row, column, value per channel)} per pixel.
 *
 * <pre>{@code
 * EvasionAttack onePixel = OnePixelAttack.create().pixels(3).population(400).maxIter(100);
 * }</pre>
 *
 * <p>As in the paper: the initial population draws rows and columns uniformly over the image and
 * values from a normal distribution centred in the bounds with a standard deviation of 127/255 of
 * their width (the paper's N(128, 127) on 0..255), clipped to the bounds. Each generation makes
 * one child per member by DE/rand/1 mutation, {@code x_r1 + F (x_r2 - x_r3)} with three distinct
 * other members and {@code F = 0.5}, then binomial crossover with the parent at rate
 * {@code crossover} (default 1: the child is the mutant, the paper's "no crossover"); genes are
 * clipped to their ranges; a child replaces its parent if its fitness is no worse. Fitness: the
 * probability of the true class, lowered (untargeted), or of the target, raised (targeted);
 * coordinates are rounded down to whole pixels when applied. A sample stops at the first
 * candidate the model misclassifies (classifies as the target), the paper's early stop; otherwise
 * it returns its fittest member after {@code max-iter} generations.
 *
 * <p>All candidates of all active samples of a generation are scored in one batch (split into
 * model calls of at most 32 MB). Each sample draws from its own generator, split from the seed
 * in sample order.
 *
 * <p>Cost: {@code population} queries for the initial population and per generation, at most
 * {@code max-queries} per sample (default {@code population (max-iter + 1)}); a last generation
 * that would exceed it scores only the first members' children.
 */
public final class OnePixelAttack extends AbstractEvasionAttack {

    /** The DE mutation factor F of the paper. */
    public static final double F = 0.5;

    private final int pixels;
    private final int population;
    private final int maxIter;
    private final float crossover;
    private final Integer maxQueries;
    private final long seed;

    private OnePixelAttack(int pixels, int population, int maxIter, float crossover, Integer maxQueries, long seed) {
        super(SPEC);
        PIXELS.check(pixels);
        POPULATION.check(population);
        MAX_ITER.check(maxIter);
        CROSSOVER.check(crossover);
        if (maxQueries != null && maxQueries < population) {
            throw new IllegalArgumentException(
                    "max-queries must be >= population (" + population + ") to score the initial population, got "
                            + maxQueries);
        }
        this.pixels = pixels;
        this.population = population;
        this.maxIter = maxIter;
        this.crossover = crossover;
        this.maxQueries = maxQueries;
        this.seed = seed;
    }

    /** @return the one-pixel attack: 1 pixel, population 400, 100 generations, no crossover, seed 0 */
    public static OnePixelAttack create() {
        return new OnePixelAttack(1, 400, 100, 1f, null, 0L);
    }

    /**
     * @param value the number of pixels changed, at least 1
     * @return a copy changing this many pixels
     */
    public OnePixelAttack pixels(int value) {
        return new OnePixelAttack(value, population, maxIter, crossover, maxQueries, seed);
    }

    /**
     * @param value candidate solutions per sample, at least 4 (the paper uses 400)
     * @return a copy with this population
     */
    public OnePixelAttack population(int value) {
        return new OnePixelAttack(pixels, value, maxIter, crossover, maxQueries, seed);
    }

    /**
     * @param value generations after the initial population, at least 0 (the paper uses 100)
     * @return a copy with this many generations
     */
    public OnePixelAttack maxIter(int value) {
        return new OnePixelAttack(pixels, population, value, crossover, maxQueries, seed);
    }

    /**
     * @param value the binomial crossover rate in [0, 1]; 1 (default) takes the whole mutant
     * @return a copy with this rate
     */
    public OnePixelAttack crossover(float value) {
        return new OnePixelAttack(pixels, population, maxIter, value, maxQueries, seed);
    }

    /**
     * @param value the hard per-sample query budget, at least the population
     * @return a copy with this budget
     */
    public OnePixelAttack maxQueries(int value) {
        return new OnePixelAttack(pixels, population, maxIter, crossover, value, seed);
    }

    /**
     * @param value the seed of every random draw
     * @return a copy with this seed
     */
    public OnePixelAttack seed(long value) {
        return new OnePixelAttack(pixels, population, maxIter, crossover, maxQueries, value);
    }

    /** @return the budget in use: the one set, or {@code population (max-iter + 1)} */
    public long effectiveMaxQueries() {
        return maxQueries != null ? maxQueries : (long) population * (maxIter + 1);
    }

    @Override
    public String name() {
        return "one-pixel";
    }

    private static final Param<OnePixelAttack, Integer> PIXELS = Param.of(
            "pixels", ParamType.INT, Range.atLeast(1),
            "pixels changed", a -> a.pixels, OnePixelAttack::pixels);
    private static final Param<OnePixelAttack, Integer> POPULATION = Param.of(
            "population", ParamType.INT,
            Range.of(">= 4", ">= 4 (DE/rand/1 needs three members besides the parent)", v -> v >= 4),
            "candidates per generation", a -> a.population,
            OnePixelAttack::population);
    private static final Param<OnePixelAttack, Integer> MAX_ITER = Param.of(
            "max-iter", ParamType.INT, Range.atLeast(0),
            "generations", a -> a.maxIter, OnePixelAttack::maxIter);
    private static final Param<OnePixelAttack, Float> CROSSOVER = Param.of(
            "crossover", ParamType.FLOAT, Range.interval(0f, true, 1f, true),
            "crossover probability", a -> a.crossover,
            OnePixelAttack::crossover);

    /**
     * The parameters, declared once: the registry sets them from text, {@link #params()} and the
     * JSON record report them, help lists them.
     */
    public static final Parameters<OnePixelAttack> PARAMETERS = Parameters.of(
            PIXELS,
            POPULATION,
            MAX_ITER,
            CROSSOVER,
            Param.of("max-queries", ParamType.INT, "queries per sample (default: what the generations need)",
                    OnePixelAttack::effectiveMaxQueries, OnePixelAttack::maxQueries),
            AttackParams.<OnePixelAttack>seed((a, v) -> a.seed(v)));

    private static final AttackSpec<OnePixelAttack> SPEC =
            AttackSpec.of(OnePixelAttack.class, ModelAccess.SCORES, PARAMETERS)
            .seed(a -> a.seed);

    @Override
    protected NDArray attack(AttackContext ctx) {
        int n = ctx.size();
        int dim = ctx.sampleSize();
        int k = ctx.model().numClasses();
        Bounds b = ctx.model().bounds();
        int[] chw = Scores.image(name(), ctx.x().getShape().slice(1));
        int genesPerPixel = 2 + chw[0];
        int genes = pixels * genesPerPixel;
        double[] lo = new double[genes];
        double[] hi = new double[genes];
        for (int p = 0; p < pixels; p++) {
            int o = p * genesPerPixel;
            hi[o] = chw[1];
            hi[o + 1] = chw[2];
            for (int c = 0; c < chw[0]; c++) {
                lo[o + 2 + c] = b.min();
                hi[o + 2 + c] = b.max();
            }
        }
        long budget = effectiveMaxQueries();
        float[] x = ctx.xData();
        float[] result = x.clone();
        boolean[] done = ctx.adversarialAtStart();
        SplittableRandom[] rng = Scores.perSample(ctx);
        double[][] pop = new double[n][];
        double[][] fitness = new double[n][];
        double mean = (b.min() + (double) b.max()) / 2;
        double sd = b.width() * 127.0 / 255.0;

        // Initial population.
        int[] idx = Batches.where(done, false);
        for (int s : idx) {
            pop[s] = new double[population * genes];
            fitness[s] = new double[population];
            for (int i = 0; i < population; i++) {
                for (int p = 0; p < pixels; p++) {
                    int o = i * genes + p * genesPerPixel;
                    pop[s][o] = rng[s].nextDouble() * chw[1];
                    pop[s][o + 1] = rng[s].nextDouble() * chw[2];
                    for (int c = 0; c < chw[0]; c++) {
                        pop[s][o + 2 + c] = clamp(mean + sd * gaussian(rng[s]), b.min(), b.max());
                    }
                }
            }
        }
        evaluate(ctx, idx, pop, population, genes, chw, x, b, k, dim, done, result, fitness, null);

        double[] trial = new double[genes];
        double[] mutant = new double[genes];
        for (int g = 0; g < maxIter; g++) {
            boolean[] active = new boolean[n];
            int[] counts = new int[n];
            for (int s = 0; s < n; s++) {
                long left = budget - ctx.queriesUsed(s);
                active[s] = !done[s] && left > 0;
                counts[s] = (int) Math.min(population, Math.max(0, left));
            }
            idx = Batches.where(active, true);
            if (idx.length == 0) {
                break;
            }
            double[][] children = new double[n][];
            for (int s : idx) {
                children[s] = new double[counts[s] * genes];
                for (int i = 0; i < counts[s]; i++) {
                    int[] r = pickDistinct(population, i, rng[s]);
                    mutate(pop[s], genes, r[0], r[1], r[2], F, mutant);
                    crossover(pop[s], i * genes, mutant, crossover, rng[s].nextInt(genes), rng[s], trial);
                    for (int j = 0; j < genes; j++) {
                        children[s][i * genes + j] = clamp(trial[j], lo[j], hi[j]);
                    }
                }
            }
            evaluate(ctx, idx, children, 0, genes, chw, x, b, k, dim, done, result, fitness, pop);
        }
        // Samples still not adversarial return their fittest member.
        for (int s = 0; s < n; s++) {
            if (!done[s] && pop[s] != null) {
                int bestMember = 0;
                for (int i = 1; i < population; i++) {
                    if (fitness[s][i] < fitness[s][bestMember]) {
                        bestMember = i;
                    }
                }
                apply(pop[s], bestMember * genes, chw, x, s * dim, result, s * dim);
            }
        }
        return ctx.manager().create(result, ctx.x().getShape());
    }

    /**
     * Scores candidates of the listed samples in one batch. With {@code parents == null} the
     * candidates are the initial populations ({@code count} each) and their fitness is recorded;
     * otherwise they are children, each replacing its parent if no worse. A sample whose candidate
     * is adversarial is done, with the fittest adversarial candidate as its result.
     */
    private void evaluate(
            AttackContext ctx, int[] idx, double[][] candidates, int count, int genes, int[] chw, float[] x, Bounds b,
            int k, int dim, boolean[] done, float[] result, double[][] fitness, double[][] parents) {
        int total = 0;
        int[] sizes = new int[ctx.size()];
        for (int s : idx) {
            sizes[s] = parents == null ? count : candidates[s].length / genes;
            total += sizes[s];
        }
        if (total == 0) {
            return;
        }
        float[] rows = new float[total * dim];
        int[] owner = new int[total];
        int r = 0;
        for (int s : idx) {
            for (int i = 0; i < sizes[s]; i++) {
                apply(candidates[s], i * genes, chw, x, s * dim, rows, r * dim);
                owner[r++] = s;
            }
        }
        float[] logits = Scores.logits(ctx, rows, owner);
        r = 0;
        for (int s : idx) {
            int cls = ctx.criterion().objectiveClass(s);
            int bestAdversarial = -1;
            double bestAdversarialFitness = Double.POSITIVE_INFINITY;
            for (int i = 0; i < sizes[s]; i++, r++) {
                double p = Scores.probability(logits, r, k, cls);
                double fit = ctx.criterion().cost(p);
                if (ctx.criterion().isAdversarial(s, Scores.argMax(logits, r, k), logits, r, k) && fit < bestAdversarialFitness) {
                    bestAdversarial = r;
                    bestAdversarialFitness = fit;
                }
                if (parents == null) {
                    fitness[s][i] = fit;
                } else if (fit <= fitness[s][i]) {
                    System.arraycopy(candidates[s], i * genes, parents[s], i * genes, genes);
                    fitness[s][i] = fit;
                }
            }
            if (bestAdversarial >= 0) {
                System.arraycopy(rows, bestAdversarial * dim, result, s * dim, dim);
                done[s] = true;
            }
        }
    }

    /** Writes {@code x} with the candidate's pixels set into {@code out}. */
    private void apply(double[] candidate, int off, int[] chw, float[] x, int xOff, float[] out, int outOff) {
        int dim = chw[0] * chw[1] * chw[2];
        System.arraycopy(x, xOff, out, outOff, dim);
        int genesPerPixel = 2 + chw[0];
        for (int p = 0; p < pixels; p++) {
            int o = off + p * genesPerPixel;
            int row = Math.min(chw[1] - 1, Math.max(0, (int) Math.floor(candidate[o])));
            int col = Math.min(chw[2] - 1, Math.max(0, (int) Math.floor(candidate[o + 1])));
            for (int c = 0; c < chw[0]; c++) {
                out[outOff + (c * chw[1] + row) * chw[2] + col] = (float) candidate[o + 2 + c];
            }
        }
    }

    /**
     * DE/rand/1 mutation: {@code out = pop[r1] + f (pop[r2] - pop[r3])}.
     *
     * @param pop the population, member after member
     * @param genes genes per member
     * @param r1 the base member
     * @param r2 the first member of the difference
     * @param r3 the second member of the difference
     * @param f the mutation factor
     * @param out the mutant
     */
    static void mutate(double[] pop, int genes, int r1, int r2, int r3, double f, double[] out) {
        for (int j = 0; j < genes; j++) {
            out[j] = pop[r1 * genes + j] + f * (pop[r2 * genes + j] - pop[r3 * genes + j]);
        }
    }

    /**
     * Binomial crossover: each gene comes from the mutant with probability {@code rate}, gene
     * {@code forced} always does, the rest from the parent.
     *
     * @param parents the population
     * @param off the offset of the parent
     * @param mutant the mutant
     * @param rate the crossover rate in [0, 1]
     * @param forced the gene always taken from the mutant
     * @param random the generator
     * @param out the trial
     */
    static void crossover(
            double[] parents, int off, double[] mutant, double rate, int forced, SplittableRandom random, double[] out) {
        for (int j = 0; j < out.length; j++) {
            boolean fromMutant = j == forced || (rate >= 1 || random.nextDouble() < rate);
            out[j] = fromMutant ? mutant[j] : parents[off + j];
        }
    }

    /**
     * Draws three distinct members, all different from {@code exclude}.
     *
     * @param size the population size, at least 4
     * @param exclude the parent
     * @param random the generator
     * @return {@code {r1, r2, r3}}
     */
    static int[] pickDistinct(int size, int exclude, SplittableRandom random) {
        int[] out = new int[3];
        for (int i = 0; i < 3; i++) {
            int r;
            boolean clash;
            do {
                r = random.nextInt(size);
                clash = r == exclude;
                for (int j = 0; j < i; j++) {
                    clash |= out[j] == r;
                }
            } while (clash);
            out[i] = r;
        }
        return out;
    }

    private static double clamp(double v, double lo, double hi) {
        // Coordinates live in [0, side); the upper bound of a coordinate maps to the last pixel.
        return Math.max(lo, Math.min(hi, v));
    }

    private static double gaussian(SplittableRandom random) {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
