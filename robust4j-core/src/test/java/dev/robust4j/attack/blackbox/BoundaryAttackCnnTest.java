package dev.robust4j.attack.blackbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.robust4j.attack.AttackResult;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Boundary Attack on the CNN fixture as a label-only black box: distances shrink with more
 * queries, every correctly classified sample is broken, the query budget is hard, runs are
 * reproducible and targeted runs hit the target.
 */
class BoundaryAttackCnnTest {

    private static LabelOnlyCnn cnn;

    @BeforeAll
    static void load() {
        cnn = new LabelOnlyCnn();
    }

    @AfterAll
    static void close() {
        cnn.close();
    }

    @Test
    void medianL2ShrinksWithQueries() {
        int n = 12;
        double previous = Double.POSITIVE_INFINITY;
        double start = 0;
        for (long budget : new long[] {0, 300, 800}) {
            BoundaryAttack boundary = budget == 0
                    ? BoundaryAttack.create().steps(0).seed(5)
                    : BoundaryAttack.create().maxQueries(budget).seed(5);
            try (AttackResult r = cnn.run(boundary, n, false)) {
                boolean[] correct = r.cleanCorrect();
                double median = LabelOnly.median(r.l2(), correct);
                System.out.printf("boundary, %d queries: median L2 %.3f%n", budget, median);
                assertThat(median).as("median L2 with %d queries", budget).isLessThan(previous);
                previous = median;
                if (budget == 0) {
                    start = median;
                } else {
                    assertThat(LabelOnly.maxQueries(r)).isLessThanOrEqualTo(budget);
                }
                assertThat(LabelOnly.count(LabelOnly.and(r.success(), correct))).isEqualTo(LabelOnly.count(correct));
            }
        }
        assertThat(previous).isLessThan(0.8 * start);
    }

    /**
     * Every returned adversarial keeps a margin on the adversarial side (see
     * {@code HopSkipJumpCnnTest.returnedAdversarialsKeepAMarginOnTheAdversarialSide}): the
     * accepted point, which the shrinking source step brings arbitrarily close to the boundary, is
     * moved 0.1% of its distance farther from the clean input.
     */
    @Test
    void returnedAdversarialsKeepAMarginOnTheAdversarialSide() {
        int n = 12;
        BoundaryAttack boundary = BoundaryAttack.create().maxQueries(800).seed(5);
        for (boolean targeted : new boolean[] {false, true}) {
            try (AttackResult r = cnn.run(boundary, n, targeted)) {
                assertThat(LabelOnly.count(LabelOnly.and(r.success(), r.cleanCorrect()))).isPositive();
                assertThat(cnn.smallestRelativeMargin(r)).as("targeted %s", targeted).isGreaterThanOrEqualTo(1e-5);
            }
        }
    }

    @Test
    void targetedHitsTheTargetAndTheSameSeedRepeatsTheRun() {
        int n = 24;
        BoundaryAttack boundary = BoundaryAttack.create().maxQueries(60).seed(2);
        try (AttackResult a = cnn.run(boundary, n, true); AttackResult b = cnn.run(boundary, n, true)) {
            LabelOnly.assertTargetsHit(a);
            assertThat(a.adversarial().toFloatArray()).isEqualTo(b.adversarial().toFloatArray());
            assertThat(a.queries()).isEqualTo(b.queries());
        }
    }

    @Test
    void queriesNeverExceedAnOddBudget() {
        int n = 8;
        try (AttackResult r = cnn.run(BoundaryAttack.create().maxQueries(101).seed(3), n, false)) {
            // Two queries per step: a sample stops at 100 or 101, never at 102.
            assertThat(LabelOnly.maxQueries(r)).isBetween(100L, 101L);
            for (int i = 0; i < n; i++) {
                if (r.cleanCorrect()[i]) {
                    assertThat(r.success()[i]).as("sample %d", i).isTrue();
                    assertThat(r.queries()[i]).isBetween(100L, 101L);
                }
            }
        }
    }
}
