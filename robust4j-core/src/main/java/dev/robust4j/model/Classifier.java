package dev.robust4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * A classifier that can be queried: inputs in, one score per class out. This is all a black-box
 * attack may use.
 *
 * <p>Inputs are float32, batch first, of shape {@code (N, inputShape...)} with every value inside
 * {@link #bounds()}. Outputs are logits (or any scores whose arg-max is the prediction) of shape
 * {@code (N, numClasses())}, made in the input's manager; the caller owns and closes them.
 * Implementations are thread-safe.
 */
public interface Classifier extends AutoCloseable {

    /**
     * Scores a batch.
     *
     * @param x the inputs, shape {@code (N, inputShape...)}
     * @return the logits, shape {@code (N, numClasses())}, in {@code x}'s manager
     */
    NDArray predict(NDArray x);

    /** @return the number of classes {@code K} */
    int numClasses();

    /** @return the shape of one input sample, without the batch axis, e.g. {@code (1, 28, 28)} */
    Shape inputShape();

    /** @return the interval every input feature must lie in */
    Bounds bounds();

    /**
     * Returns what the model's outputs carry. Score-based black-box attacks need
     * {@link OutputKind#SCORES}; label-only models return one-hot rows.
     *
     * @return the kind of output
     */
    default OutputKind outputKind() {
        return OutputKind.SCORES;
    }

    /** @return the class names, or an empty list when unknown */
    default List<String> classNames() {
        return List.of();
    }

    /** @return a short human-readable description, for reports */
    default String description() {
        return getClass().getSimpleName();
    }

    /**
     * Releases what the classifier holds (native memory of a loaded model). The default holds
     * nothing and does nothing; a wrapper does not close the model it wraps (its caller owns that).
     * Closing twice is harmless.
     */
    @Override
    default void close() {}

    /** What a classifier's outputs carry. */
    enum OutputKind {
        /** Real-valued scores (logits or probabilities) per class. */
        SCORES,
        /** Only the predicted label, as a one-hot row. */
        LABEL_ONLY
    }
}
