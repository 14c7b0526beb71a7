package dev.robust4j.attack.whitebox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.Norm;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.testing.LinearModels;

import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DeepFool's closed forms on linear models, its bookkeeping and its parameter guards. */
class DeepFoolTest {

    private static final int D = 12;
    private static final int N = 16;
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** Inputs in [0.4, 0.6]: every step below stays well inside the box. */
    private static float[] inputs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.4 + 0.2 * r.nextDouble());
        }
        return x;
    }

    /** A binary model whose boundary passes through the centre of the box. */
    private static float[][] binaryWeights() {
        float[] w = LinearModels.randomWeights(2, D, 1.0, 3);
        double centre = 0;
        for (int j = 0; j < D; j++) {
            centre += 0.5 * (w[D + j] - w[j]);
        }
        return new float[][] {w, {0f, (float) -centre}};
    }

    private static double[] logits(float[] w, float[] b, float[] x, int sample, int k) {
        double[] z = new double[k];
        for (int c = 0; c < k; c++) {
            z[c] = b[c];
            for (int j = 0; j < D; j++) {
                z[c] += (double) w[c * D + j] * x[sample * D + j];
            }
        }
        return z;
    }

    private static long[] predictions(float[] w, float[] b, float[] x, int n, int k) {
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            double[] z = logits(w, b, x, i, k);
            for (int c = 1; c < k; c++) {
                if (z[c] > z[(int) y[i]]) {
                    y[i] = c;
                }
            }
        }
        return y;
    }

    @Test
    void l2StepOnABinaryLinearModelIsTheOvershotProjectionOntoTheBoundary() {
        float[][] wb = binaryWeights();
        float[] w = wb[0];
        float[] b = wb[1];
        float[] x = inputs(N, 5);
        long[] y = predictions(w, b, x, N, 2);
        try (BlockClassifier model = LinearModels.softmax(w, b, D);
                NDManager m = manager.newSubManager();
                AttackResult r = DeepFool.l2().generate(model, m.create(x, new Shape(N, D)), m.create(y))) {
            float[] adv = r.adversarial().toFloatArray();
            for (int i = 0; i < N; i++) {
                int c0 = (int) y[i];
                double[] z = logits(w, b, x, i, 2);
                double f = Math.abs(z[1 - c0] - z[c0]);
                double norm2 = 0;
                for (int j = 0; j < D; j++) {
                    double wj = w[(1 - c0) * D + j] - w[c0 * D + j];
                    norm2 += wj * wj;
                }
                double distance = f / Math.sqrt(norm2);
                // one step to 1e-4 past the boundary (DeepFool.MARGIN), overshot by 2%
                double reach = distance + DeepFool.MARGIN;
                assertThat((double) r.l2()[i]).as("sample %d L2", i).isCloseTo(1.02 * reach, offset(1e-4 * reach));
                for (int j = 0; j < D; j++) {
                    double wj = w[(1 - c0) * D + j] - w[c0 * D + j];
                    assertThat((double) adv[i * D + j] - x[i * D + j])
                            .isCloseTo(1.02 * reach / Math.sqrt(norm2) * wj, offset(1e-5));
                }
                assertThat(r.success()[i]).isTrue();
            }
            // One step: two Jacobian rows at x, then one evaluation that finds x + 1.02 r adversarial.
            assertThat(r.queries()).containsOnly(3L);
        }
    }

    @Test
    void linfStepOnABinaryLinearModelIsTheDualNormDistance() {
        float[][] wb = binaryWeights();
        float[] w = wb[0];
        float[] b = wb[1];
        float[] x = inputs(N, 6);
        long[] y = predictions(w, b, x, N, 2);
        try (BlockClassifier model = LinearModels.softmax(w, b, D);
                NDManager m = manager.newSubManager();
                AttackResult r = DeepFool.linf().generate(model, m.create(x, new Shape(N, D)), m.create(y))) {
            float[] adv = r.adversarial().toFloatArray();
            for (int i = 0; i < N; i++) {
                int c0 = (int) y[i];
                double[] z = logits(w, b, x, i, 2);
                double f = Math.abs(z[1 - c0] - z[c0]);
                double norm1 = 0;
                for (int j = 0; j < D; j++) {
                    norm1 += Math.abs(w[(1 - c0) * D + j] - w[c0 * D + j]);
                }
                double distance = f / norm1;
                double reach = distance + DeepFool.MARGIN;
                assertThat((double) r.linf()[i]).as("sample %d Linf", i).isCloseTo(1.02 * reach, offset(1e-4 * reach));
                for (int j = 0; j < D; j++) {
                    double wj = w[(1 - c0) * D + j] - w[c0 * D + j];
                    assertThat((double) adv[i * D + j] - x[i * D + j]).isCloseTo(1.02 * reach * Math.signum(wj), offset(1e-5));
                }
                assertThat(r.success()[i]).isTrue();
            }
            assertThat(r.queries()).containsOnly(3L);
        }
    }

    /**
     * Points on a face of the box: the first two coordinates of every sample sit at the bound its
     * step would push them past, so clipping cancels part of each step. The steps accumulate
     * unclipped (as in Foolbox), so the sample is still broken, inside the bounds, with the two
     * logits strictly on the adversarial side.
     */
    @Test
    void samplesOnTheBoxAreStillBrokenWithAMargin() {
        float[][] wb = binaryWeights();
        float[] w = wb[0];
        float[] b = wb[1];
        float[] x = inputs(N, 8);
        long[] y = predictions(w, b, x, N, 2);
        for (int i = 0; i < N; i++) {
            int c0 = (int) y[i];
            for (int j = 0; j < 2; j++) {
                double wj = w[(1 - c0) * D + j] - w[c0 * D + j];
                x[i * D + j] = wj < 0 ? 0f : 1f;
            }
        }
        y = predictions(w, b, x, N, 2);
        try (BlockClassifier model = LinearModels.softmax(w, b, D);
                NDManager m = manager.newSubManager();
                AttackResult r = DeepFool.l2().generate(model, m.create(x, new Shape(N, D)), m.create(y))) {
            float[] adv = r.adversarial().toFloatArray();
            for (int i = 0; i < N; i++) {
                assertThat(r.success()[i]).as("sample %d", i).isTrue();
                double[] z = logits(w, b, adv, i, 2);
                assertThat(z[1 - (int) y[i]] - z[(int) y[i]]).as("sample %d margin", i).isGreaterThan(1e-5);
                for (int j = 0; j < D; j++) {
                    assertThat(adv[i * D + j]).isBetween(0f, 1f);
                }
            }
        }
    }

    @Test
    void multiClassLinearModelIsFooledBeyondTheNearestPairwiseBoundary() {
        int k = 5;
        float[] w = LinearModels.randomWeights(k, D, 1.0, 11);
        float[] b = {0.1f, -0.1f, 0.2f, 0f, -0.2f};
        float[] x = inputs(N, 12);
        long[] y = predictions(w, b, x, N, k);
        try (BlockClassifier model = LinearModels.softmax(w, b, D);
                NDManager m = manager.newSubManager();
                AttackResult r = DeepFool.l2().candidates(3).generate(model, m.create(x, new Shape(N, D)), m.create(y))) {
            for (int i = 0; i < N; i++) {
                assertThat(r.success()[i]).as("sample %d", i).isTrue();
                // Any path out of the clean class's region crosses some boundary z_c = z_c0.
                double[] z = logits(w, b, x, i, k);
                int c0 = (int) y[i];
                double nearest = Double.POSITIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    if (c == c0) {
                        continue;
                    }
                    double norm2 = 0;
                    for (int j = 0; j < D; j++) {
                        double wj = w[c * D + j] - w[c0 * D + j];
                        norm2 += wj * wj;
                    }
                    nearest = Math.min(nearest, Math.abs(z[c] - z[c0]) / Math.sqrt(norm2));
                }
                assertThat((double) r.l2()[i]).isGreaterThanOrEqualTo(nearest * (1 - 1e-5));
            }
            // Three candidates: at most three Jacobian rows per iteration.
            assertThat(java.util.Arrays.stream(r.queries()).boxed()).allMatch(q -> q % 3 == 1 || q % 3 == 0);
        }
    }

    @Test
    void misclassifiedSamplesAreReturnedUnchanged() {
        float[][] wb = binaryWeights();
        float[] x = inputs(N, 7);
        long[] y = predictions(wb[0], wb[1], x, N, 2);
        long[] wrong = y.clone();
        wrong[0] = 1 - wrong[0];
        wrong[3] = 1 - wrong[3];
        try (BlockClassifier model = LinearModels.softmax(wb[0], wb[1], D);
                NDManager m = manager.newSubManager();
                AttackResult r = DeepFool.l2().generate(model, m.create(x, new Shape(N, D)), m.create(wrong))) {
            assertThat(r.l0()[0]).isZero();
            assertThat(r.l0()[3]).isZero();
            assertThat(r.queries()[0]).isZero();
            assertThat(r.l0()[1]).isPositive();
            try (NDArray logits = model.predict(r.adversarial())) {
                assertThat(r.adversarialPredictions()).isEqualTo(AttackContext.argMax(logits));
            }
        }
    }

    @Test
    void parametersAreValidatedAndReported() {
        assertThatThrownBy(() -> DeepFool.l2().norm(Norm.L1)).hasMessage("norm must be l2 or linf, got l1");
        assertThatThrownBy(() -> DeepFool.l2().candidates(1)).hasMessage("candidates must be >= 2, got 1");
        assertThatThrownBy(() -> DeepFool.l2().overshoot(-0.1f)).hasMessage("overshoot must be a finite number >= 0, got -0.1");
        assertThatThrownBy(() -> DeepFool.l2().overshoot(Float.NaN)).hasMessageContaining("overshoot must be");
        assertThatThrownBy(() -> DeepFool.l2().maxIter(0)).hasMessage("max-iter must be >= 1, got 0");
        assertThat(Attacks.deepFool(Norm.LINF).candidates(4).overshoot(0.05f).maxIter(7).params())
                .containsEntry("norm", "linf").containsEntry("candidates", 4).containsEntry("overshoot", 0.05f)
                .containsEntry("max-iter", 7);
        assertThat(DeepFool.l2().budget()).isEmpty();
        float[][] wb = binaryWeights();
        try (BlockClassifier model = LinearModels.softmax(wb[0], wb[1], D); NDManager m = manager.newSubManager()) {
            NDArray x = m.create(inputs(N, 1), new Shape(N, D));
            NDArray y = m.zeros(new Shape(N), ai.djl.ndarray.types.DataType.INT64);
            assertThatThrownBy(() -> DeepFool.l2().generate(model, x, y, y.add(1)))
                    .hasMessage("attack deepfool has no targeted form");
        }
    }
}
