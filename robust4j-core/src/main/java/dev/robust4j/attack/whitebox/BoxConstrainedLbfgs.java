package dev.robust4j.attack.whitebox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AbstractEvasionAttack;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.Budget;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.Objective;
import dev.robust4j.model.Objectives;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * <p>The solver is a projected L-BFGS (gradient projection with an L-BFGS direction on the free
 * variables, in the spirit of L-BFGS-B; Byrd, Lu, Nocedal and Zhu 1995), run for every sample at
 * once: a variable is fixed while it sits on a bound with the gradient pushing outward; the
 * direction comes from the two-loop recursion over the sample's last {@code history} pairs
 * {@code (s, y)} (initial Hessian {@code sᵀy / yᵀy}); the step is projected onto the box and
 * accepted by an Armijo backtracking line search (halving). Samples progress independently:
 * each batched model call evaluates every unfinished sample's current trial point, whether it is a
 * new iterate or a line-search trial. A sample's round ends when its projected gradient vanishes,
 * its loss stops decreasing, or the round's {@code maxIter} model calls are spent. Each sample
 * keeps the successful point of smallest L2 among everything evaluated in all rounds.
 *
 * <p>Defaults: initial constant 0.01, 9 binary-search steps, 100 model calls per round, history 10.
 */
public final class BoxConstrainedLbfgs extends AbstractEvasionAttack {

    private static final double ARMIJO = 1e-4;
    private static final int MAX_HALVINGS = 20;
    private static final double PGTOL = 1e-5;
    private static final double FTOL = 2.2e-9;

    private final float initialConst;
    private final int binarySearchSteps;
    private final int maxIter;
    private final int history;
    private final long seed;

    private BoxConstrainedLbfgs(float initialConst, int binarySearchSteps, int maxIter, int history, long seed) {
        this.initialConst = Checks.positive("initial-const", initialConst);
        this.binarySearchSteps = Checks.atLeast("binary-search-steps", binarySearchSteps, 1);
        this.maxIter = Checks.atLeast("max-iter", maxIter, 1);
        this.history = Checks.atLeast("history", history, 1);
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

    @Override
    public Map<String, Object> params() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("initial-const", initialConst);
        p.put("binary-search-steps", binarySearchSteps);
        p.put("max-iter", maxIter);
        p.put("history", history);
        p.put("seed", seed);
        return p;
    }

    @Override
    public boolean requiresGradients() {
        return true;
    }

