package dev.robust4j.attack.whitebox;

import ai.djl.ndarray.NDArray;
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
import dev.robust4j.model.Shapes;
import dev.robust4j.model.Evaluation;
import dev.robust4j.param.Param;
import dev.robust4j.param.ParamType;
import dev.robust4j.param.Parameters;
import dev.robust4j.param.Range;

import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The L∞ attack of Carlini and Wagner, "Towards Evaluating the Robustness of Neural Networks"
 * (IEEE S&amp;P 2017), in its <em>projected</em> form: the C&amp;W margin loss
 * {@code f = max(z_y − max_{j≠y} z_j, −κ)} (targeted: {@code max(max_{j≠t} z_j − z_t, −κ)}) is
 * minimised by projected sign-gradient descent inside an L∞ ball whose radius is found by a binary
 * search per sample, so the attack returns, within the budget {@code eps}, the adversarial of
 * (approximately) smallest L∞ norm.
 *
 * <p>The paper instead minimises {@code c · f(x + δ) + Σ max(|δ_i| − τ, 0)} and shrinks the
 * threshold τ by a factor 0.9 after each success, raising {@code c} on failure. Both search for the
 * smallest L∞ radius at which the same loss can be driven to its floor; the projected form replaces
 * the τ penalty by an exact constraint, which makes it cheaper (no inner search over {@code c}) and
 * lets it declare a budget. It is the form in which C&amp;W's loss is usually run under an L∞
 * constraint (e.g. the "CW" adversary of Madry et al. 2018: PGD on the C&amp;W loss), here with
 * the radius searched.
 *
 * <p>Algorithm, for every sample at once:
 * <ol>
 *   <li>round 1 attacks at radius {@code ε = eps}; a sample it cannot break is finished (failed);</li>
 *   <li>each later round attacks at the midpoint of the sample's bracket {@code [lo, hi]}, where
 *       {@code hi} is the L∞ norm of its best adversarial so far and {@code lo} the largest radius
 *       at which it failed; a round starts from the best adversarial projected onto the new ball;</li>
 *   <li>a round takes up to {@code maxIter} steps {@code δ ← clip_ε(δ − α sign ∇f)}, clipped to the
 *       bounds, with {@code α = 2.5 ε / maxIter} (Madry et al.'s rule); a sample leaves the round
 *       at its first point that meets the goal with a logit margin above κ (and the model's
 *       verdict agrees), which becomes its best adversarial if its L∞ norm is smaller.</li>
 * </ol>
 * At most {@code binarySearchSteps × maxIter} batched forward and backward passes.
 *
 * <p>Defaults: {@code eps} 0.1 (the project's L∞ default for inputs in [0, 1]), confidence 0,
 * 10 binary-search steps, 50 steps per round.
 */
public final class CarliniWagnerLinf extends AbstractEvasionAttack {

    private final float eps;
    private final float confidence;
    private final int binarySearchSteps;
    private final int maxIter;
    private final long seed;

    private CarliniWagnerLinf(float eps, float confidence, int binarySearchSteps, int maxIter, long seed) {
        super(SPEC);
        this.eps = new Budget(Norm.LINF, eps).eps();
        this.confidence = CONFIDENCE.check(confidence);
        this.binarySearchSteps = BINARY_SEARCH_STEPS.check(binarySearchSteps);
        this.maxIter = MAX_ITER.check(maxIter);
        this.seed = seed;
    }

    /**
     * Makes the attack with the defaults listed in the class description.
     *
     * @param eps the largest L∞ radius (the budget), positive
     * @return the attack
     */
    public static CarliniWagnerLinf create(float eps) {
        return new CarliniWagnerLinf(eps, 0f, 10, 50, 0L);
    }

    /**
     * @param value the largest L∞ radius (the budget), positive
     * @return a copy with this budget
     */
    public CarliniWagnerLinf eps(float value) {
        return new CarliniWagnerLinf(value, confidence, binarySearchSteps, maxIter, seed);
    }

    /**
     * @param value the logit margin κ an adversarial must have, at least 0
     * @return a copy with this confidence
     */
    public CarliniWagnerLinf confidence(float value) {
        return new CarliniWagnerLinf(eps, value, binarySearchSteps, maxIter, seed);
    }

    /**
     * @param value rounds of the binary search over the radius, at least 1
     * @return a copy with this many rounds
     */
    public CarliniWagnerLinf binarySearchSteps(int value) {
        return new CarliniWagnerLinf(eps, confidence, value, maxIter, seed);
    }

    /**
     * @param value projected steps per round, at least 1
     * @return a copy with this many steps
     */
    public CarliniWagnerLinf maxIter(int value) {
        return new CarliniWagnerLinf(eps, confidence, binarySearchSteps, value, seed);
    }

    /**
     * @param value the seed; the attack draws no random numbers, the seed is recorded for provenance
     * @return a copy with this seed
     */
    public CarliniWagnerLinf seed(long value) {
        return new CarliniWagnerLinf(eps, confidence, binarySearchSteps, maxIter, value);
    }

    @Override
    public String name() {
        return "cw-linf";
    }

    private static final Param<CarliniWagnerLinf, Float> CONFIDENCE = Param.of(
            "confidence", ParamType.FLOAT, Range.finiteAtLeastZero(),
            "logit margin kappa", a -> a.confidence,
            CarliniWagnerLinf::confidence);
    private static final Param<CarliniWagnerLinf, Integer> BINARY_SEARCH_STEPS = Param.of(
            "binary-search-steps", ParamType.INT, Range.atLeast(1),
            "searches over the constant c",
            a -> a.binarySearchSteps, CarliniWagnerLinf::binarySearchSteps);
    private static final Param<CarliniWagnerLinf, Integer> MAX_ITER = Param.of(
            "max-iter", ParamType.INT, Range.atLeast(1),
            "Adam steps per search", a -> a.maxIter,
            CarliniWagnerLinf::maxIter);

    /**
     * The parameters, declared once: the registry sets them from text, {@link #params()} and the
     * JSON record report them, help lists them.
     */
    public static final Parameters<CarliniWagnerLinf> PARAMETERS = Parameters.of(
            Param.of("eps", ParamType.FLOAT, "radius of the linf ball, > 0 (default 0.1)", a -> a.eps,
                    CarliniWagnerLinf::eps),
            CONFIDENCE,
            BINARY_SEARCH_STEPS,
            MAX_ITER,
            AttackParams.<CarliniWagnerLinf>seed((a, v) -> a.seed(v)));

    private static final AttackSpec<CarliniWagnerLinf> SPEC =
            AttackSpec.of(CarliniWagnerLinf.class, ModelAccess.GRADIENTS, PARAMETERS)
            .budget(Norm.LINF, a -> a.eps, CarliniWagnerLinf::eps)
            .seed(a -> a.seed);

    @Override
    protected NDArray attack(AttackContext ctx) {
        int n = ctx.size();
        int dim = ctx.sampleSize();
        int k = ctx.model().numClasses();
        Shape sampleShape = ctx.x().getShape().slice(1);
        Bounds bounds = ctx.model().bounds();
        float[] xs = ctx.xData();
        int[] goal = ctx.criterion().objectiveClasses();
        CarliniLoss loss = new CarliniLoss(confidence, ctx.criterion());
        BestAdversarials best = new BestAdversarials(xs, n, dim);
        float[] lower = new float[n];
        float[] radius = new float[n];
        Arrays.fill(radius, eps);
        boolean[] searching = new boolean[n];
        Arrays.fill(searching, true);

        for (int round = 0; round < binarySearchSteps; round++) {
            int[] idx = Batches.select(Batches.range(n), searching);
            if (idx.length == 0) {
                break;
            }
            boolean[] roundSuccess = new boolean[n];
            float[] start = new float[idx.length * dim];
            float[] step = new float[idx.length];
            float[] radii0 = new float[idx.length];
            for (int i = 0; i < idx.length; i++) {
                int s = idx[i];
                float[] from = best.point(s);
                for (int j = 0; j < dim; j++) {
                    float clean = xs[s * dim + j];
                    float d = Math.max(-radius[s], Math.min(radius[s], from[j] - clean));
                    start[i * dim + j] = d;
                }
                radii0[i] = radius[s];
                step[i] = 2.5f * radius[s] / maxIter;
            }
            try (ShrinkingBatch<Carried> batch = new ShrinkingBatch<>(ctx.manager(), idx)) {
                NDManager scope = batch.manager();
                NDArray x = scope.create(Batches.rows(xs, idx, dim), new Shape(idx.length, dim));
                NDArray delta = scope.create(start, new Shape(idx.length, dim));
                NDArray labels = scope.create(Batches.pick(goal, idx));
                NDArray radii = Batches.column(scope, radii0);
                NDArray steps = Batches.column(scope, step);
                batch.start(new Carried(x, delta, labels, radii, steps));
                for (int iter = 0; iter < maxIter && !batch.isEmpty(); iter++) {
                    try (ShrinkingBatch<Carried>.Step it = batch.step()) {
                        idx = it.samples();
                        x = it.state().x();
                        delta = it.state().delta();
                        labels = it.state().labels();
                        radii = it.state().radii();
                        steps = it.state().steps();
                        NDArray xAdv = x.add(delta).clip(bounds.min(), bounds.max());
                        Evaluation ev = ctx.evaluate(
                                xAdv.reshape(Shapes.batch(idx.length, sampleShape)), loss, labels, idx);
                        float[] margins = loss.goalMargins(ev.logits().toFloatArray(), k, Batches.pickInts(goal, idx));
                        boolean[] success = loss.succeeded(margins);
                        boolean[] verdict = ctx.isSuccess(ev.logits(), idx);
                        float[] linf = xAdv.sub(x).abs().max(new int[] {1}).toFloatArray();
                        for (int i = 0; i < idx.length; i++) {
                            success[i] &= verdict[i];
                            roundSuccess[idx[i]] |= success[i];
                        }
                        if (best.improves(idx, success, linf)) {
                            best.offer(xAdv.toFloatArray(), idx, success, linf);
                        }
                        NDArray moved = delta.sub(ev.gradient().reshape(idx.length, dim).sign().mul(steps));
                        NDArray projected = moved.maximum(radii.neg()).minimum(radii);
                        NDArray inBox = x.add(projected).clip(bounds.min(), bounds.max()).sub(x);
                        if (it.keep(Batches.not(success))) {
                            it.carry(it.kept(new Carried(x, inBox, labels, radii, steps)));
                        }
                    }
                }
            }
            for (int s = 0; s < n; s++) {
                if (!searching[s]) {
                    continue;
                }
                if (!best.found(s)) {
                    searching[s] = false; // not even the full budget breaks it
                    continue;
                }
                if (!roundSuccess[s]) {
                    lower[s] = radius[s];
                }
                radius[s] = (lower[s] + best.distance(s)) / 2;
                searching[s] = best.distance(s) - lower[s] > 1e-5f * bounds.width();
            }
        }
        return ctx.manager().create(best.points(), ctx.x().getShape());
    }

    /**
     * What an iteration carries to the next, one row per sample still searched.
     *
     * @param x the clean inputs, flattened
     * @param delta the perturbation
     * @param labels the classes the loss refers to
     * @param radii the L-inf radii, a column
     * @param steps the step sizes, a column
     */
    private record Carried(NDArray x, NDArray delta, NDArray labels, NDArray radii, NDArray steps) implements ShrinkingBatch.State<Carried> {

        @Override
        public List<NDArray> arrays() {
            return List.of(x, delta, labels, radii, steps);
        }

        @Override
        public Carried map(UnaryOperator<NDArray> rows) {
            return new Carried(rows.apply(x), rows.apply(delta), rows.apply(labels), rows.apply(radii), rows.apply(steps));
        }
    }
}
