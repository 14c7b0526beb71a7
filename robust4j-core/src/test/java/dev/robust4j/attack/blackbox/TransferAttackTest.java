package dev.robust4j.attack.blackbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.attack.GradientDescentAttack;
import dev.robust4j.attack.Norm;
import dev.robust4j.data.Npy;
import dev.robust4j.metric.AttackSummary;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.FunctionClassifier;
import dev.robust4j.model.LabelOnlyClassifier;
import dev.robust4j.model.OnnxClassifier;
import dev.robust4j.model.QueryCounter;
import dev.robust4j.model.TorchScriptClassifier;
import dev.robust4j.testing.Fixtures;
import dev.robust4j.testing.LinearModels;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transfer from the traced CNN to models with the same weights (scripted TorchScript, ONNX, a
 * label-only view, a flat black-box function): the success rate equals the white-box one, each
 * sample costs exactly one target query, and bounds, ball and verdict hold.
 */
class TransferAttackTest {

    private static final float[] X = Npy.read(Fixtures.path("torchscript/x.npy")).floats();
    private static final long[] Y = Npy.read(Fixtures.path("torchscript/y.npy")).longs();
    private static final int N = 48;
    private static final int D = 784;
    private static final float EPS = 0.1f;
    private static final GradientDescentAttack PGD = Attacks.pgd(EPS).steps(10).seed(3);

    private static TorchScriptClassifier traced;
    private static TorchScriptClassifier scripted;
    private static OnnxClassifier onnx;
    private static NDManager manager;
    /** White-box PGD on the surrogate itself: the reference. */
    private static AttackResult whiteBox;

    @BeforeAll
    static void load() {
        traced = TorchScriptClassifier.builder()
                .setModelFile(Fixtures.path("torchscript/cnn_traced.pt")).setInputShape(1, 28, 28).build();
        scripted = TorchScriptClassifier.builder()
                .setModelFile(Fixtures.path("torchscript/cnn_scripted.pt")).setInputShape(1, 28, 28).build();
        onnx = OnnxClassifier.builder().setModelFile(Fixtures.path("onnx/cnn.onnx")).setInputShape(1, 28, 28).build();
        manager = NDManager.newBaseManager();
        whiteBox = PGD.generate(traced, x(manager), y(manager));
    }

    @AfterAll
    static void close() {
        whiteBox.close();
        manager.close();
        onnx.close();
        scripted.close();
        traced.close();
    }

    private static NDArray x(NDManager m) {
        return m.create(Arrays.copyOf(X, N * D), new Shape(N, 1, 28, 28));
    }

    private static NDArray y(NDManager m) {
        return m.create(Arrays.copyOf(Y, N));
    }

    @Test
    void sameWeightsGiveTheWhiteBoxSuccessRateAtOneQueryPerSample() {
        double whiteSr = AttackSummary.of(whiteBox).successRate();
        assertThat(whiteSr).as("white-box PGD SR (40 steps: 0.875)").isBetween(0.75, 0.95);
        QueryCounter target = QueryCounter.wrap(scripted);
        TransferAttack transfer = TransferAttack.of(traced, PGD);
        try (NDManager m = manager.newSubManager(); AttackResult r = transfer.generate(target, x(m), y(m))) {
            assertThat(AttackSummary.of(r).successRate()).isEqualTo(whiteSr);
            assertThat(r.success()).isEqualTo(whiteBox.success());
            assertThat(r.adversarial().toFloatArray()).as("crafted on the surrogate, so the white-box adversarials")
                    .isEqualTo(whiteBox.adversarial().toFloatArray());
            assertThat(r.queries()).as("one query per sample").containsOnly(1L);
            // The template's clean prediction and verdict, plus the attack's one submission.
            assertThat(target.queries()).isEqualTo(3L * N);
            assertThat(target.calls()).isEqualTo(3);
            checkContract(r, scripted);
        }
    }

    @Test
    void transfersToTheOnnxModelAndToALabelOnlyView() {
        TransferAttack transfer = TransferAttack.of(traced, PGD);
        LabelOnlyClassifier labels = LabelOnlyClassifier.of(scripted);
        try (NDManager m = manager.newSubManager();
                AttackResult toOnnx = transfer.generate(onnx, x(m), y(m));
                AttackResult toLabels = transfer.generate(labels, x(m), y(m))) {
            for (AttackResult r : List.of(toOnnx, toLabels)) {
                assertThat(r.success()).isEqualTo(whiteBox.success());
                assertThat(r.adversarial().toFloatArray()).as("same seed, same adversarials")
                        .isEqualTo(whiteBox.adversarial().toFloatArray());
                assertThat(r.queries()).containsOnly(1L);
            }
            checkContract(toOnnx, onnx);
            checkContract(toLabels, labels);
        }
    }

