package dev.robust4j.evaluate;

import java.util.List;

/**
 * What a whole attack pool achieved against one model: each attack's outcome and the per-sample
 * worst case. A sample counts as broken if any attack broke it; the overall success rate is over
 * the samples classified correctly (and not flagged) before the attack, and the overall robust
 * accuracy over all samples.
 *
 * @param samples samples attacked
 * @param cleanAccuracy accuracy before the attack (with a detector, flagged clean samples count as
 *     errors)
 * @param attacks each attack's outcome, in pool order
 * @param successRate the worst-case success rate over the attacks that ran
 * @param robustAccuracy the worst-case robust accuracy
 * @param broken per sample, whether any attack broke it
 * @param examples the broken samples with the smallest perturbations, smallest first
 * @param seconds wall-clock time of the pool
 * @param physical the figures under a physical threat model's transformations, or {@code null}
 *     when none was declared
 */
public record PoolResult(
        int samples,
        double cleanAccuracy,
        List<AttackOutcome> attacks,
        double successRate,
        double robustAccuracy,
        boolean[] broken,
        List<Example> examples,
        double seconds,
        PhysicalResult physical) {

    /** Copies the lists. */
    public PoolResult {
        attacks = List.copyOf(attacks);
        examples = List.copyOf(examples);
    }

    /**
     * A result without a physical threat model.
     *
     * @param samples samples attacked
     * @param cleanAccuracy accuracy before the attack
     * @param attacks each attack's outcome
     * @param successRate the worst-case success rate
     * @param robustAccuracy the worst-case robust accuracy
     * @param broken per sample, whether any attack broke it
     * @param examples the broken samples with the smallest perturbations
     * @param seconds wall-clock time of the pool
     */
    public PoolResult(int samples, double cleanAccuracy, List<AttackOutcome> attacks, double successRate,
            double robustAccuracy, boolean[] broken, List<Example> examples, double seconds) {
        this(samples, cleanAccuracy, attacks, successRate, robustAccuracy, broken, examples, seconds, null);
    }

    /**
     * Finds an attack's outcome by its pool label.
     *
     * @param label the label
     * @return the outcome
     * @throws IllegalArgumentException if no attack has that label
     */
    public AttackOutcome attack(String label) {
        for (AttackOutcome a : attacks) {
            if (a.label().equals(label)) {
                return a;
            }
        }
        throw new IllegalArgumentException("no attack labelled '" + label + "' in the pool");
    }
}
