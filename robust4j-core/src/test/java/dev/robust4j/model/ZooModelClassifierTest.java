package dev.robust4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.attack.Norm;
import dev.robust4j.attack.blackbox.SquareAttack;
import dev.robust4j.testing.Fixtures;

import org.junit.jupiter.api.Test;

/**
 * A model loaded through DJL's {@link Criteria} is attacked exactly like the same file through
 * robust4j's own adapters: white-box for PyTorch, black-box for ONNX Runtime. Offline: the models
 * are the committed fixtures, loaded from their paths.
 */
class ZooModelClassifierTest {

    private static Criteria<NDList, NDList> torchScript() {
        return Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(Fixtures.path("torchscript/cnn_traced.pt"))
                .optEngine("PyTorch")
                .build();
    }

    @Test
    void aTorchScriptModelFromCriteriaIsWhiteBoxAndAttackedIdentically() {
        try (ZooModelClassifier zoo = ZooModelClassifier.builder().setCriteria(torchScript()).setInputShape(1, 28, 28).build();
                TorchScriptClassifier ts = Fixtures.tracedCnn();
                NDManager m = NDManager.newBaseManager()) {
            assertThat(zoo).isInstanceOf(DifferentiableClassifier.class);
            assertThat(zoo.numClasses()).isEqualTo(10);
            assertThat(zoo.description()).isEqualTo("DJL PyTorch model cnn_traced");
            NDArray x = Fixtures.images(m, 16);
            NDArray y = m.create(Fixtures.labels(16));
            assertThat(zoo.predict(x).toFloatArray()).isEqualTo(ts.predict(x).toFloatArray());
            DifferentiableClassifier white = (DifferentiableClassifier) zoo;
            try (Evaluation a = white.evaluate(x, Objectives.crossEntropy(), y);
                    Evaluation b = ts.evaluate(x, Objectives.crossEntropy(), y)) {
                assertThat(a.gradient().abs().sum().getFloat()).as("non-zero gradient").isPositive();
                assertThat(a.gradient().toFloatArray()).isEqualTo(b.gradient().toFloatArray());
            }
            for (EvasionAttack attack : new EvasionAttack[] {Attacks.fgsm(0.1f), Attacks.pgd(Norm.L2, 1f).steps(5)}) {
                try (AttackResult a = attack.generate(zoo, x, y); AttackResult b = attack.generate(ts, x, y)) {
                    assertThat(a.adversarial().toFloatArray()).as(attack.name()).isEqualTo(b.adversarial().toFloatArray());
                    assertThat(a.success()).isEqualTo(b.success());
                    assertThat(a.success().length).isEqualTo(16);
                }
            }
            assertThat(x.toFloatArray()).as("input unchanged").isEqualTo(Fixtures.images(m, 16).toFloatArray());
        }
    }

    @Test
    void aZooModelLoadedWithoutTrainParamIsRefusedWithAdviceOrWrappedBlackBox() throws Exception {
        try (ZooModel<NDList, NDList> plain = torchScript().loadModel(); NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> ZooModelClassifier.builder().setModel(plain).setInputShape(1, 28, 28).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("gives no input gradients")
                    .hasMessageContaining("optOption(\"trainParam\", \"true\")");
            ZooModelClassifier blackBox = ZooModelClassifier.builder().setModel(plain).setInputShape(1, 28, 28)
                    .optGradients(false).build();
            assertThat(blackBox).isNotInstanceOf(DifferentiableClassifier.class);
            try (TorchScriptClassifier ts = Fixtures.tracedCnn()) {
                NDArray x = Fixtures.images(m, 4);
                assertThat(blackBox.predict(x).toFloatArray()).isEqualTo(ts.predict(x).toFloatArray());
            }
            blackBox.close(); // not the owner: the model stays open
            assertThat(blackBox.predict(Fixtures.images(m, 1)).getShape().get(1)).isEqualTo(10);
        }
        try (ZooModel<NDList, NDList> trained = torchScript().toBuilder().optOption("trainParam", "true").build().loadModel();
                ZooModelClassifier white = ZooModelClassifier.builder().setModel(trained).setInputShape(1, 28, 28).build()) {
            assertThat(white).isInstanceOf(DifferentiableClassifier.class);
        }
    }

    @Test
    void anOnnxModelFromCriteriaIsBlackBoxAndAttackedLikeOnnxClassifier() {
        Criteria<NDList, NDList> onnx = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(Fixtures.path("onnx/cnn.onnx"))
                .optEngine("OnnxRuntime")
                .build();
        try (ZooModelClassifier zoo = ZooModelClassifier.builder().setCriteria(onnx).setInputShape(1, 28, 28).build();
                OnnxClassifier direct = OnnxClassifier.builder().setModelFile(Fixtures.path("onnx/cnn.onnx"))
                        .setInputShape(1, 28, 28).build();
                NDManager m = NDManager.newBaseManager()) {
            assertThat(zoo).isNotInstanceOf(DifferentiableClassifier.class);
            assertThat(zoo.numClasses()).isEqualTo(10);
            NDArray x = Fixtures.images(m, 8);
            NDArray y = m.create(Fixtures.labels(8));
            NDArray logits = zoo.predict(x);
            assertThat(logits.getManager()).isSameAs(m);
            assertThat(logits.toFloatArray()).isEqualTo(direct.predict(x).toFloatArray());
            SquareAttack square = SquareAttack.linf(0.1f).maxQueries(50).seed(7);
            try (AttackResult a = square.generate(zoo, x, y); AttackResult b = square.generate(direct, x, y)) {
                assertThat(a.adversarial().toFloatArray()).isEqualTo(b.adversarial().toFloatArray());
                assertThat(a.success()).isEqualTo(b.success());
            }
            assertThatThrownBy(() -> Attacks.fgsm(0.1f).generate(zoo, x, y))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void clearErrors() {
        assertThatThrownBy(() -> ZooModelClassifier.builder().setInputShape(1, 28, 28).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a ZooModel or a Criteria is required");
        assertThatThrownBy(() -> ZooModelClassifier.builder().setCriteria(torchScript()).build())
                .hasMessageContaining("input shape is required");
        assertThatThrownBy(() -> ZooModelClassifier.builder().setCriteria(torchScript()).setInputShape(3, 5, 5).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not accept inputs of shape (3, 5, 5)");
        assertThatThrownBy(() -> ZooModelClassifier.builder()
                        .setCriteria(Criteria.builder().setTypes(NDList.class, NDList.class)
                                .optModelPath(Fixtures.path("torchscript").resolve("missing.pt")).optEngine("PyTorch").build())
                        .setInputShape(1, 28, 28).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot load the DJL model (engine PyTorch)");
    }
}
