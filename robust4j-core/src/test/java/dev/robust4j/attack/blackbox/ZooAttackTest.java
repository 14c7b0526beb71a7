package dev.robust4j.attack.blackbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.model.Criterion;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.Objective;
import dev.robust4j.model.Objectives;
import dev.robust4j.testing.LinearModels;

import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ZOO-ADAM: its gradient estimate against the white-box gradient, and its attack on linear models. */
class ZooAttackTest {

    private static final int K = 4;
    private static final int D = 16;
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /**
     * The symmetric finite differences of ZOO's loss {@code ||x' - x||² + c max(margin, -kappa)}
     * equal the white-box gradient of the same loss (autograd through the model for the margin
     * term, {@code 2 (x' - x)} for the distance), including at coordinates on the bounds where a
     * probe is clipped and the difference is one-sided.
     */
    @ParameterizedTest(name = "targeted={0}")
    @ValueSource(booleans = {false, true})
    void finiteDifferencesEqualTheWhiteBoxGradientOfTheSameLoss(boolean targeted) {
        float[] w = LinearModels.randomWeights(K, D, 1.0, 5);
        float[] b = {0.3f, -0.2f, 0.1f, 0f};
        SplittableRandom r = new SplittableRandom(9);
        float[] x0 = new float[D];
        float[] point = new float[D];
        for (int j = 0; j < D; j++) {
            x0[j] = (float) (0.2 + 0.6 * r.nextDouble());
            point[j] = (float) (x0[j] + 0.1 * (r.nextDouble() - 0.5));
        }
        point[0] = 1f;
        point[1] = 0f;
        int[] coords = new int[D];
        for (int j = 0; j < D; j++) {
            coords[j] = D - 1 - j;
        }
        double c = 2.5;
        double kappa = 0.5;
        try (BlockClassifier model = LinearModels.softmax(w, b, 1, 4, 4); NDManager m = manager.newSubManager()) {
            NDArray p = m.create(point, new Shape(1, 1, 4, 4));
            int predicted = Scores.argMax(model.predict(p).toFloatArray(), 0, K);
            // Untargeted: the label is the predicted class (margin > 0 > -kappa, the linear piece);
            // targeted: another class (margin of the others > 0).
            int cls = targeted ? (predicted + 1) % K : predicted;
            Criterion criterion = targeted
                    ? Criterion.targeted(new int[] {predicted}, new int[] {cls})
                    : Criterion.misclassification(new int[] {cls});
            float[] rows = new float[2 * D * D];
            ZooAttack.writeProbes(point, 0, D, coords, ZooAttack.FD_STEP, Bounds.UNIT, rows, 0);
            float[] logits = model.predict(m.create(rows, new Shape(2 * D, 1, 4, 4))).toFloatArray();
            double[] estimate = ZooAttack.coordinateGradient(
                    point, x0, 0, D, coords, ZooAttack.FD_STEP, Bounds.UNIT, logits, 0, K, criterion, 0, c, kappa);

            Objective f = (z, labels) -> {
                NDArray others = Objectives.margin().apply(z, labels); // max_{j != y} z_j - z_y
                NDArray value = targeted ? others : others.neg();
                return value.maximum((float) -kappa).mul((float) c);
            };
            Evaluation ev = model.evaluate(p, f, m.create(new long[] {cls}));
            float[] fGrad = ev.gradient().toFloatArray();
            double errorNorm = 0;
            double trueNorm = 0;
            for (int i = 0; i < D; i++) {
                int j = coords[i];
                double truth = fGrad[j] + 2.0 * (point[j] - x0[j]);
                assertThat(estimate[i]).as("d loss / d x_%d", j).isCloseTo(truth, within(1e-2));
                errorNorm += (estimate[i] - truth) * (estimate[i] - truth);
                trueNorm += truth * truth;
            }
            assertThat(Math.sqrt(trueNorm)).isGreaterThan(1.0);
            assertThat(Math.sqrt(errorNorm / trueNorm)).as("relative error of the estimate").isLessThan(5e-3);
        }
    }

