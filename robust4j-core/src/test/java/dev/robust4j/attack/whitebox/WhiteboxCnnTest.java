package dev.robust4j.attack.whitebox;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AbstractEvasionAttack;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.Budget;
import dev.robust4j.attack.Norm;
import dev.robust4j.data.Npy;
import dev.robust4j.metric.AttackSummary;
import dev.robust4j.model.TorchScriptClassifier;
import dev.robust4j.testing.Fixtures;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Strength and contract of DeepFool, FAB and JSMA on the PyTorch CNN fixture (first 48
 * Fashion-MNIST test images, 37 of them classified correctly). Iteration counts of FAB are cut
 * below AutoAttack's 100 to keep the class fast; the numbers in comments were measured with these
 * settings. Figures measured on robust4j's own output are regression pins with a stated slack, not
 * evidence of parity with another implementation (that is {@code docs/conformance.md}).
 */
class WhiteboxCnnTest {

    private static final float[] X = Npy.read(Fixtures.path("torchscript/x.npy")).floats();
    private static final long[] Y = Npy.read(Fixtures.path("torchscript/y.npy")).longs();
    private static final int N = 48;
    private static final int D = 784;
    private static TorchScriptClassifier model;
    private static NDManager manager;
    private static AttackResult fgsm;

    @BeforeAll
    static void load() {
        model = TorchScriptClassifier.builder()
                .setModelFile(Fixtures.path("torchscript/cnn_traced.pt"))
                .setInputShape(1, 28, 28)
                .build();
        manager = NDManager.newBaseManager();
        fgsm = Attacks.fgsm(0.1f).generate(model, x(manager, N), y(manager, N));
    }

