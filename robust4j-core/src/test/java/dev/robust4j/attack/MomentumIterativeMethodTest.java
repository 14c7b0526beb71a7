package dev.robust4j.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.data.Npy;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.TorchScriptClassifier;
import dev.robust4j.testing.Fixtures;
import dev.robust4j.testing.LinearModels;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Momentum Iterative Method as an option of the gradient engine: closed forms of its first two
 * steps on a linear softmax model, decay 0 = BIM bit for bit, the attack contract on the CNN
 * fixture, and its registry entry.
 */
class MomentumIterativeMethodTest {

    private static final int K = 10;
    private static final int D = 12;
    private static final int N = 32;
    private static final float[] X = Npy.read(Fixtures.path("torchscript/x.npy")).floats();
    private static final long[] Y = Npy.read(Fixtures.path("torchscript/y.npy")).longs();
    private static final int CNN_N = 48;
    private static final int CNN_D = 784;
    private static BlockClassifier linear;
    private static TorchScriptClassifier cnn;
    private static float[] w;
    private static float[] b;
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        // Large weights: one step moves the probabilities enough to turn some gradient coordinates
        // around, so momentum visibly changes the second step.
        w = LinearModels.randomWeights(K, D, 4.0, 7);
        b = new float[] {0.1f, -0.2f, 0.05f, 0f, 0.15f, -0.1f, 0.2f, 0f, -0.05f, 0.1f};
        linear = LinearModels.softmax(w, b, D);
        cnn = TorchScriptClassifier.builder()
                .setModelFile(Fixtures.path("torchscript/cnn_scripted.pt"))
                .setInputShape(1, 28, 28)
                .build();
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
        linear.close();
        cnn.close();
    }

    /** Inputs in [0.4, 0.6]: two steps of the sizes below never touch the bounds. */
    private static float[] inputs(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[N * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.4 + 0.2 * r.nextDouble());
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
    private static double[] ceGradient(double[] x, int label) {
        double[] z = new double[K];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < K; k++) {
            z[k] = b[k];
            for (int j = 0; j < D; j++) {
                z[k] += w[k * D + j] * x[j];
            }
            max = Math.max(max, z[k]);
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

    private static double norm(double[] v, int p) {
        double s = 0;
        for (double e : v) {
            s += p == 1 ? Math.abs(e) : e * e;
        }
        return p == 1 ? s : Math.sqrt(s);
    }

    /** The L∞ or L2 step of unit size along {@code g}. */
    private static double[] direction(double[] g, Norm n) {
        double[] out = new double[g.length];
        double l2 = norm(g, 2);
        for (int j = 0; j < g.length; j++) {
            out[j] = n == Norm.LINF ? Math.signum(g[j]) : g[j] / l2;
        }
        return out;
    }

    /**
     * Two MIM steps in closed form: {@code m1 = g0/‖g0‖₁}, {@code x1 = x0 + α s(m1)},
     * {@code m2 = μ m1 + g1/‖g1‖₁}, {@code x2 = x1 + α s(m2)}; returns x1 and x2 of one sample and
     * counts coordinates where momentum changed the second step's direction.
     */
    private static double[][] twoSteps(float[] x, int sample, int label, Norm n, double alpha, double mu, int[] changed) {
        double[] x0 = new double[D];
        for (int j = 0; j < D; j++) {
            x0[j] = x[sample * D + j];
        }
        double[] g0 = ceGradient(x0, label);
        double l1g0 = norm(g0, 1);
        double[] m1 = new double[D];
        for (int j = 0; j < D; j++) {
            m1[j] = g0[j] / l1g0;
        }
        double[] s1 = direction(m1, n);
        double[] x1 = new double[D];
        for (int j = 0; j < D; j++) {
            x1[j] = x0[j] + alpha * s1[j];
        }
        double[] g1 = ceGradient(x1, label);
        double l1g1 = norm(g1, 1);
        double[] m2 = new double[D];
        for (int j = 0; j < D; j++) {
            m2[j] = mu * m1[j] + g1[j] / l1g1;
        }
        double[] s2 = direction(m2, n);
        double[] plain = direction(g1, n);
        double[] x2 = new double[D];
        for (int j = 0; j < D; j++) {
            x2[j] = x1[j] + alpha * s2[j];
            if (Math.abs(s2[j] - plain[j]) > 1e-3) {
                changed[0]++;
            }
        }
        return new double[][] {x1, x2};
    }

    @Test
    void firstStepIsTheSignOfTheGradientInLinf() {
        float alpha = 0.05f;
        float[] x = inputs(1);
        long[] y = labels(2);
        GradientDescentAttack mim = Attacks.mim(Norm.LINF, 0.3f).steps(1).stepSize(alpha).earlyStop(false);
        try (NDManager m = manager.newSubManager();
                AttackResult r = mim.generate(linear, m.create(x, new Shape(N, D)), m.create(y))) {
            float[] adv = r.adversarial().toFloatArray();
            for (int i = 0; i < N; i++) {
                double[] x0 = new double[D];
                for (int j = 0; j < D; j++) {
                    x0[j] = x[i * D + j];
                }
                double[] g = ceGradient(x0, (int) y[i]);
                for (int j = 0; j < D; j++) {
                    assertThat(adv[i * D + j] - x[i * D + j])
                            .as("sample %d feature %d", i, j)
                            .isCloseTo((float) (alpha * Math.signum(g[j])), Offset.offset(1e-6f));
                }
            }
        }
    }

    @Test
    void twoLinfStepsFollowTheAccumulatedNormalisedGradient() {
        checkTwoSteps(Norm.LINF, 0.15f, 0.3f, 1.0f);
    }

    @Test
    void twoL2StepsFollowTheAccumulatedGradientNormalisedInL2() {
        checkTwoSteps(Norm.L2, 0.3f, 0.6f, 1.0f);
    }

    @Test
    void aSmallerDecayWeighsThePastLess() {
        checkTwoSteps(Norm.LINF, 0.15f, 0.3f, 0.5f);
    }

    private void checkTwoSteps(Norm n, float alpha, float eps, float mu) {
        float[] x = inputs(3);
        long[] y = labels(4);
        GradientDescentAttack mim = Attacks.mim(n, eps).decay(mu).steps(2).stepSize(alpha).earlyStop(false);
        int[] changed = new int[1];
        try (NDManager m = manager.newSubManager();
                AttackResult r = mim.generate(linear, m.create(x, new Shape(N, D)), m.create(y))) {
            float[] adv = r.adversarial().toFloatArray();
            for (int i = 0; i < N; i++) {
                double[][] steps = twoSteps(x, i, (int) y[i], n, alpha, mu, changed);
                for (int j = 0; j < D; j++) {
                    assertThat((double) adv[i * D + j])
                            .as("sample %d feature %d", i, j)
                            .isCloseTo(steps[1][j], Offset.offset(2e-5));
                }
            }
        }
        // The check can fail: momentum turned the second step away from the current gradient's.
        assertThat(changed[0]).as("coordinates where momentum changed the second step").isPositive();
    }

    private static NDArray cnnX(NDManager m) {
        return cnnX(m, CNN_N);
    }

    private static NDArray cnnX(NDManager m, int n) {
        return m.create(Arrays.copyOf(X, n * CNN_D), new Shape(n, 1, 28, 28));
    }

    private static NDArray cnnY(NDManager m) {
        return cnnY(m, CNN_N);
    }

    private static NDArray cnnY(NDManager m, int n) {
        return m.create(Arrays.copyOf(Y, n));
    }

    @Test
    void decayZeroIsBimBitForBit() {
        for (Norm n : new Norm[] {Norm.LINF, Norm.L2}) {
            float eps = n == Norm.LINF ? 0.05f : 1.0f;
            GradientDescentAttack bim = Attacks.bim(n, eps).steps(8).stepSize(eps / 4);
            GradientDescentAttack mim = Attacks.mim(n, eps).steps(8).stepSize(eps / 4);
            int rows = 16;
            try (NDManager m = manager.newSubManager();
                    AttackResult plain = bim.generate(cnn, cnnX(m, rows), cnnY(m, rows));
                    AttackResult zero = mim.decay(0f).generate(cnn, cnnX(m, rows), cnnY(m, rows));
                    AttackResult momentum = mim.generate(cnn, cnnX(m, rows), cnnY(m, rows))) {
                assertThat(zero.adversarial().toFloatArray()).as("%s", n).isEqualTo(plain.adversarial().toFloatArray());
                assertThat(zero.queries()).isEqualTo(plain.queries());
                assertThat(momentum.adversarial().toFloatArray()).as("%s, decay 1", n)
                        .isNotEqualTo(plain.adversarial().toFloatArray());
            }
        }
    }

    @Test
    void keepsTheContractOnTheCnn() {
        // Minimum untargeted SR over the 37 correctly classified samples. L∞: torchattacks' MIFGSM with
        // the same settings breaks 18 (scripts/conformance/results/test_pins.json, row mim), as
        // robust4j does; two samples of slack. L2 (no reference has it): a regression pin, robust4j
        // broke 19 (measured), three samples of slack.
        double[] minimum = {16 / 37.0, 16 / 37.0};
        GradientDescentAttack[] mims = {Attacks.mim(Norm.LINF, 0.05f), Attacks.mim(Norm.L2, 1.0f).decay(0.8f)};
        for (int a = 0; a < mims.length; a++) {
            GradientDescentAttack mim = mims[a];
            Budget budget = mim.budget().orElseThrow();
            long[] t = new long[CNN_N];
            for (int i = 0; i < CNN_N; i++) {
                t[i] = (Y[i] + 1) % 10;
            }
            try (NDManager m = manager.newSubManager();
                    AttackResult u = mim.generate(cnn, cnnX(m), cnnY(m));
                    AttackResult again = mim.generate(cnn, cnnX(m), cnnY(m));
                    AttackResult tr = mim.generate(cnn, cnnX(m), cnnY(m), m.create(t))) {
                for (AttackResult r : new AttackResult[] {u, tr}) {
                    float[] adv = r.adversarial().toFloatArray();
                    float[] delta = new float[CNN_D];
                    for (int i = 0; i < CNN_N; i++) {
                        for (int j = 0; j < CNN_D; j++) {
                            float v = adv[i * CNN_D + j];
                            assertThat(v).isBetween(0f, 1f);
                            delta[j] = v - X[i * CNN_D + j];
                        }
                        assertThat(budget.norm().measure(delta, 0, CNN_D)).isLessThanOrEqualTo(budget.eps() * 1.00001f);
                    }
                    try (NDArray logits = cnn.predict(r.adversarial())) {
                        int[] predicted = AttackContext.argMax(logits);
                        assertThat(r.adversarialPredictions()).isEqualTo(predicted);
                        for (int i = 0; i < CNN_N; i++) {
                            assertThat(r.success()[i]).isEqualTo(r.targeted() ? predicted[i] == t[i] : predicted[i] != Y[i]);
                        }
                    }
                }
                assertThat(u.adversarial().toFloatArray()).isEqualTo(again.adversarial().toFloatArray());
                System.out.printf("%s: untargeted SR %.3f, targeted %.3f%n", mim, AttackContractTest.successRate(u),
                        AttackContractTest.successRate(tr));
                assertThat(AttackContractTest.successRate(u)).as("%s: untargeted SR over the correctly classified samples", mim)
                        .isGreaterThanOrEqualTo(minimum[a]);
                assertThat(AttackContractTest.successRate(tr)).as("targeted hits among the correctly classified samples").isPositive();
            }
        }
    }

    @Test
    void registryMakesMimWithItsParameters() {
        EvasionAttack a = AttackRegistry.create("mim", Map.of(
                "decay", "0.5", "norm", "l2", "eps", "0.8", "steps", "7", "step-size", "0.2", "seed", "3"));
        assertThat(a.name()).isEqualTo("mim");
        assertThat(a.params()).containsEntry("decay", 0.5f).containsEntry("norm", "l2").containsEntry("eps", 0.8f)
                .containsEntry("steps", 7).containsEntry("step-size", 0.2f).containsEntry("seed", 3L);
        assertThat(AttackRegistry.create("mim", Map.of()).params())
                .containsEntry("decay", 1.0f).containsEntry("norm", "linf").containsEntry("eps", 0.1f)
                .containsEntry("steps", 10).containsEntry("step-size", 0.01f).containsEntry("random-start", false);
        assertThat(AttackRegistry.create("mim", Map.of("steps", "20")).params()).containsEntry("step-size", 0.005f);
        assertThat(AttackRegistry.create("pgd", Map.of()).params()).doesNotContainKey("decay");
    }

    @Test
    void badDecayIsRefusedWithItsName() {
        assertThatThrownBy(() -> Attacks.mim(Norm.LINF, 0.1f).decay(-1f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("decay must be a finite number >= 0, got -1.0");
        assertThatThrownBy(() -> Attacks.mim(Norm.LINF, 0.1f).decay(Float.NaN))
                .hasMessage("decay must be a finite number >= 0, got NaN");
        assertThatThrownBy(() -> Attacks.mim(Norm.L1, 10f))
                .hasMessage("decay (momentum) is defined for the linf and l2 norms (Dong et al. 2018), got norm l1");
        assertThatThrownBy(() -> AttackRegistry.create("mim", Map.of("decay", "fast")))
                .hasMessage("parameter decay of attack mim must be a number, got 'fast'");
        assertThatThrownBy(() -> AttackRegistry.create("mim", Map.of("decay", "-0.5")))
                .hasMessage("decay must be a finite number >= 0, got -0.5");
        assertThat(Attacks.pgd(Norm.L1, 10f).decay(0f).decay()).isZero();
    }
}
