package dev.robust4j.evaluate;

import java.util.List;

/**
 * One round of the robustness test: a defence (none in round 0) and what the attack pool achieved
 * against the defended model.
 *
 * @param index 0 for the undefended model, then 1, 2, ...
 * @param defence the defence as specs joined by {@code " + "}, or {@code none}
 * @param kinds the kinds of defence applied: {@code training}, {@code architecture},
 *     {@code preprocessing}, {@code ensemble}, {@code detector}; empty in round 0
 * @param model a description of the model that was attacked
 * @param defenceSeconds time spent making the model (training or calibrating), 0 if none
 * @param pool the attack pool's result
 * @param curves accuracy-vs-epsilon curves on this round's model
 * @param targetMet whether the judged success rate ({@link #judgedSuccessRate()}) is at most the
 *     target
 * @param seconds wall-clock time of the round
 */
public record Round(
        int index,
        String defence,
        List<String> kinds,
        String model,
        double defenceSeconds,
        PoolResult pool,
        List<Curve> curves,
        boolean targetMet,
        double seconds) {

    /** Copies the lists. */
    public Round {
        kinds = List.copyOf(kinds);
        curves = List.copyOf(curves);
    }

    /** @return the clean accuracy of this round's model */
    public double cleanAccuracy() {
        return pool.cleanAccuracy();
    }

    /** @return the overall (worst-case) success rate */
    public double successRate() {
        return pool.successRate();
    }

    /** @return the figures under the physical threat model's transformations, or {@code null} */
    public PhysicalResult physical() {
        return pool.physical();
    }

    /**
     * The success rate the target is judged on: under a physical threat model the worst-case
     * success rate under its transformations ({@link PhysicalResult}), otherwise the untransformed
     * one.
     *
     * @return the judged success rate
     */
    public double judgedSuccessRate() {
        return pool.physical() != null ? pool.physical().successRate() : pool.successRate();
    }

    /** @return the overall (worst-case) robust accuracy */
    public double robustAccuracy() {
        return pool.robustAccuracy();
    }
}
