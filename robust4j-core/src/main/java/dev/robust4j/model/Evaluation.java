package dev.robust4j.model;

import ai.djl.ndarray.NDArray;

/**
 * The result of {@link DifferentiableClassifier#evaluate}: everything one forward and backward
 * pass yields.
 *
 * @param logits the logits at the input, shape {@code (N, K)}
 * @param values the per-sample objective values, shape {@code (N)}
 * @param gradient the gradient of the summed objective with respect to the input, shape of the input
 */
public record Evaluation(NDArray logits, NDArray values, NDArray gradient) implements AutoCloseable {

    /** Closes the three arrays. */
    @Override
    public void close() {
        logits.close();
        values.close();
        gradient.close();
    }
}
