package dev.robust4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A model that expects normalised inputs, seen in the raw input space: every input is normalised
 * ({@link Normalization#apply}) before the model sees it, and input gradients are chained back
 * exactly ({@link Normalization#backward}). Attacks on this view measure epsilon and bounds in the
 * raw space ({@link #bounds()}, [0, 1] pixels for images), which is what ART's and Foolbox's
 * {@code preprocessing=(mean, std)} do.
 *
 * <p>Black-box models are wrapped as plain {@link Classifier}s ({@link #wrap}); the view does not
 * own the model and does not close it.
 */
public class NormalizedClassifier extends ForwardingClassifier {

    private final Normalization normalization;
    private final Bounds rawBounds;

    private NormalizedClassifier(Classifier model, Normalization normalization, Bounds rawBounds) {
        super(model);
        normalization.check(model.inputShape());
        this.normalization = normalization;
        this.rawBounds = rawBounds;
    }

    /**
     * Wraps a model; the result is differentiable if the model is.
     *
     * @param model the model, which expects normalised inputs
     * @param normalization the normalisation it expects
     * @param rawBounds the bounds of the raw inputs attacks work in, e.g. {@link Bounds#UNIT}
     * @return the view
     * @throws IllegalArgumentException if the normalisation does not fit the model's channels
     */
    public static Classifier wrap(Classifier model, Normalization normalization, Bounds rawBounds) {
        return model instanceof DifferentiableClassifier d
                ? new Differentiable(d, normalization, rawBounds)
                : new NormalizedClassifier(model, normalization, rawBounds);
    }

    /** @return the normalisation applied before the model */
    public Normalization normalization() {
        return normalization;
    }

    @Override
    public NDArray predict(NDArray x) {
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray xs = x.duplicate();
            xs.attach(scope);
            NDArray logits = delegate.predict(normalization.apply(xs));
            logits.attach(x.getManager());
            return logits;
        }
    }

    @Override
    public Bounds bounds() {
        return rawBounds;
    }

    @Override
    public String description() {
        return delegate.description() + " after normalisation " + normalization.describe();
    }

    /** The view of a differentiable model. */
    private static final class Differentiable extends NormalizedClassifier implements DifferentiableClassifier {
        private final DifferentiableClassifier model;

        Differentiable(DifferentiableClassifier model, Normalization normalization, Bounds rawBounds) {
            super(model, normalization, rawBounds);
            this.model = model;
        }

        @Override
        public Evaluation evaluate(NDArray x, Objective objective, NDArray labels) {
            NDManager parent = x.getManager();
            try (NDManager scope = parent.newSubManager()) {
                NDArray xs = x.duplicate();
                xs.attach(scope);
                Evaluation ev = model.evaluate(normalization().apply(xs), objective, labels);
                NDArray gradient = normalization().backward(ev.gradient());
                NDArray logits = ev.logits();
                NDArray values = ev.values();
                gradient.attach(parent);
                logits.attach(parent);
                values.attach(parent);
                return new Evaluation(logits, values, gradient);
            }
        }

        @Override
        public String gradients() {
            return model.gradients();
        }
    }
}