    @Override
    public Optional<Budget> budget() {
        return Optional.empty();
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    protected NDArray attack(AttackContext ctx) {
        int n = ctx.size();
        int dim = ctx.sampleSize();
        Shape sampleShape = ctx.x().getShape().slice(1);
        Bounds bounds = ctx.model().bounds();
        float[] xs = ctx.xData();
        int[] goal = ctx.targeted() ? ctx.targetValues() : ctx.labelValues();
        Objective loss = ctx.targeted() ? Objectives.crossEntropy() : new NotClassCrossEntropy();
        ConstSearch search = new ConstSearch(n, initialConst);
        BestAdversarials best = new BestAdversarials(xs, n, dim);

        for (int round = 0; round < binarySearchSteps; round++) {
            boolean[] roundSuccess = new boolean[n];
            Solver[] solvers = new Solver[n];
            for (int s = 0; s < n; s++) {
                solvers[s] = new Solver(xs, s * dim, dim, history, bounds, search.value(s));
            }
            int[] idx = Rows.range(n);
            for (int call = 0; call < maxIter && idx.length > 0; call++) {
                float[] trials = new float[idx.length * dim];
                for (int i = 0; i < idx.length; i++) {
                    System.arraycopy(solvers[idx[i]].trial, 0, trials, i * dim, dim);
                }
                float[] values;
                float[] gradients;
                boolean[] success;
                try (NDManager it = ctx.manager().newSubManager()) {
                    NDArray batch = it.create(trials, Rows.batchShape(idx.length, sampleShape));
                    Evaluation ev = ctx.evaluate(batch, loss, it.create(Rows.pick(goal, idx)), idx);
                    values = ev.values().toFloatArray();
                    gradients = ev.gradient().toFloatArray();
                    success = ctx.isSuccess(ev.logits(), idx);
                }
                float[] l2sq = new float[idx.length];
                List<Integer> running = new ArrayList<>();
                for (int i = 0; i < idx.length; i++) {
                    Solver solver = solvers[idx[i]];
                    l2sq[i] = (float) solver.distanceSquared(solver.trial);
                    roundSuccess[idx[i]] |= success[i];
                    solver.evaluated(values[i], gradients, i * dim);
                    if (!solver.done) {
                        running.add(idx[i]);
                    }
                }
                best.offer(trials, idx, success, l2sq);
                idx = running.stream().mapToInt(Integer::intValue).toArray();
            }
            search.update(roundSuccess);
        }
        return ctx.manager().create(best.points(), ctx.x().getShape());
    }

    /**
     * One sample's projected L-BFGS state for one round: the current iterate, the trial point to
     * evaluate next, the search direction and step, and the ring of correction pairs.
     */
    private static final class Solver {
        private final float[] clean;
        private final int offset;
        private final int dim;
        private final float min;
        private final float max;
        private final double c;
        private final float[][] s;
        private final float[][] y;
        private final double[] rho;
        private int count;
        private int head;

        private float[] current;
        private float[] gradient;
        private double value;
        private float[] trial;
        private float[] direction;
        private double step;
        private int halvings;
        private boolean done;

        Solver(float[] clean, int offset, int dim, int memory, Bounds bounds, double c) {
            this.clean = clean;
            this.offset = offset;
            this.dim = dim;
            this.min = bounds.min();
            this.max = bounds.max();
            this.c = c;
            this.s = new float[memory][];
            this.y = new float[memory][];
            this.rho = new double[memory];
            this.trial = new float[dim];
            System.arraycopy(clean, offset, trial, 0, dim);
        }

        double distanceSquared(float[] point) {
            double sum = 0;
            for (int j = 0; j < dim; j++) {
                double d = point[j] - clean[offset + j];
                sum += d * d;
            }
            return sum;
        }

        /** Takes the loss value and gradient at the trial point and prepares the next trial. */
        void evaluated(float loss, float[] lossGradients, int from) {
            double f = distanceSquared(trial) + c * loss;
            float[] g = new float[dim];
            for (int j = 0; j < dim; j++) {
                g[j] = (float) (2 * (trial[j] - clean[offset + j]) + c * lossGradients[from + j]);
            }
            if (current == null) {
                accept(f, g);
                return;
            }
            double slope = 0;
            for (int j = 0; j < dim; j++) {
                slope += (double) gradient[j] * (trial[j] - current[j]);
            }
            if (f <= value + ARMIJO * slope) {
                remember(g);
                boolean stalled = (value - f) <= FTOL * Math.max(Math.max(Math.abs(value), Math.abs(f)), 1);
                accept(f, g);
                if (stalled) {
                    done = true;
                }
            } else if (++halvings > MAX_HALVINGS) {
                if (count > 0) {
                    count = 0;
                    newDirection();
                } else {
                    done = true;
                }
            } else {
                step /= 2;
                makeTrial();
            }
        }

        /** Stores the correction pair of an accepted step, if its curvature is positive. */
        private void remember(float[] g) {
            float[] sv = new float[dim];
            float[] yv = new float[dim];
            double sy = 0;
            double yy = 0;
            for (int j = 0; j < dim; j++) {
                sv[j] = trial[j] - current[j];
                yv[j] = g[j] - gradient[j];
                sy += (double) sv[j] * yv[j];
                yy += (double) yv[j] * yv[j];
            }
            if (sy > 1e-10 * yy && sy > 0) {
                s[head] = sv;
                y[head] = yv;
                rho[head] = 1 / sy;
                head = (head + 1) % s.length;
                count = Math.min(count + 1, s.length);
            }
        }

        private void accept(double f, float[] g) {
            current = trial;
            gradient = g;
            value = f;
            double projected = 0;
            for (int j = 0; j < dim; j++) {
                double moved = Math.max(min, Math.min(max, current[j] - g[j])) - current[j];
                projected = Math.max(projected, Math.abs(moved));
            }
            if (projected <= PGTOL) {
                done = true;
                return;
            }
            newDirection();
        }

        /** The two-loop recursion on the free variables; steepest descent if it is not a descent. */
        private void newDirection() {
            boolean[] free = new boolean[dim];
            double[] q = new double[dim];
            for (int j = 0; j < dim; j++) {
                free[j] = !((current[j] <= min && gradient[j] > 0) || (current[j] >= max && gradient[j] < 0));
                q[j] = free[j] ? gradient[j] : 0;
            }
            int m = s.length;
            double[] alpha = new double[m];
            for (int back = 1; back <= count; back++) {
                int i = Math.floorMod(head - back, m);
                alpha[i] = rho[i] * dot(s[i], q);
                axpy(-alpha[i], y[i], q);
            }
            if (count > 0) {
                int newest = Math.floorMod(head - 1, m);
                double yy = dot(y[newest], y[newest]);
                double gamma = yy > 0 ? 1 / (rho[newest] * yy) : 1;
                for (int j = 0; j < dim; j++) {
                    q[j] *= gamma;
                }
            }
            for (int back = count; back >= 1; back--) {
                int i = Math.floorMod(head - back, m);
                double b = rho[i] * dot(y[i], q);
                axpy(alpha[i] - b, s[i], q);
            }
            direction = new float[dim];
            double descent = 0;
            double norm = 0;
            for (int j = 0; j < dim; j++) {
                direction[j] = free[j] ? (float) -q[j] : 0f;
                descent += (double) direction[j] * gradient[j];
            }
            if (!(descent < 0)) {
                count = 0;
                for (int j = 0; j < dim; j++) {
                    direction[j] = free[j] ? -gradient[j] : 0f;
                }
            }
            for (float d : direction) {
                norm += (double) d * d;
            }
            step = count == 0 ? Math.min(1, 1 / Math.max(Math.sqrt(norm), 1e-12)) : 1;
            halvings = 0;
            makeTrial();
        }

        private void makeTrial() {
            float[] next = new float[dim];
            boolean moved = false;
            for (int j = 0; j < dim; j++) {
                next[j] = (float) Math.max(min, Math.min(max, current[j] + step * direction[j]));
                moved |= next[j] != current[j];
            }
            trial = next;
            if (!moved) {
                done = true;
            }
        }

        private static double dot(float[] a, double[] b) {
            double sum = 0;
            for (int j = 0; j < a.length; j++) {
                sum += a[j] * b[j];
            }
            return sum;
        }

        private static double dot(float[] a, float[] b) {
            double sum = 0;
            for (int j = 0; j < a.length; j++) {
                sum += (double) a[j] * b[j];
            }
            return sum;
        }

        private static void axpy(double a, float[] x, double[] y) {
            for (int j = 0; j < x.length; j++) {
                y[j] += a * x[j];
            }
        }
    }
}
