package dev.robust4j.attack.whitebox;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AbstractEvasionAttack;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.Norm;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.testing.LinearModels;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every per-iteration array is freed: the caller's scope gains exactly the returned batch. */
class WhiteboxScopeTest {

    private static final int K = 5;
    private static final int D = 30;
    private static final int N = 12;

    static Stream<Arguments> attacks() {
        return Stream.of(
                Arguments.of(DeepFool.l2().maxIter(20), false),
                Arguments.of(DeepFool.linf().candidates(3), false),
                Arguments.of(JacobianSaliencyMapAttack.create().gamma(0.3f), false),
                Arguments.of(JacobianSaliencyMapAttack.create().theta(-0.3f).gamma(0.3f), true),
                Arguments.of(Attacks.fab(Norm.LINF).steps(15).restarts(2).eps(0.3f), false),
                Arguments.of(Attacks.fab(Norm.L2).steps(15).variant(FastAdaptiveBoundaryAttack.Variant.FAB), false),
                Arguments.of(Attacks.fab(Norm.L2).steps(15).restarts(2), true));
    }

    @ParameterizedTest(name = "{0} targeted={1}")
    @MethodSource("attacks")
    void attackLeavesTheCallersArraysAndManagerAsTheyWere(AbstractEvasionAttack attack, boolean targeted) {
        float[] w = LinearModels.randomWeights(K, D, 1.0, 41);
        float[] b = new float[K];
        SplittableRandom r = new SplittableRandom(43);
        float[] xs = new float[N * D];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) r.nextDouble();
        }
        try (BlockClassifier model = LinearModels.softmax(w, b, D); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(xs, new Shape(N, D));
            int[] clean;
            try (NDArray logits = model.predict(x)) {
                clean = dev.robust4j.attack.AttackContext.argMax(logits);
            }
            long[] y = new long[N];
            long[] t = new long[N];
            for (int i = 0; i < N; i++) {
                y[i] = clean[i];
                t[i] = (clean[i] + 1 + i % (K - 1)) % K;
            }
            NDArray labels = m.create(y);
            NDArray targets = m.create(t);
            int before = m.getManagedArrays().size();
            AttackResult res = targeted ? attack.generate(model, x, labels, targets) : attack.generate(model, x, labels);
            assertThat(m.getManagedArrays()).hasSize(before + 1).contains(res.adversarial());
            assertThat(x.toFloatArray()).isEqualTo(xs);
            assertThat(res.l0()).as("the attack changed something").isNotEqualTo(new float[N]);
            res.close();
        }
    }
}
