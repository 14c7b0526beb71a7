package dev.robust4j.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.Criterion;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The template every attack extends. Its final {@code generate} methods validate the model and
 * the inputs, run the algorithm in a scope of its own, then enforce the contract no algorithm can
 * skip: each returned row is projected into the budget's ball (if the attack has one) and clipped
 * to the model's bounds, and success, predictions and perturbation norms are computed from the
 * model's verdict on exactly the rows returned. A verdict the algorithm already computed at a
 * returned row (the same point, bit for bit) or at a clean input is reused rather than predicted
 * again (see {@link AttackContext}).
 *
 * <p>An attack declares itself once in an {@link AttackSpec} (what it needs of a model, its
 * parameters, its norm, budget and seed); {@link #params()}, {@link #requires()},
 * {@link #budget()}, {@link #budgetNorm()}, {@link #withBudget}, {@link #normParameter()},
 * {@link #seed()} and {@link #supportsTargeted()} read it, and an attack overrides them only
 * where it differs (AutoAttack's requirement is its components').
 */
public abstract class AbstractEvasionAttack implements EvasionAttack {

    private final AttackSpec<?> spec;

    /**
     * Makes the attack with its class's declaration.
     *
     * @param spec the declaration of the concrete attack class, usually its one static constant
     */
    protected AbstractEvasionAttack(AttackSpec<?> spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    /**
     * The attack class's declaration, given to the constructor.
     *
     * @return the declaration of this attack's class
     */
    protected final AttackSpec<?> spec() {
        return spec;
    }

    /** @return the declared parameters that apply to this attack, by name */
    @Override
    public Map<String, Object> params() {
        return spec().params(this);
    }

    /** @return the declared access */
    @Override
    public ModelAccess requires() {
        return spec().requires();
    }

    /** @return the ball of the declared radius and norm, or empty where none is declared or set */
    @Override
    public Optional<Budget> budget() {
        return spec().budget(this);
    }

    /** @return the declared budget's norm, whether or not a radius is set */
    @Override
    public Optional<Norm> budgetNorm() {
        return spec().budgetNorm(this);
    }

    /** @return a copy in the budget's norm (where the attack has a norm parameter) with its radius */
    @Override
    public EvasionAttack withBudget(Budget budget) {
        return spec().withBudget(this, budget);
    }

    /** @return the declared norm parameter, or empty */
    @Override
    public Optional<Norm> normParameter() {
        return spec().normParameter(this);
    }

    /** @return the declared seed, or 0 for an attack that draws no random numbers */
    @Override
    public long seed() {
        return spec().seed(this);
    }

    /** @return whether the declaration says the attack has a targeted form */
    @Override
    public boolean supportsTargeted() {
        return spec().supportsTargeted(this);
    }

    /**
     * Runs the algorithm.
     *
     * @param ctx the validated inputs, model, random generator and query ledger
     * @return the candidate adversarial batch, same shape as the input, in {@code ctx.manager()}
     *     or a sub-manager of it
     */
    protected abstract NDArray attack(AttackContext ctx);

    @Override
    public final AttackResult generate(Classifier model, NDArray x, NDArray labels) {
        return run(model, x, labels, null);
    }

    @Override
    public final AttackResult generate(Classifier model, NDArray x, NDArray labels, NDArray targets) {
        Objects.requireNonNull(targets, "targets");
        if (!supportsTargeted()) {
            throw new IllegalArgumentException("attack " + name() + " has no targeted form");
        }
        return run(model, x, labels, targets);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The template decides success by the criterion, margin included, on the model's scores of
     * the rows it returns.
     */
    @Override
    public final AttackResult generate(Classifier model, NDArray x, Criterion criterion) {
        Objects.requireNonNull(criterion, "criterion");
        if (criterion.targeted() && !supportsTargeted()) {
            throw new IllegalArgumentException("attack " + name() + " has no targeted form");
        }
        return run(model, x, (n, k) -> {
            if (criterion.size() != n) {
                throw new IllegalArgumentException("labels must have shape (" + n + "), got (" + criterion.size() + ")");
            }
            checkClasses(criterion.labels(), k, "labels");
            if (criterion.targeted()) {
                checkClasses(criterion.targets(), k, "targets");
            }
            return criterion;
        });
    }

    private AttackResult run(Classifier model, NDArray x, NDArray labels, NDArray targets) {
        Objects.requireNonNull(labels, "labels");
        return run(model, x, (n, k) -> Criterion.of(
                classIndices(labels, n, k, "labels"), targets == null ? null : classIndices(targets, n, k, "targets")));
    }

    /** Reads (and checks) the criterion of a batch of {@code n} samples and a model of {@code k} classes. */
    private interface CriterionReader {
        Criterion read(int n, int k);
    }

    private AttackResult run(Classifier model, NDArray x, CriterionReader reader) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(x, "x");
        ModelAccess needs = requires();
        if (!needs.givenBy(model)) {
            throw new IllegalArgumentException(needs == ModelAccess.GRADIENTS
                    ? "attack " + name() + " is white-box and needs input gradients, but "
                            + model.description() + " only answers predictions; use a black-box attack or a model"
                            + " with gradients (TorchScript, built-in net)"
                    : "attack " + name() + " needs the model's scores, but " + model.description()
                            + " answers labels only; use a label-only attack (boundary, hop-skip-jump) or transfer");
        }
        Shape shape = checkShape(model, x);
        int n = (int) shape.get(0);
        int dim = (int) (shape.size() / n);
        if (x.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("x must be float32, got " + x.getDataType());
        }
        Bounds bounds = model.bounds();
        float[] xs = x.toFloatArray();
        for (int i = 0; i < xs.length; i++) {
            if (!bounds.contains(xs[i], 1e-5f)) {
                throw new IllegalArgumentException(
                        "x must lie in the model's bounds " + bounds + ", but feature " + (i % dim) + " of sample "
                                + (i / dim) + " is " + xs[i]);
            }
        }
        Criterion criterion = reader.read(n, model.numClasses());
        int[] y = criterion.labels();
        int[] t = criterion.targets();
        if (t != null) {
            for (int i = 0; i < n; i++) {
                if (t[i] == y[i]) {
                    throw new IllegalArgumentException(
                            "target of sample " + i + " is its true label " + y[i] + "; a target must differ from the label");
                }
            }
        }
        budget().ifPresent(b -> b.checkAgainst(bounds, dim));

        long start = System.nanoTime();
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            NDArray xIn = scope.create(xs, shape);
            NDArray yIn = scope.create(toLongs(y));
            NDArray tIn = t == null ? null : scope.create(toLongs(t));
            AttackContext ctx = new AttackContext(
                    model, xIn, yIn, tIn, xs, criterion, scope, new SplittableRandom(seed()));
            NDArray candidate = attack(ctx);
            if (!candidate.getShape().equals(shape)) {
                throw new IllegalStateException(
                        "attack " + name() + " returned shape " + candidate.getShape() + " for input shape " + shape);
            }
            float[] adv = candidate.toFloatArray();
            enforce(adv, xs, dim, bounds);
            NDArray advArray = scope.create(adv, shape);
            // The model's verdict on exactly the rows returned; rows the algorithm already scored
            // at these very points (bit for bit) are not predicted again, nor are clean inputs.
            int[] predicted = new int[n];
            boolean[] success = new boolean[n];
            ctx.verdictsOf(adv, advArray, predicted, success);
            int[] clean = ctx.cleanPredictions();
            float[] l0 = new float[n];
            float[] l2 = new float[n];
            float[] linf = new float[n];
            float[] delta = new float[dim];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < dim; j++) {
                    delta[j] = adv[i * dim + j] - xs[i * dim + j];
                }
                l0[i] = Norm.L0.measure(delta, 0, dim);
                l2[i] = Norm.L2.measure(delta, 0, dim);
                linf[i] = Norm.LINF.measure(delta, 0, dim);
            }
            advArray.attach(parent);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new AttackResult(
                    advArray, success, y, t, clean, predicted, l0, l2, linf, ctx.queries(), seconds);
        }
    }

    /** Projects violating rows into the ball, then clips every value to the bounds, in place. */
    private void enforce(float[] adv, float[] xs, int dim, Bounds bounds) {
        Optional<Budget> budget = budget();
        int n = xs.length / dim;
        float[] delta = new float[dim];
        for (int i = 0; i < n; i++) {
            int off = i * dim;
            if (budget.isPresent()) {
                Budget b = budget.get();
                for (int j = 0; j < dim; j++) {
                    delta[j] = adv[off + j] - xs[off + j];
                }
                if (!b.admits(b.norm().measure(delta, 0, dim))) {
                    b.norm().projectRow(delta, 0, dim, b.eps());
                    for (int j = 0; j < dim; j++) {
                        adv[off + j] = xs[off + j] + delta[j];
                    }
                }
            }
            for (int j = off; j < off + dim; j++) {
                float v = adv[j];
                if (Float.isNaN(v)) {
                    throw new IllegalStateException("attack " + name() + " produced NaN for sample " + i);
                }
                adv[j] = Math.max(bounds.min(), Math.min(bounds.max(), v));
            }
        }
    }

    private Shape checkShape(Classifier model, NDArray x) {
        Shape shape = x.getShape();
        Shape expected = model.inputShape();
        boolean ok = shape.dimension() == expected.dimension() + 1 && shape.get(0) > 0;
        for (int i = 0; ok && i < expected.dimension(); i++) {
            ok = shape.get(i + 1) == expected.get(i);
        }
        if (!ok) {
            throw new IllegalArgumentException(
                    "x must have shape (N, " + dims(expected) + ") for " + model.description() + ", got " + shape);
        }
        return shape;
    }

    private static String dims(Shape s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.dimension(); i++) {
            b.append(i == 0 ? "" : ", ").append(s.get(i));
        }
        return b.toString();
    }

    private static int[] classIndices(NDArray a, int n, int k, String what) {
        DataType type = a.getDataType();
        if (!type.isInteger()) {
            throw new IllegalArgumentException(what + " must be integer class indices, got " + type);
        }
        if (a.getShape().dimension() != 1 || a.getShape().get(0) != n) {
            throw new IllegalArgumentException(what + " must have shape (" + n + "), got " + a.getShape());
        }
        int[] out;
        try (NDArray ints = a.toType(DataType.INT32, true)) {
            out = ints.toIntArray();
        }
        checkClasses(out, k, what);
        return out;
    }

    private static void checkClasses(int[] out, int k, String what) {
        for (int i = 0; i < out.length; i++) {
            if (out[i] < 0 || out[i] >= k) {
                throw new IllegalArgumentException(
                        what + "[" + i + "] is " + out[i] + "; expected a class index in [0, " + (k - 1) + "]");
            }
        }
    }

    private static long[] toLongs(int[] v) {
        return Arrays.stream(v).asLongStream().toArray();
    }

    @Override
    public String toString() {
        return name() + params();
    }
}
