package dev.robust4j.attack.whitebox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.data.Npy;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.TorchScriptClassifier;
import dev.robust4j.testing.Fixtures;
import dev.robust4j.testing.LinearModels;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JSMA's pair against the brute-force saliency map, its closed form on linear models, its
 * strength on the CNN fixture, guards.
 */
class JacobianSaliencyMapAttackTest {

    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /**
     * The paper's definition over probabilities, by brute force: every pair p &lt; q of the domain,
     * {@code alpha = grad F_t}, {@code beta = -alpha}, score {@code (alpha_p + alpha_q) |beta_p + beta_q|}
     * under the sign conditions, the first maximum kept.
     */
    static long bruteForce(float[] alpha, boolean[] domain, int d, boolean increase) {
        double sign = increase ? 1 : -1;
        double best = 0;
        long arg = -1;
        for (int p = 0; p < d; p++) {
            for (int q = p + 1; q < d; q++) {
                if (!domain[p] || !domain[q]) {
                    continue;
                }
                double a = sign * alpha[p] + sign * alpha[q];
                double b = -a;
                if (a > 0 && b < 0 && a * Math.abs(b) > best) {
                    best = a * Math.abs(b);
                    arg = (long) p * d + q;
                }
            }
        }
        return arg;
    }

    @Test
    void salientPairEqualsTheBruteForceSaliencyMapOnRandomInputsWithTies() {
        SplittableRandom r = new SplittableRandom(42);
        float[] levels = {-2f, -1f, -0.5f, 0f, 0.5f, 1f, 2f};
        int found = 0;
        for (int trial = 0; trial < 3000; trial++) {
            int d = 2 + r.nextInt(40);
            int off = r.nextInt(5);
            boolean quantised = trial % 3 == 0;
            float[] alpha = new float[d];
            float[] descent = new float[off + d];
            boolean[] domain = new boolean[d];
            for (int i = 0; i < d; i++) {
                alpha[i] = quantised ? levels[r.nextInt(levels.length)] : (float) r.nextGaussian();
                // The attack reads the gradient of -log F_t: alpha up to a positive factor, negated.
                descent[off + i] = -alpha[i] * 0.25f;
                domain[i] = r.nextDouble() < 0.8;
            }
            boolean increase = r.nextBoolean();
            long expected = bruteForce(alpha, domain, d, increase);
            assertThat(JacobianSaliencyMapAttack.salientPair(descent, off, domain, 0, d, increase))
                    .as("trial %d, d %d, increase %s", trial, d, increase).isEqualTo(expected);
            if (expected >= 0) {
                found++;
            }
        }
        // Most trials have a pair, some have none: both outcomes are exercised.
        assertThat(found).isBetween(2000, 2990);
    }

