package dev.robust4j.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.DifferentiableClassifier;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.ForwardingClassifier;
import dev.robust4j.model.InputGradients;
import dev.robust4j.model.Objective;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A model seen through Expectation over Transformation (Athalye, Engstrom, Ilyas and Kwok,
 * "Synthesizing Robust Adversarial Examples", ICML 2018): its objective and input gradient are the
 * averages over {@code samples} independent draws of a transformation distribution T,
 * {@code ∇x E_t[f(t(x))] ≈ (1/N) Σ_k J_{t_k}(x)ᵀ ∇f(t_k(x))}, each draw's Jacobian applied exactly
 * by a vector-Jacobian product through {@link SampledTransform#apply}. Predictions, and so the
 * success an attack reports, are the wrapped model's on the untransformed input.
 *
 * <p>Draws are keyed per row. An attack's template calls {@link #evaluate(NDArray, Objective,
 * NDArray, long[])} with one key per row made from the row's sample (its clean input) and the
 * number of queries that sample has used ({@code AttackContext.evaluate}), so a sample gets the same
 * draws whatever the batch it is attacked in: its size, its order, the other samples. Called
 * directly, {@link #evaluate(NDArray, Objective, NDArray)} keys the draws by the seed, the number of
 * the evaluation (the first call is 0) and the row. In both, draw k of a row is keyed by k too.
 * One evaluation costs {@code samples} forward and backward passes of the model and one plain
 * forward pass.
 */
public final class EotClassifier extends ForwardingClassifier implements DifferentiableClassifier {

    private final DifferentiableClassifier model;
    private final TransformSpec spec;
    private final int samples;
    private final long seed;
    private final AtomicLong calls = new AtomicLong();

    /**
     * @param model the model; not closed by this view
     * @param spec the transformation distribution
     * @param samples draws per evaluation, at least 1
     * @param seed the seed of the draws
     * @throws IllegalArgumentException if {@code samples < 1}
     */
    public EotClassifier(DifferentiableClassifier model, TransformSpec spec, int samples, long seed) {
        super(model);
        if (samples < 1) {
            throw new IllegalArgumentException("eot-samples must be >= 1, got " + samples);
        }
        this.model = model;
        this.spec = spec;
        this.samples = samples;
        this.seed = seed;
    }

    @Override
    public Evaluation evaluate(NDArray x, Objective objective, NDArray labels) {
        long call = calls.getAndIncrement();
        int rows = (int) x.getShape().get(0);
        return evaluate(x, objective, labels, k -> Streams.of(seed, call, k, 0, rows));
    }

    /**
     * Evaluates with the draws of each row keyed by a caller's key instead of the row's position:
     * draw k of row r comes from a stream keyed by the seed, {@code rowKeys[r]} and k.
     *
     * @param x the inputs
     * @param objective the objective
     * @param labels the labels the objective refers to
     * @param rowKeys one key per row of {@code x}
     * @return the averaged evaluation, in {@code x}'s manager
     * @throws IllegalArgumentException if there is not one key per row
     */
    public Evaluation evaluate(NDArray x, Objective objective, NDArray labels, long[] rowKeys) {
        if (rowKeys.length != x.getShape().get(0)) {
            throw new IllegalArgumentException(rowKeys.length + " draw keys for " + x.getShape().get(0) + " rows");
        }
        return evaluate(x, objective, labels, k -> Streams.keyed(seed, rowKeys, k));
    }

    private Evaluation evaluate(
            NDArray x, Objective objective, NDArray labels, java.util.function.IntFunction<SplittableRandom[]> streams) {
        int rows = (int) x.getShape().get(0);
        Bounds bounds = model.bounds();
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            NDArray gradient = null;
            NDArray values = null;
            for (int k = 0; k < samples; k++) {
                try (NDManager draw = scope.newSubManager()) {
                    SampledTransform t = SampledTransform.draw(spec, streams.apply(k));
                    NDArray xs = x.duplicate();
                    xs.attach(draw);
                    NDArray moved = t.apply(xs, bounds);
                    Evaluation ev = model.evaluate(moved, objective, labels);
                    ev.logits().attach(draw);
                    ev.values().attach(draw);
                    ev.gradient().attach(draw);
                    NDArray g = InputGradients.vectorJacobianProduct(xs, in -> t.apply(in, bounds), ev.gradient());
                    g.attach(draw);
                    NDArray gSum = gradient == null ? g : gradient.add(g);
                    NDArray vSum = values == null ? ev.values().duplicate() : values.add(ev.values());
                    gSum.attach(scope);
                    vSum.attach(scope);
                    if (gradient != null) {
                        gradient.close();
                        values.close();
                    }
                    gradient = gSum;
                    values = vSum;
                }
            }
            NDArray meanGradient = gradient.div(samples);
            NDArray meanValues = values.div(samples);
            NDArray logits = model.predict(x);
            meanGradient.attach(parent);
            meanValues.attach(parent);
            logits.attach(parent);
            return new Evaluation(logits, meanValues, meanGradient);
        }
    }

    @Override
    public String gradients() {
        return "eot(" + samples + " draws of " + spec.describe() + ") over " + model.gradients();
    }
}
