package dev.robust4j.evaluate;

import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.Budget;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.attack.Norm;

import java.util.Map;
import java.util.Objects;

/**
 * What accuracy-vs-epsilon curve to draw: a bounded attack (one with an {@code eps} parameter),
 * its other parameters, the budgets and how many samples to spend on it.
 *
 * @param attack the attack's command-line name, e.g. {@code pgd}
 * @param params its parameters other than {@code eps}
 * @param epsilons the budgets, increasing, each >= 0 ({@code 0} gives the clean accuracy)
 * @param samples how many of the evaluated samples to use (the first ones), at least 1
 */
public record CurveSpec(String attack, Map<String, String> params, double[] epsilons, int samples) {

    private static final String NOT_BOUNDED = "the attack has no eps budget; accuracy-vs-epsilon needs a bounded"
            + " attack (fgsm, bim, pgd, mim, apgd-ce, square, hop-skip-jump with eps, ...)";

    /**
     * Checks the fields: the attack must exist and be bounded, the budgets increasing.
     *
     * @param attack the attack's command-line name, e.g. {@code pgd}
     * @param params its parameters other than {@code eps}
     * @param epsilons the budgets, increasing, each >= 0 ({@code 0} gives the clean accuracy)
     * @param samples how many of the evaluated samples to use (the first ones), at least 1
     */
    public CurveSpec {
        Objects.requireNonNull(attack, "attack");
        params = Map.copyOf(params == null ? Map.of() : params);
        if (params.containsKey("eps")) {
            throw new IllegalArgumentException("curve for " + attack + ": give the budgets as epsilons, not eps="
                    + params.get("eps"));
        }
        if (epsilons == null || epsilons.length == 0) {
            throw new IllegalArgumentException("curve for " + attack + ": epsilons must list at least one budget");
        }
        epsilons = epsilons.clone();
        for (int i = 0; i < epsilons.length; i++) {
            if (!(epsilons[i] >= 0) || Double.isInfinite(epsilons[i]) || (i > 0 && !(epsilons[i] > epsilons[i - 1]))) {
                throw new IllegalArgumentException("curve for " + attack + ": epsilons must be finite, >= 0 and"
                        + " increasing, got " + java.util.Arrays.toString(epsilons));
            }
        }
        if (samples < 1) {
            throw new IllegalArgumentException("curve for " + attack + ": samples must be >= 1, got " + samples);
        }
        double probe = 0;
        for (double e : epsilons) {
            if (e > 0) {
                probe = e;
                break;
            }
        }
        if (probe > 0) {
            attackAt(attack, params, probe);
        }
    }

    /**
     * Makes the attack at one budget: the registry's attack with {@code params}, then
     * {@link EvasionAttack#withBudget} in the attack's own norm.
     *
     * @param eps the budget, > 0
     * @return the attack
     */
    public EvasionAttack attackAt(double eps) {
        return attackAt(attack, params, eps);
    }

    private static EvasionAttack attackAt(String attack, Map<String, String> params, double eps) {
        try {
            EvasionAttack base = AttackRegistry.create(attack, params);
            Norm norm = base.budgetNorm().orElseThrow(() -> new IllegalArgumentException(NOT_BOUNDED));
            // the value a parameter eps=<eps> would have had
            return base.withBudget(new Budget(norm, Float.parseFloat(Double.toString(eps))));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("curve for " + attack + ": " + e.getMessage(), e);
        }
    }
}
