package dev.robust4j.model;

import ai.djl.ndarray.NDArray;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps a classifier and counts every sample sent to it: each row of each {@code predict} (and,
 * for differentiable models, each row of each {@code evaluate}) is one query. Use
 * {@link #wrap(Classifier)}, which keeps a differentiable model differentiable.
 */
public class QueryCounter extends ForwardingClassifier {

    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();

    QueryCounter(Classifier delegate) {
        super(delegate);
    }

    /**
     * Wraps a model in a counter.
     *
     * @param model the model
     * @return a counting view: a {@link DifferentiableClassifier} when the model is one
     */
    public static QueryCounter wrap(Classifier model) {
        if (model instanceof DifferentiableClassifier) {
            return new Differentiable((DifferentiableClassifier) model);
        }
        return new QueryCounter(model);
    }

    /** @return the number of samples sent to the model so far */
    public long queries() {
        return queries.get();
    }

    /** @return the number of batches sent to the model so far */
    public long calls() {
        return calls.get();
    }

    /** Sets both counts back to zero. */
    public void reset() {
        queries.set(0);
        calls.set(0);
    }

    /** @return the wrapped model */
    public Classifier delegate() {
        return delegate;
    }

    void count(NDArray x) {
        calls.incrementAndGet();
        queries.addAndGet(x.getShape().get(0));
    }

    @Override
    public NDArray predict(NDArray x) {
        count(x);
        return delegate.predict(x);
    }

    /** The counting view of a differentiable model. */
    static final class Differentiable extends QueryCounter implements DifferentiableClassifier {
        private final DifferentiableClassifier model;

        Differentiable(DifferentiableClassifier model) {
            super(model);
            this.model = model;
        }

        @Override
        public Evaluation evaluate(NDArray x, Objective objective, NDArray labels) {
            count(x);
            return model.evaluate(x, objective, labels);
        }
    }
}
