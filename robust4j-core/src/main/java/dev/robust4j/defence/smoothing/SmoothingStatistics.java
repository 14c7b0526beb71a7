package dev.robust4j.defence.smoothing;

import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * The three statistics randomized smoothing needs, computed by Apache Commons Statistics: the
 * one-sided Clopper–Pearson lower confidence bound on a binomial proportion (a beta quantile), the
 * standard normal quantile {@code Φ⁻¹}, and the two-sided exact binomial test.
 */
public final class SmoothingStatistics {

    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

    private SmoothingStatistics() {}

    /**
     * The one-sided {@code (1 − alpha)} Clopper–Pearson lower confidence bound on the success
     * probability of a binomial, after {@code successes} successes in {@code trials} trials: the
     * {@code alpha} quantile of {@code Beta(successes, trials − successes + 1)}, and 0 when there is
     * no success. This is the lower end of the two-sided interval at level {@code 2·alpha}
     * (statsmodels' {@code proportion_confint(k, n, alpha=2·alpha, method="beta")[0]}, which the
     * authors' code calls).
     *
     * @param successes the successes, in {@code [0, trials]}
     * @param trials the trials, at least 1
     * @param alpha the failure probability, in {@code (0, 1)}
     * @return the lower bound, in {@code [0, 1)}
     */
    public static double clopperPearsonLower(int successes, int trials, double alpha) {
        if (trials < 1) {
            throw new IllegalArgumentException("trials must be >= 1, got " + trials);
        }
        if (successes < 0 || successes > trials) {
            throw new IllegalArgumentException("successes must be in [0, " + trials + "], got " + successes);
        }
        checkAlpha(alpha);
        if (successes == 0) {
            return 0;
        }
        return BetaDistribution.of(successes, trials - successes + 1.0).inverseCumulativeProbability(alpha);
    }

    /**
     * The standard normal quantile function {@code Φ⁻¹}.
     *
     * @param p a probability in {@code [0, 1]}
     * @return {@code Φ⁻¹(p)}; {@code ±∞} at 0 and 1
     */
    public static double normalQuantile(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in [0, 1], got " + p);
        }
        return STANDARD_NORMAL.inverseCumulativeProbability(p);
    }

    /**
     * The p-value of the two-sided exact binomial test of {@code H0: p = 1/2}, after {@code k}
     * successes in {@code n} trials (the sum of the probabilities of the outcomes no more likely
     * than the one observed, as SciPy's {@code binomtest}).
     *
     * @param k the successes, in {@code [0, n]}
     * @param n the trials, at least 1
     * @return the p-value, in {@code (0, 1]}
     */
    public static double binomialTestHalf(int k, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("trials must be >= 1, got " + n);
        }
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("successes must be in [0, " + n + "], got " + k);
        }
        int tail = Math.min(k, n - k);
        if (2 * tail == n) {
            return 1.0;
        }
        return Math.min(1.0, 2 * BinomialDistribution.of(n, 0.5).cumulativeProbability(tail));
    }

    /**
     * The certified L2 radius {@code σ·Φ⁻¹(pA)} of a lower bound {@code pA ≥ 1/2} on the top
     * class's probability (Cohen et al., Theorem 1 with {@code pB = 1 − pA}).
     *
     * @param sigma the noise's standard deviation
     * @param pALower the lower bound, in {@code [1/2, 1)}
     * @return the radius, non-negative
     */
    public static double radius(double sigma, double pALower) {
        if (!(pALower >= 0.5 && pALower < 1)) {
            throw new IllegalArgumentException("pA's lower bound must be in [0.5, 1), got " + pALower);
        }
        return sigma * normalQuantile(pALower);
    }

    static void checkAlpha(double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
    }
}