    @AfterAll
    static void close() {
        fgsm.close();
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

    @Test
    void deepFoolL2FoolsEverySampleWithLessL2ThanFgsm() {
        AbstractEvasionAttack attack = DeepFool.l2();
        try (NDManager m = manager.newSubManager(); AttackResult r = attack.generate(model, x(m, N), y(m, N))) {
            AttackSummary s = AttackSummary.of(r);
            report("deepfool l2", s, r);
            checkContract(attack, r, null);
            // Regression pin: SR 1.0, median L2 0.84 (DeepFool) against FGSM's 2.30 at eps 0.1 (SR 0.57).
            assertThat(s.successRate()).isGreaterThanOrEqualTo(0.99);
            assertThat(s.l2Median()).isLessThan(AttackSummary.of(fgsm).l2Median());
            assertThat(s.l2Median()).isLessThan(1.0);
        }
        sameOutputTwice(attack);
    }

    @Test
    void deepFoolLinfFoolsEverySampleInsideFgsmsBall() {
        AbstractEvasionAttack attack = DeepFool.linf();
        try (NDManager m = manager.newSubManager(); AttackResult r = attack.generate(model, x(m, N), y(m, N))) {
            AttackSummary s = AttackSummary.of(r);
            report("deepfool linf", s, r);
            checkContract(attack, r, null);
            // Measured: SR 1.0, median L∞ 0.072: most samples fall within FGSM's 0.1.
            assertThat(s.successRate()).isGreaterThanOrEqualTo(0.99);
            assertThat(medianLinf(r)).isLessThan(0.1);
        }
    }

    @Test
    void fabTLinfWithABudgetBreaksMostSamplesInsideIt() {
        AbstractEvasionAttack attack = Attacks.fab(Norm.LINF).eps(0.1f).steps(30).targetClasses(3);
        try (NDManager m = manager.newSubManager(); AttackResult r = attack.generate(model, x(m, N), y(m, N))) {
            AttackSummary s = AttackSummary.of(r);
            report("fab-t linf eps 0.1", s, r);
            checkContract(attack, r, null);
            // Regression pin (robust4j's own figure on this fixture): 31 of 37 broken (0.84). The
            // threshold leaves three samples of slack for another CPU's arithmetic: 28 of 37.
            assertThat(s.successRate()).isGreaterThanOrEqualTo(28 / 37.0);
            assertThat(medianLinf(r)).isLessThanOrEqualTo(0.1);
        }
    }

    @Test
    void fabTMinimalNormsAreSmallerThanDeepFools() {
        AbstractEvasionAttack linf = Attacks.fab(Norm.LINF).steps(20);
        AbstractEvasionAttack l2 = Attacks.fab(Norm.L2).steps(20);
        try (NDManager m = manager.newSubManager();
                AttackResult rLinf = linf.generate(model, x(m, N), y(m, N));
                AttackResult rL2 = l2.generate(model, x(m, N), y(m, N))) {
            report("fab-t linf", AttackSummary.of(rLinf), rLinf);
            report("fab-t l2", AttackSummary.of(rL2), rL2);
            checkContract(linf, rLinf, null);
            checkContract(l2, rL2, null);
            // Measured: SR 1.0 for both; median L∞ 0.059 (DeepFool 0.072, PGD needs 0.1 for SR 0.84);
            // median L2 0.74 (DeepFool 0.87). With AutoAttack's 100 steps: 0.054 and 0.73.
            assertThat(AttackSummary.of(rLinf).successRate()).isGreaterThanOrEqualTo(0.95);
            assertThat(AttackSummary.of(rL2).successRate()).isGreaterThanOrEqualTo(0.95);
            assertThat(medianLinf(rLinf)).isLessThan(0.065);
            assertThat(AttackSummary.of(rL2).l2Median()).isLessThan(0.8);
        }
        sameOutputTwice(Attacks.fab(Norm.L2).steps(5).restarts(2));
    }

    @Test
    void targetedJsmaHitsTheTargetWithinTenPercentOfThePixels() {
        AbstractEvasionAttack attack = JacobianSaliencyMapAttack.create();
        try (NDManager m = manager.newSubManager();
                AttackResult r = attack.generate(model, x(m, N), y(m, N), nextClass(m, N))) {
            AttackSummary s = AttackSummary.of(r);
            report("jsma targeted", s, r);
            checkContract(attack, r, nextClass(m, N));
            for (float l0 : r.l0()) {
                assertThat(l0).isLessThanOrEqualTo(78f);
            }
            // Regression pin: 21 of 37 (0.568) with the saliency over probabilities (ART 1.20.1 reaches
            // 0.514 of the correct first 50 images, docs/conformance.md row JSMA); three samples of
            // slack.
            assertThat(s.successRate()).isGreaterThanOrEqualTo(18 / 37.0);
        }
    }

    @Test
    void untargetedJsmaAndTargetedFabOnTheCnn() {
        int n = 24;
        AbstractEvasionAttack jsma = JacobianSaliencyMapAttack.create().seed(5);
        AbstractEvasionAttack fab = Attacks.fab(Norm.L2).steps(20);
        try (NDManager m = manager.newSubManager();
                AttackResult untargeted = jsma.generate(model, x(m, n), y(m, n));
                AttackResult targeted = fab.generate(model, x(m, n), y(m, n), nextClass(m, n))) {
            report("jsma untargeted", AttackSummary.of(untargeted), untargeted);
            report("fab l2 targeted", AttackSummary.of(targeted), targeted);
            checkContract(jsma, untargeted, null);
            checkContract(fab, targeted, nextClass(m, n));
            // Regression pins on the first 24 samples (19 correct): JSMA 15 of 19, FAB towards the given
            // targets 16 of 19; three samples of slack each.
            assertThat(AttackSummary.of(untargeted).successRate()).isGreaterThanOrEqualTo(12 / 19.0);
            assertThat(AttackSummary.of(targeted).successRate()).isGreaterThanOrEqualTo(13 / 19.0);
        }
        sameOutputTwice(JacobianSaliencyMapAttack.create().seed(5).gamma(0.03f));
    }

    /** Bounds, ball, norms, and the success mask equal to the model's verdict on the returned batch. */
    private static void checkContract(AbstractEvasionAttack attack, AttackResult r, NDArray targets) {
        int n = r.size();
        float[] adv = r.adversarial().toFloatArray();
        assertThat(adv).hasSize(n * D);
        for (float v : adv) {
            assertThat(v).isBetween(0f, 1f);
        }
        float[] delta = new float[D];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < D; j++) {
                delta[j] = adv[i * D + j] - X[i * D + j];
            }
            if (attack.budget().isPresent()) {
                Budget b = attack.budget().get();
                assertThat(b.norm().measure(delta, 0, D)).isLessThanOrEqualTo(b.eps() * 1.00001f + 1e-6f);
            }
            assertThat(r.l2()[i]).isCloseTo(Norm.L2.measure(delta, 0, D), org.assertj.core.data.Offset.offset(1e-5f));
            assertThat(r.linf()[i]).isEqualTo(Norm.LINF.measure(delta, 0, D));
        }
        try (NDArray logits = model.predict(r.adversarial())) {
            int[] predicted = AttackContext.argMax(logits);
            long[] t = targets == null ? null : targets.toLongArray();
            for (int i = 0; i < n; i++) {
                boolean expected = t != null ? predicted[i] == t[i] : predicted[i] != Y[i];
                assertThat(r.success()[i]).as("sample %d", i).isEqualTo(expected);
            }
        }
        boolean[] correct = r.cleanCorrect();
        for (int i = 0; i < n; i++) {
            if (correct[i]) {
                assertThat(r.queries()[i]).as("sample %d was queried", i).isPositive();
            }
        }
    }

    /** Same seed, same output (on a few samples, to keep the class fast). */
    private static void sameOutputTwice(AbstractEvasionAttack attack) {
        int n = 8;
        try (NDManager m = manager.newSubManager();
                AttackResult a = attack.generate(model, x(m, n), y(m, n));
                AttackResult b = attack.generate(model, x(m, n), y(m, n))) {
            assertThat(a.adversarial().toFloatArray()).isEqualTo(b.adversarial().toFloatArray());
            assertThat(a.success()).isEqualTo(b.success());
            assertThat(a.queries()).isEqualTo(b.queries());
            assertThat(a.l0()).as("the attack changed something").isNotEqualTo(new float[n]);
        }
    }

    private static double medianLinf(AttackResult r) {
        List<Float> values = new ArrayList<>();
        boolean[] correct = r.cleanCorrect();
        for (int i = 0; i < r.size(); i++) {
            if (correct[i] && r.success()[i]) {
                values.add(r.linf()[i]);
            }
        }
        Collections.sort(values);
        int n = values.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2.0;
    }

    private static void report(String what, AttackSummary s, AttackResult r) {
        System.out.printf("%-18s SR %.3f  median L2 %.3f  median Linf %.4f  queries %.1f  %.1f s%n",
                what, s.successRate(), s.l2Median(), medianLinf(r), s.queriesMean(), s.seconds());
    }
}
