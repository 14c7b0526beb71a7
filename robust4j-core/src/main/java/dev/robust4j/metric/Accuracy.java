package dev.robust4j.metric;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.robust4j.data.Dataset;
import dev.robust4j.model.Classifier;

import java.util.Arrays;
import java.util.Objects;

/** Clean accuracy: the fraction of samples a classifier labels correctly. */
public final class Accuracy {

    /** The DJL engine the evaluation batches are made in. */
    private static final String ENGINE = "PyTorch";

    private Accuracy() {}

    /**
     * Computes a classifier's accuracy on a labelled dataset, batch by batch; each batch's arrays
     * are freed before the next.
     *
     * @param model the classifier
     * @param data labelled samples of the model's input shape
     * @param batchSize the number of samples per prediction call, at least 1
     * @return the fraction of samples whose arg-max logit is their label, in {@code [0, 1]}
     * @throws IllegalArgumentException if the data is unlabelled, empty or of another shape
     */
    public static double of(Classifier model, Dataset data, int batchSize) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (!data.hasLabels() || data.size() == 0) {
            throw new IllegalArgumentException(data.source() + ": accuracy needs labelled samples");
        }
        long[] shape = model.inputShape().getShape();
        if (!Arrays.equals(shape, data.sampleShape())) {
            throw new IllegalArgumentException(
                    data.source() + ": samples have shape " + Arrays.toString(data.sampleShape())
                            + " but the model takes " + Arrays.toString(shape));
        }
        long correct = 0;
        try (NDManager manager = NDManager.newBaseManager(ENGINE)) {
            for (int from = 0; from < data.size(); from += batchSize) {
                int to = Math.min(data.size(), from + batchSize);
                try (NDManager scope = manager.newSubManager()) {
                    NDArray logits = model.predict(data.features(scope, from, to));
                    correct += countCorrect(logits, data.labels(scope, from, to));
                }
            }
        }
        return (double) correct / data.size();
    }

    /**
     * Counts the rows whose arg-max is the label.
     *
     * @param logits the scores, shape {@code (N, K)}
     * @param labels the class indices, shape {@code (N)}
     * @return the number of correct rows
     */
    public static long countCorrect(NDArray logits, NDArray labels) {
        try (NDArray predicted = logits.argMax(1);
                NDArray target = labels.toType(DataType.INT64, false);
                NDArray hits = predicted.eq(target);
                NDArray count = hits.countNonzero()) {
            return count.getLong();
        }
    }
}
