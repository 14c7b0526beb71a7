package dev.robust4j.model;

import ai.djl.ndarray.NDArray;

/**
 * A per-sample scalar function of a model's logits, differentiated by
 * {@link DifferentiableClassifier#evaluate}. Attacks ascend it: an untargeted attack ascends the
 * loss of the true label, a targeted one ascends the negated loss of the target label.
 *
 * <p>Implementations must be pure NDArray arithmetic so autograd can follow them, and must return
 * shape {@code (N)}.
 */
@FunctionalInterface
public interface Objective {

    /**
     * Computes the objective for each sample.
     *
     * @param logits the logits, shape {@code (N, K)}
     * @param labels int64 class indices, shape {@code (N)}
     * @return the values, shape {@code (N)}
     */
    NDArray apply(NDArray logits, NDArray labels);

    /** @return a short name, for reports */
    default String name() {
        return "objective";
    }

    /**
     * Returns the objective with its sign flipped, so that ascending it descends this one.
     *
     * @return {@code -this}
     */
    default Objective negate() {
        Objective self = this;
        return new Objective() {
            @Override
            public NDArray apply(NDArray logits, NDArray labels) {
                return self.apply(logits, labels).neg();
            }

            @Override
            public String name() {
                return "-" + self.name();
            }
        };
    }
}
