package dev.robust4j.defence.smoothing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;
import static org.assertj.core.data.Percentage.withPercentage;

import org.junit.jupiter.api.Test;

/**
 * The statistics against closed forms, and against SciPy 1.10 / statsmodels 0.13 values (the
 * functions the authors' code calls: {@code proportion_confint(k, n, alpha=2α, method="beta")},
 * {@code norm.ppf}, {@code binomtest(k, n, 0.5).pvalue}), printed to 16 digits by those libraries.
 */
class SmoothingStatisticsTest {

    @Test
    void clopperPearsonMatchesItsClosedFormsAtTheEnds() {
        for (int n : new int[] {1, 10, 100, 1000, 100_000}) {
            for (double alpha : new double[] {0.1, 0.001, 1e-6}) {
                // all successes: Beta(n, 1) has CDF x^n, so the bound is alpha^(1/n)
                assertThat(SmoothingStatistics.clopperPearsonLower(n, n, alpha))
                        .as("n=%d alpha=%s", n, alpha).isCloseTo(Math.pow(alpha, 1.0 / n), withPercentage(1e-9));
                // one success: Beta(1, n) has CDF 1 - (1 - x)^n
                assertThat(SmoothingStatistics.clopperPearsonLower(1, n, alpha))
                        .as("n=%d alpha=%s", n, alpha).isCloseTo(-Math.expm1(Math.log1p(-alpha) / n), withPercentage(1e-7));
                assertThat(SmoothingStatistics.clopperPearsonLower(0, n, alpha)).isZero();
            }
        }
    }

    @Test
    void clopperPearsonMatchesStatsmodels() {
        assertThat(SmoothingStatistics.clopperPearsonLower(990, 1000, 0.001)).isCloseTo(0.9760361871553114, offset(1e-12));
        assertThat(SmoothingStatistics.clopperPearsonLower(871, 1000, 0.001)).isCloseTo(0.8352523876363858, offset(1e-12));
        assertThat(SmoothingStatistics.clopperPearsonLower(520, 1000, 0.001)).isCloseTo(0.4706744673534514, offset(1e-12));
        assertThat(SmoothingStatistics.clopperPearsonLower(63, 100, 0.01)).isCloseTo(0.5092699491346779, offset(1e-12));
        assertThat(SmoothingStatistics.clopperPearsonLower(9999, 10000, 1e-6)).isCloseTo(0.9983324663427494, offset(1e-12));
    }

    @Test
    void clopperPearsonIsMonotone() {
        double last = -1;
        for (int k = 0; k <= 200; k++) {
            double p = SmoothingStatistics.clopperPearsonLower(k, 200, 0.001);
            assertThat(p).isGreaterThan(last).isLessThan(k / 200.0 + 1e-15);
            last = p;
        }
    }

    @Test
    void normalQuantile() {
        assertThat(SmoothingStatistics.normalQuantile(0.5)).isCloseTo(0.0, offset(1e-15));
        assertThat(SmoothingStatistics.normalQuantile(0.975)).isCloseTo(1.959963984540054, offset(1e-14));
        assertThat(SmoothingStatistics.normalQuantile(0.999)).isCloseTo(3.090232306167813, offset(1e-14));
        assertThat(SmoothingStatistics.normalQuantile(0.6)).isCloseTo(0.2533471031357997, offset(1e-14));
        assertThat(SmoothingStatistics.normalQuantile(1e-9)).isCloseTo(-5.9978070150076865, offset(1e-12));
        assertThat(SmoothingStatistics.normalQuantile(1.0)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThatThrownBy(() -> SmoothingStatistics.normalQuantile(1.5)).hasMessageContaining("p must be in [0, 1], got 1.5");
    }

    @Test
    void binomialTestMatchesItsClosedForms() {
        // symmetric under H0: p = 2 P(X <= min(k, n - k)), capped at 1
        assertThat(SmoothingStatistics.binomialTestHalf(10, 10)).isCloseTo(2.0 / 1024, offset(1e-15));
        assertThat(SmoothingStatistics.binomialTestHalf(0, 10)).isCloseTo(2.0 / 1024, offset(1e-15));
        assertThat(SmoothingStatistics.binomialTestHalf(8, 10)).isCloseTo(2.0 * (1 + 10 + 45) / 1024, offset(1e-15));
        assertThat(SmoothingStatistics.binomialTestHalf(5, 10)).isEqualTo(1.0);
        assertThat(SmoothingStatistics.binomialTestHalf(1, 1)).isEqualTo(1.0);
        // SciPy's binomtest
        assertThat(SmoothingStatistics.binomialTestHalf(7, 10)).isCloseTo(0.34375, offset(1e-15));
        assertThat(SmoothingStatistics.binomialTestHalf(60, 100)).isCloseTo(0.05688793364098088, offset(1e-13));
        assertThat(SmoothingStatistics.binomialTestHalf(530, 1000)).isCloseTo(0.06202319509836348, offset(1e-13));
        assertThat(SmoothingStatistics.binomialTestHalf(0, 20)).isCloseTo(1.9073486328125e-06, offset(1e-18));
    }

    @Test
    void radiusIsSigmaTimesTheNormalQuantile() {
        assertThat(SmoothingStatistics.radius(0.25, 0.5)).isCloseTo(0.0, offset(1e-15));
        assertThat(SmoothingStatistics.radius(0.5, 0.975)).isCloseTo(0.5 * 1.959963984540054, offset(1e-14));
        assertThatThrownBy(() -> SmoothingStatistics.radius(0.25, 0.4)).hasMessageContaining("[0.5, 1), got 0.4");
    }

    @Test
    void refusesBadArguments() {
        assertThatThrownBy(() -> SmoothingStatistics.clopperPearsonLower(1, 0, 0.1)).hasMessageContaining("trials must be >= 1, got 0");
        assertThatThrownBy(() -> SmoothingStatistics.clopperPearsonLower(11, 10, 0.1)).hasMessageContaining("[0, 10], got 11");
        assertThatThrownBy(() -> SmoothingStatistics.clopperPearsonLower(5, 10, 0)).hasMessageContaining("alpha must be in (0, 1), got 0.0");
        assertThatThrownBy(() -> SmoothingStatistics.clopperPearsonLower(5, 10, Double.NaN)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> SmoothingStatistics.binomialTestHalf(-1, 10)).hasMessageContaining("got -1");
    }
}
