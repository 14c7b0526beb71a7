package dev.robust4j.attack.whitebox;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AbstractEvasionAttack;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Attacks;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.DifferentiableClassifier;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.Objective;
import dev.robust4j.testing.LinearModels;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Long runs do not accumulate native arrays (DESIGN §6): at every model call, the number of
 * arrays alive under the caller's manager (which holds the attack's whole scope tree) is recorded;
 * it must not grow from the first third of the run to the last. One array leaked per iteration
 * would add about 50 over a third of these runs.
 */
class WhiteboxMemoryTest {

    private static final int K = 3;
    private static final int D = 16;
    private static final int N = 8;

    /** Records the live arrays under a manager whenever the model is called. */
    private static final class Watching implements DifferentiableClassifier {
        private final BlockClassifier model;
        private final NDManager watched;
        private final List<Integer> counts = new ArrayList<>();

        Watching(BlockClassifier model, NDManager watched) {
            this.model = model;
            this.watched = watched;
        }

        @Override
        public Evaluation evaluate(NDArray x, Objective objective, NDArray labels) {
            counts.add(watched.getManagedArrays().size());
            return model.evaluate(x, objective, labels);
        }

        @Override
        public NDArray predict(NDArray x) {
            counts.add(watched.getManagedArrays().size());
            return model.predict(x);
        }

        @Override
        public int numClasses() {
            return K;
        }

        @Override
        public Shape inputShape() {
            return model.inputShape();
        }

        @Override
        public Bounds bounds() {
            return model.bounds();
        }
    }

    static Stream<Arguments> longRuns() {
        // Confidence 1e3 keeps every sample in play for every iteration; L-BFGS runs many rounds.
        return Stream.of(
                Arguments.of(Attacks.cwL2().binarySearchSteps(1).maxIter(150).abortEarly(false).confidence(1e3f)),
                Arguments.of(Attacks.ead().binarySearchSteps(1).maxIter(75).abortEarly(false).confidence(1e3f)),
                Arguments.of(Attacks.cwLinf(0.05f).binarySearchSteps(1).maxIter(150).confidence(1e3f)),
                Arguments.of(Attacks.lbfgs().binarySearchSteps(12).maxIter(40).initialConst(1f)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("longRuns")
    void arraysAliveDoNotGrowWithIterations(AbstractEvasionAttack attack) {
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[N * D];
        long[] y = new long[N];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        for (int i = 0; i < N; i++) {
            y[i] = r.nextInt(K);
        }
        try (BlockClassifier linear = LinearModels.softmax(LinearModels.randomWeights(K, D, 1.0, 3), new float[K], D);
                NDManager m = NDManager.newBaseManager()) {
            Watching model = new Watching(linear, m);
            NDArray xs = m.create(x, new Shape(N, D));
            NDArray ys = m.create(y);
            int before = m.getManagedArrays().size();
            AttackResult result = attack.generate(model, xs, ys);
            List<Integer> counts = model.counts;
            assertThat(counts.size()).as("model calls").isGreaterThanOrEqualTo(60);
            int third = counts.size() / 3;
            int early = counts.subList(1, third).stream().mapToInt(Integer::intValue).max().orElseThrow();
            int late = counts.subList(2 * third, counts.size() - 1).stream().mapToInt(Integer::intValue).max().orElseThrow();
            assertThat(late).as("arrays alive late in the run vs early (%s)", counts).isLessThanOrEqualTo(early + 3);
            result.close();
            assertThat(m.getManagedArrays()).as("only the caller's arrays remain").hasSize(before);
        }
    }
}
