package dev.robust4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Objects;

/**
 * One mini-batch as the training loop sees it: inputs, hard labels and the soft labels the loss
 * is computed against. A {@link BatchTransform} returns a new batch, for example with smoothed
 * labels, noisy inputs or adversarial examples appended.
 *
 * <p>All three arrays live in the per-batch manager ({@link #manager()}), which the trainer closes
 * after the step; arrays a transform makes must live there too (NDArray operations on the batch's
 * arrays put their results there).
 *
 * @param x the inputs, shape {@code (N, inputShape...)}, float32
 * @param labels the hard labels, int64 class indices, shape {@code (N)}; the train accuracy is
 *     measured against them and adversarial training attacks them
 * @param softLabels the target distributions, shape {@code (N, K)}, float32, rows summing to 1
 */
public record TrainingBatch(NDArray x, NDArray labels, NDArray softLabels) {

    /**
     * Checks that no array is missing.
     *
     * @param x the inputs, shape {@code (N, inputShape...)}, float32
     * @param labels the hard labels, int64 class indices, shape {@code (N)}; the train accuracy is
     *     measured against them and adversarial training attacks them
     * @param softLabels the target distributions, shape {@code (N, K)}, float32, rows summing to 1
     * @throws NullPointerException if an array is null
     */
    public TrainingBatch {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(softLabels, "softLabels");
    }

    /** @return the number of samples {@code N} */
    public int size() {
        return Math.toIntExact(x.getShape().get(0));
    }

    /** @return the manager the batch's arrays live in, closed by the trainer after the step */
    public NDManager manager() {
        return x.getManager();
    }

    /**
     * Returns the batch with other inputs.
     *
     * @param newX the inputs, same shape
     * @return the new batch
     */
    public TrainingBatch withX(NDArray newX) {
        return new TrainingBatch(newX, labels, softLabels);
    }

    /**
     * Returns the batch with other soft labels.
     *
     * @param newSoftLabels the soft labels, same shape
     * @return the new batch
     */
    public TrainingBatch withSoftLabels(NDArray newSoftLabels) {
        return new TrainingBatch(x, labels, newSoftLabels);
    }

    /**
     * Returns this batch followed by another along the batch axis, for transforms that add samples.
     *
     * @param other the samples to append
     * @return the concatenation
     */
    public TrainingBatch concat(TrainingBatch other) {
        return new TrainingBatch(x.concat(other.x), labels.concat(other.labels), softLabels.concat(other.softLabels));
    }
}
