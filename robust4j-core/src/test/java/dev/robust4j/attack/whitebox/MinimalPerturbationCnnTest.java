package dev.robust4j.attack.whitebox;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AbstractEvasionAttack;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.Norm;
import dev.robust4j.data.Npy;
import dev.robust4j.metric.AttackSummary;
import dev.robust4j.model.QueryCounter;
import dev.robust4j.model.TorchScriptClassifier;
import dev.robust4j.testing.Fixtures;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The four attacks on the CNN traced by PyTorch (Fashion-MNIST test images, clean accuracy 0.80):
 * strength, the contract (bounds, ball, success mask equal to the model's verdict, same seed ⇒
 * same output, targeted hits) and batching (model calls do not grow with the batch).
 */
class MinimalPerturbationCnnTest {

    private static final float[] X = Npy.read(Fixtures.path("torchscript/x.npy")).floats();
    private static final long[] Y = Npy.read(Fixtures.path("torchscript/y.npy")).longs();
    private static final int D = 784;
    private static TorchScriptClassifier model;
    private static NDManager manager;

    @BeforeAll
    static void load() {
        model = TorchScriptClassifier.builder()
                .setModelFile(Fixtures.path("torchscript/cnn_traced.pt"))
                .setInputShape(1, 28, 28)
                .build();
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
        model.close();
    }

    private static NDArray x(NDManager m, int n) {
        return m.create(Arrays.copyOf(X, n * D), new Shape(n, 1, 28, 28));
    }

    private static NDArray y(NDManager m, int n) {
        return m.create(Arrays.copyOf(Y, n));
    }

