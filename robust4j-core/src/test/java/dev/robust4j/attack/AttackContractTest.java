package dev.robust4j.attack;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.metric.AttackSummary;
import dev.robust4j.model.TorchScriptClassifier;
import dev.robust4j.testing.Fixtures;
import dev.robust4j.data.Npy;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every attack keeps, checked on a CNN traced by PyTorch: bounds, ball, success mask
 * equal to the model's verdict, determinism, targeted hits; and the engine's monotonicity.
 */
class AttackContractTest {

    private static final float[] X = Npy.read(Fixtures.path("torchscript/x.npy")).floats();
    private static final long[] Y = Npy.read(Fixtures.path("torchscript/y.npy")).longs();
    private static final int N = 48;
    private static final int D = 784;
    private static TorchScriptClassifier model;
    private static NDManager manager;

    @BeforeAll
    static void load() {
        model = TorchScriptClassifier.builder()
                .setModelFile(Fixtures.path("torchscript/cnn_scripted.pt"))
                .setInputShape(1, 28, 28)
                .build();
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
        model.close();
    }

    static Stream<Arguments> attacks() {
        return Stream.of(
                Arguments.of(Attacks.fgsm(0.1f)),
                Arguments.of(Attacks.fgm(Norm.L2, 1.5f)),
                Arguments.of(Attacks.fgm(Norm.L1, 10f)),
                Arguments.of(Attacks.bim(0.05f)),
                Arguments.of(Attacks.pgd(0.05f).steps(20)),
                Arguments.of(Attacks.pgd(Norm.L2, 1.0f).steps(20).restarts(2)),
                Arguments.of(Attacks.pgd(Norm.L1, 8f).steps(20)),
                Arguments.of(Attacks.pgd(0.05f).steps(10).loss(GradientLoss.MARGIN).earlyStop(false)));
    }

    private static NDArray x(NDManager m) {
        return m.create(Arrays.copyOf(X, N * D), new Shape(N, 1, 28, 28));
    }

    private static NDArray y(NDManager m) {
        return m.create(Arrays.copyOf(Y, N));
    }

