package dev.robust4j.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.Objective;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The one gradient-descent engine behind FGSM/FGM, BIM, PGD and MIM: iterated steepest-ascent
 * steps of a loss in a {@link Norm}, each followed by projection onto the epsilon ball and the input
 * bounds. Presets are made by {@link Attacks}; every setting is a wither returning a new,
 * validated, immutable attack:
 *
 * <pre>{@code
 * EvasionAttack pgd = Attacks.pgd(Norm.LINF, 0.1f).steps(40).stepSize(0.01f).restarts(5);
 * }</pre>
 *
 * <p>Algorithm, per restart (each restart draws from its own seeded stream, so restart {@code r}
 * is the same whatever the total number of restarts):
 * <ol>
 *   <li>start at {@code x} or, with a random start, at a uniform point of the ball;</li>
 *   <li>repeat {@code steps} times: evaluate the loss gradient at the current point, take a step
 *       of {@code stepSize} along the norm's steepest-ascent direction, project onto the ball and
 *       clip to the bounds;</li>
 *   <li>with a momentum {@code decay} μ &gt; 0 (the Momentum Iterative Method of Dong et al.,
 *       "Boosting Adversarial Attacks with Momentum", CVPR 2018) the step follows the accumulated
 *       gradient {@code g_{t+1} = μ g_t + ∇ / ‖∇‖₁} (per sample, {@code g_0 = 0}) instead of the
 *       current gradient: its sign in L∞, {@code g / ‖g‖₂} in L2 (the paper's L2 variant);
 *       {@code decay = 0} is exactly the momentum-free engine;</li>
 *   <li>with early stop (the default except for FGSM/FGM) a sample leaves the batch at the first
 *       point the model misclassifies (hits the target), and that point is its adversarial; so
 *       more steps or restarts never lower the success rate for a fixed seed;</li>
 *   <li>otherwise the final point is the adversarial.</li>
 * </ol>
 * Restarts run only on samples no earlier restart broke; a sample no restart broke returns the
 * final point with the highest loss. The loss is summed over the batch, so a sample's step does
 * not depend on the batch it is in.
 */
public final class GradientDescentAttack extends AbstractEvasionAttack {

    private final String name;
    private final Norm norm;
    private final float eps;
    private final int steps;
    private final Float stepSize;
    private final boolean randomStart;
    private final int restarts;
    private final boolean earlyStop;
    private final GradientLoss loss;
    private final float decay;
    private final float defaultStepScale;
    private final long seed;

    GradientDescentAttack(
            String name,
            Norm norm,
            float eps,
            int steps,
            Float stepSize,
            boolean randomStart,
            int restarts,
            boolean earlyStop,
            GradientLoss loss,
            float decay,
            float defaultStepScale,
            long seed) {
        this.name = Objects.requireNonNull(name, "name");
        if (norm == null || !norm.supportsSteps()) {
            throw new IllegalArgumentException("norm must be one of linf, l2, l1, got " + norm);
        }
        if (!(decay >= 0) || !Float.isFinite(decay)) {
            throw new IllegalArgumentException("decay must be a finite number >= 0, got " + decay);
        }
        if (decay > 0 && norm == Norm.L1) {
            throw new IllegalArgumentException(
                    "decay (momentum) is defined for the linf and l2 norms (Dong et al. 2018), got norm l1");
        }
        if (!(eps > 0) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException("eps must be a positive number, got " + eps);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        if (stepSize != null && (!(stepSize > 0) || !Float.isFinite(stepSize))) {
            throw new IllegalArgumentException("step-size must be a positive number, got " + stepSize);
        }
        if (restarts < 1) {
            throw new IllegalArgumentException("restarts must be >= 1, got " + restarts);
        }
        this.norm = norm;
        this.eps = eps;
        this.steps = steps;
        this.stepSize = stepSize;
        this.randomStart = randomStart;
        this.restarts = restarts;
        this.earlyStop = earlyStop;
        this.loss = Objects.requireNonNull(loss, "loss");
        this.decay = decay;
        this.defaultStepScale = defaultStepScale;
        this.seed = seed;
    }

    private GradientDescentAttack with(
            Norm norm, float eps, int steps, Float stepSize, boolean randomStart, int restarts,
            boolean earlyStop, GradientLoss loss, long seed) {
        return with(norm, eps, steps, stepSize, randomStart, restarts, earlyStop, loss, decay, seed);
    }

    private GradientDescentAttack with(
            Norm norm, float eps, int steps, Float stepSize, boolean randomStart, int restarts,
            boolean earlyStop, GradientLoss loss, float decay, long seed) {
        return new GradientDescentAttack(
                name, norm, eps, steps, stepSize, randomStart, restarts, earlyStop, loss, decay,
                defaultStepScale, seed);
    }

    /**
     * @param value the norm of the ball and of the steps
     * @return a copy with this norm
     */
    public GradientDescentAttack norm(Norm value) {
        return with(value, eps, steps, stepSize, randomStart, restarts, earlyStop, loss, seed);
    }

    /**
     * @param value the radius of the ball, positive
     * @return a copy with this radius
     */
    public GradientDescentAttack eps(float value) {
        return with(norm, value, steps, stepSize, randomStart, restarts, earlyStop, loss, seed);
    }

    /**
     * @param value gradient steps per restart, at least 1
     * @return a copy with this many steps
     */
    public GradientDescentAttack steps(int value) {
        return with(norm, eps, value, stepSize, randomStart, restarts, earlyStop, loss, seed);
    }

    /**
     * @param value the length of each step in the attack's norm, positive; default
     *     {@code 2.5 * eps / steps} (Madry et al.) for BIM and PGD, {@code eps / steps} for MIM
     *     (Dong et al.), or {@code eps} for a single step
     * @return a copy with this step size
     */
    public GradientDescentAttack stepSize(float value) {
        return with(norm, eps, steps, value, randomStart, restarts, earlyStop, loss, seed);
    }

    /**
     * @param value whether each restart starts at a uniform random point of the ball
     * @return a copy with this setting
     */
    public GradientDescentAttack randomStart(boolean value) {
        return with(norm, eps, steps, stepSize, value, restarts, earlyStop, loss, seed);
    }

    /**
     * @param value the number of runs; later runs attack only the samples earlier ones did not break
     * @return a copy with this many restarts
     */
    public GradientDescentAttack restarts(int value) {
        return with(norm, eps, steps, stepSize, randomStart, value, earlyStop, loss, seed);
    }

    /**
     * @param value whether a sample stops at its first adversarial point
     * @return a copy with this setting
     */
    public GradientDescentAttack earlyStop(boolean value) {
        return with(norm, eps, steps, stepSize, randomStart, restarts, value, loss, seed);
    }

    /**
     * @param value the loss to ascend
     * @return a copy with this loss
     */
    public GradientDescentAttack loss(GradientLoss value) {
        return with(norm, eps, steps, stepSize, randomStart, restarts, earlyStop, value, seed);
    }

    /**
     * @param value the momentum decay factor μ, finite and {@code >= 0}: 0 (the default except
     *     for MIM) disables momentum; MIM uses 1.0; only for the linf and l2 norms
     * @return a copy with this decay factor
     */
    public GradientDescentAttack decay(float value) {
        return with(norm, eps, steps, stepSize, randomStart, restarts, earlyStop, loss, value, seed);
    }

    /** @return the momentum decay factor μ; 0 when the attack uses no momentum */
    public float decay() {
        return decay;
    }

    /**
     * @param value the seed of every random draw
     * @return a copy with this seed
     */
    public GradientDescentAttack seed(long value) {
        return with(norm, eps, steps, stepSize, randomStart, restarts, earlyStop, loss, value);
    }

    /** @return the step size in use: the one set, or the default for eps and steps */
    public float effectiveStepSize() {
        if (stepSize != null) {
            return stepSize;
        }
        return steps == 1 ? eps : defaultStepScale * eps / steps;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, Object> params() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("norm", norm.cliName());
        p.put("eps", eps);
        p.put("steps", steps);
        p.put("step-size", effectiveStepSize());
        p.put("random-start", randomStart);
        p.put("restarts", restarts);
        p.put("early-stop", earlyStop);
        p.put("loss", loss.cliName());
        if (decay > 0 || name.equals("mim")) {
            p.put("decay", decay);
        }
        p.put("seed", seed);
        return p;
    }

    @Override
    public boolean requiresGradients() {
        return true;
    }

    @Override
    public Optional<Budget> budget() {
        return Optional.of(new Budget(norm, eps));
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
        Objective objective = ctx.targeted() ? loss.objective().negate() : loss.objective();
        int[] objectiveLabels = ctx.targeted() ? ctx.targetValues() : ctx.labelValues();
        float step = effectiveStepSize();

        float[] best = ctx.xData().clone();
        float[] bestLoss = new float[n];
        java.util.Arrays.fill(bestLoss, Float.NEGATIVE_INFINITY);
        boolean[] found = new boolean[n];
        SplittableRandom root = ctx.random();

        for (int r = 0; r < restarts; r++) {
            SplittableRandom random = root.split();
            int[] idx = indicesWhere(found, false);
            if (idx.length == 0) {
                break;
            }
            try (NDManager restart = ctx.manager().newSubManager()) {
                NDArray xA = restart.create(rows(ctx.xData(), idx, dim), batchShape(idx.length, sampleShape));
                NDArray labA = restart.create(pick(objectiveLabels, idx));
                NDArray delta = randomStart
                        ? norm.randomStart(restart, xA.getShape(), eps, random)
                        : restart.zeros(xA.getShape());
                delta = clipDelta(xA, delta, bounds);

                // With momentum, the accumulated gradient is carried as a fourth per-row array.
                NDArray momentum = decay > 0 ? restart.zeros(xA.getShape()) : null;
                int carried = momentum == null ? 3 : 4;

                for (int s = 0; s < steps && idx.length > 0; s++) {
                    NDArray[] kept = momentum == null
                            ? new NDArray[] {xA, labA, delta}
                            : new NDArray[] {xA, labA, delta, momentum};
                    NDArray[] next = new NDArray[carried];
                    int[] nextIdx = idx;
                    try (NDManager it = restart.newSubManager()) {
                        for (NDArray a : kept) {
                            a.tempAttach(it);
                        }
                        NDArray xAdv = xA.add(delta).clip(bounds.min(), bounds.max());
                        Evaluation ev = ctx.evaluate(xAdv, objective, labA, idx);
                        NDArray gradient = ev.gradient();
                        NDArray cur = xA;
                        NDArray curLab = labA;
                        NDArray curDelta = delta;
                        NDArray curMomentum = momentum;
                        boolean offerClean = s == 0 && !randomStart;
                        int[] predicted = earlyStop || offerClean ? AttackContext.argMax(ev.logits()) : null;
                        if (offerClean) {
                            // The first point is the clean input (unless clipping moved it): its
                            // logits are the clean predictions the template would compute again.
                            offerClean(ctx, xAdv.toFloatArray(), predicted, idx, dim);
                        }
                        if (earlyStop) {
                            boolean[] success = ctx.isSuccess(predicted, idx);
                            int hits = count(success);
                            if (hits > 0) {
                                record(ctx, best, found, xAdv, success, predicted, idx, dim, it);
                                boolean[] keep = not(success);
                                nextIdx = select(idx, keep);
                                if (nextIdx.length == 0) {
                                    idx = nextIdx;
                                    break;
                                }
                                NDArray keepRows = rowIndex(it, keep);
                                cur = xA.get(new NDIndex("{}", keepRows));
                                curLab = labA.get(new NDIndex("{}", keepRows));
                                curDelta = delta.get(new NDIndex("{}", keepRows));
                                gradient = gradient.get(new NDIndex("{}", keepRows));
                                if (curMomentum != null) {
                                    curMomentum = momentum.get(new NDIndex("{}", keepRows));
                                }
                            }
                        }
                        NDArray ascent = gradient;
                        if (curMomentum != null) {
                            curMomentum = curMomentum.mul(decay).add(gradient.div(l1Norm(gradient)));
                            ascent = curMomentum;
                        }
                        NDArray moved = curDelta.add(norm.direction(ascent).mul(step));
                        NDArray projected = clipDelta(cur, norm.project(moved, eps), bounds);
                        next[0] = cur;
                        next[1] = curLab;
                        next[2] = projected;
                        if (curMomentum != null) {
                            next[3] = curMomentum;
                        }
                        for (NDArray a : next) {
                            a.attach(restart);
                        }
                    }
                    // The arrays replaced this step went back to the restart scope: free them now.
                    for (int i = 0; i < carried; i++) {
                        if (kept[i] != next[i]) {
                            kept[i].close();
                        }
                    }
                    xA = next[0];
                    labA = next[1];
                    delta = next[2];
                    momentum = carried == 4 ? next[3] : null;
                    idx = nextIdx;
                }
                if (idx.length > 0) {
                    finish(ctx, objective, xA, labA, delta, bounds, idx, dim, best, bestLoss, found);
                }
            }
        }
        return ctx.manager().create(best, ctx.x().getShape());
    }

    /** Scores the final points of a restart and keeps each sample's best. */
    private void finish(
            AttackContext ctx, Objective objective, NDArray xA, NDArray labA, NDArray delta,
            Bounds bounds, int[] idx, int dim, float[] best, float[] bestLoss, boolean[] found) {
        try (NDManager it = xA.getManager().newSubManager()) {
            xA.tempAttach(it);
            labA.tempAttach(it);
            delta.tempAttach(it);
            NDArray xAdv = xA.add(delta).clip(bounds.min(), bounds.max());
            NDArray logits = ctx.predict(xAdv, idx);
            int[] predicted = AttackContext.argMax(logits);
            boolean[] success = ctx.isSuccess(predicted, idx);
            float[] values = objective.apply(logits, labA).toFloatArray();
            float[] points = xAdv.toFloatArray();
            for (int i = 0; i < idx.length; i++) {
                int s = idx[i];
                if (success[i] || values[i] > bestLoss[s]) {
                    System.arraycopy(points, i * dim, best, s * dim, dim);
                    bestLoss[s] = values[i];
                    found[s] = success[i];
                    ctx.recordVerdict(s, points, i * dim, predicted[i]);
                }
            }
        }
    }

    /** Copies the successful rows of {@code xAdv} into {@code best}, with their verdicts. */
    private static void record(
            AttackContext ctx, float[] best, boolean[] found, NDArray xAdv, boolean[] success, int[] predicted,
            int[] idx, int dim, NDManager it) {
        float[] hits = xAdv.get(new NDIndex("{}", rowIndex(it, success))).toFloatArray();
        int row = 0;
        for (int i = 0; i < idx.length; i++) {
            if (success[i]) {
                System.arraycopy(hits, row * dim, best, idx[i] * dim, dim);
                found[idx[i]] = true;
                ctx.recordVerdict(idx[i], hits, row * dim, predicted[i]);
                row++;
            }
        }
    }

    /** Hands the template the predictions of the rows that are their clean input bit for bit. */
    private static void offerClean(AttackContext ctx, float[] points, int[] predicted, int[] idx, int dim) {
        float[] clean = ctx.xData();
        for (int i = 0; i < idx.length; i++) {
            int from = idx[i] * dim;
            if (java.util.Arrays.equals(points, i * dim, i * dim + dim, clean, from, from + dim)) {
                ctx.offerClean(idx[i], predicted[i]);
            }
        }
    }

    /** Per-sample L1 norms of a batch, shaped to broadcast over its rows; never below 1e-12. */
    private static NDArray l1Norm(NDArray gradient) {
        Shape shape = gradient.getShape();
        long[] dims = new long[shape.dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[0] = shape.get(0);
        return gradient.reshape(shape.get(0), -1).abs().sum(new int[] {1}).maximum(1e-12f).reshape(new Shape(dims));
    }

    /** Returns the int64 indices of the set flags, for selecting rows with {@code get}. */
    static NDArray rowIndex(NDManager manager, boolean[] flags) {
        long[] rows = new long[count(flags)];
        int j = 0;
        for (int i = 0; i < flags.length; i++) {
            if (flags[i]) {
                rows[j++] = i;
            }
        }
        return manager.create(rows);
    }

    /** Returns {@code clip(x + delta) - x}: the perturbation that keeps {@code x + delta} in bounds. */
    static NDArray clipDelta(NDArray x, NDArray delta, Bounds bounds) {
        return x.add(delta).clip(bounds.min(), bounds.max()).sub(x);
    }

    static Shape batchShape(int n, Shape sample) {
        long[] dims = new long[sample.dimension() + 1];
        dims[0] = n;
        System.arraycopy(sample.getShape(), 0, dims, 1, sample.dimension());
        return new Shape(dims);
    }

    static float[] rows(float[] data, int[] idx, int dim) {
        float[] out = new float[idx.length * dim];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(data, idx[i] * dim, out, i * dim, dim);
        }
        return out;
    }

    static long[] pick(int[] values, int[] idx) {
        long[] out = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = values[idx[i]];
        }
        return out;
    }

    static int[] indicesWhere(boolean[] flags, boolean value) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < flags.length; i++) {
            if (flags[i] == value) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static int[] select(int[] idx, boolean[] keep) {
        int[] out = new int[count(keep)];
        int j = 0;
        for (int i = 0; i < idx.length; i++) {
            if (keep[i]) {
                out[j++] = idx[i];
            }
        }
        return out;
    }

    static int count(boolean[] flags) {
        int c = 0;
        for (boolean f : flags) {
            if (f) {
                c++;
            }
        }
        return c;
    }

    static boolean[] not(boolean[] flags) {
        boolean[] out = new boolean[flags.length];
        for (int i = 0; i < flags.length; i++) {
            out[i] = !flags[i];
        }
        return out;
    }
}