    /**
     * On a linear softmax model the saliency has a closed form: {@code grad log F_t = w_t - sum_c F_c w_c},
     * whose two largest entries are the first pair. It is not the two largest logit gradients
     * {@code w_t} (ART's choice), nor the logit-based pair of CleverHans.
     */
    @Test
    void firstPairOnALinearModelIsTheTopTwoOfTheLogProbabilityGradient() {
        int k = 4;
        int d = 12;
        int n = 16;
        float[] w = LinearModels.randomWeights(k, d, 1.0, 5);
        float[] b = {0f, 0.1f, -0.1f, 0.05f};
        SplittableRandom r = new SplittableRandom(9);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.2 + 0.6 * r.nextDouble());
        }
        long[] clean = predict(w, b, x, n, d, k);
        long[] targets = new long[n];
        for (int i = 0; i < n; i++) {
            targets[i] = (clean[i] + 1 + r.nextInt(k - 1)) % k;
        }
        // gamma * D = 2.5: room for exactly one pair.
        JacobianSaliencyMapAttack attack = JacobianSaliencyMapAttack.create().gamma(2.5f / d);
        int differsFromTopTwoLogitGradient = 0;
        try (BlockClassifier model = LinearModels.softmax(w, b, d);
                NDManager m = manager.newSubManager();
                AttackResult res = attack.generate(model, m.create(x, new Shape(n, d)), m.create(clean), m.create(targets))) {
            float[] adv = res.adversarial().toFloatArray();
            for (int i = 0; i < n; i++) {
                int t = (int) targets[i];
                double[] z = new double[k];
                double zMax = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    z[c] = b[c];
                    for (int j = 0; j < d; j++) {
                        z[c] += (double) w[c * d + j] * x[i * d + j];
                    }
                    zMax = Math.max(zMax, z[c]);
                }
                double total = 0;
                for (int c = 0; c < k; c++) {
                    z[c] = Math.exp(z[c] - zMax);
                    total += z[c];
                }
                float[] alpha = new float[d];
                float[] logitGradient = new float[d];
                for (int j = 0; j < d; j++) {
                    double g = w[t * d + j];
                    for (int c = 0; c < k; c++) {
                        g -= z[c] / total * w[c * d + j];
                    }
                    alpha[j] = (float) g;
                    logitGradient[j] = w[t * d + j];
                }
                List<Integer> changed = new ArrayList<>();
                for (int j = 0; j < d; j++) {
                    if (adv[i * d + j] != x[i * d + j]) {
                        changed.add(j);
                        assertThat(adv[i * d + j]).isEqualTo(1f);
                    }
                }
                assertThat(changed).as("sample %d", i).isEqualTo(topTwo(alpha));
                if (!topTwo(logitGradient).equals(changed)) {
                    differsFromTopTwoLogitGradient++;
                }
            }
            assertThat(res.queries()).containsOnly(1L);
        }
        assertThat(differsFromTopTwoLogitGradient).isPositive();
    }

    /**
     * Strength on the committed CNN fixture (all 100 images, 80 classified correctly), targeted at
     * {@code (y + 1) mod 10}, theta 1, gamma 0.1, the returned batch re-checked by robust4j here and
     * by PyTorch 1.13 in the measurements below.
     *
     * <p>Measured (targets reached among the correctly classified samples, every adversarial
     * re-checked by PyTorch 1.13 on the same TorchScript file; ART's {@code SaliencyMapMethod} with
     * a {@code PyTorchClassifier}, clip values [0, 1]; torchattacks' {@code JSMA} in targeted mode):
     * <pre>
     *                                   fixture (80 correct)   test images 1000-1199 (174 correct)
     *   robust4j, saliency over logits        26                       65
     *   torchattacks 3.5.1                    27                       65
     *   ART 1.20.1                            40                       91
     *   robust4j, over probabilities          41                       98
     * </pre>
     * ART changes at most 80 features (it lets the last pair overshoot {@code gamma * D} = 78.4);
     * robust4j at most 78. The second column is data no figure was tuned on.
     *
     * <p>The bound is ART's figure less four samples: the attack takes discrete steps, and a tie
     * between two features that another CPU's last bits break the other way changes a path.
     */
    @Test
    void targetedOnTheCnnFixtureIsAsStrongAsArt() {
        float[] xs = Npy.read(Fixtures.path("torchscript/x.npy")).floats();
        long[] ys = Npy.read(Fixtures.path("torchscript/y.npy")).longs();
        int n = ys.length;
        long[] targets = new long[n];
        for (int i = 0; i < n; i++) {
            targets[i] = (ys[i] + 1) % 10;
        }
        try (TorchScriptClassifier model = TorchScriptClassifier.builder()
                        .setModelFile(Fixtures.path("torchscript/cnn_traced.pt"))
                        .setInputShape(1, 28, 28)
                        .build();
                NDManager m = manager.newSubManager();
                AttackResult r = JacobianSaliencyMapAttack.create().generate(
                        model, m.create(xs, new Shape(n, 1, 28, 28)), m.create(ys), m.create(targets))) {
            int correct = 0;
            int reached = 0;
            for (int i = 0; i < n; i++) {
                assertThat(r.l0()[i]).isLessThanOrEqualTo(78f);
                assertThat(r.success()[i]).isEqualTo(r.adversarialPredictions()[i] == targets[i]);
                if (r.cleanPredictions()[i] == ys[i]) {
                    correct++;
                    if (r.success()[i]) {
                        reached++;
                    }
                }
            }
            assertThat(correct).isEqualTo(80);
            assertThat(reached).as("targets reached among the 80 correct samples (ART: 40)").isGreaterThanOrEqualTo(36);
        }
    }

    @Test
    void untargetedRunsStopAtAMisclassificationAndAreSeeded() {
        int k = 8;
        int d = 20;
        int n = 16;
        float[] w = LinearModels.randomWeights(k, d, 1.0, 15);
        float[] b = new float[k];
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.1 + 0.5 * r.nextDouble());
        }
        long[] clean = predict(w, b, x, n, d, k);
        try (BlockClassifier model = LinearModels.softmax(w, b, d); NDManager m = manager.newSubManager()) {
            NDArray xs = m.create(x, new Shape(n, d));
            NDArray ys = m.create(clean);
            JacobianSaliencyMapAttack attack = JacobianSaliencyMapAttack.create().gamma(0.5f).seed(4);
            try (AttackResult a = attack.generate(model, xs, ys);
                    AttackResult again = attack.generate(model, xs, ys)) {
                assertThat(a.adversarial().toFloatArray()).isEqualTo(again.adversarial().toFloatArray());
                try (NDArray logits = model.predict(a.adversarial())) {
                    int[] predicted = AttackContext.argMax(logits);
                    for (int i = 0; i < n; i++) {
                        assertThat(a.success()[i]).isEqualTo(predicted[i] != clean[i]);
                        assertThat(a.l0()[i]).isLessThanOrEqualTo(10f);
                    }
                }
                assertThat(count(a.success())).as("misclassified samples").isGreaterThanOrEqualTo(n / 3);
                // The untargeted form steers towards a seeded random class other than the label (drawn
                // from the sample's own stream) and stops at the first misclassification: the same
                // path as the targeted form, cut short.
                long streamSeed = new SplittableRandom(4).nextLong();
                long[] targets = new long[n];
                for (int i = 0; i < n; i++) {
                    int draw = AttackContext.sampleRandom(streamSeed, AttackContext.sampleKey(x, i * d, d)).nextInt(k - 1);
                    targets[i] = draw >= clean[i] ? draw + 1 : draw;
                }
                try (AttackResult t = attack.generate(model, xs, ys, m.create(targets))) {
                    float[] untargeted = a.adversarial().toFloatArray();
                    float[] targeted = t.adversarial().toFloatArray();
                    int shorter = 0;
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < d; j++) {
                            int at = i * d + j;
                            if (untargeted[at] != x[at]) {
                                assertThat(targeted[at]).as("sample %d feature %d", i, j).isEqualTo(untargeted[at]);
                            }
                        }
                        assertThat(a.l0()[i]).isLessThanOrEqualTo(t.l0()[i]);
                        if (a.l0()[i] < t.l0()[i]) {
                            shorter++;
                        }
                    }
                    assertThat(shorter).as("samples misclassified before reaching the target").isPositive();
                }
            }
        }
    }

    @Test
    void runsOnThreeByThirtyTwoByThirtyTwoInputs() {
        int k = 10;
        int d = 3 * 32 * 32;
        int n = 8;
        float[] w = LinearModels.randomWeights(k, d, 0.05, 21);
        float[] b = new float[k];
        SplittableRandom r = new SplittableRandom(2);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        long[] clean = predict(w, b, x, n, d, k);
        long[] targets = new long[n];
        for (int i = 0; i < n; i++) {
            targets[i] = (clean[i] + 1 + i % (k - 1)) % k;
        }
        try (BlockClassifier model = LinearModels.softmax(w, b, 3, 32, 32);
                NDManager m = manager.newSubManager();
                AttackResult res = JacobianSaliencyMapAttack.create().generate(
                        model, m.create(x, new Shape(n, 3, 32, 32)), m.create(clean), m.create(targets))) {
            for (int i = 0; i < n; i++) {
                assertThat(res.l0()[i]).isLessThanOrEqualTo((float) Math.floor(0.1 * d));
                assertThat(res.success()[i]).isEqualTo(res.adversarialPredictions()[i] == targets[i]);
            }
            for (float v : res.adversarial().toFloatArray()) {
                assertThat(v).isBetween(0f, 1f);
            }
            assertThat(count(res.success())).isEqualTo(n);
        }
    }

    @Test
    void parametersAreValidatedAndReported() {
        assertThatThrownBy(() -> JacobianSaliencyMapAttack.create().theta(0f))
                .hasMessage("theta must be a non-zero finite number, got 0.0");
        assertThatThrownBy(() -> JacobianSaliencyMapAttack.create().theta(Float.POSITIVE_INFINITY))
                .hasMessageContaining("theta must be a non-zero finite number");
        assertThatThrownBy(() -> JacobianSaliencyMapAttack.create().gamma(0f)).hasMessage("gamma must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> JacobianSaliencyMapAttack.create().gamma(1.5f)).hasMessage("gamma must be in (0, 1], got 1.5");
        assertThat(JacobianSaliencyMapAttack.create().theta(-0.5f).gamma(0.2f).seed(3).params())
                .containsEntry("theta", -0.5f).containsEntry("gamma", 0.2f).containsEntry("seed", 3L);
        assertThat(JacobianSaliencyMapAttack.create().params()).containsEntry("theta", 1.0f).containsEntry("gamma", 0.1f);
    }

    private static List<Integer> topTwo(float[] alpha) {
        int first = 0;
        for (int j = 1; j < alpha.length; j++) {
            if (alpha[j] > alpha[first]) {
                first = j;
            }
        }
        int second = first == 0 ? 1 : 0;
        for (int j = 0; j < alpha.length; j++) {
            if (j != first && alpha[j] > alpha[second]) {
                second = j;
            }
        }
        return List.of(Math.min(first, second), Math.max(first, second));
    }

    private static long[] predict(float[] w, float[] b, float[] x, int n, int d, int k) {
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            double bestZ = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double z = b[c];
                for (int j = 0; j < d; j++) {
                    z += (double) w[c * d + j] * x[i * d + j];
                }
                if (z > bestZ) {
                    bestZ = z;
                    y[i] = c;
                }
            }
        }
        return y;
    }

    private static int count(boolean[] flags) {
        int c = 0;
        for (boolean f : flags) {
            if (f) {
                c++;
            }
        }
        return c;
    }
}
