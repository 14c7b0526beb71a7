package dev.robust4j.attack.whitebox;

import dev.robust4j.attack.Batches;

/**
 * The per-sample binary search over the trade-off constant {@code c} of Carlini and Wagner
 * (2017), shared by C&amp;W L2, EAD and L-BFGS. Each sample keeps its own bracket
 * {@code [lower, upper]}: after a round in which the sample succeeded, {@code upper = c}; after a
 * failure, {@code lower = c}. The next {@code c} is the bracket's midpoint once an upper bound is
 * known, and ten times the current {@code c} until then.
 */
final class ConstSearch {

    /** The "no upper bound yet" value of the reference implementation. */
    private static final double NO_UPPER = 1e10;

    private final double[] c;
    private final double[] lower;
    private final double[] upper;

    ConstSearch(int n, double initial) {
        c = new double[n];
        lower = new double[n];
        upper = new double[n];
        java.util.Arrays.fill(c, initial);
        java.util.Arrays.fill(upper, NO_UPPER);
    }

    /** @return the constants of the given samples, for this round */
    float[] values(int[] idx) {
        return Batches.pick(c, idx);
    }

    /** @return the constant of one sample */
    double value(int sample) {
        return c[sample];
    }

    /**
     * Moves every sample's constant after a round.
     *
     * @param success per sample, whether any point of the round met the goal
     */
    void update(boolean[] success) {
        for (int i = 0; i < c.length; i++) {
            if (success[i]) {
                upper[i] = Math.min(upper[i], c[i]);
                if (upper[i] < 1e9) {
                    c[i] = (lower[i] + upper[i]) / 2;
                }
            } else {
                lower[i] = Math.max(lower[i], c[i]);
                c[i] = upper[i] < 1e9 ? (lower[i] + upper[i]) / 2 : c[i] * 10;
            }
        }
    }
}
