package dev.robust4j.attack.blackbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.TorchScriptClassifier;

import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pixel attack: differential-evolution operators, the L0 guarantee, and success on the CNN. */
class OnePixelAttackTest {

    private static TorchScriptClassifier cnn;
    private static Classifier blackBox;
    private static NDManager manager;

    @BeforeAll
    static void load() {
        cnn = CnnFixture.cnn();
        blackBox = CnnFixture.blackBox(cnn);
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
        cnn.close();
    }

    @Test
    void mutationIsDeRandOne() {
        int genes = 3;
        double[] pop = {
            0, 0, 0,
            1, 2, 3,
            10, 20, 30,
            4, 4, 4,
            7, 8, 9};
        double[] out = new double[genes];
        OnePixelAttack.mutate(pop, genes, 1, 2, 3, 0.5, out);
        // x1 + F (x2 - x3) = (1, 2, 3) + 0.5 ((10, 20, 30) - (4, 4, 4))
        assertThat(out).containsExactly(4.0, 10.0, 16.0);
        OnePixelAttack.mutate(pop, genes, 4, 3, 2, 0.5, out);
        assertThat(out).containsExactly(4.0, 0.0, -4.0);
    }

    @Test
    void crossoverTakesTheForcedGeneAndEachOtherAtTheRate() {
        double[] parent = {0, 0, 0, 0, 0, 0};
        double[] mutant = {1, 1, 1, 1, 1, 1};
        double[] out = new double[6];
        SplittableRandom r = new SplittableRandom(1);
        OnePixelAttack.crossover(parent, 0, mutant, 1.0, 2, r, out);
        assertThat(out).containsOnly(1.0);
        OnePixelAttack.crossover(parent, 0, mutant, 0.0, 4, r, out);
        assertThat(out).containsExactly(0.0, 0.0, 0.0, 0.0, 1.0, 0.0);
        // The parent is read at its offset in the population.
        double[] pop = {9, 9, 9, 5, 6, 7};
        double[] three = new double[3];
        OnePixelAttack.crossover(pop, 3, new double[] {1, 1, 1}, 0.0, 0, r, three);
        assertThat(three).containsExactly(1.0, 6.0, 7.0);
        int fromMutant = 0;
        int trials = 20000;
        for (int t = 0; t < trials; t++) {
            OnePixelAttack.crossover(parent, 0, mutant, 0.3, 0, r, out);
            assertThat(out[0]).isEqualTo(1.0);
            for (int j = 1; j < 6; j++) {
                fromMutant += (int) out[j];
            }
        }
        assertThat(fromMutant / (5.0 * trials)).isCloseTo(0.3, within(0.01));
    }

    @Test
    void theThreeMembersAreDistinctAndNeverTheParent() {
        SplittableRandom r = new SplittableRandom(2);
        int[] seen = new int[5];
        for (int t = 0; t < 5000; t++) {
            int parent = t % 5;
            int[] p = OnePixelAttack.pickDistinct(5, parent, r);
            assertThat(p).hasSize(3).doesNotContain(parent).doesNotHaveDuplicates();
            for (int i : p) {
                seen[i]++;
            }
        }
        assertThat(Arrays.stream(seen).min().orElseThrow()).isGreaterThan(2500);
    }

