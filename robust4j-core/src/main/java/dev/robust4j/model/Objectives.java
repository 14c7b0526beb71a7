package dev.robust4j.model;

import ai.djl.ndarray.NDArray;

/** The objectives attacks use, as static factories. */
public final class Objectives {

    private Objectives() {}

    /**
     * Cross-entropy of the softmax of the logits against the labels: {@code -log softmax(z)_y}.
     *
     * @return the objective
     */
    public static Objective crossEntropy() {
        return new Named("cross-entropy") {
            @Override
            public NDArray apply(NDArray logits, NDArray labels) {
                NDArray logp = logits.logSoftmax(1);
                return pick(logp, labels).neg();
            }
        };
    }

    /**
     * The logit of the labelled class, {@code z_y}: its gradient is a row of the Jacobian.
     *
     * @return the objective
     */
    public static Objective classLogit() {
        return new Named("class-logit") {
            @Override
            public NDArray apply(NDArray logits, NDArray labels) {
                return pick(logits, labels);
            }
        };
    }

    /**
     * The Carlini-Wagner margin of the labelled class, {@code max_{j != y} z_j - z_y}, clamped
     * above at {@code confidence}: positive once the sample is misclassified by a margin.
     *
     * @param confidence the margin kappa at which the objective stops growing; non-negative
     * @return the objective
     */
    public static Objective cwMargin(float confidence) {
        if (!(confidence >= 0) || Float.isInfinite(confidence)) {
            throw new IllegalArgumentException("confidence must be finite and >= 0, got " + confidence);
        }
        return new Named("cw-margin") {
            @Override
            public NDArray apply(NDArray logits, NDArray labels) {
                return marginOf(logits, labels).minimum(confidence);
            }
        };
    }

    /**
     * The margin of the best other class over the labelled class, {@code max_{j != y} z_j - z_y}:
     * positive exactly when the sample is not classified as {@code y}. Unclamped, so ascending it
     * keeps pushing past the decision boundary.
     *
     * @return the objective
     */
    public static Objective margin() {
        return new Named("margin") {
            @Override
            public NDArray apply(NDArray logits, NDArray labels) {
                return marginOf(logits, labels);
            }
        };
    }

    /**
     * The difference of two logits, {@code z_label - z_reference}, with the reference class of each
     * row fixed when the objective is made: its gradient is the difference of two Jacobian rows,
     * the normal of the linearised boundary between the two classes (FAB, DeepFool).
     *
     * <p>Arrays derived from {@code reference} during evaluation are created in its manager: keep
     * it in a short-lived scope (an attack's per-iteration sub-manager).
     *
     * @param reference int64 class indices, one per row of the logits the objective will see
     * @return the objective
     */
    public static Objective logitDifference(NDArray reference) {
        java.util.Objects.requireNonNull(reference, "reference");
        return new Named("logit-difference") {
            @Override
            public NDArray apply(NDArray logits, NDArray labels) {
                if (reference.size() != logits.getShape().get(0)) {
                    throw new IllegalArgumentException("reference must have one class per row (" + logits.getShape().get(0)
                            + "), got shape " + reference.getShape());
                }
                return pick(logits, labels).sub(pick(logits, reference));
            }
        };
    }

    /**
     * The sum of the logits of every class but the labelled one, {@code sum_{j != y} z_j}: its
     * gradient is the JSMA's {@code beta}, the summed Jacobian rows of the other classes.
     *
     * @return the objective
     */
    public static Objective otherLogitsSum() {
        return new Named("other-logits-sum") {
            @Override
            public NDArray apply(NDArray logits, NDArray labels) {
                return logits.sum(new int[] {1}).sub(pick(logits, labels));
            }
        };
    }

    private static NDArray marginOf(NDArray logits, NDArray labels) {
        NDArray own = pick(logits, labels);
        NDArray mask = labels.oneHot((int) logits.getShape().get(1)).toType(logits.getDataType(), false);
        NDArray others = logits.sub(mask.mul(1e9f)).max(new int[] {1});
        return others.sub(own);
    }

    /**
     * Returns {@code a[i, labels[i]]} for every row {@code i}.
     *
     * @param a a matrix, shape {@code (N, K)}
     * @param labels int64 column indices, shape {@code (N)}
     * @return the picked values, shape {@code (N)}
     */
    public static NDArray pick(NDArray a, NDArray labels) {
        return a.gather(labels.reshape(-1, 1), 1).reshape(-1);
    }

    private abstract static class Named implements Objective {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

}
