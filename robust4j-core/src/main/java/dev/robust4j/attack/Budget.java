package dev.robust4j.attack;

import dev.robust4j.model.Bounds;

/**
 * A perturbation budget: the ball of radius {@code eps} in a norm around each input. Bounded
 * attacks declare one, and the attack template guarantees every returned adversarial lies inside.
 *
 * @param norm the norm
 * @param eps the radius, positive
 */
public record Budget(Norm norm, float eps) {

    /** Relative slack allowed when checking that a perturbation lies in the ball. */
    public static final float TOLERANCE = 1e-5f;

    /**
     * Validates the budget.
     *
     * @param norm the norm
     * @param eps the radius, positive
     * @throws IllegalArgumentException if eps is not a positive finite number or the norm cannot
     *     bound an attack
     */
    public Budget {
        if (norm == null || !norm.supportsSteps()) {
            throw new IllegalArgumentException("norm must be one of linf, l2, l1, got " + norm);
        }
        if (!(eps > 0) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException("eps must be a positive number, got " + eps);
        }
    }

    /**
     * The radius an attack uses when none is given: 0.1 in L∞ (for inputs in [0, 1]), 1.0 in L2,
     * 10 in L1 (and 0.1 for any other norm, which no bounded attack accepts).
     *
     * @param norm the norm
     * @return the default radius
     */
    public static float defaultEps(Norm norm) {
        return switch (norm) {
            case L2 -> 1.0f;
            case L1 -> 10f;
            default -> 0.1f;
        };
    }

    /**
     * Checks that the budget is meaningful for inputs in the given bounds.
     *
     * @param bounds the model's input bounds
     * @param dimension features per sample
     * @throws IllegalArgumentException if eps exceeds the radius of the whole input box
     */
    public void checkAgainst(Bounds bounds, long dimension) {
        double max = norm.boxRadius(bounds.width(), dimension);
        if (eps > max * (1 + TOLERANCE)) {
            throw new IllegalArgumentException(
                    "eps must be in (0, " + (float) max + "] for bounds " + bounds + " under the "
                            + norm.cliName() + " norm, got " + eps);
        }
    }

    /**
     * Tells whether a perturbation of the given norm lies in the ball, up to float rounding.
     *
     * @param value the perturbation's norm
     * @return true if inside
     */
    public boolean admits(float value) {
        return value <= eps * (1 + TOLERANCE) + 1e-7f;
    }
}
