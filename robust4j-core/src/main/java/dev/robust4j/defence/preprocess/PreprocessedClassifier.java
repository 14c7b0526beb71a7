package dev.robust4j.defence.preprocess;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.DifferentiableClassifier;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.ForwardingClassifier;
import dev.robust4j.model.InputGradients;
import dev.robust4j.model.Objective;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A model behind a chain of {@link Preprocessor}s: {@code predict(x) = model(p_n(...p_1(x)))}.
 * Wrapping a differentiable model gives a differentiable model whose input gradient is chained
 * back through each step: exactly (a vector-Jacobian product) where the step is differentiable,
 * by BPDA (identity) where it is not; {@link DifferentiableClassifier#gradients()} says which.
 */
public class PreprocessedClassifier extends ForwardingClassifier {

    private final List<Preprocessor> chain;

    PreprocessedClassifier(Classifier model, List<Preprocessor> chain) {
        super(Objects.requireNonNull(model, "model"));
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("at least one preprocessor is needed");
        }
        this.chain = List.copyOf(chain);
    }

    /**
     * Wraps a model.
     *
     * @param model the model
     * @param chain the preprocessors, applied in order
     * @return the wrapped model; a {@link DifferentiableClassifier} when the model is one
     */
    public static PreprocessedClassifier wrap(Classifier model, List<Preprocessor> chain) {
        if (model instanceof DifferentiableClassifier) {
            return new Differentiable((DifferentiableClassifier) model, chain);
        }
        return new PreprocessedClassifier(model, chain);
    }

    /** @return the wrapped model */
    public Classifier model() {
        return delegate;
    }

    /** @return the preprocessors, in order */
    public List<Preprocessor> chain() {
        return chain;
    }

    /**
     * Applies the chain, without gradients.
     *
     * @param x the inputs
     * @return the preprocessed inputs, in {@code x}'s manager
     */
    public NDArray preprocess(NDArray x) {
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            x.tempAttach(scope);
            NDArray y = x;
            for (Preprocessor p : chain) {
                y = p.apply(y, delegate.bounds());
            }
            if (y == x) {
                y = x.duplicate();
            }
            y.attach(parent);
            return y;
        }
    }

    @Override
    public NDArray predict(NDArray x) {
        try (NDArray y = preprocess(x)) {
            return delegate.predict(y);
        }
    }

    @Override
    public String description() {
        StringBuilder b = new StringBuilder(delegate.description()).append(" behind ");
        for (int i = 0; i < chain.size(); i++) {
            b.append(i == 0 ? "" : " + ").append(chain.get(i).description());
        }
        return b.toString();
    }

    /** The differentiable form. */
    static final class Differentiable extends PreprocessedClassifier implements DifferentiableClassifier {
        private final DifferentiableClassifier model;

        Differentiable(DifferentiableClassifier model, List<Preprocessor> chain) {
            super(model, chain);
            this.model = model;
        }

        @Override
        public Evaluation evaluate(NDArray x, Objective objective, NDArray labels) {
            NDManager parent = x.getManager();
            try (NDManager scope = parent.newSubManager()) {
                // Forward through the chain, keeping every intermediate input.
                List<NDArray> inputs = new ArrayList<>();
                NDArray y = x.duplicate();
                y.attach(scope);
                for (Preprocessor p : chain()) {
                    inputs.add(y);
                    y = p.apply(y, bounds());
                }
                Evaluation ev = model.evaluate(y, objective, labels);
                NDArray g = ev.gradient();
                // Backward: exact vector-Jacobian products, or identity (BPDA).
                for (int i = chain().size() - 1; i >= 0; i--) {
                    Preprocessor p = chain().get(i);
                    if (p.differentiable()) {
                        Bounds b = bounds();
                        g = InputGradients.vectorJacobianProduct(inputs.get(i), in -> p.apply(in, b), g);
                    }
                }
                NDArray gradient = g.duplicate();
                NDArray logits = ev.logits().duplicate();
                NDArray values = ev.values().duplicate();
                gradient.attach(parent);
                logits.attach(parent);
                values.attach(parent);
                return new Evaluation(logits, values, gradient);
            }
        }

        @Override
        public String gradients() {
            List<String> bpda = new ArrayList<>();
            for (Preprocessor p : chain()) {
                if (!p.differentiable()) {
                    bpda.add(p.description());
                }
            }
            if (bpda.isEmpty()) {
                return model.gradients();
            }
            return "bpda (identity backward through " + String.join(", ", bpda) + ")";
        }
    }
}
