package dev.robust4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Soft labels: one probability distribution over the classes per sample, shape {@code (N, K)}.
 * The trainer's loss is the cross-entropy of the model's softmax against them.
 */
public final class SoftLabels {

    private SoftLabels() {}

    /**
     * Turns class indices into one-hot rows.
     *
     * @param labels integer class indices, shape {@code (N)}
     * @param numClasses the number of classes {@code K}
     * @return float32 one-hot rows, shape {@code (N, K)}, in {@code labels}' manager
     */
    public static NDArray oneHot(NDArray labels, int numClasses) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
        }
        return labels.oneHot(numClasses).toType(DataType.FLOAT32, false);
    }

    /**
     * The per-sample cross-entropy of the softmax of the logits against soft labels:
     * {@code -sum_k p_k log softmax(z)_k}, computed stably through {@code logSoftmax}. With one-hot
     * labels this is the usual cross-entropy {@code -log softmax(z)_y}. Autograd follows it.
     *
     * @param logits the logits, shape {@code (N, K)}
     * @param softLabels the target distributions, shape {@code (N, K)}
     * @return the losses, shape {@code (N)}, in {@code logits}' manager
     */
    public static NDArray crossEntropy(NDArray logits, NDArray softLabels) {
        if (!logits.getShape().equals(softLabels.getShape())) {
            throw new IllegalArgumentException(
                    "logits " + logits.getShape() + " and soft labels " + softLabels.getShape()
                            + " must have the same shape (N, K)");
        }
        return logits.logSoftmax(1).mul(softLabels).sum(new int[] {1}).neg();
    }
}
