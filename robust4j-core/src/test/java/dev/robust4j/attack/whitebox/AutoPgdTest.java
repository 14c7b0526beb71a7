package dev.robust4j.attack.whitebox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.Budget;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.attack.Norm;
import dev.robust4j.data.Npy;
import dev.robust4j.metric.AttackSummary;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.Objectives;
import dev.robust4j.model.TorchScriptClassifier;
import dev.robust4j.testing.Fixtures;
import dev.robust4j.testing.LinearModels;
import dev.robust4j.testing.ResidentMemory;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Auto-PGD: the checkpoint schedule, the DLR losses in closed form, strength against PGD and the
 * reference implementation on the CNN fixture, the attack contract, guards and registry entries.
 */
class AutoPgdTest {

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

    private static NDArray x(NDManager m) {
        return x(m, N);
    }

    private static NDArray x(NDManager m, int rows) {
        return m.create(Arrays.copyOf(X, rows * D), new Shape(rows, 1, 28, 28));
    }

    private static NDArray y(NDManager m) {
        return y(m, N);
    }

    private static NDArray y(NDManager m, int rows) {
        return m.create(Arrays.copyOf(Y, rows));
    }

    private static NDArray nextClass(NDManager m) {
        long[] t = new long[N];
        for (int i = 0; i < N; i++) {
            t[i] = (Y[i] + 1) % 10;
        }
        return m.create(t);
    }

    /** Per sample, the class other than its label that the model ranks highest on the clean input. */
    private static long[] runnerUp() {
        try (NDManager m = manager.newSubManager(); NDArray logits = model.predict(x(m))) {
            float[] z = logits.toFloatArray();
            long[] t = new long[N];
            for (int i = 0; i < N; i++) {
                int best = -1;
                for (int c = 0; c < 10; c++) {
                    if (c != Y[i] && (best < 0 || z[i * 10 + c] > z[i * 10 + best])) {
                        best = c;
                    }
                }
                t[i] = best;
            }
            return t;
        }
    }

    // ---------------------------------------------------------------- schedule and losses

    @Test
    void checkpointsAreThePapersForOneHundredSteps() {
        // p = 0, .22, .41, .57, .70, .80, .87, .93, .99 (Croce and Hein 2020, Section 3.2).
        assertThat(AutoPgd.checkpoints(100)).containsExactly(0, 22, 41, 57, 70, 80, 87, 93, 99);
        assertThat(AutoPgd.checkpoints(200)).containsExactly(0, 44, 82, 114, 140, 160, 174, 186, 198);
        // Short runs round several p_j to the same iteration: each checkpoint appears once.
        assertThat(AutoPgd.checkpoints(5)).containsExactly(0, 2, 3, 4, 5);
        assertThat(AutoPgd.checkpoints(1)).containsExactly(0, 1);
        assertThatThrownBy(() -> AutoPgd.checkpoints(0)).hasMessage("steps must be >= 1, got 0");
    }

    /** A model whose logits are its inputs: gradients with respect to x are those with respect to z. */
    private static BlockClassifier identity(int k) {
        float[] w = new float[k * k];
        for (int i = 0; i < k; i++) {
            w[i * k + i] = 1f;
        }
        return LinearModels.softmax(w, new float[k], k);
    }

    @Test
    void dlrValueAndGradientMatchTheHandComputedOnes() {
        // z = (0.2, 0.9, 0.5, 0.7, 0.1): pi1 = class 1, pi3 = class 2, so the scale is 0.9 - 0.5 = 0.4.
        // Row 0, y = 1 (correct):   DLR = -(0.9 - 0.7) / 0.4 = -0.5; f = (z3 - z1) / (z1 - z2):
        //   df/dz1 = -1/0.4 - (z3 - z1)/0.16 = -2.5 + 1.25, df/dz2 = (z3 - z1)/0.16 = -1.25, df/dz3 = 2.5.
        // Row 1, y = 3 (wrong):     DLR = -(0.7 - 0.9) / 0.4 = 0.5; f = (z1 - z3) / (z1 - z2):
        //   df/dz1 = 2.5 - 0.2/0.16 = 1.25, df/dz2 = 0.2/0.16 = 1.25, df/dz3 = -2.5.
        float[] z = {0.2f, 0.9f, 0.5f, 0.7f, 0.1f};
        try (BlockClassifier m = identity(5); NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(concat(z, z), new Shape(2, 5));
            try (Evaluation ev = m.evaluate(x, Objectives.dlr(), scope.create(new long[] {1, 3}))) {
                assertThat(ev.values().toFloatArray()).containsExactly(new float[] {-0.5f, 0.5f}, Offset.offset(1e-5f));
                assertThat(ev.gradient().toFloatArray()).containsExactly(new float[] {
                        0f, -1.25f, -1.25f, 2.5f, 0f,
                        0f, 1.25f, 1.25f, -2.5f, 0f}, Offset.offset(1e-4f));
            }
        }
    }