    private static NDArray nextClass(NDManager m, int n) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = (Y[i] + 1) % 10;
        }
        return m.create(t);
    }

    /** Bounds, ball, reported norms, and the success mask equal to the model's verdict on the batch. */
    private static void checkContract(AbstractEvasionAttack attack, AttackResult r, int n, boolean targeted) {
        float[] adv = r.adversarial().toFloatArray();
        assertThat(adv).hasSize(n * D);
        float[] delta = new float[D];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < D; j++) {
                assertThat(adv[i * D + j]).isBetween(0f, 1f);
                delta[j] = adv[i * D + j] - X[i * D + j];
            }
            assertThat(r.l2()[i]).isCloseTo(Norm.L2.measure(delta, 0, D), org.assertj.core.data.Offset.offset(1e-5f));
            float linf = Norm.LINF.measure(delta, 0, D);
            assertThat(r.linf()[i]).isEqualTo(linf);
            attack.budget().ifPresent(b -> assertThat(linf).isLessThanOrEqualTo(b.eps() * 1.00001f));
        }
        try (NDArray logits = model.predict(r.adversarial())) {
            int[] predicted = AttackContext.argMax(logits);
            assertThat(r.adversarialPredictions()).isEqualTo(predicted);
            for (int i = 0; i < n; i++) {
                boolean expected = targeted ? predicted[i] == (Y[i] + 1) % 10 : predicted[i] != Y[i];
                assertThat(r.success()[i]).as("sample %d", i).isEqualTo(expected);
            }
        }
        assertThat(Arrays.stream(r.queries()).min().orElse(0)).as("every sample was queried").isPositive();
    }

    @Test
    void carliniWagnerL2BreaksEverySampleWithLessL2ThanFgsmInBatchedCalls() {
        int n = 48;
        // A short schedule for test time (the defaults are the paper's 9 x 1,000 at 0.01): a larger
        // step makes up for fewer iterations, a larger first constant for fewer rounds.
        CarliniWagnerL2 cw = Attacks.cwL2().learningRate(0.1f).maxIter(30).binarySearchSteps(3).initialConst(1f);
        QueryCounter counter = QueryCounter.wrap(model);
        try (NDManager m = manager.newSubManager();
                AttackResult r = cw.generate(counter, x(m, n), y(m, n));
                AttackResult fgsm = Attacks.fgsm(0.1f).generate(model, x(m, n), y(m, n))) {
            checkContract(cw, r, n, false);
            AttackSummary s = AttackSummary.of(r);
            AttackSummary f = AttackSummary.of(fgsm);
            assertThat(s.successRate()).as("C&W L2 success rate").isGreaterThanOrEqualTo(0.99);
            assertThat(s.l2Median()).as("C&W L2 median L2 vs FGSM's %s", f.l2Median()).isLessThan(f.l2Median());
            // One batched call per iteration of each round (+ the template's clean and final
            // predictions), however many samples: a per-sample loop would need up to n times more.
            assertThat(counter.calls()).isLessThanOrEqualTo(3L * 30 + 2);
            assertThat(counter.queries()).isGreaterThan(counter.calls());
            assertThat(Arrays.stream(r.queries()).max().orElse(0)).isLessThanOrEqualTo(3L * 30);
        }
    }

    @Test
    void targetedCarliniWagnerL2HitsTheNextClass() {
        int n = 10;
        // Reaching a given class needs more travel in tanh space than leaving one: a larger step.
        CarliniWagnerL2 cw = Attacks.cwL2().learningRate(0.2f).maxIter(40).binarySearchSteps(2).initialConst(10f);
        try (NDManager m = manager.newSubManager(); AttackResult r = cw.generate(model, x(m, n), y(m, n), nextClass(m, n))) {
            checkContract(cw, r, n, true);
            assertThat(AttackSummary.of(r).successRate()).isGreaterThanOrEqualTo(0.99);
        }
    }

    @Test
    void carliniWagnerLinfKeepsItsBallAndShrinksIt() {
        int n = 16;
        CarliniWagnerLinf cw = Attacks.cwLinf(0.1f).maxIter(20).binarySearchSteps(5);
        try (NDManager m = manager.newSubManager();
                AttackResult r = cw.generate(model, x(m, n), y(m, n));
                AttackResult fgsm = Attacks.fgsm(0.1f).generate(model, x(m, n), y(m, n))) {
            checkContract(cw, r, n, false);
            AttackSummary s = AttackSummary.of(r);
            assertThat(s.successRate()).as("cw-linf success rate at eps 0.1").isGreaterThanOrEqualTo(0.75)
                    .isGreaterThan(AttackSummary.of(fgsm).successRate());
            assertThat(s.linfMean()).as("the radius search shrinks the perturbation below the budget").isLessThan(0.07);
        }
    }

    @Test
    void eadAndLbfgsBreakEverySampleWithLessL2ThanFgsmAndTheL1RuleIsSparser() {
        int n = 48;
        ElasticNetAttack en = Attacks.ead().beta(0.01f).learningRate(0.05f).maxIter(30).binarySearchSteps(3).initialConst(1f);
        ElasticNetAttack l1 = en.decisionRule(ElasticNetAttack.DecisionRule.L1);
        BoxConstrainedLbfgs lbfgs = Attacks.lbfgs().maxIter(30).binarySearchSteps(3).initialConst(0.1f);
        try (NDManager m = manager.newSubManager();
                AttackResult fgsm = Attacks.fgsm(0.1f).generate(model, x(m, n), y(m, n));
                AttackResult rEn = en.generate(model, x(m, n), y(m, n));
                AttackResult rL1 = l1.generate(model, x(m, n), y(m, n));
                AttackResult rLbfgs = lbfgs.generate(model, x(m, n), y(m, n))) {
            double fgsmL2 = AttackSummary.of(fgsm).l2Median();
            for (AttackResult r : new AttackResult[] {rEn, rL1, rLbfgs}) {
                checkContract(r == rLbfgs ? lbfgs : en, r, n, false);
                AttackSummary s = AttackSummary.of(r);
                assertThat(s.successRate()).isGreaterThanOrEqualTo(0.99);
                assertThat(s.l2Median()).as("median L2 vs FGSM's %s", fgsmL2).isLessThan(fgsmL2);
            }
            // EAD's two rules pick from the same iterates: the L1 rule's picks are sparser (the paper's finding).
            assertThat(AttackSummary.of(rL1).l0Mean()).as("mean L0, L1 rule vs EN rule")
                    .isLessThan(AttackSummary.of(rEn).l0Mean() * 0.95);
        }
    }

    static Stream<Arguments> cheapAttacks() {
        return Stream.of(
                Arguments.of(Attacks.cwL2().maxIter(8).binarySearchSteps(2).initialConst(1f).learningRate(0.1f)),
                Arguments.of(Attacks.cwLinf(0.1f).maxIter(8).binarySearchSteps(2)),
                Arguments.of(Attacks.ead().maxIter(8).binarySearchSteps(2).initialConst(1f).learningRate(0.1f)),
                Arguments.of(Attacks.lbfgs().maxIter(8).binarySearchSteps(2).initialConst(1f)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cheapAttacks")
    void keepsTheContractAndIsDeterministic(AbstractEvasionAttack attack) {
        int n = 6;
        try (NDManager m = manager.newSubManager();
                AttackResult a = attack.generate(model, x(m, n), y(m, n));
                AttackResult b = attack.generate(model, x(m, n), y(m, n));
                AttackResult t = attack.generate(model, x(m, n), y(m, n), nextClass(m, n))) {
            checkContract(attack, a, n, false);
            checkContract(attack, t, n, true);
            assertThat(a.adversarial().toFloatArray()).isEqualTo(b.adversarial().toFloatArray());
            assertThat(a.success()).isEqualTo(b.success());
            float moved = 0;
            for (float v : a.l2()) {
                moved = Math.max(moved, v);
            }
            assertThat(moved).as("the attack moved some sample").isPositive();
        }
    }
}
