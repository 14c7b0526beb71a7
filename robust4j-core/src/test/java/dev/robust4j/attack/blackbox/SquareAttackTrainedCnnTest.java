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
import dev.robust4j.model.Classifier;
import dev.robust4j.nn.NetworkSpec;
import dev.robust4j.nn.Trainer;
import dev.robust4j.nn.TrainedModel;
import dev.robust4j.nn.TrainingConfig;
import dev.robust4j.nn.TrainingListener;

import org.junit.jupiter.api.Test;

/**
 * Square Attack L∞ at eps 0.1 within 1,000 queries on a small CNN that robust4j trains itself
 * (the built-in {@code cnn}, ReLU, 5 epochs of Adam on the bundled 10,000-image Fashion-MNIST
 * slice, seed 0; test accuracy 0.899), used as a black box, on the first 300 test images.
 *
 * <p>Measured: 254 of the 278 correctly classified images broken (0.914), median 110 queries to
 * success; attack seeds 0 to 3 give 0.914, 0.906, 0.921, 0.921, and the whole 2,000-image test
 * split 0.904. White-box PGD-40 reaches 0.992 on the split. The 90% holds for this model, not for
 * every model trained this way: over training seeds 0 to 4 Square reaches 0.904, 0.902, 0.850,
 * 0.853 and 0.914 on the 2,000 images (PGD-40: 0.992, 0.989, 0.980, 0.956, 0.994); see
 * docs/benchmarks.md.
 */
class SquareAttackTrainedCnnTest {

    private static final int TEST_SAMPLES = 300;

    @Test
    void linfBreaksNinetyPercentOfATrainedCnnWithin1000Queries() {
        Dataset train = KnownDatasets.load(KnownDatasets.SAMPLE, Split.TRAIN);
        Dataset test = KnownDatasets.load(KnownDatasets.SAMPLE, Split.TEST).limit(TEST_SAMPLES);
        NetworkSpec spec = NetworkSpec.of("cnn", "relu", train.sampleShape(), 10);
        TrainingConfig config = TrainingConfig.builder().optEpochs(5).optSeed(0).build();
        SquareAttack square = SquareAttack.linf(0.1f).maxQueries(1000);
        try (TrainedModel trained = Trainer.train(train, spec, config, TrainingListener.NONE);
                NDManager m = NDManager.newBaseManager()) {
            Classifier blackBox = CnnFixture.blackBox(trained.classifier());
            NDArray x = test.features(m, 0, test.size());
            NDArray y = test.labels(m, 0, test.size());
            try (AttackResult r = square.generate(blackBox, x, y)) {
                BlackBoxChecks.checkContract(blackBox, x.toFloatArray(), r, square.budget(), 1000);
                AttackSummary summary = AttackSummary.of(r);
                QueryCurve curve = QueryCurve.of(r);
                assertThat(summary.cleanAccuracy()).as("clean accuracy of the trained CNN").isGreaterThan(0.88);
                assertThat(curve.attackedSamples()).as("correctly classified samples attacked").isGreaterThanOrEqualTo(250);
                assertThat(summary.successRate()).as("square linf eps 0.1, 1000 queries, success rate")
                        .isGreaterThanOrEqualTo(0.90);
                assertThat(curve.successRate(1000)).isEqualTo(summary.successRate());
                // Query cost: measured median 110 queries to success, 0.42 broken within 100.
                assertThat(curve.medianQueries()).isLessThan(200);
                assertThat(curve.successRate(100)).isLessThan(summary.successRate());
            }
        }
    }
}
