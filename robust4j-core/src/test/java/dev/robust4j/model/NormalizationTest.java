package dev.robust4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.attack.Norm;
import dev.robust4j.attack.whitebox.AutoPgd;
import dev.robust4j.testing.Fixtures;

import org.junit.jupiter.api.Test;

/**
 * Normalisation in front of a model gives exactly what the same normalisation folded into the
 * model gives: {@code cnn_normalized_inside.pt} is {@code cnn_traced.pt} after
 * {@code (x - 0.2860) / 0.3530} (scripts/make-normalization-fixture.py).
 */
class NormalizationTest {

    private static final Normalization FASHION = new Normalization(new float[] {0.2860f}, new float[] {0.3530f});

    private static TorchScriptClassifier folded() {
        return TorchScriptClassifier.builder()
                .setModelFile(Fixtures.path("torchscript/cnn_normalized_inside.pt"))
                .setInputShape(1, 28, 28)
                .build();
    }

    @Test
    void attacksOnTheNormalisedViewEqualAttacksOnTheFoldedModel() {
        try (TorchScriptClassifier inner = Fixtures.tracedCnn(); TorchScriptClassifier folded = folded();
                NDManager m = NDManager.newBaseManager()) {
            Classifier view = NormalizedClassifier.wrap(inner, FASHION, Bounds.UNIT);
            assertThat(view).isInstanceOf(DifferentiableClassifier.class);
            assertThat(view.bounds()).isEqualTo(Bounds.UNIT);
            NDArray x = Fixtures.images(m, 24);
            NDArray y = m.create(Fixtures.labels(24));
            assertThat(view.predict(x).toFloatArray()).isEqualTo(folded.predict(x).toFloatArray());
            for (EvasionAttack attack : new EvasionAttack[] {
                Attacks.fgsm(0.05f), Attacks.pgd(0.05f).steps(10), Attacks.pgd(Norm.L2, 1f).steps(10),
                AutoPgd.ce(Norm.LINF, 0.05f).steps(10)}) {
                try (AttackResult a = attack.generate(view, x, y); AttackResult b = attack.generate(folded, x, y)) {
                    assertThat(a.adversarial().toFloatArray()).as(attack.name()).isEqualTo(b.adversarial().toFloatArray());
                    assertThat(a.success()).isEqualTo(b.success());
                }
            }
        }
    }

    @Test
    void blackBoxModelsStayBlackBoxAndBadValuesAreNamed() {
        try (TorchScriptClassifier inner = Fixtures.tracedCnn(); NDManager m = NDManager.newBaseManager()) {
            Classifier blackBox = new FunctionClassifier(rows -> {
                try (NDManager s = NDManager.newBaseManager()) {
                    float[] flat = new float[rows.length * 784];
                    for (int i = 0; i < rows.length; i++) {
                        System.arraycopy(rows[i], 0, flat, i * 784, 784);
                    }
                    float[] logits = inner.predict(s.create(flat, new Shape(rows.length, 1, 28, 28))).toFloatArray();
                    float[][] out = new float[rows.length][10];
                    for (int i = 0; i < rows.length; i++) {
                        System.arraycopy(logits, i * 10, out[i], 0, 10);
                    }
                    return out;
                }
            }, new Shape(1, 28, 28), Bounds.UNIT, 10, Classifier.OutputKind.SCORES, java.util.List.of(), "function");
            Classifier view = NormalizedClassifier.wrap(blackBox, FASHION, Bounds.UNIT);
            assertThat(view).isNotInstanceOf(DifferentiableClassifier.class);
            NDArray x = Fixtures.images(m, 4);
            try (TorchScriptClassifier folded = folded()) {
                assertThat(view.predict(x).toFloatArray()).isEqualTo(folded.predict(x).toFloatArray());
            }
        }
        assertThatThrownBy(() -> Normalization.parse("0.5,0.5", "0.2")).hasMessageContaining("got 2 and 1");
        assertThatThrownBy(() -> Normalization.parse("0.5", "0")).hasMessage("std must be a positive number, got 0.0 for channel 0");
        assertThatThrownBy(() -> Normalization.parse("a", "1")).hasMessageContaining("mean must be numbers separated by commas");
        try (TorchScriptClassifier inner = Fixtures.tracedCnn()) {
            assertThatThrownBy(() -> NormalizedClassifier.wrap(inner, Normalization.parse("0.4,0.4,0.4", "0.2,0.2,0.2"),
                    Bounds.UNIT)).hasMessageContaining("has 1 channels; give one value, or one per channel");
        }
    }
}
