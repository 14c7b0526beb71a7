package dev.robust4j.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.FunctionClassifier;
import dev.robust4j.testing.LinearModels;

import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Closed-form and contract checks of the gradient engine on linear softmax models. */
class GradientDescentAttackTest {

    private static final int K = 4;
    private static final int D = 12;
    private static final int N = 32;
    private static BlockClassifier model;
    private static float[] w;
    private static float[] b;
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        w = LinearModels.randomWeights(K, D, 1.0, 7);
        b = new float[] {0.1f, -0.2f, 0.05f, 0f};
        model = LinearModels.softmax(w, b, D);
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
        model.close();
    }

    /** Inputs in [0.2, 0.8] so that an eps of 0.1 never touches the bounds. */
    private static float[] inputs(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[N * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.2 + 0.6 * r.nextDouble());
        }
        return x;
    }

    private static long[] labels(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] y = new long[N];
        for (int i = 0; i < N; i++) {
            y[i] = r.nextInt(K);
        }
        return y;
    }

    /** The closed-form input gradient of cross-entropy for a linear softmax: W^T (p - e_y). */
    private static double[] ceGradient(float[] x, int sample, int label) {
        double[] z = new double[K];
        for (int k = 0; k < K; k++) {
            z[k] = b[k];
            for (int j = 0; j < D; j++) {
                z[k] += w[k * D + j] * x[sample * D + j];
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[K];
        for (int k = 0; k < K; k++) {
            p[k] = Math.exp(z[k] - max);
            sum += p[k];
        }
        double[] g = new double[D];
        for (int k = 0; k < K; k++) {
            double coef = p[k] / sum - (k == label ? 1 : 0);
            for (int j = 0; j < D; j++) {
                g[j] += coef * w[k * D + j];
            }
        }
        return g;
    }

    @Test
    void fgsmEqualsClosedFormOnLinearModel() {
        float eps = 0.1f;
        float[] x = inputs(1);
        long[] y = labels(2);
        try (NDManager m = manager.newSubManager();
                AttackResult r = Attacks.fgsm(eps).generate(model, m.create(x, new Shape(N, D)), m.create(y))) {
            float[] adv = r.adversarial().toFloatArray();
            for (int i = 0; i < N; i++) {
                double[] g = ceGradient(x, i, (int) y[i]);
                for (int j = 0; j < D; j++) {
                    float expected = (float) (eps * Math.signum(g[j]));
                    assertThat(adv[i * D + j] - x[i * D + j])
                            .as("sample %d feature %d", i, j)
                            .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6f));
                }
            }
            assertThat(r.queries()).containsOnly(2L);
        }
    }

    @Test
    void fgmL2StepIsTheNormalisedGradient() {
        float eps = 0.3f;
        float[] x = inputs(3);
        long[] y = labels(4);
        try (NDManager m = manager.newSubManager();
                AttackResult r = Attacks.fgm(Norm.L2, eps).generate(model, m.create(x, new Shape(N, D)), m.create(y))) {
            float[] adv = r.adversarial().toFloatArray();
            for (int i = 0; i < N; i++) {
                double[] g = ceGradient(x, i, (int) y[i]);
                double norm = 0;
                for (double v : g) {
                    norm += v * v;
                }
                norm = Math.sqrt(norm);
                for (int j = 0; j < D; j++) {
                    assertThat((double) adv[i * D + j] - x[i * D + j])
                            .isCloseTo(eps * g[j] / norm, org.assertj.core.data.Offset.offset(1e-5));
                }
                assertThat(r.l2()[i]).isCloseTo(eps, org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void targetedPgdHitsTheTargetOnLinearModel() {
        float[] x = inputs(5);
        long[] y = labels(6);
        long[] t = new long[N];
        for (int i = 0; i < N; i++) {
            t[i] = (y[i] + 1) % K;
        }
        // A large ball: a linear model can always be pushed into any class whose region the box reaches.
        try (NDManager m = manager.newSubManager();
                AttackResult r = Attacks.pgd(Norm.LINF, 0.5f).steps(100)
                        .generate(model, m.create(x, new Shape(N, D)), m.create(y), m.create(t))) {
            for (int i = 0; i < N; i++) {
                if (r.success()[i]) {
                    assertThat(r.adversarialPredictions()[i]).isEqualTo((int) t[i]);
                }
            }
            assertThat(count(r.success())).isGreaterThanOrEqualTo(N * 3 / 4);
        }
    }

    @Test
    void whiteBoxAttackRefusesABlackBoxModel() {
        FunctionClassifier blackBox = FunctionClassifier.of(batch -> new float[batch.length][K], K, D);
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(inputs(1), new Shape(N, D));
            NDArray y = m.create(labels(2));
            assertThatThrownBy(() -> Attacks.pgd(0.1f).generate(blackBox, x, y))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("pgd is white-box and needs input gradients")
                    .hasMessageContaining("black-box function");
        }
    }

    @Test
    void badParametersAreRefusedWithTheirNames() {
        assertThatThrownBy(() -> Attacks.pgd(-1f)).hasMessageContaining("eps must be a positive number, got -1.0");
        assertThatThrownBy(() -> Attacks.pgd(0.1f).steps(0)).hasMessageContaining("steps must be >= 1, got 0");
        assertThatThrownBy(() -> Attacks.pgd(0.1f).stepSize(Float.NaN)).hasMessageContaining("step-size");
        assertThatThrownBy(() -> Attacks.pgd(0.1f).restarts(0)).hasMessageContaining("restarts must be >= 1");
        assertThatThrownBy(() -> Attacks.pgd(Norm.L0, 3f)).hasMessageContaining("norm must be one of linf, l2, l1");
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(inputs(1), new Shape(N, D));
            NDArray y = m.create(labels(2));
            assertThatThrownBy(() -> Attacks.pgd(3f).generate(model, x, y))
                    .hasMessage("eps must be in (0, 1.0] for bounds [0.0, 1.0] under the linf norm, got 3.0");
            assertThatThrownBy(() -> Attacks.pgd(0.1f).generate(model, x.mul(3), y))
                    .hasMessageContaining("x must lie in the model's bounds [0.0, 1.0]");
            assertThatThrownBy(() -> Attacks.pgd(0.1f).generate(model, x.reshape(N, 3, 4), y))
                    .hasMessageContaining("x must have shape (N, 12)");
            assertThatThrownBy(() -> Attacks.pgd(0.1f).generate(model, x, y.add(K)))
                    .hasMessageContaining("labels[0] is")
                    .hasMessageContaining("expected a class index in [0, 3]");
            assertThatThrownBy(() -> Attacks.pgd(0.1f).generate(model, x, y, y))
                    .hasMessageContaining("a target must differ from the label");
            assertThatThrownBy(() -> Attacks.pgd(0.1f).generate(model, x, y.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)))
                    .hasMessageContaining("labels must be integer class indices");
        }
    }

    @Test
    void attackLeavesTheCallersArraysAndManagerAsTheyWere() {
        try (NDManager m = manager.newSubManager()) {
            float[] xs = inputs(8);
            NDArray x = m.create(xs, new Shape(N, D));
            NDArray y = m.create(labels(9));
            int before = m.getManagedArrays().size();
            AttackResult r = Attacks.pgd(Norm.L2, 0.5f).steps(20).restarts(2).generate(model, x, y);
            assertThat(m.getManagedArrays()).hasSize(before + 1).contains(r.adversarial());
            assertThat(x.toFloatArray()).isEqualTo(xs);
            r.close();
        }
    }

    static int count(boolean[] flags) {
        int c = 0;
        for (boolean f : flags) {
            if (f) {
                c++;
            }
        }
        return c;
    }
}
