package dev.robust4j.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDManager;
import dev.robust4j.attack.AttackResult;

import org.junit.jupiter.api.Test;

class AttackSummaryTest {

    @Test
    void successRateCountsOnlyCorrectlyClassifiedSamples() {
        // 5 samples: 0..3 clean-correct, 4 clean-wrong. Attack breaks 1 and 3 (and trivially 4).
        int[] labels = {0, 1, 2, 3, 4};
        int[] clean = {0, 1, 2, 3, 0};
        int[] adv = {0, 2, 2, 0, 0};
        boolean[] success = {false, true, false, true, true};
        float[] l2 = {0f, 1f, 0.5f, 3f, 9f};
        float[] linf = {0f, 0.1f, 0.05f, 0.3f, 0.9f};
        float[] l0 = {0f, 10f, 5f, 30f, 90f};
        try (NDManager m = NDManager.newBaseManager()) {
            AttackResult r = new AttackResult(m.zeros(new ai.djl.ndarray.types.Shape(5, 2)), success, labels, null,
                    clean, adv, l0, l2, linf, new long[] {1, 2, 3, 4, 5}, 2.0);
            AttackSummary s = AttackSummary.of(r);
            assertThat(s.samples()).isEqualTo(5);
            assertThat(s.cleanAccuracy()).isCloseTo(0.8, offset(1e-12));
            assertThat(s.successRate()).isCloseTo(0.5, offset(1e-12));
            assertThat(s.robustAccuracy()).isCloseTo(0.4, offset(1e-12));
            // Norms over the two adversarials the attack had to make (samples 1 and 3).
            assertThat(s.l2Mean()).isCloseTo(2.0, offset(1e-6));
            assertThat(s.l2Median()).isCloseTo(2.0, offset(1e-6));
            assertThat(s.linfMax()).isCloseTo(0.3, offset(1e-6));
            assertThat(s.l0Mean()).isCloseTo(20.0, offset(1e-6));
            assertThat(s.queriesMean()).isCloseTo(3.0, offset(1e-12));
            assertThat(s.samplesPerSecond()).isCloseTo(2.5, offset(1e-12));
        }
    }

    @Test
    void undefinedNumbersAreNaN() {
        try (NDManager m = NDManager.newBaseManager()) {
            AttackResult r = new AttackResult(m.zeros(new ai.djl.ndarray.types.Shape(1, 2)), new boolean[] {true},
                    new int[] {1}, null, new int[] {0}, new int[] {0}, new float[1], new float[1], new float[1],
                    new long[1], 1.0);
            AttackSummary s = AttackSummary.of(r);
            assertThat(s.successRate()).isNaN();
            assertThat(s.l2Median()).isNaN();
            assertThat(s.robustAccuracy()).isZero();
        }
    }

    @Test
    void medianOfEvenCountIsTheMeanOfTheMiddlePair() {
        assertThat(Stats.median(new float[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(Stats.median(new float[] {5, 1, 3})).isEqualTo(3.0);
    }
}
