package dev.robust4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Attacks;
import dev.robust4j.testing.LinearModels;

import org.junit.jupiter.api.Test;

class QueryCounterTest {

    @Test
    void countsEverySampleAndKeepsGradients() {
        try (BlockClassifier linear = LinearModels.softmax(LinearModels.randomWeights(3, 4, 1, 1), new float[3], 4);
                NDManager m = NDManager.newBaseManager()) {
            QueryCounter counter = QueryCounter.wrap(linear);
            assertThat(counter).isInstanceOf(DifferentiableClassifier.class);
            counter.predict(m.ones(new Shape(5, 4)).mul(0.5f)).close();
            assertThat(counter.queries()).isEqualTo(5);
            assertThat(counter.calls()).isEqualTo(1);
            // FGSM: one gradient at the clean point (its logits are the clean verdicts) and one final
            // prediction of the attack (the verdicts on the returned batch): 2 batches of 7 samples.
            try (AttackResult r = Attacks.fgsm(0.1f).generate(counter, m.ones(new Shape(7, 4)).mul(0.5f),
                    m.zeros(new Shape(7), ai.djl.ndarray.types.DataType.INT64))) {
                assertThat(counter.queries()).isEqualTo(5 + 2 * 7);
                assertThat(r.totalQueries()).as("the attack's own queries").isEqualTo(2 * 7);
            }
            counter.reset();
            assertThat(counter.queries()).isZero();
        }
    }

    @Test
    void blackBoxStaysBlackBox() {
        FunctionClassifier f = FunctionClassifier.of(batch -> new float[batch.length][2], 2, 3);
        QueryCounter counter = QueryCounter.wrap(f);
        assertThat(counter).isNotInstanceOf(DifferentiableClassifier.class);
        try (NDManager m = NDManager.newBaseManager()) {
            assertThat(counter.predict(m.zeros(new Shape(4, 3))).getShape()).isEqualTo(new Shape(4, 2));
        }
        assertThat(counter.queries()).isEqualTo(4);
    }
}