    @Test
    void targetedDlrValueAndGradientMatchTheHandComputedOnes() {
        // z = (0.2, 0.9, 0.5, 0.7, 0.1), y = 1, t = 4: pi1 = 0.9, pi3 = 0.5, pi4 = 0.2, so
        // d = 0.9 - (0.5 + 0.2)/2 = 0.55 and the loss is -(0.9 - 0.1)/0.55 = -1.454545.
        // f = (z4 - z1) / (z1 - (z2 + z0)/2): df/dz4 = 1/d = 1.818182,
        // df/dz1 = -1/d - (z4 - z1)/d^2 = -1.818182 + 2.644628 = 0.826446,
        // df/dz0 = df/dz2 = (z4 - z1)/(2 d^2) = -1.322314, df/dz3 = 0.
        float[] z = {0.2f, 0.9f, 0.5f, 0.7f, 0.1f};
        try (BlockClassifier m = identity(5); NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(z, new Shape(1, 5));
            NDArray trueLabels = scope.create(new long[] {1});
            try (Evaluation ev = m.evaluate(x, Objectives.targetedDlr(trueLabels), scope.create(new long[] {4}))) {
                assertThat(ev.values().getFloat(0)).isCloseTo(-1.454545f, Offset.offset(1e-5f));
                assertThat(ev.gradient().toFloatArray()).containsExactly(
                        new float[] {-1.322314f, 0.826446f, -1.322314f, 0f, 1.818182f}, Offset.offset(1e-4f));
            }
            // Shifting and scaling the logits leaves both DLR losses unchanged.
            NDArray shifted = x.mul(0.5f).add(0.3f);
            try (Evaluation a = m.evaluate(shifted, Objectives.targetedDlr(trueLabels), scope.create(new long[] {4}));
                    Evaluation b = m.evaluate(shifted, Objectives.dlr(), scope.create(new long[] {1}))) {
                assertThat(a.values().getFloat(0)).isCloseTo(-1.454545f, Offset.offset(1e-4f));
                assertThat(b.values().getFloat(0)).isCloseTo(-0.5f, Offset.offset(1e-4f));
            }
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---------------------------------------------------------------- strength on the CNN

    private static AttackSummary summary(EvasionAttack a) {
        try (NDManager m = manager.newSubManager(); AttackResult r = a.generate(model, x(m), y(m))) {
            return AttackSummary.of(r);
        }
    }

    /**
     * APGD-CE is at least as strong as PGD with the same budget (as many gradient evaluations,
     * default step size, one run), and both APGD losses leave at most two samples more robust than
     * the reference implementation: fra31/auto-attack's APGDAttack on the traced copy of this CNN,
     * Linf, 100 iterations, one restart, seeds 0-2, leaves 5 (CE) and 7 (DLR) of the 48 samples
     * robust at eps 0.1 and 23 (CE and DLR) at eps 0.03 — rows {@code apgd-ce} and {@code apgd-dlr}
     * of {@code scripts/conformance/results/test_pins.json}, made by
     * {@code scripts/conformance/test_pins.py}. The two samples of slack are for another CPU's
     * arithmetic on the same weights.
     */
    @Test
    void apgdIsAtLeastAsStrongAsPgdWithTheSameBudgetAndMatchesTheReference() {
        float[] eps = {0.1f, 0.03f};
        int steps = 100;
        int[] referenceCe = {5, 23};
        int[] referenceDlr = {7, 23};
        for (int e = 0; e < eps.length; e++) {
            AttackSummary pgd = summary(Attacks.pgd(eps[e]).steps(steps).restarts(1));
            AttackSummary ce = summary(AutoPgd.ce(Norm.LINF, eps[e]).steps(steps).restarts(1));
            AttackSummary dlr = summary(AutoPgd.dlr(Norm.LINF, eps[e]).steps(steps).restarts(1));
            System.out.printf("eps %s: robust samples of %d: pgd %d, apgd-ce %d, apgd-dlr %d%n", eps[e], N,
                    Math.round(pgd.robustAccuracy() * N), Math.round(ce.robustAccuracy() * N),
                    Math.round(dlr.robustAccuracy() * N));
            assertThat(ce.successRate()).as("APGD-CE vs PGD SR at eps %s", eps[e]).isGreaterThanOrEqualTo(pgd.successRate());
            assertThat(Math.round(ce.robustAccuracy() * N)).as("APGD-CE robust samples at eps %s", eps[e])
                    .isLessThanOrEqualTo(referenceCe[e] + 2);
            assertThat(Math.round(dlr.robustAccuracy() * N)).as("APGD-DLR robust samples at eps %s", eps[e])
                    .isLessThanOrEqualTo(referenceDlr[e] + 2);
            assertThat(dlr.successRate()).as("APGD-DLR vs PGD SR at eps %s", eps[e])
                    .isGreaterThanOrEqualTo(pgd.successRate() - 0.05);
            // Same budget: steps + 1 evaluations per sample at most, like PGD's steps + final check.
            assertThat(ce.queriesMean()).isLessThanOrEqualTo(steps + 1.0);
        }
    }

    /**
     * APGD-T reaches its targets: towards the runner-up class nearly always, towards the next
     * class (y + 1 mod 10, far harder on this model) on about a quarter of the samples;
     * untargeted, it is as strong as APGD-CE. Regression pins (robust4j's own figures on this
     * fixture, eps 0.1, 20 steps): 5 robust samples untargeted with 3 target classes, 11 of 37
     * towards the next class, 30 of 37 towards the runner-up; each threshold leaves two or three
     * samples of slack.
     */
    @Test
    void apgdTHitsItsTargets() {
        try (NDManager m = manager.newSubManager();
                AttackResult untargeted = AutoPgd.targeted(Norm.LINF, 0.1f).steps(20).targetClasses(3)
                        .generate(model, x(m), y(m));
                AttackResult next = AutoPgd.targeted(Norm.LINF, 0.1f).steps(20).generate(model, x(m), y(m), nextClass(m));
                AttackResult runnerUp = AutoPgd.targeted(Norm.LINF, 0.1f).steps(20)
                        .generate(model, x(m), y(m), m.create(runnerUp()))) {
            System.out.printf("apgd-t: untargeted robust %d of %d, next class %.3f, runner-up %.3f%n",
                    Math.round(AttackSummary.of(untargeted).robustAccuracy() * N), N,
                    AttackSummary.of(next).successRate(), AttackSummary.of(runnerUp).successRate());
            assertThat(Math.round(AttackSummary.of(untargeted).robustAccuracy() * N)).isLessThanOrEqualTo(7);
            for (AttackResult r : new AttackResult[] {next, runnerUp}) {
                for (int i = 0; i < N; i++) {
                    assertThat(r.success()[i]).isEqualTo(r.adversarialPredictions()[i] == r.targets()[i]);
                }
            }
            assertThat(AttackSummary.of(next).successRate()).as("SR towards the next class").isGreaterThanOrEqualTo(8 / 37.0);
            assertThat(AttackSummary.of(runnerUp).successRate()).as("SR towards the runner-up").isGreaterThanOrEqualTo(27 / 37.0);
        }
    }

    // ---------------------------------------------------------------- contract

    static Stream<Arguments> attacks() {
        return Stream.of(
                Arguments.of(AutoPgd.ce(Norm.LINF, 0.05f).steps(10)),
                Arguments.of(AutoPgd.dlr(Norm.L2, 1.0f).steps(10).restarts(2).seed(4)),
                Arguments.of(AutoPgd.targeted(Norm.LINF, 0.05f).steps(5).targetClasses(2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void keepsTheContract(AutoPgd attack) {
        try (NDManager m = manager.newSubManager();
                AttackResult u = attack.generate(model, x(m), y(m));
                AttackResult again = attack.generate(model, x(m), y(m));
                AttackResult t = attack.generate(model, x(m), y(m), m.create(runnerUp()))) {
            for (AttackResult r : new AttackResult[] {u, t}) {
                checkContract(attack.budget().orElseThrow(), r);
            }
            assertThat(u.adversarial().toFloatArray()).isEqualTo(again.adversarial().toFloatArray());
            assertThat(u.success()).isEqualTo(again.success());
            assertThat(AttackSummary.of(u).successRate()).as("untargeted SR").isGreaterThan(0.3);
            assertThat(AttackSummary.of(t).successRate()).as("targeted SR").isGreaterThan(0.1);
        }
    }

    static void checkContract(Budget budget, AttackResult r) {
        float[] adv = r.adversarial().toFloatArray();
        float[] delta = new float[D];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < D; j++) {
                float v = adv[i * D + j];
                assertThat(v).isBetween(0f, 1f);
                delta[j] = v - X[i * D + j];
            }
            assertThat(budget.norm().measure(delta, 0, D)).as("sample %d", i)
                    .isLessThanOrEqualTo(budget.eps() * 1.00001f + 1e-6f);
        }
        try (NDArray logits = model.predict(r.adversarial())) {
            int[] predicted = AttackContext.argMax(logits);
            assertThat(r.adversarialPredictions()).isEqualTo(predicted);
            for (int i = 0; i < N; i++) {
                boolean expected = r.targeted() ? predicted[i] == r.targets()[i] : predicted[i] != Y[i];
                assertThat(r.success()[i]).as("sample %d", i).isEqualTo(expected);
            }
        }
        assertThat(Arrays.stream(r.queries()).min().orElse(0)).as("every sample was queried").isPositive();
    }

    @Test
    void seedsDrawDifferentStartsAndTheCallersArraysStayAsTheyWere() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = x(m, 16);
            NDArray y = y(m, 16);
            int before = m.getManagedArrays().size();
            AttackResult a = AutoPgd.ce(Norm.LINF, 0.01f).steps(2).seed(1).generate(model, x, y);
            AttackResult b = AutoPgd.ce(Norm.LINF, 0.01f).steps(2).seed(2).generate(model, x, y);
            assertThat(m.getManagedArrays()).hasSize(before + 2);
            assertThat(a.adversarial().toFloatArray()).isNotEqualTo(b.adversarial().toFloatArray());
            assertThat(x.toFloatArray()).isEqualTo(Arrays.copyOf(X, 16 * D));
            a.close();
            b.close();
        }
    }

    @Test
    void aSampleThatNoRunBreaksGetsEveryEvaluation() {
        // eps so small nothing breaks: each run costs steps + 1 evaluations; APGD-T adds one ranking query.
        try (NDManager m = manager.newSubManager();
                AttackResult ce = AutoPgd.ce(Norm.LINF, 0.001f).steps(7).restarts(2).generate(model, x(m, 16), y(m, 16));
                AttackResult t = AutoPgd.targeted(Norm.LINF, 0.001f).steps(7).targetClasses(2)
                        .generate(model, x(m, 16), y(m, 16))) {
            boolean[] correct = ce.cleanCorrect();
            assertThat(ce.success()).contains(false);
            for (int i = 0; i < 16; i++) {
                if (correct[i] && !ce.success()[i]) {
                    assertThat(ce.queries()[i]).isEqualTo(16L);
                }
                if (correct[i] && !t.success()[i]) {
                    assertThat(t.queries()[i]).isEqualTo(17L);
                }
            }
        }
    }

    /**
     * A long run keeps only its carried arrays between iterations: the peak resident memory of a
     * 1,500-step run (no sample breaks, so every step runs on the whole batch) stays near the
     * starting point. One leaked 16x784 array per step would add ~75 MB.
     */
    @Test
    void aLongRunDoesNotGrowResidentMemory() {
        Assumptions.assumeTrue(ResidentMemory.readable(), "memory is read from /proc/self/status (Linux only)");
        try (NDManager m = manager.newSubManager()) {
            NDArray x = x(m, 16);
            NDArray y = y(m, 16);
            // the warm-up is as long as the measured run, so that the allocator's and the JVM's own
            // growth to a steady state happens before the measurement; a leak grows again after it
            AutoPgd warmUp = AutoPgd.ce(Norm.LINF, 0.001f).steps(1500);
            warmUp.generate(model, x, y).close();
            int arrays = m.getManagedArrays().size();
            Assumptions.assumeTrue(ResidentMemory.resetPeak(), "the peak resident memory can be reset (/proc/self/clear_refs)");
            long before = ResidentMemory.residentKb();
            AttackResult r = AutoPgd.ce(Norm.LINF, 0.001f).steps(1500).generate(model, x, y);
            long peak = ResidentMemory.peakKb();
            boolean[] correct = r.cleanCorrect();
            for (int i = 0; i < 16; i++) {
                if (correct[i]) {
                    assertThat(r.queries()[i]).isEqualTo(1501L);
                }
            }
            r.close();
            assertThat(m.getManagedArrays()).hasSize(arrays);
            assertThat(peak - before).as("peak resident memory growth in KB").isLessThan(30_000);
        }
    }

    // ---------------------------------------------------------------- guards and registry

    @Test
    void badParametersAreRefusedWithTheirNames() {
        assertThatThrownBy(() -> AutoPgd.ce(Norm.L1, 10f)).hasMessage("norm must be linf or l2 for APGD, got l1");
        assertThatThrownBy(() -> AutoPgd.ce(Norm.LINF, 0f)).hasMessage("eps must be a positive number, got 0.0");
        assertThatThrownBy(() -> AutoPgd.ce(Norm.LINF, 0.1f).steps(0)).hasMessage("steps must be >= 1, got 0");
        assertThatThrownBy(() -> AutoPgd.ce(Norm.LINF, 0.1f).restarts(0)).hasMessage("restarts must be >= 1, got 0");
        assertThatThrownBy(() -> AutoPgd.ce(Norm.LINF, 0.1f).rho(1.5f)).hasMessage("rho must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> AutoPgd.ce(Norm.LINF, 0.1f).rho(0f)).hasMessage("rho must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> AutoPgd.targeted(Norm.LINF, 0.1f).targetClasses(0))
                .hasMessage("target-classes must be >= 1, got 0");
        assertThatThrownBy(() -> AutoPgd.Loss.parse("hinge")).hasMessage("loss must be ce, dlr or targeted-dlr, got 'hinge'");
        try (NDManager m = manager.newSubManager()) {
            assertThatThrownBy(() -> AutoPgd.ce(Norm.LINF, 3f).generate(model, x(m), y(m)))
                    .hasMessage("eps must be in (0, 1.0] for bounds [0.0, 1.0] under the linf norm, got 3.0");
        }
    }

    @Test
    void dlrNeedsEnoughClasses() {
        try (BlockClassifier two = identity(2); BlockClassifier three = identity(3); NDManager m = manager.newSubManager()) {
            NDArray x2 = m.create(new float[] {0.2f, 0.7f}, new Shape(1, 2));
            NDArray x3 = m.create(new float[] {0.2f, 0.7f, 0.5f}, new Shape(1, 3));
            assertThatThrownBy(() -> AutoPgd.dlr(Norm.LINF, 0.1f).generate(two, x2, m.create(new long[] {1})))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("apgd-dlr needs a model with at least 3 classes for the DLR loss, got 2");
            assertThatThrownBy(() -> AutoPgd.targeted(Norm.LINF, 0.1f).generate(three, x3, m.create(new long[] {1})))
                    .hasMessage("apgd-t needs a model with at least 4 classes for the targeted DLR loss, got 3");
            // Cross-entropy has no such need.
            try (AttackResult r = AutoPgd.ce(Norm.LINF, 0.3f).steps(5).generate(two, x2, m.create(new long[] {1}))) {
                assertThat(r.success()).containsExactly(true);
            }
        }
    }

    @Test
    void registryMakesTheApgdAttacksWithKebabCaseParameters() {
        EvasionAttack ce = AttackRegistry.create("apgd-ce", Map.of(
                "eps", "0.5", "norm", "l2", "steps", "50", "restarts", "3", "rho", "0.6", "seed", "7"));
        assertThat(ce.name()).isEqualTo("apgd-ce");
        assertThat(ce.params()).containsEntry("eps", 0.5f).containsEntry("norm", "l2").containsEntry("steps", 50)
                .containsEntry("restarts", 3).containsEntry("rho", 0.6f).containsEntry("seed", 7L);
        assertThat(AttackRegistry.create("apgd-dlr", Map.of()).params())
                .containsEntry("norm", "linf").containsEntry("eps", 0.1f).containsEntry("steps", 100)
                .containsEntry("restarts", 1).containsEntry("rho", 0.75f);
        EvasionAttack t = AttackRegistry.create("apgd-t", Map.of("target-classes", "4"));
        assertThat(t.name()).isEqualTo("apgd-t");
        assertThat(t.params()).containsEntry("target-classes", 4);
        assertThatThrownBy(() -> AttackRegistry.create("apgd-ce", Map.of("target-classes", "4")))
                .hasMessageStartingWith("unknown parameter 'target-classes' for attack apgd-ce; known parameters: ");
        assertThatThrownBy(() -> AttackRegistry.create("apgd-ce", Map.of("norm", "l1")))
                .hasMessage("norm must be linf or l2 for APGD, got l1");
        assertThatThrownBy(() -> AttackRegistry.create("apgd-dlr", Map.of("rho", "big")))
                .hasMessage("parameter rho of attack apgd-dlr must be a number, got 'big'");
    }
}
