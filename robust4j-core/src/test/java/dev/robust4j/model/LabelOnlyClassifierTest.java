package dev.robust4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.Attacks;
import dev.robust4j.data.Npy;
import dev.robust4j.testing.Fixtures;

import org.junit.jupiter.api.Test;

/** The label-only view: one-hot rows of the wrapped model's arg-max, and no gradients. */
class LabelOnlyClassifierTest {

    @Test
    void oneHotRowsOfTheArgMaxAndNoGradients() {
        float[] xs = Npy.read(Fixtures.path("torchscript/x.npy")).floats();
        try (TorchScriptClassifier cnn = TorchScriptClassifier.builder()
                        .setModelFile(Fixtures.path("torchscript/cnn_traced.pt")).setInputShape(1, 28, 28).build();
                NDManager m = NDManager.newBaseManager()) {
            LabelOnlyClassifier labels = LabelOnlyClassifier.of(cnn);
            assertThat(labels).isNotInstanceOf(DifferentiableClassifier.class);
            assertThat(labels.outputKind()).isEqualTo(Classifier.OutputKind.LABEL_ONLY);
            assertThat(labels.numClasses()).isEqualTo(10);
            assertThat(labels.inputShape()).isEqualTo(new Shape(1, 28, 28));
            assertThat(labels.description()).isEqualTo("label-only TorchScript cnn_traced.pt");
            assertThat(LabelOnlyClassifier.of(labels)).isSameAs(labels);

            NDArray x = m.create(xs, new Shape(100, 1, 28, 28));
            NDArray oneHot = labels.predict(x);
            assertThat(oneHot.getManager()).isSameAs(m);
            assertThat(oneHot.getShape()).isEqualTo(new Shape(100, 10));
            int[] expected = AttackContext.argMax(cnn.predict(x));
            float[] v = oneHot.toFloatArray();
            for (int i = 0; i < 100; i++) {
                for (int k = 0; k < 10; k++) {
                    assertThat(v[i * 10 + k]).isEqualTo(k == expected[i] ? 1f : 0f);
                }
            }
            assertThat(AttackContext.argMax(oneHot)).isEqualTo(expected);

            NDArray y = m.create(Npy.read(Fixtures.path("torchscript/y.npy")).longs());
            assertThatThrownBy(() -> Attacks.fgsm(0.1f).generate(labels, x, y))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("needs input gradients, but label-only TorchScript cnn_traced.pt only answers");
        }
    }
}
