package dev.robust4j.defence.preprocess;

import ai.djl.ndarray.NDArray;
import dev.robust4j.model.Bounds;

/**
 * A run-time input transformation {@code x -> x'} of the same shape, applied before a model (see
 * {@link PreprocessedClassifier}).
 *
 * <p>If {@link #differentiable()} is true, {@link #apply} is made of NDArray operations autograd
 * can follow and attacks get exact gradients through it. Otherwise attacks use BPDA (Athalye et
 * al. 2018): the backward pass treats the transformation as the identity.
 */
public interface Preprocessor {

    /**
     * Transforms a batch.
     *
     * @param x the inputs, shape {@code (N, ...)}, inside {@code bounds}
     * @param bounds the model's input bounds
     * @return the transformed inputs, same shape, in {@code x}'s manager
     */
    NDArray apply(NDArray x, Bounds bounds);

    /** @return true if gradients can flow exactly through {@link #apply} */
    boolean differentiable();

    /** @return the spec that makes this preprocessor again, e.g. {@code feature-squeezing:bit-depth=1} */
    String description();
}
