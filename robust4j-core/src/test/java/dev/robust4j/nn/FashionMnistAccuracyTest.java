package dev.robust4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.robust4j.data.Dataset;
import dev.robust4j.data.KnownDatasets;
import dev.robust4j.data.Split;
import dev.robust4j.metric.Accuracy;

import java.nio.file.Files;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The small CNN's promised accuracy on real data: at least 85% on the bundled slice and at least
 * 90% on the full Fashion-MNIST. How long training takes is a benchmark's figure, not a test's.
 *
 * <p>The model is trained here, so the figure differs between CPUs; the margin is a statistic over
 * training seeds: 3 epochs on the bundled slice gave 0.883, 0.873 and 0.878 on its 2,000 test
 * images for seeds 0, 1 and 4 (mean 0.878, standard deviation 0.005), so 0.85 sits more than five
 * standard deviations below the mean.
 *
 * <p>The full-data figure takes three epochs over 60,000 images (two and a half minutes on two
 * cores, a quarter of the build's time budget), so it is a measurement, tagged {@code measurement}
 * and left out of the default build; {@code ./mvnw -B verify -Drobust4j.test.excludedGroups=none}
 * runs it. The bundled-slice test above checks the same training code in every build.
 */
class FashionMnistAccuracyTest {

    @Test
    void smallCnnReaches85PercentOnTheBundledSample() {
        Dataset train = KnownDatasets.load(KnownDatasets.SAMPLE, Split.TRAIN);
        Dataset test = KnownDatasets.load(KnownDatasets.SAMPLE, Split.TEST);
        NetworkSpec spec = NetworkSpec.of("cnn", "relu", train.sampleShape(), 10);
        TrainingConfig config = TrainingConfig.builder().optEpochs(3).optSeed(0).build();
        try (TrainedModel model = Trainer.train(train, spec, config, TrainingListener.NONE)) {
            assertThat(Accuracy.of(model.classifier(), test, 500)).isGreaterThanOrEqualTo(0.85);
        }
    }

    @Test
    @Tag("measurement")
    void smallCnnReaches90PercentOnFullFashionMnist() {
        boolean present = Files.isDirectory(KnownDatasets.SYSTEM_FASHION_MNIST)
                || System.getenv(KnownDatasets.DATA_ENV) != null;
        Assumptions.assumeTrue(present,
                "full Fashion-MNIST not installed: apt-get install dataset-fashion-mnist (.ci/run does it when it can)");
        Dataset train = KnownDatasets.load(KnownDatasets.FASHION_MNIST, Split.TRAIN);
        Dataset test = KnownDatasets.load(KnownDatasets.FASHION_MNIST, Split.TEST);
        NetworkSpec spec = NetworkSpec.of("cnn", "relu", train.sampleShape(), 10);
        TrainingConfig config = TrainingConfig.builder().optEpochs(3).optSeed(0).build();
        try (TrainedModel model = Trainer.train(train, spec, config, TrainingListener.NONE)) {
            assertThat(Accuracy.of(model.classifier(), test, 500)).isGreaterThanOrEqualTo(0.90);
        }
    }
}
