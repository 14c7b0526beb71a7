package dev.robust4j.attack.whitebox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AbstractEvasionAttack;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackParams;
import dev.robust4j.attack.AttackSpec;
import dev.robust4j.attack.Batches;
import dev.robust4j.attack.Budget;
import dev.robust4j.attack.ModelAccess;
import dev.robust4j.attack.Norm;
import dev.robust4j.attack.ShrinkingBatch;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.Objective;
import dev.robust4j.model.Objectives;
import dev.robust4j.param.Param;
import dev.robust4j.param.ParamType;
import dev.robust4j.param.Parameters;
import dev.robust4j.param.Range;
import dev.robust4j.model.Shapes;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Auto-PGD (APGD) of Croce and Hein, "Reliable evaluation of adversarial robustness with an
 * ensemble of diverse parameter-free attacks", ICML 2020: projected gradient ascent whose step
 * size needs no tuning. Made by {@link #ce}, {@link #dlr} and {@link #targeted}; every setting is
 * a wither returning a new, validated, immutable attack:
 *
 * <pre>{@code
 * EvasionAttack apgd = AutoPgd.ce(Norm.LINF, 0.03f).steps(100).restarts(1);
 * }</pre>
 *
 * <p>Algorithm of one run (the paper's Algorithm 1), per sample:
 * <ol>
 *   <li>start at a uniform random point {@code x(0)} of the ball (clipped to the bounds), with step
 *       size {@code η = 2ε};</li>
 *   <li>{@code x(1) = P(x(0) + η s(∇f(x(0))))}, and for {@code k >= 1}:
 *       {@code z = P(x(k) + η s(∇f(x(k))))},
 *       {@code x(k+1) = P(x(k) + α (z − x(k)) + (1 − α)(x(k) − x(k−1)))} with momentum
 *       {@code α = 0.75}; {@code s} is the norm's steepest-ascent direction (sign in L∞, the
 *       normalised gradient in L2) and {@code P} the projection onto the ball and the bounds;</li>
 *   <li>at the checkpoints {@code w_j = ⌈p_j N⌉} ({@link #checkpoints}: {@code p_0 = 0},
 *       {@code p_1 = 0.22}, {@code p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06)}) the step is
 *       halved and the iterate restarts from the best point so far {@code x_max} (with its
 *       gradient) if (1) fewer than {@code ρ (w_j − w_{j−1})} steps since the last checkpoint
 *       increased the loss ({@code ρ = 0.75}), or (2) the step was not halved at the last
 *       checkpoint and the best loss has not improved since;</li>
 *   <li>a sample leaves the run at the first point the model misclassifies (classifies as the
 *       target), and that point is its adversarial.</li>
 * </ol>
 * Each run costs {@code steps + 1} gradient evaluations per sample still in it, the budget of a
 * {@code steps}-step PGD. Runs ({@code restarts}) attack only samples no earlier run broke; a
 * sample no run breaks returns its highest-loss point over all runs.
 *
 * <p>Losses: cross-entropy ({@code apgd-ce}), the Difference of Logits Ratio
 * {@link Objectives#dlr()} ({@code apgd-dlr}), and APGD-T ({@code apgd-t}), which for an
 * untargeted attack runs the targeted DLR loss {@link Objectives#targetedDlr} towards each of the
 * {@code target-classes} classes the model ranks highest after the true one on the clean input (a
 * run per class and restart), and counts any misclassification as success. Given explicit
 * targets, {@code apgd-ce} ascends {@code −CE(t)} and {@code apgd-dlr} and {@code apgd-t} the
 * targeted DLR towards the given targets.
 *
 * <p>What is shared with the gradient engine ({@link dev.robust4j.attack.GradientDescentAttack}):
 * the {@link Norm} strategy (steepest-ascent direction, projection onto the ball, random start),
 * the engine's per-iteration scopes (carried arrays temporarily attached to a sub-manager that is
 * closed every step), its early exit of broken samples and its restart policy (later runs attack
 * only unbroken samples; a sample's best point is kept); with the package's other attacks, the row
 * bookkeeping of the shrinking batch ({@code Rows}). Not shared, because the engine has no such
 * thing: the step-size schedule with its checkpoints, the restart from the best point, and the
 * momentum, which here averages iterates where MIM's ({@link dev.robust4j.attack.Attacks#mim})
 * accumulates normalised gradients. APGD is therefore its own class rather than a preset.
 *
 * <p>Departures from the reference code (github.com/fra31/auto-attack), all towards the paper's
 * text: checkpoints are {@code ⌈p_j N⌉} (the code floors {@code 0.22 N}, {@code 0.06 N},
 * {@code 0.03 N}; identical for {@code N = 100}); condition 1 is a strict {@code <} and counts the
 * step from {@code x(0)}; condition 2 may already fire at the first checkpoint; the random start
 * is uniform in the ball rather than on its surface; samples stop at their first adversarial point
 * instead of running all iterations. Only L∞ and L2 are supported (APGD-L1 is a later paper).
 */
public final class AutoPgd extends AbstractEvasionAttack {

    /** The loss APGD ascends. */
    public enum Loss {
        /** Cross-entropy: {@code apgd-ce}. */
        CE("ce", "apgd-ce"),
        /** The Difference of Logits Ratio: {@code apgd-dlr}. */
        DLR("dlr", "apgd-dlr"),
        /** The targeted DLR over the highest-ranked other classes: {@code apgd-t}. */
        TARGETED_DLR("targeted-dlr", "apgd-t");

        private final String cliName;
        private final String attackName;

        Loss(String cliName, String attackName) {
            this.cliName = cliName;
            this.attackName = attackName;
        }

        /** @return the loss's command-line name: {@code ce}, {@code dlr} or {@code targeted-dlr} */
        public String cliName() {
            return cliName;
        }

        /** @return the name of the attack that ascends this loss */
        public String attackName() {
            return attackName;
        }

        /**
         * Parses {@code ce}, {@code dlr} or {@code targeted-dlr}.
         *
         * @param name the name
         * @return the loss
         */
        public static Loss parse(String name) {
            for (Loss l : values()) {
                if (l.cliName.equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return l;
                }
            }
            throw new IllegalArgumentException("loss must be ce, dlr or targeted-dlr, got '" + name + "'");
        }

        @Override
        public String toString() {
            return cliName;
        }
    }

    /** Default iterations per run, as in the paper and AutoAttack. */
    public static final int DEFAULT_STEPS = 100;

    /** Default fraction of successful steps below which the step size is halved. */
    public static final float DEFAULT_RHO = 0.75f;

    /** Default number of target classes of APGD-T, as in AutoAttack's standard version. */
    public static final int DEFAULT_TARGET_CLASSES = 9;

    /** Weight of the new step against the previous update (the paper's α). */
    static final float MOMENTUM = 0.75f;

    /** The initial step size in units of eps. */
    static final float INITIAL_STEP = 2f;

    private final Loss loss;
    private final Norm norm;
    private final float eps;
    private final int steps;
    private final int restarts;
    private final float rho;
    private final int targetClasses;
    private final long seed;

    private AutoPgd(Loss loss, Norm norm, float eps, int steps, int restarts, float rho, int targetClasses, long seed) {
        super(SPEC);
        if (loss == null) {
            throw new IllegalArgumentException("loss must be ce, dlr or targeted-dlr, got null");
        }
        if (norm != Norm.LINF && norm != Norm.L2) {
            throw new IllegalArgumentException("norm must be linf or l2 for APGD, got " + norm);
        }
        EPS.check(eps);
        STEPS.check(steps);
        RESTARTS.check(restarts);
        RHO.check(rho);
        TARGET_CLASSES.check(targetClasses);
        this.loss = loss;
        this.norm = norm;
        this.eps = eps;
        this.steps = steps;
        this.restarts = restarts;
        this.rho = rho;
        this.targetClasses = targetClasses;
        this.seed = seed;
    }

    /**
     * APGD on the cross-entropy loss ({@code apgd-ce}): 100 steps, 1 restart, ρ = 0.75.
     *
     * @param norm {@link Norm#LINF} or {@link Norm#L2}
     * @param eps the radius
     * @return the attack
     */
    public static AutoPgd ce(Norm norm, float eps) {
        return new AutoPgd(Loss.CE, norm, eps, DEFAULT_STEPS, 1, DEFAULT_RHO, DEFAULT_TARGET_CLASSES, 0L);
    }

    /**
     * APGD on the Difference of Logits Ratio ({@code apgd-dlr}): 100 steps, 1 restart, ρ = 0.75.
     *
     * @param norm {@link Norm#LINF} or {@link Norm#L2}
     * @param eps the radius
     * @return the attack
     */
    public static AutoPgd dlr(Norm norm, float eps) {
        return new AutoPgd(Loss.DLR, norm, eps, DEFAULT_STEPS, 1, DEFAULT_RHO, DEFAULT_TARGET_CLASSES, 0L);
    }

    /**
     * APGD-T ({@code apgd-t}): the targeted DLR loss towards each of the 9 highest-ranked other
     * classes in turn, 100 steps and 1 restart per class, as in AutoAttack's standard version.
     *
     * @param norm {@link Norm#LINF} or {@link Norm#L2}
     * @param eps the radius
     * @return the attack
     */
    public static AutoPgd targeted(Norm norm, float eps) {
        return new AutoPgd(
                Loss.TARGETED_DLR, norm, eps, DEFAULT_STEPS, 1, DEFAULT_RHO, DEFAULT_TARGET_CLASSES, 0L);
    }

    /**
     * @param value the loss; changes the attack's name accordingly
     * @return a copy with this loss
     */
    public AutoPgd loss(Loss value) {
        return new AutoPgd(value, norm, eps, steps, restarts, rho, targetClasses, seed);
    }

    /**
     * @param value {@link Norm#LINF} or {@link Norm#L2}
     * @return a copy with this norm
     */
    public AutoPgd norm(Norm value) {
        return new AutoPgd(loss, value, eps, steps, restarts, rho, targetClasses, seed);
    }

    /**
     * @param value the radius of the ball, positive
     * @return a copy with this radius
     */
    public AutoPgd eps(float value) {
        return new AutoPgd(loss, norm, value, steps, restarts, rho, targetClasses, seed);
    }

    /**
     * @param value iterations per run (the paper's {@code N_iter}), at least 1; default 100
     * @return a copy with this many iterations
     */
    public AutoPgd steps(int value) {
        return new AutoPgd(loss, norm, eps, value, restarts, rho, targetClasses, seed);
    }

    /**
     * @param value runs from fresh random starts (per target class for APGD-T), at least 1;
     *     later runs attack only the samples earlier ones did not break; default 1
     * @return a copy with this many restarts
     */
    public AutoPgd restarts(int value) {
        return new AutoPgd(loss, norm, eps, steps, value, rho, targetClasses, seed);
    }

    /**
     * @param value the fraction ρ in (0, 1] of loss-increasing steps between checkpoints below
     *     which the step size is halved; default 0.75
     * @return a copy with this threshold
     */
    public AutoPgd rho(float value) {
        return new AutoPgd(loss, norm, eps, steps, restarts, value, targetClasses, seed);
    }

    /**
     * @param value for APGD-T, how many of the highest-ranked other classes to target in turn, at
     *     least 1; at most {@code K − 1} are used on a {@code K}-class model; default 9
     * @return a copy with this number of target classes
     */
    public AutoPgd targetClasses(int value) {
        return new AutoPgd(loss, norm, eps, steps, restarts, rho, value, seed);
    }

    /**
     * @param value the seed of every random start
     * @return a copy with this seed
     */
    public AutoPgd seed(long value) {
        return new AutoPgd(loss, norm, eps, steps, restarts, rho, targetClasses, value);
    }

    /** @return the loss */
    public Loss loss() {
        return loss;
    }

    /**
     * The checkpoints of the step-size schedule for {@code steps} iterations: {@code w_j =
     * ⌈p_j steps⌉} with {@code p_0 = 0}, {@code p_1 = 0.22}, {@code p_{j+1} = p_j + max(p_j −
     * p_{j−1} − 0.03, 0.06)} while {@code p_j <= 1}, without repeats (short runs round several
     * {@code p_j} to the same iteration). For 100 steps: 0, 22, 41, 57, 70, 80, 87, 93, 99.
     *
     * @param steps the number of iterations, at least 1
     * @return the checkpoints, strictly increasing, from 0
     */
    public static int[] checkpoints(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        // p_j in hundredths, so the schedule is exact: 0, 22, 41, 57, 70, 80, 87, 93, 99.
        int[] out = new int[steps + 1];
        int count = 0;
        out[count++] = 0;
        long previous = 0;
        long current = 22;
        while (current <= 100) {
            int w = (int) ((current * steps + 99) / 100);
            if (w > out[count - 1]) {
                out[count++] = w;
            }
            long next = current + Math.max(current - previous - 3, 6);
            previous = current;
            current = next;
        }
        return Arrays.copyOf(out, count);
    }

    @Override
    public String name() {
        return loss.attackName();
    }

    private static final Param<AutoPgd, Float> EPS = Param.of(
            "eps", ParamType.FLOAT, Range.positive(),
            "radius of the ball (default by norm)", a -> a.eps, AutoPgd::eps);
    private static final Param<AutoPgd, Integer> STEPS = Param.of(
            "steps", ParamType.INT, Range.atLeast(1),
            "iterations per restart", a -> a.steps, AutoPgd::steps);
    private static final Param<AutoPgd, Integer> RESTARTS = Param.of(
            "restarts", ParamType.INT, Range.atLeast(1),
            "runs on the samples still robust", a -> a.restarts,
            AutoPgd::restarts);
    private static final Param<AutoPgd, Float> RHO = Param.of(
            "rho", ParamType.FLOAT, Range.interval(0f, false, 1f, true),
            "the step-size schedule's success threshold", a -> a.rho,
            AutoPgd::rho);
    private static final Param<AutoPgd, Integer> TARGET_CLASSES = Param.<AutoPgd, Integer>of(
            "target-classes", ParamType.INT, Range.atLeast(1),
            "target classes tried per sample (apgd-t)",
            a -> a.targetClasses, AutoPgd::targetClasses).shownWhen(a -> a.loss == Loss.TARGETED_DLR);

    /**
     * The parameters, declared once: the registry sets them from text, {@link #params()} and the
     * JSON record report them, help lists them.
     */
    public static final Parameters<AutoPgd> PARAMETERS = Parameters.of(
            AttackParams.<AutoPgd>norm((a, v) -> a.norm(v).eps(Budget.defaultEps(v)), a -> a.norm),
            EPS,
            STEPS,
            RESTARTS,
            RHO,
            TARGET_CLASSES,
            AttackParams.<AutoPgd>seed((a, v) -> a.seed(v)));

    private static final AttackSpec<AutoPgd> SPEC =
            AttackSpec.of(AutoPgd.class, ModelAccess.GRADIENTS, PARAMETERS)
            .budget(a -> a.norm, AutoPgd::norm, a -> a.eps, AutoPgd::eps)
            .seed(a -> a.seed);

    @Override
    protected NDArray attack(AttackContext ctx) {
        int k = ctx.model().numClasses();
        boolean targetedLoss = ctx.criterion().targeted() || loss == Loss.TARGETED_DLR;
        if (loss != Loss.CE) {
            int min = targetedLoss ? 4 : 3;
            if (k < min) {
                throw new IllegalArgumentException(name() + " needs a model with at least " + min
                        + " classes for the " + (targetedLoss ? "targeted " : "") + "DLR loss, got " + k);
            }
        }
        Search search = new Search(ctx, targetedLoss);
        SplittableRandom root = ctx.random();
        if (loss == Loss.TARGETED_DLR && !ctx.criterion().targeted()) {
            int[][] ranked = otherClassesByLogit(ctx);
            int classes = Math.min(targetClasses, k - 1);
            for (int c = 0; c < classes; c++) {
                for (int r = 0; r < restarts; r++) {
                    int[] target = new int[ctx.size()];
                    for (int s = 0; s < target.length; s++) {
                        target[s] = ranked[s][c];
                    }
                    search.run(target, root.split());
                }
            }
        } else {
            int[] labels = ctx.criterion().objectiveClasses();
            for (int r = 0; r < restarts; r++) {
                search.run(labels, root.split());
            }
        }
        return ctx.manager().create(search.best, ctx.x().getShape());
    }

    /** Ranks, per sample, the classes other than its label by clean logit, highest first. */
    private static int[][] otherClassesByLogit(AttackContext ctx) {
        int n = ctx.size();
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        float[] logits;
        int k;
        try (NDManager scope = ctx.manager().newSubManager()) {
            NDArray x = ctx.x();
            x.tempAttach(scope);
            NDArray z = ctx.predict(x, all);
            k = (int) z.getShape().get(1);
            logits = z.toFloatArray();
        }
        int[][] out = new int[n][];
        for (int s = 0; s < n; s++) {
            int row = s;
            int label = ctx.labelValues()[s];
            out[s] = java.util.stream.IntStream.range(0, k)
                    .filter(c -> c != label)
                    .boxed()
                    .sorted((a, b) -> Float.compare(logits[row * k + b], logits[row * k + a]))
                    .mapToInt(Integer::intValue)
                    .toArray();
        }
        return out;
    }

    /**
     * What a run carries from step to step, one row per sample not broken yet.
     *
     * @param x the clean inputs
     * @param label the class the loss refers to (label or target)
     * @param trueLabel the true label
     * @param current the current point {@code x(k)}
     * @param previous the previous point {@code x(k-1)}
     * @param gradient the loss gradient at the current point
     * @param best the run's best point
     * @param bestGradient the gradient at the run's best point
     */
    private record Carried(
            NDArray x, NDArray label, NDArray trueLabel, NDArray current, NDArray previous, NDArray gradient,
            NDArray best, NDArray bestGradient) implements ShrinkingBatch.State<Carried> {

        @Override
        public List<NDArray> arrays() {
            return Arrays.asList(x, label, trueLabel, current, previous, gradient, best, bestGradient);
        }

        @Override
        public Carried map(UnaryOperator<NDArray> rows) {
            UnaryOperator<NDArray> f = a -> a == null ? null : rows.apply(a);
            return new Carried(f.apply(x), f.apply(label), f.apply(trueLabel), f.apply(current), f.apply(previous),
                    f.apply(gradient), f.apply(best), f.apply(bestGradient));
        }
    }

    /** One sample's state within a run: its step size, losses and the counters of the two conditions. */
    private static final class SampleRun {
        float step;
        float bestLoss;
        float lastLoss;
        int increases;
        float bestLossAtCheck;
        boolean halvedAtCheck;
    }

    /** The state of one attack across its runs: every sample's best point so far. */
    private final class Search {
        private final AttackContext ctx;
        private final boolean targetedLoss;
        private final int dim;
        private final Shape sampleShape;
        private final Bounds bounds;
        private final int[] checkpoints = checkpoints(steps);
        /** Over all runs: the point returned for each sample, and its loss. */
        final float[] best;
        private final float[] bestLoss;
        private final boolean[] found;
        /** Per sample, within a run. */
        private final SampleRun[] runs;

        Search(AttackContext ctx, boolean targetedLoss) {
            this.ctx = ctx;
            this.targetedLoss = targetedLoss;
            int n = ctx.size();
            this.dim = ctx.sampleSize();
            this.sampleShape = ctx.x().getShape().slice(1);
            this.bounds = ctx.model().bounds();
            this.best = ctx.xData().clone();
            this.bestLoss = new float[n];
            Arrays.fill(bestLoss, Float.NEGATIVE_INFINITY);
            this.found = new boolean[n];
            this.runs = new SampleRun[n];
            for (int s = 0; s < n; s++) {
                runs[s] = new SampleRun();
            }
        }

        /** The objective of a working batch whose true labels are {@code trueLabels}. */
        private Objective objective(NDArray trueLabels) {
            if (loss == Loss.CE) {
                return targetedLoss ? Objectives.crossEntropy().negate() : Objectives.crossEntropy();
            }
            return targetedLoss ? Objectives.targetedDlr(trueLabels) : Objectives.dlr();
        }

        /**
         * One run of Algorithm 1 on the samples not broken yet.
         *
         * @param objectiveLabels per sample, the class the loss refers to (label or target)
         * @param random the run's own stream
         */
        void run(int[] objectiveLabels, SplittableRandom random) {
            int[] idx = Batches.where(found, false);
            if (idx.length == 0) {
                return;
            }
            try (ShrinkingBatch<Carried> batch = new ShrinkingBatch<>(ctx.manager(), idx)) {
                NDManager scope = batch.manager();
                NDArray x = scope.create(Batches.rows(ctx.xData(), idx, dim), Shapes.batch(idx.length, sampleShape));
                NDArray label = scope.create(Batches.pick(objectiveLabels, idx));
                NDArray trueLabel = scope.create(Batches.pick(ctx.labelValues(), idx));
                // One stream per sample, keyed by the sample itself: its start is the same in any
                // batch, so AutoAttack's run of this component on a subset starts where a run alone does.
                long streamSeed = random.nextLong();
                SplittableRandom[] rows = new SplittableRandom[idx.length];
                for (int j = 0; j < idx.length; j++) {
                    rows[j] = ctx.sampleRandom(streamSeed, idx[j]);
                }
                NDArray start = norm.randomStart(scope, x.getShape(), eps, rows);
                NDArray current = x.add(clipDelta(x, start, bounds));
                start.close();
                for (int s : idx) {
                    SampleRun run = runs[s];
                    run.step = INITIAL_STEP * eps;
                    run.bestLoss = Float.NEGATIVE_INFINITY;
                    run.increases = 0;
                    run.halvedAtCheck = false;
                }
                batch.start(new Carried(x, label, trueLabel, current, null, null, null, null));
                // Iteration -1 evaluates x(0); iteration i computes x(i + 1) and evaluates it.
                for (int i = -1; i < steps && !batch.isEmpty(); i++) {
                    iterate(batch, i);
                }
                if (!batch.isEmpty()) {
                    keepBest(batch.state().best(), batch.samples());
                }
            }
        }

        /** Takes one step (none for {@code i = -1}), evaluates, records and drops successes. */
        private void iterate(ShrinkingBatch<Carried> batch, int i) {
            try (ShrinkingBatch<Carried>.Step step = batch.step()) {
                NDManager it = step.manager();
                Carried st = step.state();
                int[] idx = step.samples();
                NDArray point = i < 0 ? st.current() : move(it, st, idx, i == 0 ? 1f : MOMENTUM);
                Evaluation ev = ctx.evaluate(point, objective(st.trueLabel()), st.label(), idx);
                boolean[] success = ctx.isSuccess(ev.logits(), idx);
                if (Batches.count(success) > 0) {
                    record(point, success, idx, it);
                }
                boolean[] keep = Batches.not(success);
                if (!step.keep(keep)) {
                    return;
                }
                int[] nextIdx = step.keptSamples();
                float[] values = ev.values().toFloatArray();
                NDArray current = step.rows(point);
                NDArray gradient = step.rows(ev.gradient());
                NDArray previous;
                NDArray runBest;
                NDArray runBestGradient;
                if (i < 0) {
                    previous = current;
                    runBest = current;
                    runBestGradient = gradient;
                } else {
                    previous = step.rows(st.current());
                    runBest = step.rows(st.best());
                    runBestGradient = step.rows(st.bestGradient());
                }
                // Losses, best points and the counters of the step-size conditions.
                boolean[] improved = new boolean[nextIdx.length];
                int row = 0;
                for (int r = 0; r < idx.length; r++) {
                    if (!keep[r]) {
                        continue;
                    }
                    SampleRun run = runs[idx[r]];
                    float v = values[r];
                    if (i < 0) {
                        run.bestLossAtCheck = v;
                    } else if (v > run.lastLoss) {
                        run.increases++;
                    }
                    run.lastLoss = v;
                    if (v > run.bestLoss) {
                        run.bestLoss = v;
                        improved[row] = true;
                    }
                    row++;
                }
                if (i >= 0 && Batches.count(improved) > 0) {
                    runBest = where(it, improved, current, runBest);
                    runBestGradient = where(it, improved, gradient, runBestGradient);
                }
                int checkpoint = Arrays.binarySearch(checkpoints, i + 1);
                if (i >= 0 && checkpoint > 0) {
                    boolean[] halve = checkpoint(nextIdx, checkpoints[checkpoint] - checkpoints[checkpoint - 1]);
                    if (Batches.count(halve) > 0) {
                        current = where(it, halve, runBest, current);
                        gradient = where(it, halve, runBestGradient, gradient);
                    }
                }
                step.carry(new Carried(step.rows(st.x()), step.rows(st.label()), step.rows(st.trueLabel()), current,
                        previous, gradient, runBest, runBestGradient));
            }
        }

        /** The momentum step from {@code x(k)} to {@code x(k+1)}. */
        private NDArray move(NDManager it, Carried st, int[] idx, float alpha) {
            NDArray x = st.x();
            NDArray current = st.current();
            float[] eta = new float[idx.length];
            for (int r = 0; r < idx.length; r++) {
                eta[r] = runs[idx[r]].step;
            }
            NDArray etaColumn = it.create(eta, column(idx.length));
            NDArray z = project(x, current.add(norm.direction(st.gradient()).mul(etaColumn)));
            if (alpha == 1f) {
                return z;
            }
            NDArray moved = current.add(z.sub(current).mul(alpha)).add(current.sub(st.previous()).mul(1f - alpha));
            return project(x, moved);
        }

        /** Applies the two conditions at a checkpoint; returns, per row, whether to halve and restart. */
        private boolean[] checkpoint(int[] idx, int period) {
            boolean[] halve = new boolean[idx.length];
            for (int r = 0; r < idx.length; r++) {
                SampleRun run = runs[idx[r]];
                boolean oscillating = run.increases < rho * period;
                boolean stalled = !run.halvedAtCheck && run.bestLossAtCheck == run.bestLoss;
                halve[r] = oscillating || stalled;
                if (halve[r]) {
                    run.step /= 2f;
                    run.lastLoss = run.bestLoss;
                }
                run.halvedAtCheck = halve[r];
                run.bestLossAtCheck = run.bestLoss;
                run.increases = 0;
            }
            return halve;
        }

        /** Projects points onto the ball around {@code x} and into the bounds. */
        private NDArray project(NDArray x, NDArray points) {
            return x.add(clipDelta(x, norm.project(points.sub(x), eps), bounds));
        }

        /** Returns {@code clip(x + delta) - x}: the part of a perturbation that keeps {@code x + delta} in bounds. */
        private NDArray clipDelta(NDArray x, NDArray delta, Bounds bounds) {
            return x.add(delta).clip(bounds.min(), bounds.max()).sub(x);
        }

        private Shape column(int rows) {
            long[] dims = new long[sampleShape.dimension() + 1];
            Arrays.fill(dims, 1);
            dims[0] = rows;
            return new Shape(dims);
        }

        private NDArray where(NDManager it, boolean[] rows, NDArray a, NDArray b) {
            NDArray cond = it.create(rows).reshape(column(rows.length)).broadcast(a.getShape());
            return NDArrays.where(cond, a, b);
        }

        /** Copies the successful rows of {@code points} into the result. */
        private void record(NDArray points, boolean[] success, int[] idx, NDManager it) {
            float[] hits = Batches.keep(points, success, it).toFloatArray();
            int row = 0;
            for (int r = 0; r < idx.length; r++) {
                if (success[r]) {
                    System.arraycopy(hits, row * dim, best, idx[r] * dim, dim);
                    found[idx[r]] = true;
                    row++;
                }
            }
        }

        /** After a run, keeps each unbroken sample's best point if its loss beats earlier runs'. */
        private void keepBest(NDArray runBest, int[] idx) {
            float[] points = runBest.toFloatArray();
            for (int r = 0; r < idx.length; r++) {
                int s = idx[r];
                if (runs[s].bestLoss > bestLoss[s]) {
                    bestLoss[s] = runs[s].bestLoss;
                    System.arraycopy(points, r * dim, best, s * dim, dim);
                }
            }
        }
    }
}
