package dev.robust4j.attack.blackbox;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.KnownDatasets;
import dev.robust4j.data.Split;
import dev.robust4j.metric.AttackSummary;
import dev.robust4j.metric.QueryCurve;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.Classifier;
import dev.robust4j.nn.ModelDirectory;
import dev.robust4j.testing.Fixtures;

import java.io.IOException;

import org.junit.jupiter.api.Test;

/**
 * Square Attack L∞ at eps 0.1 within 1,000 queries on a small CNN robust4j trained itself, used as
 * a black box, on the first 300 bundled test images.
 *
 * <p>The model is the committed fixture {@code fixtures/robust4j-cnn} (the built-in {@code cnn},
 * ReLU, 5 epochs of Adam on the bundled 10,000-image slice, seed 0; test accuracy 0.899; made by
 * {@code scripts/make-robust4j-fixture.sh}), not a model trained inside the test: libtorch's
 * arithmetic differs between CPUs, so a model trained here with "seed 0" is another model on
 * another machine (one such model reached 0.8905 where this one reaches 0.914).
 *
 * <p>Regression pin, measured on this fixture (robust4j's own output, not evidence of parity with
 * another implementation — that is {@code docs/conformance.md}): 254 of the 278 correctly
 * classified images broken (0.914) at attack seed 0, and 0.906, 0.921, 0.921 at seeds 1 to 3
 * (mean 0.915, standard deviation 0.007); median 112 queries to success. The weights are fixed,
 * so another CPU can only change the attack's own arithmetic — which, like a change of seed,
 * changes which candidate squares are accepted. The threshold, 0.88, is the seed-to-seed spread's
 * mean less five standard deviations (about 9 samples of 278 below the lowest seed measured).
 */
class SquareAttackTrainedCnnTest {

    private static final int TEST_SAMPLES = 300;

    @Test
    void linfBreaksNearlyNinetyPercentOfATrainedCnnWithin1000Queries() throws IOException {
        Dataset test = KnownDatasets.load(KnownDatasets.SAMPLE, Split.TEST).limit(TEST_SAMPLES);
        SquareAttack square = SquareAttack.linf(0.1f).maxQueries(1000);
        try (BlockClassifier trained = ModelDirectory.load(Fixtures.path("robust4j-cnn"));
                NDManager m = NDManager.newBaseManager()) {
            Classifier blackBox = CnnFixture.blackBox(trained);
            NDArray x = test.features(m, 0, test.size());
            NDArray y = test.labels(m, 0, test.size());
            try (AttackResult r = square.generate(blackBox, x, y)) {
                BlackBoxChecks.checkContract(blackBox, x.toFloatArray(), r, square.budget(), 1000);
                AttackSummary summary = AttackSummary.of(r);
                QueryCurve curve = QueryCurve.of(r);
                // the fixture's clean accuracy on these 300 images is 278/300 (weights fixed: exact
                // up to a sample that sits on a decision boundary)
                assertThat(Math.round(summary.cleanAccuracy() * TEST_SAMPLES)).as("correct clean samples")
                        .isBetween(276L, 280L);
                assertThat(summary.successRate()).as("square linf eps 0.1, 1000 queries, success rate")
                        .isGreaterThanOrEqualTo(0.88);
                assertThat(curve.successRate(1000)).isEqualTo(summary.successRate());
                // Query cost: measured median 112 queries to success, 0.43 broken within 100.
                assertThat(curve.medianQueries()).isLessThan(200);
                assertThat(curve.successRate(100)).isLessThan(summary.successRate());
            }
        }
    }
}