    private static NDArray nextClass(NDManager m) {
        long[] t = new long[N];
        for (int i = 0; i < N; i++) {
            t[i] = (Y[i] + 1) % 10;
        }
        return m.create(t);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void untargetedKeepsTheContract(AbstractEvasionAttack attack) {
        try (NDManager m = manager.newSubManager(); AttackResult r = attack.generate(model, x(m), y(m))) {
            checkContract(attack, r, m);
            for (int i = 0; i < N; i++) {
                assertThat(r.success()[i]).isEqualTo(r.adversarialPredictions()[i] != Y[i]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void targetedKeepsTheContractAndHitsTheTarget(AbstractEvasionAttack attack) {
        try (NDManager m = manager.newSubManager();
                AttackResult r = attack.generate(model, x(m), y(m), nextClass(m))) {
            checkContract(attack, r, m);
            for (int i = 0; i < N; i++) {
                assertThat(r.success()[i]).isEqualTo(r.adversarialPredictions()[i] == (Y[i] + 1) % 10);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void sameSeedSameAdversarials(AbstractEvasionAttack attack) {
        try (NDManager m = manager.newSubManager();
                AttackResult a = attack.generate(model, x(m), y(m));
                AttackResult b = attack.generate(model, x(m), y(m))) {
            assertThat(a.adversarial().toFloatArray()).isEqualTo(b.adversarial().toFloatArray());
            assertThat(a.success()).isEqualTo(b.success());
        }
    }

    private static void checkContract(AbstractEvasionAttack attack, AttackResult r, NDManager m) {
        float[] adv = r.adversarial().toFloatArray();
        assertThat(adv).hasSize(N * D);
        for (float v : adv) {
            assertThat(v).isBetween(0f, 1f);
        }
        Budget budget = attack.budget().orElseThrow();
        float[] delta = new float[D];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < D; j++) {
                delta[j] = adv[i * D + j] - X[i * D + j];
            }
            float norm = budget.norm().measure(delta, 0, D);
            assertThat(norm).as("sample %d %s norm", i, budget.norm()).isLessThanOrEqualTo(budget.eps() * 1.00001f + 1e-6f);
            assertThat(r.l2()[i]).isCloseTo(Norm.L2.measure(delta, 0, D), org.assertj.core.data.Offset.offset(1e-5f));
            assertThat(r.linf()[i]).isEqualTo(Norm.LINF.measure(delta, 0, D));
            assertThat(r.l0()[i]).isEqualTo(Norm.L0.measure(delta, 0, D));
        }
        // The success mask is the model's verdict on exactly the returned batch.
        try (NDArray logits = model.predict(r.adversarial())) {
            assertThat(r.adversarialPredictions()).isEqualTo(AttackContext.argMax(logits));
        }
        assertThat(Arrays.stream(r.queries()).min().orElse(0)).as("every sample was queried").isPositive();
    }

    @Test
    void moreStepsNeverLowerTheSuccessRate() {
        double previous = -1;
        for (int steps : new int[] {1, 3, 10, 30}) {
            try (NDManager m = manager.newSubManager();
                    AttackResult r = Attacks.pgd(0.03f).steps(steps).stepSize(0.01f).seed(3).generate(model, x(m), y(m))) {
                double sr = successRate(r);
                assertThat(sr).as("SR with %d steps", steps).isGreaterThanOrEqualTo(previous);
                previous = sr;
            }
        }
        // torchattacks' PGD with the same settings (random start, seeds 0-4) breaks 13 of the 37
        // correctly classified samples every time (scripts/conformance/results/test_pins.json, row
        // pgd eps 0.03); two samples of slack for another CPU's arithmetic.
        assertThat(previous).as("SR of 30 steps of 0.01 at eps 0.03").isGreaterThanOrEqualTo(11 / 37.0);
    }

    @Test
    void moreRestartsNeverLowerTheSuccessRate() {
        boolean[] previous = new boolean[N];
        for (int restarts : new int[] {1, 2, 4}) {
            try (NDManager m = manager.newSubManager();
                    AttackResult r = Attacks.pgd(0.015f).steps(5).restarts(restarts).seed(11).generate(model, x(m), y(m))) {
                for (int i = 0; i < N; i++) {
                    assertThat(!previous[i] || r.success()[i]).as("sample %d broken with fewer restarts stays broken", i).isTrue();
                }
                previous = r.success();
            }
        }
    }

    @Test
    void differentSeedsGiveDifferentRandomStarts() {
        try (NDManager m = manager.newSubManager();
                AttackResult a = Attacks.pgd(0.05f).steps(2).seed(1).earlyStop(false).generate(model, x(m), y(m));
                AttackResult b = Attacks.pgd(0.05f).steps(2).seed(2).earlyStop(false).generate(model, x(m), y(m))) {
            assertThat(a.adversarial().toFloatArray()).isNotEqualTo(b.adversarial().toFloatArray());
        }
    }

    @Test
    void pgdMatchesTorchattacksPgdAndBeatsFgsm() {
        try (NDManager m = manager.newSubManager();
                AttackResult fgsm = Attacks.fgsm(0.1f).generate(model, x(m), y(m));
                AttackResult pgd = Attacks.pgd(0.1f).steps(40).generate(model, x(m), y(m))) {
            double srFgsm = successRate(fgsm);
            double srPgd = successRate(pgd);
            // torchattacks' PGD with the same settings (40 steps of 2.5 eps / 40 from a random start)
            // breaks 30 to 32 of the 37 correctly classified samples over seeds 0-4
            // (scripts/conformance/results/test_pins.json, row pgd eps 0.1); two samples of slack
            // below its worst seed.
            assertThat(srPgd).isGreaterThanOrEqualTo(28 / 37.0);
            assertThat(srPgd).isGreaterThan(srFgsm);
        }
    }

    /**
     * The success rate over the samples the model classifies correctly before the attack (DESIGN
     * §3): a sample the model already gets wrong is not a success of the attack.
     */
    static double successRate(AttackResult r) {
        return AttackSummary.of(r).successRate();
    }
}
