package dev.robust4j.defence.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.AttackRunner;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.data.Dataset;
import dev.robust4j.metric.Stats;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.nn.Networks;
import dev.robust4j.nn.TrainingConfig;
import dev.robust4j.nn.TrainingListener;
import dev.robust4j.testing.LinearModels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trained binary detector on a linear model and blobs: it learns FGSM's perturbations and is calibrated for an FPR. */
class BinaryInputDetectorTest {

    private static final int D = 16;
    private static final int K = 4;

    private static Dataset blobs(int n, long seed) {
        Random centres = new Random(5);
        float[][] c = new float[K][D];
        for (int j = 0; j < K; j++) {
            for (int d = 0; d < D; d++) {
                c[j][d] = 0.3f + 0.4f * centres.nextFloat();
            }
        }
        Random r = new Random(seed);
        float[] x = new float[n * D];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(K);
            for (int d = 0; d < D; d++) {
                x[i * D + d] = c[y[i]][d] + 0.05f * (float) r.nextGaussian();
            }
        }
        return new Dataset(x, new long[] {D}, y, List.of("a", "b", "c", "d"), "blobs");
    }

    private static BinaryInputDetector train(BlockClassifier model, EvasionAttack attack) {
        TrainingConfig config = TrainingConfig.builder().optEpochs(3).optBatchSize(32).optSeed(1).build();
        return BinaryInputDetector.train(model, blobs(600, 1), attack, "mlp", config, 200, TrainingListener.NONE);
    }

    @Test
    void learnsTheAttacksPerturbationsAtTheCalibratedFalsePositiveRate(@TempDir Path dir) throws Exception {
        EvasionAttack fgsm = Attacks.fgsm(0.2f);
        try (BlockClassifier model = LinearModels.softmax(LinearModels.randomWeights(K, D, 1.0, 3), new float[K], D);
                BinaryInputDetector trained = train(model, fgsm);
                NDManager nd = NDManager.newBaseManager(Networks.ENGINE)) {
            assertThat(trained.threshold()).isNaN();
            Dataset heldOut = blobs(400, 2);
            assertThatThrownBy(() -> trained.detect(heldOut.features(nd, 0, 4)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("not calibrated");
            Dataset calibration = blobs(400, 3);
            BinaryInputDetector detector = trained.calibrate(calibration, 0.05, 100);
            boolean[] flaggedCalibration = detector.flag(detector.scores(calibration, 100));
            assertThat(Stats.fraction(flaggedCalibration, null)).as("FPR on the calibration data").isLessThanOrEqualTo(0.05);
            assertThat(Stats.fraction(detector.flag(detector.scores(heldOut, 100)), null))
                    .as("FPR on other clean data").isLessThan(0.15);
            try (AttackResult r = AttackRunner.run(fgsm, model, heldOut, null, 200, nd, null)) {
                double rate = Stats.fraction(detector.detect(r.adversarial()), null);
                assertThat(rate).as("held-out FGSM adversarials flagged").isGreaterThan(0.8);
            }
            assertThat(detector.description()).isEqualTo("binary input detector (mlp, trained on fgsm adversarials)");
            assertThat(detector.provenance()).containsEntry("attack", "fgsm").containsEntry("fpr", 0.05)
                    .containsEntry("clean_samples", 600);

            Path saved = dir.resolve("det");
            detector.save(saved);
            NDArray x = heldOut.features(nd, 0, 50);
            try (BinaryInputDetector loaded = BinaryInputDetector.load(saved)) {
                assertThat(loaded.threshold()).isEqualTo(detector.threshold());
                assertThat(loaded.scores(x)).as("same network after a round trip").isEqualTo(detector.scores(x));
                assertThat(loaded.provenance()).containsEntry("attack", "fgsm");
            }
            detector.save(saved);
            assertThat(BinaryInputDetector.isDetectorDirectory(saved)).isTrue();
        }
    }

    @Test
    void refusesDirectoriesThatAreNotDetectors(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> BinaryInputDetector.load(dir)).hasMessageContaining("robust4j-detector.json is missing");
        Files.writeString(dir.resolve(BinaryInputDetector.METADATA_FILE), "{\"format\": \"robust4j-detector\","
                + " \"format_version\": 1, \"kind\": \"squeezing\"}");
        assertThatThrownBy(() -> BinaryInputDetector.load(dir)).hasMessageContaining("kind must be binary-input");
        Files.writeString(dir.resolve(BinaryInputDetector.METADATA_FILE), "{not json");
        assertThatThrownBy(() -> BinaryInputDetector.load(dir)).hasMessageContaining("is not valid JSON");
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("keep.txt"), "x");
        try (BlockClassifier model = LinearModels.softmax(LinearModels.randomWeights(K, D, 1.0, 3), new float[K], D);
                BinaryInputDetector trained = BinaryInputDetector.train(model, blobs(40, 1), Attacks.fgsm(0.2f), "mlp",
                        TrainingConfig.builder().optEpochs(1).build(), 40, TrainingListener.NONE)) {
            assertThatThrownBy(() -> trained.save(other)).hasMessageContaining("refusing to replace it");
            assertThat(Files.readString(other.resolve("keep.txt"))).isEqualTo("x");
        }
    }
}
