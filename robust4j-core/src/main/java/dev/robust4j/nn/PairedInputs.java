package dev.robust4j.nn;

import ai.djl.ndarray.NDArray;

import java.util.Objects;

/**
 * Perturbed copies of a batch's inputs that the loss pairs with the inputs themselves: the trainer
 * adds {@code weight * mean_i KL(softmax f(x_i) || softmax f(x'_i))} to the cross-entropy on
 * {@code x}, with gradients through both outputs. This is the robust regulariser of TRADES (Zhang
 * et al., ICML 2019), where {@code x'} maximises the same divergence inside an epsilon ball and
 * {@code weight} is their {@code beta}.
 *
 * @param x the paired inputs, the same shape as the batch's inputs, in the batch's manager
 * @param weight the weight of the divergence term, {@code >= 0}
 */
public record PairedInputs(NDArray x, float weight) {

    /**
     * Checks the values.
     *
     * @param x the paired inputs, the same shape as the batch's inputs, in the batch's manager
     * @param weight the weight of the divergence term, {@code >= 0}
     * @throws IllegalArgumentException if the weight is negative or not finite
     */
    public PairedInputs {
        Objects.requireNonNull(x, "x");
        if (!(weight >= 0) || !Float.isFinite(weight)) {
            throw new IllegalArgumentException("the weight of paired inputs must be finite and >= 0, got " + weight);
        }
    }
}
