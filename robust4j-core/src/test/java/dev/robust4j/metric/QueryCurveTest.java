package dev.robust4j.metric;

import static org.assertj.core.api.Assertions.assertThat;

import dev.robust4j.attack.AttackResult;

import org.junit.jupiter.api.Test;

class QueryCurveTest {

    /** Six samples: five classified correctly, of which four broken at 10, 40, 40 and 300 queries. */
    private static AttackResult handMade() {
        int[] labels = {0, 1, 2, 3, 4, 5};
        int[] clean = {0, 1, 2, 3, 4, 9};
        int[] adversarial = {7, 7, 7, 3, 7, 9};
        boolean[] success = {true, true, true, false, true, true};
        long[] queries = {40, 10, 300, 1000, 40, 0};
        float[] zeros = new float[6];
        return new AttackResult(null, success, labels, null, clean, adversarial, zeros, zeros, zeros, queries, 1.0);
    }

    @Test
    void successRateAgainstQueries() {
        QueryCurve curve = QueryCurve.of(handMade());
        assertThat(curve.attackedSamples()).isEqualTo(5);
        assertThat(curve.brokenSamples()).isEqualTo(4);
        assertThat(curve.successRate(0)).isEqualTo(0.0);
        assertThat(curve.successRate(9)).isEqualTo(0.0);
        assertThat(curve.successRate(10)).isEqualTo(0.2);
        assertThat(curve.successRate(39)).isEqualTo(0.2);
        assertThat(curve.successRate(40)).isEqualTo(0.6);
        assertThat(curve.successRate(299)).isEqualTo(0.6);
        assertThat(curve.successRate(300)).isEqualTo(0.8);
        assertThat(curve.successRate(Long.MAX_VALUE)).isEqualTo(0.8);
        // The curve ends at the summary's success rate.
        assertThat(curve.successRate(Long.MAX_VALUE)).isEqualTo(AttackSummary.of(handMade()).successRate());
        assertThat(curve.points()).containsExactly(
                new QueryCurve.Point(10, 0.2), new QueryCurve.Point(40, 0.6), new QueryCurve.Point(300, 0.8));
    }

    @Test
    void meanAndMedianQueriesOverBrokenSamples() {
        QueryCurve curve = QueryCurve.of(handMade());
        // Broken: 10, 40, 40, 300 (the failed 1000 and the misclassified 0 do not count).
        assertThat(curve.meanQueries()).isEqualTo(97.5);
        assertThat(curve.medianQueries()).isEqualTo(40.0);
    }

    @Test
    void nothingBrokenOrNothingCorrect() {
        int[] labels = {0, 1};
        float[] zeros = new float[2];
        AttackResult none = new AttackResult(null, new boolean[] {false, false}, labels, null, labels, labels, zeros,
                zeros, zeros, new long[] {5, 5}, 1.0);
        QueryCurve c = QueryCurve.of(none);
        assertThat(c.successRate(100)).isEqualTo(0.0);
        assertThat(c.meanQueries()).isNaN();
        assertThat(c.medianQueries()).isNaN();
        assertThat(c.points()).isEmpty();
        AttackResult wrong = new AttackResult(null, new boolean[] {true, true}, labels, null, new int[] {1, 0},
                new int[] {1, 0}, zeros, zeros, zeros, new long[] {0, 0}, 1.0);
        assertThat(QueryCurve.of(wrong).successRate(100)).isNaN();
    }
}
