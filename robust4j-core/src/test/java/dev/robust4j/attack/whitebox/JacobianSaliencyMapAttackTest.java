package dev.robust4j.attack.whitebox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.testing.LinearModels;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JSMA's pair search against brute force, its closed form on linear models, memory, guards. */
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

    /** The definition: every pair p < q of the domain, the first maximum kept. */
    static long bruteForce(float[] alpha, float[] beta, boolean[] domain, int d, boolean increase) {
        double sign = increase ? 1 : -1;
        double best = 0;
        long arg = -1;
        for (int p = 0; p < d; p++) {
            for (int q = p + 1; q < d; q++) {
                if (!domain[p] || !domain[q]) {
                    continue;
                }
                double a = sign * alpha[p] + sign * alpha[q];
                double b = sign * beta[p] + sign * beta[q];
                if (a > 0 && b < 0 && -a * b > best) {
                    best = -a * b;
                    arg = (long) p * d + q;
                }
            }
        }
        return arg;
    }

    @Test
    void pairSearchEqualsBruteForceOnRandomInputsWithTies() {
        SplittableRandom r = new SplittableRandom(42);
        SaliencyPairSearch search = new SaliencyPairSearch();
        float[] levels = {-2f, -1f, -0.5f, 0f, 0.5f, 1f, 2f};
        int found = 0;
        for (int trial = 0; trial < 3000; trial++) {
            int d = 2 + r.nextInt(40);
            boolean quantised = trial % 3 == 0;
            float[] alpha = new float[d];
            float[] beta = new float[d];
            boolean[] domain = new boolean[d];
            for (int i = 0; i < d; i++) {
                alpha[i] = quantised ? levels[r.nextInt(levels.length)] : (float) r.nextGaussian();
                beta[i] = quantised ? levels[r.nextInt(levels.length)] : (float) (r.nextGaussian() - 0.3 * alpha[i]);
                domain[i] = r.nextDouble() < 0.8;
            }
            boolean increase = r.nextBoolean();
            long expected = bruteForce(alpha, beta, domain, d, increase);
            assertThat(search.best(alpha, beta, 0, domain, 0, d, increase))
                    .as("trial %d, d %d, increase %s", trial, d, increase).isEqualTo(expected);
            if (expected >= 0) {
                found++;
            }
        }
        // Most trials have a pair, some have none: both outcomes are exercised.
        assertThat(found).isBetween(2000, 2990);
    }

    @Test
    void pairSearchReadsTheRightOffsetsAndKeepsItsScratchLinearInD() {
        int d = 3 * 32 * 32;
        int rows = 8;
        SplittableRandom r = new SplittableRandom(7);
        float[] alpha = new float[rows * d];
        float[] beta = new float[rows * d];
        boolean[] domain = new boolean[rows * d];
        for (int i = 0; i < rows * d; i++) {
            alpha[i] = (float) r.nextGaussian();
            beta[i] = (float) r.nextGaussian();
            domain[i] = true;
        }
        SaliencyPairSearch search = new SaliencyPairSearch();
        for (int row = 0; row < rows; row++) {
            long pair = search.best(alpha, beta, row * d, domain, row * d, d, true);
            // Brute force on D = 3072 is 4.7M pairs: fine once per row in a test, never in the attack.
            float[] a = java.util.Arrays.copyOfRange(alpha, row * d, (row + 1) * d);
            float[] b = java.util.Arrays.copyOfRange(beta, row * d, (row + 1) * d);
            boolean[] dom = java.util.Arrays.copyOfRange(domain, row * d, (row + 1) * d);
            assertThat(pair).isEqualTo(bruteForce(a, b, dom, d, true));
        }
        // One long per feature, reused across rows: no D x D (9.4M) pair matrix.
        assertThat(search.scratchSize()).isEqualTo(d);
    }

    /** A linear model's alpha and beta are rows of W: the first pair has a closed form. */
    @Test
    void firstPairOnALinearModelIsTheBruteForceSaliencyArgmax() {
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
        int differsFromTopTwoAlpha = 0;
        try (BlockClassifier model = LinearModels.softmax(w, b, d);
                NDManager m = manager.newSubManager();
                AttackResult res = attack.generate(model, m.create(x, new Shape(n, d)), m.create(clean), m.create(targets))) {
            float[] adv = res.adversarial().toFloatArray();
            for (int i = 0; i < n; i++) {
                int t = (int) targets[i];
                float[] alpha = new float[d];
                float[] beta = new float[d];
                for (int j = 0; j < d; j++) {
                    alpha[j] = w[t * d + j];
                    for (int c = 0; c < k; c++) {
                        if (c != t) {
                            beta[j] += w[c * d + j];
                        }
                    }
                }
                boolean[] domain = new boolean[d];
                java.util.Arrays.fill(domain, true);
                long pair = bruteForce(alpha, beta, domain, d, true);
                List<Integer> changed = new ArrayList<>();
                for (int j = 0; j < d; j++) {
                    if (adv[i * d + j] != x[i * d + j]) {
                        changed.add(j);
                        assertThat(adv[i * d + j]).isEqualTo(1f);
                    }
                }
                assertThat(pair).as("sample %d has a salient pair", i).isNotNegative();
                assertThat(changed).as("sample %d", i).containsExactly((int) (pair / d), (int) (pair % d));
                if (!topTwo(alpha).equals(changed)) {
                    differsFromTopTwoAlpha++;
                }
            }
            assertThat(res.queries()).containsOnly(2L);
        }
        // The test tells the saliency map from the simplification that takes the two largest alpha.
        assertThat(differsFromTopTwoAlpha).isPositive();
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
                // The untargeted form steers towards a seeded random class other than the label and
                // stops at the first misclassification: the same path as the targeted form, cut short.
                SplittableRandom draws = new SplittableRandom(4);
                long[] targets = new long[n];
                for (int i = 0; i < n; i++) {
                    int draw = draws.nextInt(k - 1);
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
