package dev.robust4j.model;

import ai.djl.ndarray.NDArray;

/**
 * A classifier that exposes input gradients: the white-box threat model.
 *
 * <p>It adds one primitive from which every gradient attack is built: the value and the input
 * gradient of a per-sample {@link Objective} of the logits. Class gradients, loss gradients and
 * Jacobian rows are all this primitive with another objective. The gradient is that of the
 * <em>sum</em> of the per-sample values, so one sample's gradient does not depend on the batch.
 */
public interface DifferentiableClassifier extends Classifier {

    /**
     * Computes logits, per-sample objective values and the input gradient of their sum.
     *
     * <p>The model runs with inference semantics (BatchNorm uses running statistics, Dropout is
     * off) while autograd records the input. Nothing about the model changes: parameters receive
     * no gradient.
     *
     * @param x the inputs, shape {@code (N, inputShape...)}; not modified
     * @param objective the per-sample objective of the logits
     * @param labels the int64 class indices the objective refers to (true or target labels), shape
     *     {@code (N)}
     * @return logits, values and gradient, all in {@code x}'s manager
     */
    Evaluation evaluate(NDArray x, Objective objective, NDArray labels);

    /**
     * Says how the input gradients are obtained, for reports: {@code exact} (autograd all the way)
     * or a description naming where BPDA (an identity backward pass through a non-differentiable
     * step) is used.
     *
     * @return the gradient provenance
     */
    default String gradients() {
        return "exact";
    }
}
