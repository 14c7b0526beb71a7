package dev.robust4j.attack.blackbox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.data.Npy;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.FunctionClassifier;
import dev.robust4j.testing.Fixtures;

import java.util.Arrays;
import java.util.List;

/** Label-only test models (one-hot outputs, no gradients) and helpers for the decision-based attacks. */
final class LabelOnly {

    /** The first 100 Fashion-MNIST test images of the CNN fixture, (100, 1, 28, 28) in [0, 1]. */
    static final float[] X = Npy.read(Fixtures.path("torchscript/x.npy")).floats();
    /** Their labels. */
    static final long[] Y = Npy.read(Fixtures.path("torchscript/y.npy")).longs();
    /** Features per image. */
    static final int D = 784;

    private LabelOnly() {}

    /**
     * Wraps a classifier so that it answers one-hot rows only and is not differentiable.
     *
     * @param model the model with scores
     * @param manager where the wrapper makes its temporary arrays
     * @return the label-only black box
     */
    static FunctionClassifier wrap(Classifier model, NDManager manager) {
        int k = model.numClasses();
        Shape shape = model.inputShape();
        int dim = (int) shape.size();
        long[] dims = new long[shape.dimension() + 1];
        System.arraycopy(shape.getShape(), 0, dims, 1, shape.dimension());
        return new FunctionClassifier(rows -> {
            int n = rows.length;
            float[] flat = new float[n * dim];
            for (int i = 0; i < n; i++) {
                System.arraycopy(rows[i], 0, flat, i * dim, dim);
            }
            dims[0] = n;
            try (NDManager m = manager.newSubManager()) {
                NDArray logits = model.predict(m.create(flat, new Shape(dims)));
                return oneHot(AttackContext.argMax(logits), k);
            }
        }, shape, model.bounds(), k, Classifier.OutputKind.LABEL_ONLY, List.of(), "label-only " + model.description());
    }

    /**
     * A label-only linear classifier {@code argmax(W x + b)} computed in Java: its decision
     * boundaries are hyperplanes, so minimal distances have closed forms.
     *
     * @param w {@code k} rows of {@code d} weights
     * @param b {@code k} biases
     * @return the model, inputs of shape {@code (d)} in [0, 1]
     */
    static FunctionClassifier linear(double[][] w, double[] b) {
        int k = b.length;
        int d = w[0].length;
        return new FunctionClassifier(rows -> {
            int[] label = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                label[i] = argMax(scores(w, b, rows[i]));
            }
            return oneHot(label, k);
        }, new Shape(d), Bounds.UNIT, k, Classifier.OutputKind.LABEL_ONLY, List.of(), "label-only linear");
    }

    static double[] scores(double[][] w, double[] b, float[] x) {
        double[] z = b.clone();
        for (int c = 0; c < w.length; c++) {
            for (int j = 0; j < x.length; j++) {
                z[c] += w[c][j] * x[j];
            }
        }
        return z;
    }

    static int argMax(double[] z) {
        int best = 0;
        for (int c = 1; c < z.length; c++) {
            if (z[c] > z[best]) {
                best = c;
            }
        }
        return best;
    }

    private static float[][] oneHot(int[] labels, int k) {
        float[][] out = new float[labels.length][k];
        for (int i = 0; i < labels.length; i++) {
            out[i][labels[i]] = 1f;
        }
        return out;
    }

    /** The median of the values at the flagged positions. */
    static double median(float[] values, boolean[] keep) {
        double[] v = new double[values.length];
        int c = 0;
        for (int i = 0; i < values.length; i++) {
            if (keep[i]) {
                v[c++] = values[i];
            }
        }
        v = Arrays.copyOf(v, c);
        Arrays.sort(v);
        return c % 2 == 1 ? v[c / 2] : (v[c / 2 - 1] + v[c / 2]) / 2;
    }

    /** The number of set flags. */
    static int count(boolean[] flags) {
        int c = 0;
        for (boolean f : flags) {
            if (f) {
                c++;
            }
        }
        return c;
    }

    /** The flags set in both. */
    static boolean[] and(boolean[] a, boolean[] b) {
        boolean[] out = new boolean[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] && b[i];
        }
        return out;
    }

    /** The first {@code n} images as an NDArray. */
    static NDArray images(NDManager m, int n) {
        return m.create(Arrays.copyOf(X, n * D), new Shape(n, 1, 28, 28));
    }

    /** The first {@code n} labels as an NDArray. */
    static NDArray labels(NDManager m, int n) {
        return m.create(Arrays.copyOf(Y, n));
    }

    /** {@code (y + 1) mod 10} for the first {@code n} labels. */
    static NDArray nextClass(NDManager m, int n) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = (Y[i] + 1) % 10;
        }
        return m.create(t);
    }

    /**
     * Asserts that a targeted run hit the target for every correctly classified sample whose
     * target class the model predicts for another input of the batch (the attacks start from such
     * an input), and for at least 90% of all correctly classified samples.
     */
    static void assertTargetsHit(AttackResult r) {
        int n = r.size();
        int correct = 0;
        int hit = 0;
        for (int i = 0; i < n; i++) {
            if (!r.cleanCorrect()[i]) {
                continue;
            }
            correct++;
            boolean hitTarget = r.adversarialPredictions()[i] == r.targets()[i];
            hit += hitTarget ? 1 : 0;
            for (int j = 0; j < n; j++) {
                if (j != i && r.cleanPredictions()[j] == r.targets()[i]) {
                    org.assertj.core.api.Assertions.assertThat(hitTarget).as("sample %d, target %d", i, r.targets()[i])
                            .isTrue();
                }
            }
        }
        org.assertj.core.api.Assertions.assertThat(hit).isGreaterThanOrEqualTo((int) Math.ceil(0.9 * correct));
    }

    /** The largest query count of any sample. */
    static long maxQueries(AttackResult r) {
        return Arrays.stream(r.queries()).max().orElse(0);
    }
}
