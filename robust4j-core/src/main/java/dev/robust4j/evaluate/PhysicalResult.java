package dev.robust4j.evaluate;

import java.util.List;

/**
 * What an attack pool achieved under a physical threat model ({@link PhysicalThreat}): the world
 * applies a random transformation t ~ T to whatever input is shown to the model. Every figure is
 * over pairs (sample i, draw t), the clean input and each attack's adversarial of sample i seeing
 * the same t; "right" means the model (and, with a detector, not flagged) answers the true class,
 * "broken" that it answers another class and the detector, if any, does not flag it.
 *
 * <ul>
 *   <li>clean accuracy under T: the share of all pairs where the clean input is answered right;
 *   <li>an attack's success rate under T: over the pairs where the clean input is answered right,
 *       the share where the attack's adversarial is broken — DESIGN's success rate with "classified
 *       correctly before the attack" taken under the same draw, so that a transformation that
 *       already fools the model on the clean input is not credited to the attack;
 *   <li>its robust accuracy under T: the share of all pairs where the clean input is answered right
 *       and the adversarial is not broken;
 *   <li>its survival: over the samples whose adversarial is broken untransformed (the attack's
 *       success in the pool), the mean fraction of draws under which it stays broken, and the share
 *       of those samples that stay broken under at least half of the draws;
 *   <li>the pool's worst case: the attacker shows one adversarial per sample before the world
 *       draws t, so for each sample the attack whose adversarial is broken under the most draws
 *       counts; success rate and robust accuracy as above with those counts. (The choice is made on
 *       the same draws it is scored on, which leans, slightly, towards the attacker.)
 * </ul>
 *
 * <p>The target is judged on the success rate under T ({@link Round#judgedSuccessRate()}): under a
 * physical threat model an adversarial that works only on the exact pixel grid is not a threat.
 *
 * @param threat the settings
 * @param cleanAccuracy clean accuracy under T
 * @param successRate the pool's worst-case success rate under T; NaN if no attack ran or no pair is
 *     answered right
 * @param robustAccuracy the pool's worst-case robust accuracy under T; NaN if no attack ran
 * @param attacks each attack's figures, in pool order
 * @param cleanAccuracyAtStrength clean accuracy under each factor of {@link PhysicalThreat#strengths()}
 */
public record PhysicalResult(
        PhysicalThreat threat,
        double cleanAccuracy,
        double successRate,
        double robustAccuracy,
        List<Attack> attacks,
        double[] cleanAccuracyAtStrength) {

    /** Copies the list. */
    public PhysicalResult {
        attacks = List.copyOf(attacks);
        cleanAccuracyAtStrength = cleanAccuracyAtStrength.clone();
    }

    /**
     * One attack's figures under T (NaN when undefined, all NaN when the attack was skipped).
     *
     * @param label the attack's label in the pool
     * @param successRate success rate under T
     * @param robustAccuracy robust accuracy under T
     * @param survival mean fraction of draws under which its successful adversarials stay broken
     * @param survivalAtLeastHalf share of its successful adversarials broken under at least half of
     *     the draws
     * @param survivalAtStrength survival at each factor of the threat's strengths
     * @param successRateAtStrength success rate under T at each factor
     */
    public record Attack(
            String label,
            double successRate,
            double robustAccuracy,
            double survival,
            double survivalAtLeastHalf,
            double[] survivalAtStrength,
            double[] successRateAtStrength) {

        /** Copies the arrays. */
        public Attack {
            survivalAtStrength = survivalAtStrength.clone();
            successRateAtStrength = successRateAtStrength.clone();
        }
    }

    /**
     * Finds an attack's figures by its pool label.
     *
     * @param label the label
     * @return the figures
     * @throws IllegalArgumentException if no attack has that label
     */
    public Attack attack(String label) {
        for (Attack a : attacks) {
            if (a.label().equals(label)) {
                return a;
            }
        }
        throw new IllegalArgumentException("no attack labelled '" + label + "' in the pool");
    }
}
