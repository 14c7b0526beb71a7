package dev.robust4j.defence.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.defence.DefenceSpec;
import dev.robust4j.defence.TrainingDefences;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.Bounds;
import dev.robust4j.nn.BatchTransform;
import dev.robust4j.nn.SoftLabels;
import dev.robust4j.nn.TrainingBatch;
import dev.robust4j.nn.TrainingContext;
import dev.robust4j.testing.LinearModels;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Each training strategy transforms a batch exactly as specified. */
class TrainingDefencesTest {

    private static final int N = 10;
    private static final int D = 6;
    private static final int K = 4;

    private static TrainingBatch batch(NDManager m) {
        float[] x = new float[N * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.2f + 0.6f * ((i * 37) % 100) / 100f;
        }
        long[] y = new long[N];
        for (int i = 0; i < N; i++) {
            y[i] = i % K;
        }
        NDArray labels = m.create(y);
        return new TrainingBatch(m.create(x, new Shape(N, D)), labels, SoftLabels.oneHot(labels, K));
    }

    private static TrainingContext ctx(BlockClassifier model, long step) {
        return new TrainingContext(model, 0, 1, (int) step, 10, step, K, new Random(42));
    }

    @Test
    void labelSmoothingGivesMaxToTheTrueClassAndSharesTheRest() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingBatch in = batch(m);
            TrainingBatch out = new LabelSmoothing(0.9f).apply(in, ctx(null, 0));
            float[] p = out.softLabels().toFloatArray();
            for (int i = 0; i < N; i++) {
                float sum = 0;
                for (int k = 0; k < K; k++) {
                    float expected = k == i % K ? 0.9f : 0.1f / 3;
                    assertThat(p[i * K + k]).isCloseTo(expected, offset(1e-6f));
                    sum += p[i * K + k];
                }
                assertThat(sum).isCloseTo(1f, offset(1e-6f));
            }
            assertThat(out.x()).as("label smoothing leaves the inputs alone").isSameAs(in.x());
        }
        assertThatThrownBy(() -> new LabelSmoothing(1.5f)).hasMessage("max-value must be in (0, 1], got 1.5");
    }

    @Test
    void gaussianAugmentationAddsRatioNoisyCopiesInBounds() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingBatch in = batch(m);
            float[] x = in.x().toFloatArray();
            TrainingBatch out = new GaussianAugmentation(0.1f, 1f, Bounds.UNIT).apply(in, ctx(null, 0));
            assertThat(out.size()).isEqualTo(2 * N);
            float[] all = out.x().toFloatArray();
            assertThat(Arrays.copyOf(all, N * D)).as("originals kept").isEqualTo(x);
            assertThat(out.labels().toLongArray()).containsExactly(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1);
            double sq = 0;
            for (int i = 0; i < N * D; i++) {
                float v = all[N * D + i];
                assertThat(v).isBetween(0f, 1f);
                sq += Math.pow(v - x[i], 2);
            }
            assertThat(Math.sqrt(sq / (N * D))).as("noise standard deviation").isBetween(0.075, 0.125);
            float[] soft = out.softLabels().toFloatArray();
            assertThat(Arrays.copyOfRange(soft, N * K, 2 * N * K)).isEqualTo(Arrays.copyOf(soft, N * K));

            TrainingBatch more = new GaussianAugmentation(0.1f, 1.5f, Bounds.UNIT).apply(batch(m), ctx(null, 0));
            assertThat(more.size()).isEqualTo(N + 15);
            assertThat(more.softLabels().getShape()).isEqualTo(new Shape(N + 15, K));
        }
    }

    @Test
    void gaussianAugmentationRowsAreWholeCopiesThenARandomSubset() {
        long[] rows = GaussianAugmentation.rows(4, 10, new Random(1));
        assertThat(Arrays.copyOf(rows, 8)).containsExactly(0, 1, 2, 3, 0, 1, 2, 3);
        assertThat(rows[8]).isNotEqualTo(rows[9]);
    }

    @Test
    void adversarialTrainingReplacesTheRatioWithAdversarials() {
        float[] w = LinearModels.randomWeights(K, D, 1.0, 3);
        try (BlockClassifier model = LinearModels.softmax(w, new float[K], D);
                NDManager m = NDManager.newBaseManager()) {
            TrainingBatch in = batch(m);
            float[] x = in.x().toFloatArray();
            AdversarialTraining at = (AdversarialTraining) TrainingDefences.create(
                    DefenceSpec.parse("adversarial-training:attack=fgsm,eps=0.1,ratio=0.5"), Bounds.UNIT);
            TrainingBatch out = at.apply(in, ctx(model, 0));
            assertThat(out.size()).isEqualTo(N);
            float[] y = out.x().toFloatArray();
            for (int i = 0; i < N; i++) {
                float linf = 0;
                for (int f = 0; f < D; f++) {
                    linf = Math.max(linf, Math.abs(y[i * D + f] - x[i * D + f]));
                }
                if (i < 5) {
                    assertThat(linf).as("sample %d replaced by an FGSM adversarial", i).isCloseTo(0.1f, offset(1e-5f));
                } else {
                    assertThat(linf).as("sample %d untouched", i).isZero();
                }
            }
            assertThat(out.labels().toLongArray()).isEqualTo(in.labels().toLongArray());
        }
    }

    @Test
    void adversarialTrainingRotatesAttacksPerBatch() {
        AdversarialTraining at = (AdversarialTraining) TrainingDefences.create(
                DefenceSpec.parse("adversarial-training:attack=fgsm|pgd,eps=0.05"), Bounds.UNIT);
        assertThat(at.attacks()).extracting(a -> a.name()).containsExactly("fgsm", "pgd");
        assertThat(at.description()).isEqualTo("adversarial-training:attack=fgsm|pgd,ratio=1.0");
        AdversarialTraining madry = (AdversarialTraining) TrainingDefences.create(
                DefenceSpec.parse("adversarial-training:preset=madry"), Bounds.UNIT);
        assertThat(madry.attacks().get(0).params()).containsEntry("eps", 0.1f).containsEntry("steps", 7)
                .containsEntry("step-size", 0.02f).containsEntry("random-start", true);
        AdversarialTraining fast = (AdversarialTraining) TrainingDefences.create(
                DefenceSpec.parse("adversarial-training:preset=fast,eps=0.1"), Bounds.UNIT);
        assertThat(fast.attacks().get(0).params()).containsEntry("random-start", true)
                .containsEntry("step-size", 0.125f);
    }

    @Test
    void specsAndBadDefencesGiveClearErrors() {
        DefenceSpec s = DefenceSpec.parse("Label-Smoothing:max-value=0.8");
        assertThat(s.name()).isEqualTo("label-smoothing");
        assertThat(s.params()).containsEntry("max-value", "0.8");
        assertThat(s.toString()).isEqualTo("label-smoothing:max-value=0.8");
        assertThatThrownBy(() -> DefenceSpec.parse("x:a")).hasMessageContaining("'a' is not k=v");
        assertThatThrownBy(() -> TrainingDefences.create(DefenceSpec.parse("nope"), Bounds.UNIT))
                .hasMessage("unknown training defence 'nope'; known: adversarial-training, gaussian-augmentation, label-smoothing");
        assertThatThrownBy(() -> TrainingDefences.create(DefenceSpec.parse("label-smoothing:foo=1"), Bounds.UNIT))
                .hasMessage("unknown parameter 'foo' for defence label-smoothing");
        assertThatThrownBy(() -> TrainingDefences.create(DefenceSpec.parse("gaussian-augmentation:sigma=x"), Bounds.UNIT))
                .hasMessage("defence gaussian-augmentation: sigma must be a number, got 'x'");
        assertThatThrownBy(() -> TrainingDefences.create(DefenceSpec.parse("adversarial-training:eps=0.1"), Bounds.UNIT))
                .hasMessageContaining("needs attack=NAME");
        BatchTransform t = TrainingDefences.create(DefenceSpec.parse("gaussian-augmentation:sigma=0.2,ratio=2"), Bounds.UNIT);
        assertThat(t.description()).isEqualTo("gaussian-augmentation:sigma=0.2,ratio=2.0");
    }
}