    @Test
    void flatBlackBoxFunctionTargetWithAnotherInputShape() {
        // A black box over flat rows of 784 features that answers labels only.
        FunctionClassifier flat = new FunctionClassifier(batch -> {
            try (NDManager m = NDManager.newBaseManager()) {
                float[] rows = new float[batch.length * D];
                for (int i = 0; i < batch.length; i++) {
                    System.arraycopy(batch[i], 0, rows, i * D, D);
                }
                int[] labels = AttackContext.argMax(scripted.predict(m.create(rows, new Shape(batch.length, 1, 28, 28))));
                float[][] out = new float[batch.length][10];
                for (int i = 0; i < batch.length; i++) {
                    out[i][labels[i]] = 1f;
                }
                return out;
            }
        }, new Shape(D), Bounds.UNIT, 10, Classifier.OutputKind.LABEL_ONLY, List.of(), "flat label-only CNN");
        EvasionAttack fgsm = Attacks.fgsm(EPS);
        TransferAttack transfer = TransferAttack.of(traced, fgsm);
        try (NDManager m = manager.newSubManager();
                AttackResult white = fgsm.generate(traced, x(m), y(m));
                AttackResult r = transfer.generate(flat, m.create(Arrays.copyOf(X, N * D), new Shape(N, D)), y(m))) {
            assertThat(r.adversarial().getShape()).isEqualTo(new Shape(N, D));
            assertThat(r.success()).isEqualTo(white.success());
            assertThat(AttackSummary.of(r).successRate()).as("FGSM SR, reference ~0.67").isBetween(0.5, 0.85);
            assertThat(r.queries()).containsOnly(1L);
            checkContract(r, flat);
        }
    }