    @Test
    void changesAtMostThreePixelsAndBreaksSomeSamplesOfTheCnn() {
        int n = 32;
        OnePixelAttack attack = OnePixelAttack.create().pixels(3).population(60).maxIter(20);
        try (NDManager m = manager.newSubManager();
                AttackResult r = attack.generate(blackBox, CnnFixture.x(m, n), CnnFixture.y(m, n))) {
            float[] x = Arrays.copyOf(CnnFixture.X, n * 784);
            BlackBoxChecks.checkContract(blackBox, x, r, Optional.empty(), attack.effectiveMaxQueries());
            int successes = 0;
            for (int i = 0; i < n; i++) {
                // One channel: at most k pixels, so L0 <= k * channels = 3.
                assertThat(r.l0()[i]).as("pixels changed in sample %d", i).isLessThanOrEqualTo(3f);
                if (r.cleanCorrect()[i] && r.success()[i]) {
                    successes++;
                    assertThat(r.queries()[i]).isLessThanOrEqualTo(60L * 21);
                }
                if (r.cleanCorrect()[i] && !r.success()[i]) {
                    assertThat(r.queries()[i]).isEqualTo(60L * 21);
                }
            }
            // Measured: 3 of 24 correctly classified samples with seed 0 (0.125).
            assertThat(successes).as("samples broken by 3 pixels").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void targetedOnePixelOnALinearModelHitsTheTarget() {
        int n = 4;
        RecordingLinearModel model = new RecordingLinearModel(3, new long[] {2, 3, 3}, 1.0, new float[] {0.4f, 0f, 0f}, 8);
        int d = 18;
        float[] x = new float[n * d];
        SplittableRandom r = new SplittableRandom(6);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.4 + 0.2 * r.nextDouble());
        }
        long[] labels = new long[n];
        long[] targets = new long[n];
        for (int s = 0; s < n; s++) {
            labels[s] = model.predict(Arrays.copyOfRange(x, s * d, s * d + d));
            targets[s] = (labels[s] + 1) % 3;
        }
        OnePixelAttack attack = OnePixelAttack.create().pixels(2).population(30).maxIter(30).maxQueries(500);
        try (NDManager m = manager.newSubManager();
                AttackResult res = attack.generate(model.classifier, m.create(x, new ai.djl.ndarray.types.Shape(n, 2, 3, 3)),
                        m.create(labels), m.create(targets))) {
            BlackBoxChecks.checkContract(model.classifier, x, res, Optional.empty(), 500);
            float[] adv = res.adversarial().toFloatArray();
            for (int s = 0; s < n; s++) {
                int changedPixels = 0;
                for (int p = 0; p < 9; p++) {
                    boolean changed = false;
                    for (int c = 0; c < 2; c++) {
                        changed |= adv[s * d + c * 9 + p] != x[s * d + c * 9 + p];
                    }
                    changedPixels += changed ? 1 : 0;
                }
                assertThat(changedPixels).as("pixels changed in sample %d", s).isLessThanOrEqualTo(2);
                assertThat(res.l0()[s]).isLessThanOrEqualTo(2f * 2);
                assertThat(res.success()[s]).as("sample %d hits its target", s).isTrue();
            }
        }
    }

    @Test
    void sameSeedSameResult() {
        int n = 6;
        OnePixelAttack attack = OnePixelAttack.create().population(20).maxIter(3).seed(4);
        try (NDManager m = manager.newSubManager();
                AttackResult a = attack.generate(blackBox, CnnFixture.x(m, n), CnnFixture.y(m, n));
                AttackResult b = attack.generate(blackBox, CnnFixture.x(m, n), CnnFixture.y(m, n));
                AttackResult c = attack.seed(5).generate(blackBox, CnnFixture.x(m, n), CnnFixture.y(m, n))) {
            assertThat(a.adversarial().toFloatArray()).isEqualTo(b.adversarial().toFloatArray());
            assertThat(a.adversarial().toFloatArray()).isNotEqualTo(c.adversarial().toFloatArray());
        }
    }

    @Test
    void refusesBadParameters() {
        assertThatThrownBy(() -> OnePixelAttack.create().pixels(0)).hasMessage("pixels must be >= 1, got 0");
        assertThatThrownBy(() -> OnePixelAttack.create().population(3))
                .hasMessage("population must be >= 4 (DE/rand/1 needs three members besides the parent), got 3");
        assertThatThrownBy(() -> OnePixelAttack.create().maxIter(-1)).hasMessage("max-iter must be >= 0, got -1");
        assertThatThrownBy(() -> OnePixelAttack.create().crossover(1.5f)).hasMessage("crossover must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> OnePixelAttack.create().maxQueries(100))
                .hasMessage("max-queries must be >= population (400) to score the initial population, got 100");
        assertThat(OnePixelAttack.create().effectiveMaxQueries()).isEqualTo(400L * 101);
    }
}
