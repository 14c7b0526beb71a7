package dev.robust4j.attack;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.QueryCounter;
import dev.robust4j.testing.LinearModels;

import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The template reuses the model's verdicts an algorithm already computed (clean inputs, returned
 * points) instead of predicting them again, and the verdicts it reports are still the model's
 * answers on exactly the rows returned.
 */
class VerdictSharingTest {

    private static final int K = 4;
    private static final int D = 12;
    private static final int N = 32;
    private static BlockClassifier model;
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        model = LinearModels.softmax(LinearModels.randomWeights(K, D, 1.0, 11), new float[] {0.1f, -0.2f, 0.05f, 0f}, D);
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
        model.close();
    }

    private static NDArray inputs() {
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[N * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        return manager.create(x, new Shape(N, D));
    }

    private static NDArray labels() {
        SplittableRandom r = new SplittableRandom(4);
        long[] y = new long[N];
        for (int i = 0; i < N; i++) {
            y[i] = r.nextInt(K);
        }
        return manager.create(y);
    }

    private static int[] predicted(NDArray x) {
        try (NDArray logits = model.predict(x)) {
            return AttackContext.argMax(logits);
        }
    }

    @Test
    void fgsmRunsOneGradientAndOnePredictionInAll() {
        QueryCounter counter = QueryCounter.wrap(model);
        NDArray x = inputs();
        try (AttackResult r = Attacks.fgsm(0.1f).generate(counter, x, labels())) {
            // One forward+backward at the clean point (which gives the clean verdicts too) and one
            // forward at the final point (which gives the returned verdicts): nothing predicted twice.
            assertThat(counter.calls()).isEqualTo(2);
            assertThat(counter.queries()).isEqualTo(2L * N);
            assertThat(r.cleanPredictions()).containsExactly(predicted(x));
            assertThat(r.adversarialPredictions()).containsExactly(predicted(r.adversarial()));
        }
    }

    @Test
    void earlyStoppingPgdReportsTheModelsVerdictOnTheReturnedRows() {
        QueryCounter counter = QueryCounter.wrap(model);
        NDArray x = inputs();
        NDArray y = labels();
        try (AttackResult r = Attacks.pgd(0.3f).steps(10).generate(counter, x, y)) {
            assertThat(r.adversarialPredictions()).containsExactly(predicted(r.adversarial()));
            assertThat(r.cleanPredictions()).containsExactly(predicted(x));
            int[] labels = r.labels();
            for (int i = 0; i < N; i++) {
                assertThat(r.success()[i]).isEqualTo(r.adversarialPredictions()[i] != labels[i]);
            }
            // A random start never evaluates the clean point: the clean verdicts cost one
            // prediction, and the final verdicts none beyond the attack's own calls.
            assertThat(counter.queries()).isEqualTo(r.totalQueries() + N);
        }
    }

    @Test
    void sameVerdictsAsAFreshPredictionWithRestarts() {
        NDArray x = inputs();
        NDArray y = labels();
        try (AttackResult r = Attacks.pgd(Norm.L2, 0.5f).steps(5).restarts(3).generate(model, x, y)) {
            assertThat(r.adversarialPredictions()).containsExactly(predicted(r.adversarial()));
            assertThat(r.cleanPredictions()).containsExactly(predicted(x));
        }
    }
}