    @Test
    void targetedTransferHitsTheTargets() {
        int n = 16;
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = (Y[i] + 1) % 10;
        }
        GradientDescentAttack pgd = Attacks.pgd(0.2f).steps(10);
        TransferAttack transfer = TransferAttack.of(traced, pgd);
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(Arrays.copyOf(X, n * D), new Shape(n, 1, 28, 28));
            NDArray y = m.create(Arrays.copyOf(Y, n));
            try (AttackResult white = pgd.generate(traced, x, y, m.create(t));
                    AttackResult r = transfer.generate(LabelOnlyClassifier.of(onnx), x, y, m.create(t))) {
                assertThat(r.targeted()).isTrue();
                assertThat(r.success()).isEqualTo(white.success());
                int hits = 0;
                for (int i = 0; i < n; i++) {
                    assertThat(r.success()[i]).isEqualTo(r.adversarialPredictions()[i] == t[i]);
                    hits += r.success()[i] ? 1 : 0;
                }
                assertThat(hits).as("targeted hits").isGreaterThanOrEqualTo(n / 2);
                assertThat(r.queries()).containsOnly(1L);
                float[] adv = r.adversarial().toFloatArray();
                for (int i = 0; i < adv.length; i++) {
                    assertThat(Math.abs(adv[i] - X[i])).isLessThanOrEqualTo(0.2f + 1e-6f);
                }
            }
        }
    }

    @Test
    void declaresWhatItNeedsAndTakesTheInnerBudgetAndSeed() {
        TransferAttack transfer = TransferAttack.of(traced, Attacks.pgd(Norm.L2, 1.5f).seed(11));
        assertThat(transfer.name()).isEqualTo("transfer");
        assertThat(transfer.requiresGradients()).isFalse();
        assertThat(transfer.requiresScores()).isFalse();
        assertThat(transfer.supportsTargeted()).isTrue();
        assertThat(transfer.budget()).hasValueSatisfying(b -> {
            assertThat(b.norm()).isEqualTo(Norm.L2);
            assertThat(b.eps()).isEqualTo(1.5f);
        });
        assertThat(transfer.seed()).isEqualTo(11L);
        assertThat(transfer.params()).containsEntry("surrogate", "TorchScript cnn_traced.pt")
                .containsEntry("attack", "pgd").containsEntry("eps", 1.5f).containsEntry("norm", "l2")
                .containsEntry("seed", 11L);
        assertThat(transfer.surrogate()).isSameAs(traced);
    }

    @Test
    void guards() {
        assertThatThrownBy(() -> TransferAttack.of(onnx, PGD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("surrogate ONNX cnn.onnx has no input gradients, but attack pgd is white-box; use a surrogate"
                        + " with gradients (TorchScript .pt, a model directory)");
        try (BlockClassifier three = LinearModels.softmax(LinearModels.randomWeights(3, D, 0.1, 1), new float[3], 1, 28, 28);
                BlockClassifier wide = LinearModels.softmax(LinearModels.randomWeights(10, 10, 0.1, 1), new float[10], 10);
                NDManager m = manager.newSubManager()) {
            assertThatThrownBy(() -> TransferAttack.of(three, PGD).generate(scripted, x(m), y(m)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("surrogate linear softmax has 3 classes but target TorchScript cnn_scripted.pt has 10");
            assertThatThrownBy(() -> TransferAttack.of(wide, PGD).generate(scripted, x(m), y(m)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("surrogate linear softmax takes inputs of shape (10) but target TorchScript cnn_scripted.pt"
                            + " takes (1, 28, 28)");
        }
        assertThatThrownBy(() -> TransferAttack.of(null, PGD)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void registryResolvesTheSurrogateThroughTheCallersLoader() {
        Path pt = Fixtures.path("torchscript/cnn_traced.pt");
        String[] asked = new String[1];
        AttackRegistry.ModelLoader loader = path -> {
            asked[0] = path;
            return traced;
        };
        EvasionAttack a = AttackRegistry.create("transfer",
                Map.of("surrogate", pt.toString(), "attack", "bim", "eps", "0.05", "steps", "5", "seed", "4"), loader);
        assertThat(asked[0]).isEqualTo(pt.toString());
        assertThat(a).isInstanceOf(TransferAttack.class);
        assertThat(a.params()).containsEntry("attack", "bim").containsEntry("eps", 0.05f).containsEntry("steps", 5)
                .containsEntry("seed", 4L);
        assertThat(AttackRegistry.create("transfer", Map.of("surrogate", "s.pt"), loader).params())
                .as("default inner attack").containsEntry("attack", "pgd").containsEntry("steps", 40);

        assertThatThrownBy(() -> AttackRegistry.create("transfer", Map.of("surrogate", "s.pt")))
                .hasMessageStartingWith("attack transfer loads its surrogate model s.pt: make it with");
        assertThatThrownBy(() -> AttackRegistry.create("transfer", Map.of("eps", "0.1"), loader))
                .hasMessageStartingWith("attack transfer needs parameter surrogate=PATH");
        assertThatThrownBy(() -> AttackRegistry.create("transfer", Map.of("surrogate", "s.pt", "attack", "transfer"), loader))
                .hasMessage("parameter attack of attack transfer must name another attack, got transfer");
        assertThatThrownBy(() -> AttackRegistry.create("transfer", Map.of("surrogate", "s.pt", "foo", "1"), loader))
                .hasMessageStartingWith("attack transfer: unknown parameter 'foo' for attack pgd; known parameters: ");
        assertThatThrownBy(() -> AttackRegistry.create("transfer", Map.of("surrogate", "s.pt", "attack", "nope"), loader))
                .hasMessageStartingWith("attack transfer: unknown attack 'nope'");
        assertThatThrownBy(() -> AttackRegistry.create("transfer", Map.of("surrogate", "s.onnx"), path -> onnx))
                .hasMessageStartingWith("surrogate ONNX cnn.onnx has no input gradients");
    }

    /** Bounds, ball and the success mask as the target's verdict on the returned batch. */
    private static void checkContract(AttackResult r, Classifier target) {
        float[] adv = r.adversarial().toFloatArray();
        assertThat(adv).hasSize(N * D);
        for (int i = 0; i < adv.length; i++) {
            assertThat(adv[i]).isBetween(0f, 1f);
            assertThat(Math.abs(adv[i] - X[i])).isLessThanOrEqualTo(EPS + 1e-6f);
        }
        try (NDArray logits = target.predict(r.adversarial())) {
            int[] predicted = AttackContext.argMax(logits);
            assertThat(r.adversarialPredictions()).isEqualTo(predicted);
            for (int i = 0; i < N; i++) {
                assertThat(r.success()[i]).isEqualTo(predicted[i] != Y[i]);
            }
        }
    }
}
