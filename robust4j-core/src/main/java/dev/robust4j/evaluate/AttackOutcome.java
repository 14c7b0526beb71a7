package dev.robust4j.evaluate;

import dev.robust4j.attack.ModelAccess;
import java.util.Map;

/**
 * What one attack of a pool achieved in one round. Rates follow DESIGN §3: the success rate is
 * over the samples the (defended) model classifies correctly and, with a detector, does not flag
 * before the attack; robust accuracy is over all samples. With a detector an adversarial that the
 * detector flags counts as stopped. Perturbation norms are over the successful adversarials of
 * those samples; undefined numbers are NaN.
 *
 * @param label the attack's label in the pool, e.g. {@code pgd linf eps=0.1}
 * @param attack the attack's command-line name
 * @param params the attack's parameters
 * @param kind what the attack needs from the model
 * @param samples samples attacked
 * @param successRate the success rate (SR)
 * @param robustAccuracy robust accuracy
 * @param l0Mean mean number of changed features
 * @param l2Mean mean L2 norm
 * @param l2Median median L2 norm
 * @param linfMean mean L∞ norm
 * @param linfMax largest L∞ norm
 * @param queriesMean mean model queries per sample
 * @param seconds wall-clock time
 * @param detectedRate with a detector, the fraction of the misclassified adversarials it flagged;
 *     NaN without one
 * @param skipped why the attack did not run on this round's model (e.g. the defence hides
 *     gradients), or {@code null} if it ran; a skipped attack's numbers are NaN
 */
public record AttackOutcome(
        String label,
        String attack,
        Map<String, Object> params,
        ModelAccess kind,
        int samples,
        double successRate,
        double robustAccuracy,
        double l0Mean,
        double l2Mean,
        double l2Median,
        double linfMean,
        double linfMax,
        double queriesMean,
        double seconds,
        double detectedRate,
        String skipped) {

    /**
     * Copies the parameters.
     *
     * @param label the attack's label in the pool, e.g. {@code pgd linf eps=0.1}
     * @param attack the attack's command-line name
     * @param params the attack's parameters
     * @param kind what the attack needs from the model
     * @param samples samples attacked
     * @param successRate the success rate (SR)
     * @param robustAccuracy robust accuracy
     * @param l0Mean mean number of changed features
     * @param l2Mean mean L2 norm
     * @param l2Median median L2 norm
     * @param linfMean mean L∞ norm
     * @param linfMax largest L∞ norm
     * @param queriesMean mean model queries per sample
     * @param seconds wall-clock time
     * @param detectedRate with a detector, the fraction of the misclassified adversarials it flagged;
     *     NaN without one
     * @param skipped why the attack did not run on this round's model (e.g. the defence hides
     *     gradients), or {@code null} if it ran; a skipped attack's numbers are NaN
     */
    public AttackOutcome {
        params = Map.copyOf(params);
    }

    /** @return true if the attack ran */
    public boolean ran() {
        return skipped == null;
    }
}
