package dev.robust4j.evaluate;

import java.util.Map;

/**
 * Accuracy against perturbation size: one bounded attack run at increasing budgets.
 *
 * @param attack the attack's command-line name
 * @param params the attack's parameters other than {@code eps}
 * @param epsilons the budgets, increasing
 * @param robustAccuracy robust accuracy at each budget
 * @param successRate success rate at each budget
 */
public record Curve(
        String attack, Map<String, Object> params, double[] epsilons, double[] robustAccuracy, double[] successRate) {

    /**
     * Copies the parameters.
     *
     * @param attack the attack's command-line name
     * @param params the attack's parameters other than {@code eps}
     * @param epsilons the budgets, increasing
     * @param robustAccuracy robust accuracy at each budget
     * @param successRate success rate at each budget
     */
    public Curve {
        params = Map.copyOf(params);
    }
}
