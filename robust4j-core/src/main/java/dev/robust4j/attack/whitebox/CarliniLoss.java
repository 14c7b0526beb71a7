package dev.robust4j.attack.whitebox;

import ai.djl.ndarray.NDArray;
import dev.robust4j.model.Criterion;
import dev.robust4j.model.Objective;
import dev.robust4j.model.Objectives;

/**
 * The loss {@code f} of Carlini and Wagner (2017, objective f6), to be minimised:
 * <ul>
 *   <li>untargeted, for the true label {@code y}: {@code max(z_y - max_{j != y} z_j, -kappa)};</li>
 *   <li>targeted, for the target {@code t}: {@code max(max_{j != t} z_j - z_t, -kappa)}.</li>
 * </ul>
 * It reaches its floor {@code -kappa} exactly when the sample is misclassified (classified as the
 * target) with a logit margin of at least {@code kappa}. The Java-side helpers decide success with
 * confidence the way the reference implementation's {@code compare} does: the margin must exceed
 * {@code kappa}.
 */
final class CarliniLoss implements Objective {

    private final float confidence;
    private final boolean targeted;

    CarliniLoss(float confidence, Criterion criterion) {
        this.confidence = confidence;
        this.targeted = criterion.targeted();
    }

    @Override
    public NDArray apply(NDArray logits, NDArray labels) {
        NDArray margin = Objectives.margin().apply(logits, labels);
        return (targeted ? margin : margin.neg()).maximum(-confidence);
    }

    @Override
    public String name() {
        return targeted ? "cw-loss-targeted" : "cw-loss";
    }

    /**
     * Computes, per row, the margin by which the attack's goal is met: {@code max_{j != y} z_j - z_y}
     * (untargeted) or {@code z_t - max_{j != t} z_j} (targeted). Positive means the goal is met.
     *
     * @param logits row-major {@code (n, k)} logits
     * @param k the number of classes
     * @param labels per row, the true label (untargeted) or the target (targeted)
     * @return the margins
     */
    float[] goalMargins(float[] logits, int k, int[] labels) {
        int n = labels.length;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float own = logits[i * k + labels[i]];
            float other = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                if (j != labels[i]) {
                    other = Math.max(other, logits[i * k + j]);
                }
            }
            out[i] = targeted ? own - other : other - own;
        }
        return out;
    }

    /**
     * Decides success with confidence: the goal margin exceeds {@code kappa}.
     *
     * @param margins the goal margins from {@link #goalMargins}
     * @return per row, success
     */
    boolean[] succeeded(float[] margins) {
        boolean[] out = new boolean[margins.length];
        for (int i = 0; i < margins.length; i++) {
            out[i] = margins[i] > confidence;
        }
        return out;
    }

    /**
     * Computes the loss values from goal margins, as {@link #apply} does on NDArrays.
     *
     * @param margins the goal margins
     * @return per row, {@code max(-margin, -kappa)}
     */
    float[] values(float[] margins) {
        float[] out = new float[margins.length];
        for (int i = 0; i < margins.length; i++) {
            out[i] = Math.max(-margins[i], -confidence);
        }
        return out;
    }
}
