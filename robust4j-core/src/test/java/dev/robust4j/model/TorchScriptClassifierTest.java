package dev.robust4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.testing.Fixtures;
import dev.robust4j.data.Npy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The TorchScript adapter against PyTorch's own eval-mode numbers, for a traced and a scripted
 * CNN with BatchNorm and Dropout (fixtures made by scripts/make-torchscript-fixtures.py).
 */
class TorchScriptClassifierTest {

    private static final float[] X = Npy.read(Fixtures.path("torchscript/x.npy")).floats();
    private static final long[] Y = Npy.read(Fixtures.path("torchscript/y.npy")).longs();
    private static final int N = Y.length;

    private static TorchScriptClassifier load(String name) {
        return TorchScriptClassifier.builder()
                .setModelFile(Fixtures.path("torchscript/" + name))
                .setInputShape(1, 28, 28)
                .build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cnn_traced.pt", "cnn_scripted.pt"})
    void logitsEqualPyTorchEvalMode(String name) {
        float[] expected = Npy.read(Fixtures.path("torchscript/logits.npy")).floats();
        try (TorchScriptClassifier model = load(name);
                NDManager m = NDManager.newBaseManager()) {
            assertThat(model.numClasses()).isEqualTo(10);
            float[] logits = model.predict(m.create(X, new Shape(N, 1, 28, 28))).toFloatArray();
            assertThat(maxAbsDiff(logits, expected)).isLessThanOrEqualTo(1e-5f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cnn_traced.pt", "cnn_scripted.pt"})
    void inputGradientsEqualPyTorchEvalMode(String name) {
        float[] expectedLogits = Npy.read(Fixtures.path("torchscript/logits.npy")).floats();
        float[] expectedCe = Npy.read(Fixtures.path("torchscript/grad_ce.npy")).floats();
        float[] expectedLogit = Npy.read(Fixtures.path("torchscript/grad_logit.npy")).floats();
        try (TorchScriptClassifier model = load(name);
                NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(X, new Shape(N, 1, 28, 28));
            NDArray y = m.create(Y);
            // Twice, so a module left in train mode by the first call would show in the second.
            for (int round = 0; round < 2; round++) {
                try (Evaluation ce = model.evaluate(x, Objectives.crossEntropy(), y)) {
                    float[] g = ce.gradient().toFloatArray();
                    assertThat(maxAbs(g)).as("gradient is non-zero").isGreaterThan(1e-4f);
                    assertThat(maxAbsDiff(g, expectedCe)).isLessThanOrEqualTo(1e-5f);
                    assertThat(maxAbsDiff(ce.logits().toFloatArray(), expectedLogits)).isLessThanOrEqualTo(1e-5f);
                    assertThat(ce.values().getShape()).isEqualTo(new Shape(N));
                }
                try (Evaluation logit = model.evaluate(x, Objectives.classLogit(), y)) {
                    assertThat(maxAbsDiff(logit.gradient().toFloatArray(), expectedLogit)).isLessThanOrEqualTo(1e-5f);
                }
            }
            assertThat(x.toFloatArray()).as("input unchanged").isEqualTo(X);
        }
    }

    @Test
    void evaluateLeavesNoArraysBehind() {
        try (TorchScriptClassifier model = load("cnn_scripted.pt");
                NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(X, new Shape(N, 1, 28, 28));
            NDArray y = m.create(Y);
            int before = m.getManagedArrays().size();
            for (int i = 0; i < 5; i++) {
                model.evaluate(x, Objectives.crossEntropy(), y).close();
                model.predict(x).close();
            }
            assertThat(m.getManagedArrays().size()).isEqualTo(before);
        }
    }

    @Test
    void missingFileIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> TorchScriptClassifier.builder()
                        .setModelFile(dir.resolve("nope.pt")).setInputShape(1, 28, 28).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope.pt")
                .hasMessageContaining("does not exist");
    }

    @Test
    void notTorchScriptIsAClearError(@TempDir Path dir) throws Exception {
        Path bogus = dir.resolve("bogus.pt");
        Files.writeString(bogus, "not a model");
        assertThatThrownBy(() -> TorchScriptClassifier.builder()
                        .setModelFile(bogus).setInputShape(1, 28, 28).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot load TorchScript model")
                .hasMessageContaining("bogus.pt");
    }

    @Test
    void wrongInputShapeIsAClearError() {
        assertThatThrownBy(() -> TorchScriptClassifier.builder()
                        .setModelFile(Fixtures.path("torchscript/cnn_traced.pt"))
                        .setInputShape(3, 32, 32).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not accept inputs of shape (3, 32, 32)");
    }

    static float maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static float maxAbs(float[] a) {
        float max = 0;
        for (float v : a) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
