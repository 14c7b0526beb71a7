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
 * @param paired perturbed copies of the inputs whose outputs the loss pulls towards the outputs on
 *     {@code x} (TRADES), or null
 */
public record TrainingBatch(NDArray x, NDArray labels, NDArray softLabels, PairedInputs paired) {

    /**
     * Checks that no array is missing.
     *
     * @param x the inputs, shape {@code (N, inputShape...)}, float32
     * @param labels the hard labels, int64 class indices, shape {@code (N)}; the train accuracy is
     *     measured against them and adversarial training attacks them
     * @param softLabels the target distributions, shape {@code (N, K)}, float32, rows summing to 1
     * @param paired perturbed copies of the inputs whose outputs the loss pulls towards the outputs on
     *     {@code x} (TRADES), or null
     * @throws NullPointerException if an array is null
     */
    public TrainingBatch {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(softLabels, "softLabels");
    }

    /**
     * A batch without paired inputs.
     *
     * @param x the inputs
     * @param labels the hard labels
     * @param softLabels the soft labels
     */
    public TrainingBatch(NDArray x, NDArray labels, NDArray softLabels) {
        this(x, labels, softLabels, null);
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
        return new TrainingBatch(newX, labels, softLabels, paired);
    }

    /**
     * Returns the batch with other soft labels.
     *
     * @param newSoftLabels the soft labels, same shape
     * @return the new batch
     */
    public TrainingBatch withSoftLabels(NDArray newSoftLabels) {
        return new TrainingBatch(x, labels, newSoftLabels, paired);
    }

    /**
     * Returns the batch with paired inputs (TRADES).
     *
     * @param newPaired the paired inputs, the shape of {@code x}
     * @return the new batch
     */
    public TrainingBatch withPaired(PairedInputs newPaired) {
        return new TrainingBatch(x, labels, softLabels, Objects.requireNonNull(newPaired, "newPaired"));
    }

    /**
     * Returns this batch followed by another along the batch axis, for transforms that add samples.
     *
     * @param other the samples to append
     * @return the concatenation
     * @throws IllegalStateException if either batch has paired inputs: a transform that adds samples
     *     must run before the one that pairs them
     */
    public TrainingBatch concat(TrainingBatch other) {
        if (paired != null || other.paired != null) {
            throw new IllegalStateException("cannot append samples to a batch with paired inputs (TRADES); apply the"
                    + " transform that adds samples before the one that pairs them");
        }
        return new TrainingBatch(x.concat(other.x), labels.concat(other.labels), softLabels.concat(other.softLabels));
    }
}
