package dev.robust4j.defence.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.AttackRunner;
import dev.robust4j.attack.Attacks;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.Npy;
import dev.robust4j.model.TorchScriptClassifier;
import dev.robust4j.testing.Fixtures;

import java.util.List;

import org.junit.jupiter.api.Test;

class FeatureSqueezingDetectorTest {

    @Test
    void thresholdMeetsTheRequestedFalsePositiveRate() {
        float[] scores = new float[100];
        for (int i = 0; i < 100; i++) {
            scores[i] = (i * 37 % 100) / 100f;
        }
        for (double fpr : new double[] {0, 0.01, 0.05, 0.1, 0.5}) {
            double t = FeatureSqueezingDetector.thresholdFor(scores, fpr);
            int above = 0;
            for (float s : scores) {
                if (s > t) {
                    above++;
                }
            }
            assertThat(above).as("fpr %s", fpr).isLessThanOrEqualTo((int) Math.floor(fpr * 100));
            assertThat(above).as("fpr %s, threshold not needlessly high", fpr).isGreaterThanOrEqualTo((int) Math.floor(fpr * 100) - 1);
        }
        assertThat(FeatureSqueezingDetector.thresholdFor(scores, 0.05)).isCloseTo(0.94, offset(1e-6));
    }

    @Test
    void detectsAdversarialsOnTheCnnAtTheCalibratedRate() {
        float[] x = Npy.read(Fixtures.path("torchscript/x.npy")).floats();
        long[] y = Npy.read(Fixtures.path("torchscript/y.npy")).longs();
        int[] labels = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            labels[i] = (int) y[i];
        }
        Dataset data = new Dataset(x, new long[] {1, 28, 28}, labels, List.of(), "fixture");
        try (TorchScriptClassifier model = TorchScriptClassifier.builder()
                        .setModelFile(Fixtures.path("torchscript/cnn_traced.pt")).setInputShape(1, 28, 28).build();
                NDManager m = NDManager.newBaseManager()) {
            FeatureSqueezingDetector uncalibrated = FeatureSqueezingDetector.xuEtAl(model);
            assertThatThrownBy(() -> uncalibrated.detect(m.zeros(new Shape(1, 1, 28, 28))))
                    .hasMessageContaining("not calibrated");
            // Binary images are fixed points of both squeezers: score 0.
            assertThat(uncalibrated.scores(m.zeros(new Shape(2, 1, 28, 28)))).containsOnly(0f);

            Dataset calibration = data.slice(0, 50);
            FeatureSqueezingDetector detector = uncalibrated.calibrate(calibration, 0.1, 25);
            boolean[] clean = detector.detect(calibration.features(m, 0, 50));
            int flagged = 0;
            for (boolean f : clean) {
                flagged += f ? 1 : 0;
            }
            assertThat(flagged).as("false positives on calibration data").isLessThanOrEqualTo(5);

            Dataset held = data.slice(50, 100);
            try (AttackResult r = AttackRunner.run(Attacks.bim(0.1f).steps(20).earlyStop(false), model, held, null, 50, m, null)) {
                float[] advScores = detector.scores(r.adversarial());
                float[] cleanScores = detector.scores(held.features(m, 0, 50));
                double meanAdv = 0;
                double meanClean = 0;
                for (int i = 0; i < 50; i++) {
                    meanAdv += advScores[i] / 50;
                    meanClean += cleanScores[i] / 50;
                }
                assertThat(meanAdv).as("adversarials score higher than clean inputs").isGreaterThan(meanClean);
            }
        }
    }
}
