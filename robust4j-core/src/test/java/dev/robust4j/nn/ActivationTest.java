package dev.robust4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActivationTest {

    @Test
    void parsesAndPrintsSpecs() {
        assertThat(Activation.parse("relu")).isSameAs(Activation.relu());
        assertThat(Activation.parse("relu").toString()).isEqualTo("relu");
        Activation b = Activation.parse("brelu:1.0");
        assertThat(b.kind()).isEqualTo(Activation.Kind.BOUNDED_RELU);
        assertThat(b.upperBound()).isEqualTo(1.0f);
        assertThat(b.toString()).isEqualTo("brelu:1.0");
        assertThat(Activation.parse("brelu:2").toString()).isEqualTo("brelu:2.0");
        assertThat(Activation.parse(" BReLU:0.25 ")).isEqualTo(Activation.boundedRelu(0.25f));
        for (String spec : new String[] {"relu", "brelu:1.0", "brelu:6", "brelu:1e-3", "brelu:.5"}) {
            Activation a = Activation.parse(spec);
            assertThat(Activation.parse(a.toString())).isEqualTo(a).hasSameHashCodeAs(a);
        }
        assertThat(Activation.relu().upperBound()).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "tanh", "brelu", "brelu:", "brelu:0", "brelu:-1", "brelu:abc", "brelu:NaN", "brelu:Infinity",
        "brelu:1e99", "brelu:1.0f", "relu:1", "brelu:1:2"
    })
    void rejectsBadSpecsNamingThem(String spec) {
        assertThatThrownBy(() -> Activation.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + spec + "'");
    }

    @Test
    void rejectsNullAndBadThresholds() {
        assertThatThrownBy(() -> Activation.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Activation.boundedRelu(0f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.0");
        assertThatThrownBy(() -> Activation.boundedRelu(Float.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void boundedReluClipsToZeroAndThreshold() {
        try (NDManager m = NDManager.newBaseManager(Networks.ENGINE)) {
            NDArray x = m.create(new float[] {-2f, -0.5f, 0f, 0.3f, 1f, 1.5f, 3f});
            assertThat(Activation.boundedRelu(1f).apply(x).toFloatArray())
                    .containsExactly(0f, 0f, 0f, 0.3f, 1f, 1f, 1f);
            assertThat(Activation.relu().apply(x).toFloatArray())
                    .containsExactly(0f, 0f, 0f, 0.3f, 1f, 1.5f, 3f);
        }
    }

    @Test
    void boundedReluGradientIsOneInsideAndZeroOutside() {
        float[] xs = {-2f, -0.5f, 0.3f, 0.7f, 1.5f, 3f};
        assertThat(gradient(Activation.boundedRelu(1f), xs)).containsExactly(0f, 0f, 1f, 1f, 0f, 0f);
        assertThat(gradient(Activation.relu(), xs)).containsExactly(0f, 0f, 1f, 1f, 1f, 1f);
    }

    private static float[] gradient(Activation activation, float[] xs) {
        try (NDManager m = NDManager.newBaseManager(Networks.ENGINE)) {
            NDArray x = m.create(xs);
            x.setRequiresGradient(true);
            try (GradientCollector c = Engine.getEngine(Networks.ENGINE).newGradientCollector()) {
                c.backward(activation.apply(x).sum());
            }
            return x.getGradient().toFloatArray();
        }
    }

    @Test
    void blockAppliesActivationAndKeepsShape() {
        Block block = Activation.parse("brelu:0.5").block();
        assertThat(block).isInstanceOf(ActivationBlock.class);
        assertThat(((ActivationBlock) block).activation()).isEqualTo(Activation.boundedRelu(0.5f));
        assertThat(block.getOutputShapes(new Shape[] {new Shape(2, 3)})).containsExactly(new Shape(2, 3));
        try (NDManager m = NDManager.newBaseManager(Networks.ENGINE)) {
            NDArray x = m.create(new float[] {-1f, 0.25f, 2f, 0.5f, -0.1f, 0.75f}, new Shape(2, 3));
            NDArray y = block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            assertThat(y.toFloatArray()).containsExactly(0f, 0.25f, 0.5f, 0.5f, 0f, 0.5f);
        }
    }
}
