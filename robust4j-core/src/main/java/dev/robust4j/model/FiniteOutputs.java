package dev.robust4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Refuses non-finite logits: a model that answers NaN or infinity is broken, not robust. */
final class FiniteOutputs {

    private FiniteOutputs() {}

    /**
     * Throws if any logit is NaN or infinite.
     *
     * @param logits the model's output {@code (N, K)}
     * @param model the model's description, for the message
     * @return {@code logits}
     * @throws IllegalArgumentException naming the model, the first bad row and its value
     */
    static NDArray require(NDArray logits, String model) {
        DataType type = logits.getDataType();
        if (!type.isFloating()) {
            return logits;
        }
        // One reduction answers the common case: a sum is finite only if every term is (a finite sum
        // of finite terms; an overflowing sum of finite terms falls through to the exact check).
        try (NDArray sum = logits.sum(); NDArray f = sum.toType(DataType.FLOAT64, false)) {
            if (Double.isFinite(f.getDouble())) {
                return logits;
            }
        }
        float[] v;
        try (NDArray f = logits.toType(DataType.FLOAT32, true)) {
            v = f.toFloatArray();
        }
        long k = logits.getShape().dimension() == 2 ? logits.getShape().get(1) : 1;
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException(model + " returned a non-finite logit (" + v[i] + ") in row "
                        + (i / k) + " of a batch of " + logits.getShape().get(0) + "; expected finite logits");
            }
        }
        return logits;
    }
}
