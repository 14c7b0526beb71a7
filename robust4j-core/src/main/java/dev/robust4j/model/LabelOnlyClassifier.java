package dev.robust4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Objects;

/**
 * A view of a classifier that reveals only its predicted label: {@link #predict} returns one-hot
 * rows of the arg-max of the wrapped model's scores (the first maximum on ties) and
 * {@link #outputKind()} is {@link Classifier.OutputKind#LABEL_ONLY}. It is never a
 * {@link DifferentiableClassifier}, whatever it wraps, so it models the hardest black-box threat
 * model: an API that answers labels. Score-based attacks refuse it; label-only and transfer
 * attacks accept it.
 *
 * <p>The view does not own the wrapped model: close that one yourself.
 */
public final class LabelOnlyClassifier extends ForwardingClassifier {

    private LabelOnlyClassifier(Classifier delegate) {
        super(delegate);
    }

    /**
     * Wraps a classifier.
     *
     * @param model the model whose labels to reveal
     * @return the label-only view
     */
    public static LabelOnlyClassifier of(Classifier model) {
        Objects.requireNonNull(model, "model");
        if (model instanceof LabelOnlyClassifier) {
            return (LabelOnlyClassifier) model;
        }
        return new LabelOnlyClassifier(model);
    }

    /**
     * Scores a batch as one-hot rows of the wrapped model's predicted classes.
     *
     * @param x the inputs
     * @return float32 one-hot rows, shape {@code (N, K)}, in {@code x}'s manager
     */
    @Override
    public NDArray predict(NDArray x) {
        int k = delegate.numClasses();
        float[] scores;
        long[] shape;
        try (NDArray logits = delegate.predict(x)) {
            shape = logits.getShape().getShape();
            if (shape.length != 2 || shape[1] != k) {
                throw new IllegalStateException(
                        delegate.description() + " returned shape " + logits.getShape() + "; expected (N, " + k + ")");
            }
            if (logits.getDataType() == DataType.FLOAT32) {
                scores = logits.toFloatArray();
            } else {
                try (NDArray f = logits.toType(DataType.FLOAT32, true)) {
                    scores = f.toFloatArray();
                }
            }
        }
        int n = (int) shape[0];
        float[] oneHot = new float[n * k];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (scores[i * k + j] > scores[i * k + best]) {
                    best = j;
                }
            }
            oneHot[i * k + best] = 1f;
        }
        return x.getManager().create(oneHot, new Shape(n, k));
    }

    /** @return {@link Classifier.OutputKind#LABEL_ONLY} */
    @Override
    public OutputKind outputKind() {
        return OutputKind.LABEL_ONLY;
    }

    @Override
    public String description() {
        return "label-only " + delegate.description();
    }

    /** @return the wrapped model */
    public Classifier delegate() {
        return delegate;
    }
}
