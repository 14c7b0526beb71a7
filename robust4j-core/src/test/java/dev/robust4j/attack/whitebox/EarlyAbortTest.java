package dev.robust4j.attack.whitebox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EarlyAbortTest {

    private static final int[] BOTH = {0, 1};

    @Test
    void aSampleWhoseLossRisesStaysAndOneWhoseLossIsFlatLeaves() {
        EarlyAbort abort = new EarlyAbort(2, 100);
        abort.reset();
        assertThat(abort.keep(0, BOTH, new float[] {5f, 5f})).containsExactly(true, true);
        for (int iter = 1; iter < 10; iter++) {
            // sample 0 overshoots the boundary: its loss rises for a while; sample 1 does not move
            boolean[] keep = abort.keep(iter, BOTH, new float[] {5f + iter, 5f});
            assertThat(keep).containsExactly(true, true);
        }
        assertThat(abort.keep(10, BOTH, new float[] {9f, 5f})).containsExactly(true, false);
    }

    @Test
    void theLowestLossOfThePeriodCountsNotTheLossAtTheCheck() {
        EarlyAbort abort = new EarlyAbort(1, 10);
        abort.reset();
        int[] one = {0};
        assertThat(abort.keep(0, one, new float[] {4f})).containsExactly(true);
        // the period reached 4 exactly again, higher values around it: flat, so the sample leaves
        assertThat(abort.keep(1, one, new float[] {4f})).containsExactly(false);
        abort.reset();
        assertThat(abort.keep(0, one, new float[] {4f})).containsExactly(true);
        assertThat(abort.keep(1, one, new float[] {3f})).containsExactly(true);
    }

    @Test
    void checksHappenEveryTenthOfTheIterationsAndTheFirstNeverStops() {
        EarlyAbort abort = new EarlyAbort(1, 50);
        abort.reset();
        int[] one = {0};
        for (int iter = 0; iter < 5; iter++) {
            assertThat(abort.keep(iter, one, new float[] {1f})).containsExactly(true);
        }
        assertThat(abort.keep(5, one, new float[] {1f})).containsExactly(false);
        assertThat(EarlyAbort.flat(1f, Float.POSITIVE_INFINITY)).isFalse();
        assertThat(EarlyAbort.flat(1.00005f, 1f)).isTrue();
        assertThat(EarlyAbort.flat(0.999f, 1f)).isFalse();
    }
}
