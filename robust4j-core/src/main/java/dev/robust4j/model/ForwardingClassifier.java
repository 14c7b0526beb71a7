package dev.robust4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.Objects;

/**
 * A classifier that forwards every call to another one; wrappers extend it and override what
 * they change (a query counter its {@code predict}, a label-only view its outputs). It never
 * exposes the wrapped model's gradients: it is a plain {@link Classifier} whatever it wraps.
 */
public abstract class ForwardingClassifier implements Classifier {

    /** The wrapped classifier. */
    protected final Classifier delegate;

    /**
     * Wraps a classifier.
     *
     * @param delegate the classifier to forward to
     */
    protected ForwardingClassifier(Classifier delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public NDArray predict(NDArray x) {
        return delegate.predict(x);
    }

    @Override
    public int numClasses() {
        return delegate.numClasses();
    }

    @Override
    public Shape inputShape() {
        return delegate.inputShape();
    }

    @Override
    public Bounds bounds() {
        return delegate.bounds();
    }

    @Override
    public OutputKind outputKind() {
        return delegate.outputKind();
    }

    @Override
    public List<String> classNames() {
        return delegate.classNames();
    }

    @Override
    public String description() {
        return delegate.description();
    }
}
