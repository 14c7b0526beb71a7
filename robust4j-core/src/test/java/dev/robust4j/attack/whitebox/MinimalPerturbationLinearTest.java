package dev.robust4j.attack.whitebox;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AbstractEvasionAttack;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Attacks;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.testing.LinearModels;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Closed forms on a binary linear softmax classifier: its decision boundary is the hyperplane
 * {@code w·x + b = 0} with {@code w = w1 − w0}, {@code b = b1 − b0}, so the smallest L2
 * perturbation that flips a sample is {@code |w·x + b| / ‖w‖₂} and the smallest L∞ one is
 * {@code |w·x + b| / ‖w‖₁} (when the box does not bind, which the inputs are chosen for); a
 * logit margin of κ needs {@code (|w·x + b| + κ) / ‖w‖₂}.
 */
class MinimalPerturbationLinearTest {

    private static final int D = 10;
    private static final int N = 12;
    private static final float[] W = new float[2 * D];
    private static final float[] B = {0.2f, -0.1f};
    private static final float[] X = new float[N * D];
    private static final long[] Y = new long[N];
    private static final long[] OTHER = new long[N];
    private static final double[] L2_DISTANCE = new double[N];
    private static final double[] LINF_DISTANCE = new double[N];
    private static final float KAPPA = 0.3f;
    private static final double[] KAPPA_DISTANCE = new double[N];
    private static BlockClassifier model;
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        SplittableRandom r = new SplittableRandom(17);
        for (int i = 0; i < W.length; i++) {
            W[i] = (float) (2 * r.nextDouble() - 1);
        }
        double[] w = new double[D];
        double l2 = 0;
        double l1 = 0;
        for (int j = 0; j < D; j++) {
            w[j] = W[D + j] - W[j];
            l2 += w[j] * w[j];
            l1 += Math.abs(w[j]);
        }
        l2 = Math.sqrt(l2);
        double b = B[1] - B[0];
        // Keep samples whose boundary points (L2 and L∞) lie well inside the box, at a distance
        // large enough for a 5% tolerance to be meaningful.
        int found = 0;
        while (found < N) {
            double[] x = new double[D];
            double m = b;
            for (int j = 0; j < D; j++) {
                x[j] = 0.3 + 0.4 * r.nextDouble();
                m += w[j] * x[j];
            }
            double dist = Math.abs(m) / l2;
            boolean inside = dist > 0.1 && dist < 0.4;
            double kappaShift = Math.signum(m) * (Math.abs(m) + KAPPA) / (l2 * l2);
            for (int j = 0; j < D && inside; j++) {
                double l2Point = x[j] - m * w[j] / (l2 * l2);
                double kappaPoint = x[j] - kappaShift * w[j];
                double linfPoint = x[j] - Math.signum(m) * Math.signum(w[j]) * Math.abs(m) / l1;
                inside = l2Point > 0.02 && l2Point < 0.98 && linfPoint > 0.02 && linfPoint < 0.98
                        && kappaPoint > 0.02 && kappaPoint < 0.98;
            }
            if (!inside) {
                continue;
            }
            for (int j = 0; j < D; j++) {
                X[found * D + j] = (float) x[j];
            }
            Y[found] = m > 0 ? 1 : 0;
            OTHER[found] = 1 - Y[found];
            L2_DISTANCE[found] = dist;
            LINF_DISTANCE[found] = Math.abs(m) / l1;
            KAPPA_DISTANCE[found] = (Math.abs(m) + KAPPA) / l2;
            found++;
        }
        model = LinearModels.softmax(W, B, D);
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
        model.close();
    }

    private static AttackResult run(AbstractEvasionAttack attack, boolean targeted, NDManager m) {
        return targeted
                ? attack.generate(model, m.create(X, new Shape(N, D)), m.create(Y), m.create(OTHER))
                : attack.generate(model, m.create(X, new Shape(N, D)), m.create(Y));
    }

    /** Every sample broken, and its distance within {@code tolerance} of the closed form, never below. */
    private static void assertMinimal(AttackResult r, float[] measured, double[] expected, double tolerance) {
        for (int i = 0; i < N; i++) {
            assertThat(r.success()[i]).as("sample %d broken", i).isTrue();
            assertThat((double) measured[i])
                    .as("sample %d: distance %s vs closed form %s", i, measured[i], expected[i])
                    .isBetween(expected[i] * (1 - 1e-4), expected[i] * (1 + tolerance));
        }
    }

    /** Per-sample L1 norms of the perturbations. */
    private static float[] l1(AttackResult r) {
        float[] adv = r.adversarial().toFloatArray();
        float[] out = new float[N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < D; j++) {
                out[i] += Math.abs(adv[i * D + j] - X[i * D + j]);
            }
        }
        return out;
    }

    @Test
    void carliniWagnerL2ReachesTheClosedFormDistance() {
        try (NDManager m = manager.newSubManager()) {
            AttackResult untargeted = run(Attacks.cwL2().initialConst(1f).binarySearchSteps(2).maxIter(200), false, m);
            assertMinimal(untargeted, untargeted.l2(), L2_DISTANCE, 0.05);
            // Two classes: the targeted attack towards the other class solves the same problem.
            AttackResult targeted = run(Attacks.cwL2().initialConst(1f).binarySearchSteps(2).maxIter(200), true, m);
            assertMinimal(targeted, targeted.l2(), L2_DISTANCE, 0.05);
        }
    }

    @Test
    void carliniWagnerL2WithConfidenceGoesPastTheBoundaryByTheMargin() {
        // For two classes the logit margin is w·x + b itself: a margin of κ lies (|w·x + b| + κ) / ‖w‖ away.
        try (NDManager m = manager.newSubManager()) {
            AttackResult r = run(Attacks.cwL2().confidence(KAPPA).initialConst(1f).binarySearchSteps(2).maxIter(200), false, m);
            assertMinimal(r, r.l2(), KAPPA_DISTANCE, 0.05);
        }
    }

    @Test
    void lbfgsReachesTheClosedFormDistance() {
        try (NDManager m = manager.newSubManager()) {
            AttackResult untargeted = run(Attacks.lbfgs().initialConst(0.1f).binarySearchSteps(10), false, m);
            assertMinimal(untargeted, untargeted.l2(), L2_DISTANCE, 0.05);
            AttackResult targeted = run(Attacks.lbfgs().initialConst(0.1f).binarySearchSteps(10), true, m);
            assertMinimal(targeted, targeted.l2(), L2_DISTANCE, 0.05);
        }
    }

    @Test
    void eadWithSmallBetaApproachesTheClosedFormL2Distance() {
        try (NDManager m = manager.newSubManager()) {
            AttackResult r = run(Attacks.ead().beta(1e-4f).initialConst(1f).binarySearchSteps(2).maxIter(100).learningRate(0.05f), false, m);
            assertMinimal(r, r.l2(), L2_DISTANCE, 0.05);
        }
    }

    @Test
    void carliniWagnerLinfReachesTheClosedFormDistance() {
        try (NDManager m = manager.newSubManager()) {
            AttackResult r = run(Attacks.cwLinf(0.5f).maxIter(20).binarySearchSteps(10), false, m);
            assertMinimal(r, r.linf(), LINF_DISTANCE, 0.05);
        }
    }

    @Test
    void theSearchRaisesATooSmallConstantUntilEverySampleIsBroken() {
        // At c = 1e-4 no sample can be broken; the search must multiply c by 10 per failed round.
        List<IntFunction<AbstractEvasionAttack>> byRounds = List.of(
                rounds -> Attacks.cwL2().initialConst(1e-4f).binarySearchSteps(rounds).maxIter(100).learningRate(0.05f),
                rounds -> Attacks.ead().initialConst(1e-4f).binarySearchSteps(rounds).maxIter(50).learningRate(0.05f),
                rounds -> Attacks.lbfgs().initialConst(1e-4f).binarySearchSteps(rounds).maxIter(30));
        try (NDManager m = manager.newSubManager()) {
            for (IntFunction<AbstractEvasionAttack> attack : byRounds) {
                AttackResult once = run(attack.apply(1), false, m);
                assertThat(once.success()).as("%s, one round at c = 1e-4", attack.apply(1)).doesNotContain(true);
                AttackResult six = run(attack.apply(6), false, m);
                assertThat(six.success()).as("%s, six rounds from c = 1e-4", attack.apply(6)).doesNotContain(false);
            }
        }
    }

    @Test
    void eadDecisionRulesPickTheirOwnBestFromTheSameIterates() {
        try (NDManager m = manager.newSubManager()) {
            ElasticNetAttack ead = Attacks.ead().beta(0.05f).initialConst(2f).binarySearchSteps(2).maxIter(100);
            AttackResult en = run(ead, false, m);
            AttackResult l1 = run(ead.decisionRule(ElasticNetAttack.DecisionRule.L1), false, m);
            float[] enL1 = l1(en);
            float[] l1L1 = l1(l1);
            double l1Sum = 0;
            double enSum = 0;
            double l0L1 = 0;
            double l0En = 0;
            for (int i = 0; i < N; i++) {
                assertThat(en.success()[i] && l1.success()[i]).isTrue();
                // Same trajectory, different pick: each rule's pick is best by its own distance.
                assertThat(l1L1[i]).isLessThanOrEqualTo(enL1[i] * (1 + 1e-5f));
                float elasticEn = en.l2()[i] * en.l2()[i] + 0.05f * enL1[i];
                float elasticL1 = l1.l2()[i] * l1.l2()[i] + 0.05f * l1L1[i];
                assertThat(elasticEn).isLessThanOrEqualTo(elasticL1 * (1 + 1e-4f));
                l1Sum += l1L1[i];
                enSum += enL1[i];
                l0L1 += l1.l0()[i];
                l0En += en.l0()[i];
            }
            assertThat(l1Sum).as("the L1 rule's total L1").isLessThan(enSum);
            assertThat(l0L1).as("the L1 rule's total L0 (sparsity)").isLessThan(l0En);
        }
    }
}
