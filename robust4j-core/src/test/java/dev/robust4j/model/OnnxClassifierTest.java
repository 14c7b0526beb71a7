package dev.robust4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.Robust4j;
import dev.robust4j.data.Npy;
import dev.robust4j.testing.Fixtures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX adapter against PyTorch's logits of the same CNN (fixture made by
 * scripts/make-onnx-fixture.py from the traced TorchScript fixture), offline.
 */
class OnnxClassifierTest {

    private static final float[] X = Npy.read(Fixtures.path("torchscript/x.npy")).floats();
    private static final int N = 100;

    private static OnnxClassifier load() {
        return OnnxClassifier.builder().setModelFile(Fixtures.path("onnx/cnn.onnx")).setInputShape(1, 28, 28).build();
    }

    @Test
    void runsOfflineAndLeavesPyTorchTheDefaultEngine() {
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        try (OnnxClassifier model = load()) {
            assertThat(model.numClasses()).isEqualTo(10);
            assertThat(Engine.getInstance().getEngineName()).isEqualTo("PyTorch");
            assertThat(model).isNotInstanceOf(DifferentiableClassifier.class);
            assertThat(model.description()).isEqualTo("ONNX cnn.onnx");
        }
    }

    @Test
    void logitsEqualPyTorchForEveryBatchSizeInTheInputsManager() {
        float[] expected = Npy.read(Fixtures.path("onnx/logits.npy")).floats();
        try (OnnxClassifier model = load(); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(X, new Shape(N, 1, 28, 28));
            NDArray logits = model.predict(x);
            assertThat(logits.getManager()).isSameAs(m);
            assertThat(logits.getShape()).isEqualTo(new Shape(N, 10));
            assertThat(maxAbsDiff(logits.toFloatArray(), expected)).isLessThanOrEqualTo(1e-4f);
            for (int n : new int[] {1, 7}) {
                float[] part = model.predict(x.get("0:" + n)).toFloatArray();
                float[] want = new float[n * 10];
                System.arraycopy(expected, 0, want, 0, want.length);
                assertThat(maxAbsDiff(part, want)).as("batch of %d", n).isLessThanOrEqualTo(1e-4f);
            }
            assertThat(x.toFloatArray()).as("input unchanged").isEqualTo(X);
        }
    }

    @Test
    void agreesWithTheTorchScriptModelOnPredictions() {
        try (OnnxClassifier onnx = load();
                TorchScriptClassifier ts = TorchScriptClassifier.builder()
                        .setModelFile(Fixtures.path("torchscript/cnn_traced.pt")).setInputShape(1, 28, 28).build();
                NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(X, new Shape(N, 1, 28, 28));
            assertThat(maxAbsDiff(onnx.predict(x).toFloatArray(), ts.predict(x).toFloatArray())).isLessThanOrEqualTo(1e-4f);
        }
    }

    @Test
    void robust4jLoadsOnnxFiles() throws Exception {
        Classifier model = Robust4j.loadModel(Fixtures.path("onnx/cnn.onnx"), new long[] {1, 28, 28}, null);
        try {
            assertThat(model).isInstanceOf(OnnxClassifier.class);
            assertThat(model.bounds()).isEqualTo(Bounds.UNIT);
            assertThat(model.numClasses()).isEqualTo(10);
        } finally {
            model.close();
        }
        assertThatThrownBy(() -> Robust4j.loadModel(Fixtures.path("onnx/cnn.onnx"), null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs its per-sample input shape");
    }

    @Test
    void clearErrors(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> OnnxClassifier.builder().setModelFile(dir.resolve("none.onnx")).setInputShape(1, 28, 28).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("none.onnx does not exist");
        Path bogus = dir.resolve("bogus.onnx");
        Files.writeString(bogus, "not a model");
        assertThatThrownBy(() -> OnnxClassifier.builder().setModelFile(bogus).setInputShape(1, 28, 28).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot load ONNX model " + bogus);
        assertThatThrownBy(() -> OnnxClassifier.builder().setModelFile(Fixtures.path("onnx/cnn.onnx"))
                        .setInputShape(1, 28, 29).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not accept float32 inputs of shape (1, 28, 29)");
        assertThatThrownBy(() -> OnnxClassifier.builder().setModelFile(Fixtures.path("onnx/cnn.onnx"))
                        .setInputShape(1, 28, 28).optClassNames(List.of("a", "b")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outputs 10 classes but 2 class names");
        assertThatThrownBy(() -> OnnxClassifier.builder().setModelFile(Fixtures.path("onnx/cnn.onnx"))
                        .setInputShape(1, 28, 28).optOutputName("probs").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no output named 'probs'; its outputs are [logits]");
        assertThatThrownBy(() -> OnnxClassifier.builder().setInputShape(1, 28, 28).build())
                .hasMessage("model file is required");
        try (OnnxClassifier model = load(); NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> model.predict(m.zeros(new Shape(2, 784))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("takes inputs of shape (N, 1, 28, 28), got (2, 784)");
        }
    }

    static float maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
