package dev.robust4j.metric;

import dev.robust4j.attack.AttackResult;

/**
 * The numbers every attack run reports (DESIGN §3, §4), computed from an {@link AttackResult}.
 *
 * <ul>
 *   <li>clean accuracy: the fraction of samples the model classifies correctly before the attack;
 *   <li>success rate: over the samples classified correctly before the attack, the fraction whose
 *       adversarial is misclassified (untargeted) or classified as the target (targeted); NaN if
 *       the model got no sample right;
 *   <li>robust accuracy: over all samples, the fraction classified correctly both before and
 *       after the attack (a sample misclassified to begin with is never robust);
 *   <li>perturbation norms: over the successful adversarials of correctly classified samples (the
 *       examples the attack actually had to make), NaN when there are none;
 *   <li>queries: the mean over all samples of the model evaluations spent on each.
 * </ul>
 *
 * @param samples the number of samples attacked
 * @param cleanAccuracy accuracy before the attack
 * @param successRate the success rate (SR)
 * @param robustAccuracy accuracy after the attack, counting clean mistakes as failures
 * @param l0Mean mean number of changed features
 * @param l2Mean mean L2 norm
 * @param l2Median median L2 norm
 * @param linfMean mean L∞ norm
 * @param linfMax largest L∞ norm
 * @param queriesMean mean queries per sample
 * @param seconds wall-clock time of the attack
 * @param samplesPerSecond samples attacked per second
 */
public record AttackSummary(
        int samples,
        double cleanAccuracy,
        double successRate,
        double robustAccuracy,
        double l0Mean,
        double l2Mean,
        double l2Median,
        double linfMean,
        double linfMax,
        double queriesMean,
        double seconds,
        double samplesPerSecond) {

    /**
     * Summarises a result.
     *
     * @param r the attack result
     * @return its summary
     */
    public static AttackSummary of(AttackResult r) {
        return of(r, r.cleanCorrect(), null);
    }

    /**
     * Summarises a result over the samples an attack had to break, with an optional detector's
     * flags: a sample counts as broken when it is eligible, the attack succeeded on it and the
     * detector did not flag its adversarial. The success rate is over the eligible samples; robust
     * accuracy over all, a sample being robust when eligible and not misclassified-and-unflagged;
     * the norms over the broken samples. {@link #of(AttackResult)} is this with the correctly
     * classified samples eligible and no detector; the attack pool passes its own.
     *
     * @param r the attack result
     * @param eligible per sample, whether the attack had to break it (e.g. correct and not flagged clean)
     * @param flagged per sample, whether a detector flagged the adversarial; {@code null} for none
     * @return the summary; its clean accuracy is the fraction of eligible samples
     */
    public static AttackSummary of(AttackResult r, boolean[] eligible, boolean[] flagged) {
        int n = r.size();
        boolean[] robust = new boolean[n];
        boolean[] broken = new boolean[n];
        for (int i = 0; i < n; i++) {
            boolean passed = flagged == null || !flagged[i];
            boolean misclassified = r.adversarialPredictions()[i] != r.labels()[i];
            robust[i] = eligible[i] && !(misclassified && passed);
            broken[i] = eligible[i] && r.success()[i] && passed;
        }
        float[] l0 = Stats.select(r.l0(), broken);
        float[] l2 = Stats.select(r.l2(), broken);
        float[] linf = Stats.select(r.linf(), broken);
        double queries = n == 0 ? Double.NaN : r.totalQueries() / (double) n;
        return new AttackSummary(
                n,
                Stats.fraction(eligible, null),
                Stats.fraction(broken, eligible),
                Stats.fraction(robust, null),
                Stats.mean(l0),
                Stats.mean(l2),
                Stats.median(l2),
                Stats.mean(linf),
                Stats.max(linf),
                queries,
                r.seconds(),
                r.seconds() > 0 ? n / r.seconds() : Double.NaN);
    }
}
