package dev.robust4j.attack.whitebox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AbstractEvasionAttack;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackParams;
import dev.robust4j.attack.AttackSpec;
import dev.robust4j.attack.Batches;
import dev.robust4j.attack.ModelAccess;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Shapes;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.Objective;
import dev.robust4j.model.Objectives;
import dev.robust4j.param.Param;
import dev.robust4j.param.ParamType;
import dev.robust4j.param.Parameters;
import dev.robust4j.param.Range;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The box-constrained L-BFGS attack of Szegedy et al., "Intriguing properties of neural networks"
 * (ICLR 2014, arXiv:1312.6199): the minimal-L2 adversarial found by solving
 * <pre>  minimise ‖δ‖₂² + c · loss(x + δ)   subject to   x + δ ∈ [min, max]</pre>
 * for the smallest constant {@code c} that still succeeds. The paper writes the constant on the
 * distance ({@code c'|r| + loss}); the two problems have the same minimisers with
 * {@code c = 1/c'}, and this form lets the attack share the per-sample binary search of C&amp;W
 * (start at {@code initialConst}, ×10 while failing, then bisect), which finds the smallest
 * successful {@code c}, i.e. the paper's largest successful {@code c'}.
 *
 * <p>The loss is the cross-entropy of the target (targeted, the paper's form) or, untargeted, the
 * cross-entropy of "not the true class", {@code −log(1 − p_y)}, which is bounded below and for two
 * classes equals the targeted form.
 *
 * <p>The solver is a projected L-BFGS ({@link ProjectedLbfgs}: gradient projection with an L-BFGS
 * direction on the free variables, in the spirit of L-BFGS-B; Byrd, Lu, Nocedal and Zhu 1995),
 * run for every sample at once: a variable is fixed while it sits on a bound with the gradient
 * pushing outward; the direction comes from the two-loop recursion over the sample's last
 * {@code history} pairs {@code (s, y)} (initial Hessian {@code sᵀy / yᵀy}); the step is projected
 * onto the box and accepted by an Armijo backtracking line search (halving). Samples progress
 * independently: each batched model call evaluates every unfinished sample's current trial point,
 * whether it is a new iterate or a line-search trial. A sample's round ends when its projected gradient vanishes,
 * its loss stops decreasing, or the round's {@code maxIter} model calls are spent. Each sample
 * keeps the successful point of smallest L2 among everything evaluated in all rounds.
 *
 * <p>Defaults: initial constant 0.01, 9 binary-search steps, 100 model calls per round, history 10.
 */
public final class BoxConstrainedLbfgs extends AbstractEvasionAttack {

    private final float initialConst;
    private final int binarySearchSteps;
    private final int maxIter;
    private final int history;
    private final long seed;

    private BoxConstrainedLbfgs(float initialConst, int binarySearchSteps, int maxIter, int history, long seed) {
        super(SPEC);
        this.initialConst = INITIAL_CONST.check(initialConst);
        this.binarySearchSteps = BINARY_SEARCH_STEPS.check(binarySearchSteps);
        this.maxIter = MAX_ITER.check(maxIter);
        this.history = HISTORY.check(history);
        this.seed = seed;
    }

    /** @return the attack with the defaults listed in the class description */
    public static BoxConstrainedLbfgs create() {
        return new BoxConstrainedLbfgs(0.01f, 9, 100, 10, 0L);
    }

    /**
     * @param value the first constant of every sample (the weight of the loss), positive
     * @return a copy with this initial constant
     */
    public BoxConstrainedLbfgs initialConst(float value) {
        return new BoxConstrainedLbfgs(value, binarySearchSteps, maxIter, history, seed);
    }

    /**
     * @param value rounds of the search over the constant, at least 1
     * @return a copy with this many rounds
     */
    public BoxConstrainedLbfgs binarySearchSteps(int value) {
        return new BoxConstrainedLbfgs(initialConst, value, maxIter, history, seed);
    }

    /**
     * @param value model calls (function and gradient evaluations) per round, at least 1
     * @return a copy with this many calls
     */
    public BoxConstrainedLbfgs maxIter(int value) {
        return new BoxConstrainedLbfgs(initialConst, binarySearchSteps, value, history, seed);
    }

    /**
     * @param value the number of correction pairs L-BFGS remembers, at least 1
     * @return a copy with this memory
     */
    public BoxConstrainedLbfgs history(int value) {
        return new BoxConstrainedLbfgs(initialConst, binarySearchSteps, maxIter, value, seed);
    }

    /**
     * @param value the seed; the attack draws no random numbers, the seed is recorded for provenance
     * @return a copy with this seed
     */
    public BoxConstrainedLbfgs seed(long value) {
        return new BoxConstrainedLbfgs(initialConst, binarySearchSteps, maxIter, history, value);
    }

    @Override
    public String name() {
        return "lbfgs";
    }

    private static final Param<BoxConstrainedLbfgs, Float> INITIAL_CONST = Param.of(
            "initial-const", ParamType.FLOAT, Range.positive(),
            "the first constant c", a -> a.initialConst,
            BoxConstrainedLbfgs::initialConst);
    private static final Param<BoxConstrainedLbfgs, Integer> BINARY_SEARCH_STEPS = Param.of(
            "binary-search-steps", ParamType.INT, Range.atLeast(1),
            "searches over the constant c",
            a -> a.binarySearchSteps, BoxConstrainedLbfgs::binarySearchSteps);
    private static final Param<BoxConstrainedLbfgs, Integer> MAX_ITER = Param.of(
            "max-iter", ParamType.INT, Range.atLeast(1),
            "L-BFGS-B iterations per search", a -> a.maxIter,
            BoxConstrainedLbfgs::maxIter);
    private static final Param<BoxConstrainedLbfgs, Integer> HISTORY = Param.of(
            "history", ParamType.INT, Range.atLeast(1),
            "correction pairs kept", a -> a.history,
            BoxConstrainedLbfgs::history);

    /**
     * The parameters, declared once: the registry sets them from text, {@link #params()} and the
     * JSON record report them, help lists them.
     */
    public static final Parameters<BoxConstrainedLbfgs> PARAMETERS = Parameters.of(
            INITIAL_CONST,
            BINARY_SEARCH_STEPS,
            MAX_ITER,
            HISTORY,
            AttackParams.<BoxConstrainedLbfgs>seed((a, v) -> a.seed(v)));

    private static final AttackSpec<BoxConstrainedLbfgs> SPEC =
            AttackSpec.of(BoxConstrainedLbfgs.class, ModelAccess.GRADIENTS, PARAMETERS)
            .seed(a -> a.seed);

    @Override
    protected NDArray attack(AttackContext ctx) {
        int n = ctx.size();
        int dim = ctx.sampleSize();
        Shape sampleShape = ctx.x().getShape().slice(1);
        Bounds bounds = ctx.model().bounds();
        float[] xs = ctx.xData();
        int[] goal = ctx.criterion().objectiveClasses();
        Objective loss = ctx.criterion().targeted() ? Objectives.crossEntropy() : new NotClassCrossEntropy();
        ConstSearch search = new ConstSearch(n, initialConst);
        BestAdversarials best = new BestAdversarials(xs, n, dim);

        for (int round = 0; round < binarySearchSteps; round++) {
            boolean[] roundSuccess = new boolean[n];
            ProjectedLbfgs[] solvers = new ProjectedLbfgs[n];
            for (int s = 0; s < n; s++) {
                solvers[s] = new ProjectedLbfgs(Arrays.copyOfRange(xs, s * dim, (s + 1) * dim), history, bounds);
            }
            int[] idx = Batches.range(n);
            for (int call = 0; call < maxIter && idx.length > 0; call++) {
                float[] trials = new float[idx.length * dim];
                for (int i = 0; i < idx.length; i++) {
                    System.arraycopy(solvers[idx[i]].trial(), 0, trials, i * dim, dim);
                }
                float[] values;
                float[] gradients;
                boolean[] success;
                try (NDManager it = ctx.manager().newSubManager()) {
                    NDArray batch = it.create(trials, Shapes.batch(idx.length, sampleShape));
                    Evaluation ev = ctx.evaluate(batch, loss, it.create(Batches.pick(goal, idx)), idx);
                    values = ev.values().toFloatArray();
                    gradients = ev.gradient().toFloatArray();
                    success = ctx.isSuccess(ev.logits(), idx);
                }
                float[] l2sq = new float[idx.length];
                List<Integer> running = new ArrayList<>();
                float[] g = new float[dim];
                for (int i = 0; i < idx.length; i++) {
                    int s = idx[i];
                    double c = search.value(s);
                    double distance = 0;
                    for (int j = 0; j < dim; j++) {
                        double d = trials[i * dim + j] - xs[s * dim + j];
                        distance += d * d;
                        g[j] = (float) (2 * d + c * gradients[i * dim + j]);
                    }
                    l2sq[i] = (float) distance;
                    roundSuccess[s] |= success[i];
                    solvers[s].evaluated(distance + c * values[i], g);
                    if (!solvers[s].done()) {
                        running.add(s);
                    }
                }
                best.offer(trials, idx, success, l2sq);
                idx = running.stream().mapToInt(Integer::intValue).toArray();
            }
            search.update(roundSuccess);
        }
        return ctx.manager().create(best.points(), ctx.x().getShape());
    }
}