    private static float[] inputs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.2 + 0.6 * r.nextDouble());
        }
        return x;
    }

    @ParameterizedTest(name = "targeted={0}")
    @ValueSource(booleans = {false, true})
    void succeedsOnALinearBlackBoxModel(boolean targeted) {
        int n = 6;
        RecordingLinearModel model = new RecordingLinearModel(3, new long[] {1, 4, 4}, 1.0, new float[] {0.5f, 0f, -0.5f}, 21);
        float[] x = inputs(n, 4);
        long[] labels = new long[n];
        long[] targets = new long[n];
        for (int s = 0; s < n; s++) {
            labels[s] = model.predict(Arrays.copyOfRange(x, s * D, s * D + D));
            targets[s] = (labels[s] + 2) % 3;
        }
        ZooAttack zoo = ZooAttack.create().nbParallel(8).maxIter(300).learningRate(0.05f);
        try (NDManager m = manager.newSubManager();
                AttackResult r = targeted
                        ? zoo.generate(model.classifier, m.create(x, new Shape(n, 1, 4, 4)), m.create(labels), m.create(targets))
                        : zoo.generate(model.classifier, m.create(x, new Shape(n, 1, 4, 4)), m.create(labels))) {
            BlackBoxChecks.checkContract(model.classifier, x, r, Optional.empty(), zoo.effectiveMaxQueries());
            for (int s = 0; s < n; s++) {
                assertThat(r.success()[s]).as("sample %d", s).isTrue();
                assertThat(r.queries()[s] % 16).as("whole iterations of 2 x 8 probes").isZero();
                assertThat(r.queries()[s]).isLessThan(zoo.effectiveMaxQueries());
            }
        }
    }

    @Test
    void neverExceedsMaxQueriesAndUsesTheLastQueriesOnFewerCoordinates() {
        int n = 4;
        RecordingLinearModel model = new RecordingLinearModel(3, new long[] {1, 4, 4}, 1.0, new float[] {0.5f, 0f, -0.5f}, 21);
        float[] x = inputs(n, 4);
        long[] labels = new long[n];
        for (int s = 0; s < n; s++) {
            labels[s] = model.predict(Arrays.copyOfRange(x, s * D, s * D + D));
        }
        // A tiny c: the distance term wins and no sample is broken; 101 queries = 6 x 16 + 4 + 1 left over.
        ZooAttack zoo = ZooAttack.create().nbParallel(8).initialConst(1e-4f).maxQueries(101);
        try (NDManager m = manager.newSubManager();
                AttackResult r = zoo.generate(model.classifier, m.create(x, new Shape(n, 1, 4, 4)), m.create(labels))) {
            BlackBoxChecks.checkContract(model.classifier, x, r, Optional.empty(), 101);
            for (int s = 0; s < n; s++) {
                assertThat(r.success()[s]).isFalse();
                assertThat(r.queries()[s]).isEqualTo(100);
            }
        }
    }

    @Test
    void binarySearchKeepsQueryingAndShrinksThePerturbation() {
        int n = 4;
        RecordingLinearModel model = new RecordingLinearModel(3, new long[] {1, 4, 4}, 1.0, new float[] {0.5f, 0f, -0.5f}, 21);
        float[] x = inputs(n, 8);
        long[] labels = new long[n];
        for (int s = 0; s < n; s++) {
            labels[s] = model.predict(Arrays.copyOfRange(x, s * D, s * D + D));
        }
        ZooAttack once = ZooAttack.create().nbParallel(8).maxIter(150).learningRate(0.05f).initialConst(100f);
        ZooAttack search = once.binarySearchSteps(4);
        try (NDManager m = manager.newSubManager();
                AttackResult a = once.generate(model.classifier, m.create(x, new Shape(n, 1, 4, 4)), m.create(labels));
                AttackResult b = search.generate(model.classifier, m.create(x, new Shape(n, 1, 4, 4)), m.create(labels))) {
            BlackBoxChecks.checkContract(model.classifier, x, b, Optional.empty(), search.effectiveMaxQueries());
            double l2Once = 0;
            double l2Search = 0;
            for (int s = 0; s < n; s++) {
                assertThat(a.success()[s]).isTrue();
                assertThat(b.success()[s]).isTrue();
                assertThat(b.queries()[s]).isGreaterThan(a.queries()[s]);
                l2Once += a.l2()[s];
                l2Search += b.l2()[s];
            }
            assertThat(l2Search).isLessThan(l2Once);
        }
    }

    @Test
    void sameSeedSameResult() {
        int n = 3;
        RecordingLinearModel model = new RecordingLinearModel(3, new long[] {1, 4, 4}, 1.0, new float[] {0.5f, 0f, -0.5f}, 21);
        float[] x = inputs(n, 4);
        long[] labels = new long[n];
        for (int s = 0; s < n; s++) {
            labels[s] = model.predict(Arrays.copyOfRange(x, s * D, s * D + D));
        }
        ZooAttack zoo = ZooAttack.create().nbParallel(4).maxIter(5).seed(2);
        try (NDManager m = manager.newSubManager();
                AttackResult a = zoo.generate(model.classifier, m.create(x, new Shape(n, 1, 4, 4)), m.create(labels));
                AttackResult b = zoo.generate(model.classifier, m.create(x, new Shape(n, 1, 4, 4)), m.create(labels));
                AttackResult c = zoo.seed(3).generate(model.classifier, m.create(x, new Shape(n, 1, 4, 4)), m.create(labels))) {
            assertThat(a.adversarial().toFloatArray()).isEqualTo(b.adversarial().toFloatArray());
            assertThat(a.adversarial().toFloatArray()).isNotEqualTo(c.adversarial().toFloatArray());
        }
    }

    @Test
    void refusesBadParameters() {
        assertThatThrownBy(() -> ZooAttack.create().maxIter(0)).hasMessage("max-iter must be >= 1, got 0");
        assertThatThrownBy(() -> ZooAttack.create().learningRate(0f)).hasMessage("learning-rate must be a positive number, got 0.0");
        assertThatThrownBy(() -> ZooAttack.create().confidence(-1f)).hasMessage("confidence must be a finite number >= 0, got -1.0");
        assertThatThrownBy(() -> ZooAttack.create().initialConst(0f)).hasMessage("initial-const must be a positive number, got 0.0");
        assertThatThrownBy(() -> ZooAttack.create().binarySearchSteps(0)).hasMessage("binary-search-steps must be >= 1, got 0");
        assertThatThrownBy(() -> ZooAttack.create().nbParallel(0)).hasMessage("nb-parallel must be >= 1, got 0");
        assertThatThrownBy(() -> ZooAttack.create().maxQueries(1)).hasMessage("max-queries must be >= 2 (one pair of probes), got 1");
        assertThat(ZooAttack.create().effectiveMaxQueries()).isEqualTo(2L * 128 * 100);
        assertThat(ZooAttack.create().binarySearchSteps(3).effectiveMaxQueries()).isEqualTo(3L * 2 * 128 * 100);
    }
}
