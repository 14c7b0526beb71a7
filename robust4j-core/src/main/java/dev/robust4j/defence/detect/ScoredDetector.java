package dev.robust4j.defence.detect;

import ai.djl.ndarray.NDArray;

/**
 * A detector that scores each input (higher means more suspect) and flags the scores above a
 * threshold calibrated on clean data for a false-positive rate: the feature-squeezing detector and
 * the trained binary input detector.
 */
public interface ScoredDetector extends AdversarialDetector {

    /**
     * Scores a batch.
     *
     * @param x the inputs, shape {@code (N, inputShape...)}
     * @return per sample, the detector's score
     */
    float[] scores(NDArray x);

    /** @return the calibrated threshold, NaN if the detector is not calibrated */
    double threshold();

    /**
     * Flags a batch: the samples whose score exceeds the threshold.
     *
     * @param x the inputs, shape {@code (N, inputShape...)}
     * @return per sample, whether its score exceeds the threshold
     * @throws IllegalStateException if the detector is not calibrated
     */
    @Override
    default boolean[] detect(NDArray x) {
        return flag(scores(x));
    }

    /**
     * Flags scores against the threshold.
     *
     * @param scores scores from {@link #scores}
     * @return per score, whether it exceeds the threshold
     * @throws IllegalStateException if the detector is not calibrated
     */
    default boolean[] flag(float[] scores) {
        double threshold = threshold();
        if (Double.isNaN(threshold)) {
            throw new IllegalStateException("the detector is not calibrated: call calibrate(clean, fpr, batchSize) first");
        }
        boolean[] out = new boolean[scores.length];
        for (int i = 0; i < scores.length; i++) {
            out[i] = scores[i] > threshold;
        }
        return out;
    }
}
