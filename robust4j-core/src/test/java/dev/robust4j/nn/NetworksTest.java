package dev.robust4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.Bounds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

class NetworksTest {

    static Stream<Arguments> architecturesAndShapes() {
        List<Arguments> cases = new ArrayList<>();
        for (Architecture a : Architecture.values()) {
            cases.add(Arguments.of(a, new long[] {1, 28, 28}));
            cases.add(Arguments.of(a, new long[] {3, 32, 32}));
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("architecturesAndShapes")
    void givesLogitsOfShapeNByK(Architecture architecture, long[] inputShape) {
        NetworkSpec spec = new NetworkSpec(architecture, Activation.relu(), inputShape, 10);
        try (BlockClassifier model = Networks.newClassifier(spec, Bounds.UNIT, List.of(), 7);
                NDManager m = NDManager.newBaseManager(Networks.ENGINE)) {
            NDArray x = m.randomUniform(0f, 1f, dev.robust4j.model.Shapes.batch(5, inputShape));
            NDArray logits = model.predict(x);
            assertThat(logits.getShape()).isEqualTo(new Shape(5, 10));
            for (float v : logits.toFloatArray()) {
                assertThat(v).isFinite();
            }
            assertThat(model.inputShape()).isEqualTo(new Shape(inputShape));
            assertThat(model.description()).isEqualTo(spec.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void boundedReluReplacesEveryActivation(Architecture architecture) {
        Activation brelu = Activation.boundedRelu(0.5f);
        Block block = Networks.build(new NetworkSpec(architecture, brelu, new long[] {1, 28, 28}, 10));
        List<ActivationBlock> activations = new ArrayList<>();
        List<String> lambdas = new ArrayList<>();
        walk(block, activations, lambdas);
        int expected = switch (architecture) {
            case MLP -> 2;
            case CNN -> 3;
            case RESNET -> 7;
        };
        assertThat(activations).hasSize(expected).allSatisfy(a -> assertThat(a.activation()).isEqualTo(brelu));
        assertThat(lambdas).noneMatch(name -> name.toLowerCase(Locale.ROOT).contains("relu"));
    }

    private static void walk(Block block, List<ActivationBlock> activations, List<String> lambdas) {
        if (block instanceof ActivationBlock a) {
            activations.add(a);
        }
        if (block instanceof LambdaBlock l) {
            lambdas.add(l.getName());
        }
        for (Block child : block.getChildren().values()) {
            walk(child, activations, lambdas);
        }
    }

    /**
     * The input of the last linear layer is an activation's output (pooled, for the ResNet), so with
     * a bounded ReLU it lies in [0, t]; with ReLU, large inputs push it above t.
     */
    @ParameterizedTest
    @EnumSource(Architecture.class)
    void hiddenFeaturesStayWithinTheBound(Architecture architecture) {
        float t = 0.5f;
        assertThat(penultimateRange(architecture, Activation.boundedRelu(t))).satisfies(r -> {
            assertThat(r[0]).isGreaterThanOrEqualTo(0f);
            assertThat(r[1]).isLessThanOrEqualTo(t);
            assertThat(r[1]).isGreaterThan(0f);
        });
        assertThat(penultimateRange(architecture, Activation.relu())[1]).isGreaterThan(t);
    }

    private static float[] penultimateRange(Architecture architecture, Activation activation) {
        long[] shape = {1, 28, 28};
        NetworkSpec spec = new NetworkSpec(architecture, activation, shape, 10);
        try (BlockClassifier model = Networks.newClassifier(spec, Bounds.UNIT, List.of(), 3);
                NDManager m = NDManager.newBaseManager(Networks.ENGINE)) {
            List<Block> layers = model.block().getChildren().values();
            assertThat(layers.get(layers.size() - 1)).isInstanceOf(Linear.class);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray h = m.randomNormal(0f, 10f, dev.robust4j.model.Shapes.batch(8, shape), DataType.FLOAT32);
            for (Block layer : layers.subList(0, layers.size() - 1)) {
                h = layer.forward(ps, new NDList(h), false).singletonOrThrow();
            }
            return new float[] {h.min().getFloat(), h.max().getFloat()};
        }
    }

    @Test
    void mlpTakesAnyShapeButConvNetsNeedImages() {
        Block mlp = Networks.build(new NetworkSpec(Architecture.MLP, Activation.relu(), new long[] {8}, 3));
        assertThat(mlp).isNotNull();
        assertThatThrownBy(() -> new NetworkSpec(Architecture.CNN, Activation.relu(), new long[] {784}, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cnn")
                .hasMessageContaining("[784]");
        assertThatThrownBy(() -> new NetworkSpec(Architecture.RESNET, Activation.relu(), new long[] {1, 3, 3}, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[1, 3, 3]");
        assertThatThrownBy(() -> new NetworkSpec(Architecture.MLP, Activation.relu(), new long[] {0}, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NetworkSpec(Architecture.MLP, Activation.relu(), new long[] {4}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("numClasses");
    }

    @Test
    void parsesArchitecturesAndSpecs() {
        assertThat(Architecture.parse("mlp")).isEqualTo(Architecture.MLP);
        assertThat(Architecture.parse("cnn")).isEqualTo(Architecture.CNN);
        assertThat(Architecture.parse("resnet")).isEqualTo(Architecture.RESNET);
        assertThatThrownBy(() -> Architecture.parse("vgg"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'vgg'")
                .hasMessageContaining("mlp, cnn, resnet");
        long[] shape = {1, 28, 28};
        NetworkSpec spec = NetworkSpec.of("cnn", "brelu:1.0", shape, 10);
        shape[0] = 3;
        assertThat(spec.inputShape()).containsExactly(1, 28, 28);
        spec.inputShape()[0] = 5;
        assertThat(spec.inputShape()).containsExactly(1, 28, 28);
        assertThat(spec).isEqualTo(NetworkSpec.of("cnn", "brelu:1", new long[] {1, 28, 28}, 10));
        assertThat(spec.toString()).isEqualTo("cnn(brelu:1.0) 1x28x28 -> 10");
    }

    @Test
    void sameSeedGivesSameInitialWeights() {
        NetworkSpec spec = new NetworkSpec(Architecture.CNN, Activation.relu(), new long[] {1, 12, 12}, 4);
        try (BlockClassifier a = Networks.newClassifier(spec, Bounds.UNIT, List.of(), 11);
                BlockClassifier b = Networks.newClassifier(spec, Bounds.UNIT, List.of(), 11);
                BlockClassifier c = Networks.newClassifier(spec, Bounds.UNIT, List.of(), 12)) {
            assertThat(Arrays.equals(TrainerTest.weights(a), TrainerTest.weights(b))).isTrue();
            assertThat(Arrays.equals(TrainerTest.weights(a), TrainerTest.weights(c))).isFalse();
        }
    }
}
