package dev.robust4j.attack.blackbox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.data.Npy;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.FunctionClassifier;
import dev.robust4j.model.TorchScriptClassifier;
import dev.robust4j.testing.Fixtures;

import java.util.Arrays;
import java.util.List;

/** The PyTorch CNN fixture seen as a black box: predictions only, no gradients. */
final class CnnFixture {

    static final float[] X = Npy.read(Fixtures.path("torchscript/x.npy")).floats();
    static final long[] Y = Npy.read(Fixtures.path("torchscript/y.npy")).longs();
    static final int D = 784;

    private CnnFixture() {}

    /** @return the traced CNN; close it */
    static TorchScriptClassifier cnn() {
        return TorchScriptClassifier.builder()
                .setModelFile(Fixtures.path("torchscript/cnn_traced.pt"))
                .setInputShape(1, 28, 28)
                .build();
    }

    /**
     * Hides every capability of a model but {@code predict}: the result is not a
     * {@link dev.robust4j.model.DifferentiableClassifier}.
     */
    static Classifier blackBox(Classifier model) {
        return new Classifier() {
            @Override
            public NDArray predict(NDArray x) {
                return model.predict(x);
            }

            @Override
            public int numClasses() {
                return model.numClasses();
            }

            @Override
            public Shape inputShape() {
                return model.inputShape();
            }

            @Override
            public Bounds bounds() {
                return model.bounds();
            }

            @Override
            public String description() {
                return "black-box CNN";
            }
        };
    }

    /** @return a label-only model answering one-hot rows of class 0 */
    static Classifier labelOnly() {
        return new FunctionClassifier(
                rows -> {
                    float[][] out = new float[rows.length][10];
                    for (float[] row : out) {
                        row[0] = 1;
                    }
                    return out;
                },
                new Shape(1, 28, 28), Bounds.UNIT, 10, Classifier.OutputKind.LABEL_ONLY, List.of(), "label-only");
    }

    static NDArray x(NDManager m, int n) {
        return m.create(Arrays.copyOf(X, n * D), new Shape(n, 1, 28, 28));
    }

    static NDArray y(NDManager m, int n) {
        return m.create(Arrays.copyOf(Y, n));
    }

    static NDArray nextClass(NDManager m, int n) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = (Y[i] + 1) % 10;
        }
        return m.create(t);
    }
}
