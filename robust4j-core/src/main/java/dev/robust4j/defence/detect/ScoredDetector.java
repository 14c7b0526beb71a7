package dev.robust4j.defence.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.robust4j.data.Dataset;

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

    /**
     * Scores a dataset in batches, each in a scope of its own.
     *
     * @param data the inputs (labels unused)
     * @param batchSize samples per batch, at least 1
     * @return one score per sample
     * @throws IllegalArgumentException if {@code batchSize < 1}
     */
    default float[] scores(Dataset data, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        float[] out = new float[data.size()];
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int from = 0; from < data.size(); from += batchSize) {
                int to = Math.min(data.size(), from + batchSize);
                try (NDManager scope = manager.newSubManager()) {
                    System.arraycopy(scores(data.features(scope, from, to)), 0, out, from, to - from);
                }
            }
        }
        return out;
    }

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
