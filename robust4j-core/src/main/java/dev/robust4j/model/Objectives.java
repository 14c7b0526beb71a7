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
     * The Kullback-Leibler divergence of the softmax of the logits from fixed reference
     * distributions, {@code KL(p || softmax(z)) = sum_k p_k (log p_k - log softmax(z)_k)} with
     * {@code 0 log 0 = 0}: the objective TRADES' inner maximisation ascends (Zhang et al., ICML
     * 2019), with {@code p} the model's probabilities at the clean inputs. The labels are ignored.
     *
     * <p>Arrays derived from {@code reference} during evaluation are created in its manager: keep
     * it in a short-lived scope.
     *
     * @param reference the reference distributions {@code p}, shape {@code (N, K)}, rows summing to 1;
     *     the caller keeps ownership
     * @return the objective, valid for batches of exactly these rows
     */
    public static Objective klDivergence(NDArray reference) {
        java.util.Objects.requireNonNull(reference, "reference");
        return new Named("kl-divergence") {
            @Override
            public NDArray apply(NDArray logits, NDArray labels) {
                if (!reference.getShape().equals(logits.getShape())) {
                    throw new IllegalArgumentException("kl-divergence is bound to reference distributions of shape "
                            + reference.getShape() + " but got logits of shape " + logits.getShape());
                }
                return klDivergenceOf(reference, logits.logSoftmax(1));
            }
        };
    }

    /**
     * Computes {@code KL(p || q)} per row from {@code p} and {@code log q}, with {@code 0 log 0 = 0}
     * (PyTorch's {@code KLDivLoss} convention). Autograd follows both arguments.
     *
     * @param p the first distributions, shape {@code (N, K)}
     * @param logQ the logarithms of the second distributions, shape {@code (N, K)}
     * @return the divergences, shape {@code (N)}, in {@code logQ}'s manager
     */
    public static NDArray klDivergenceOf(NDArray p, NDArray logQ) {
        // p * log(max(p, tiny)) is exactly 0 where p is 0 and p log p elsewhere (to float precision).
        NDArray logP = p.maximum(Float.MIN_NORMAL).log();
        return logQ.neg().add(logP).mul(p).sum(new int[] {1});
    }

    /**
     * The sum of the logits of every class but the labelled one, {@code sum_{j != y} z_j}: its
     * gradient is the summed Jacobian rows of the other classes (the {@code beta} of a JSMA over logits).
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

    /**
     * The Difference of Logits Ratio of Croce and Hein ("Reliable evaluation of adversarial
     * robustness with an ensemble of diverse parameter-free attacks", ICML 2020):
     * {@code -(z_y - max_{i != y} z_i) / (z_π1 - z_π3 + 1e-12)}, where {@code z_π1 >= z_π2 >= ...}
     * are the sorted logits. Like the margin it is positive exactly when the sample is
     * misclassified, and it does not change when the logits are shifted or scaled, so a model
     * cannot hide behind large or saturated logits. Needs at least 3 classes.
     *
     * @return the objective
     */
    public static Objective dlr() {
        return new Named("dlr") {
            @Override
            public NDArray apply(NDArray logits, NDArray labels) {
                int k = classes(logits, 3, "dlr");
                NDArray sorted = logits.sort(1);
                NDArray scale = sorted.get(":, {}", k - 1).sub(sorted.get(":, {}", k - 3)).add(DLR_TINY);
                return marginOf(logits, labels).div(scale);
            }
        };
    }

    /**
     * The targeted Difference of Logits Ratio of Croce and Hein (ICML 2020), ascended by APGD-T
     * to reach a target class {@code t}:
     * {@code -(z_y - z_t) / (z_π1 - (z_π3 + z_π4) / 2 + 1e-12)}. It needs the true label as well as
     * the target, so the true labels are bound here and the labels passed to
     * {@link Objective#apply} are the targets. Needs at least 4 classes.
     *
     * @param trueLabels int64 true labels, one per row of the logits the objective will be applied
     *     to; the caller keeps ownership
     * @return the objective, valid for batches of exactly these rows
     */
    public static Objective targetedDlr(NDArray trueLabels) {
        return new Named("targeted-dlr") {
            @Override
            public NDArray apply(NDArray logits, NDArray targets) {
                int k = classes(logits, 4, "targeted-dlr");
                if (trueLabels.getShape().dimension() != 1 || trueLabels.size() != logits.getShape().get(0)) {
                    throw new IllegalArgumentException("targeted-dlr is bound to " + trueLabels.getShape()
                            + " true labels but got logits of shape " + logits.getShape());
                }
                NDArray sorted = logits.sort(1);
                NDArray scale = sorted.get(":, {}", k - 1)
                        .sub(sorted.get(":, {}", k - 3).add(sorted.get(":, {}", k - 4)).mul(0.5f))
                        .add(DLR_TINY);
                // The column view is made in the true labels' manager: hand it to the logits' scope.
                NDArray column = trueLabels.reshape(-1, 1);
                column.attach(logits.getManager());
                NDArray gap = logits.gather(column, 1).reshape(-1).sub(pick(logits, targets));
                return gap.div(scale).neg();
            }
        };
    }

    /** The constant that keeps the DLR denominators positive, as in the reference code. */
    private static final float DLR_TINY = 1e-12f;

    private static int classes(NDArray logits, int min, String objective) {
        int k = (int) logits.getShape().get(1);
        if (k < min) {
            throw new IllegalArgumentException(
                    objective + " needs at least " + min + " classes, the model has " + k);
        }
        return k;
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
