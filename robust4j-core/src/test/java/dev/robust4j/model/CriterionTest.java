package dev.robust4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Attacks;
import dev.robust4j.testing.LinearModels;

import org.junit.jupiter.api.Test;

/** The one success rule: class rule, targets, margins, sub-batches, and the template applying it. */
class CriterionTest {

    @Test
    void classRuleUntargetedAndTargeted() {
        Criterion u = Criterion.misclassification(new int[] {0, 2});
        assertThat(u.targeted()).isFalse();
        assertThat(u.isAdversarial(0, 1)).isTrue();
        assertThat(u.isAdversarial(0, 0)).isFalse();
        assertThat(u.objectiveClasses()).containsExactly(0, 2);

        Criterion t = Criterion.targeted(new int[] {0, 2}, new int[] {1, 0});
        assertThat(t.isAdversarial(0, 1)).isTrue();
        assertThat(t.isAdversarial(0, 2)).as("another wrong class is not the target").isFalse();
        assertThat(t.objectiveClasses()).containsExactly(1, 0);
        assertThat(t.select(new int[] {1})).isEqualTo(Criterion.targeted(new int[] {2}, new int[] {0}));
    }

    @Test
    void slackIsNegativeExactlyWhenAdversarialAndMarginTightensIt() {
        float[] logits = {1f, 3f, 2.5f}; // class 1 by 0.5 over class 2
        Criterion u = Criterion.misclassification(new int[] {0});
        assertThat(u.slack(logits, 0, 3, 0)).isEqualTo(-2.0);
        assertThat(u.isAdversarial(0, 1, logits, 0, 3)).isTrue();
        assertThat(u.withMargin(2.5).isAdversarial(0, 1, logits, 0, 3)).as("max other - z_y = 2 < 2.5").isFalse();

        Criterion t = Criterion.targeted(new int[] {0}, new int[] {1});
        assertThat(t.slack(logits, 0, 3, 0)).isEqualTo(-0.5);
        assertThat(t.withMargin(0.4).isAdversarial(0, 1, logits, 0, 3)).isTrue();
        assertThat(t.withMargin(0.6).isAdversarial(0, 1, logits, 0, 3)).isFalse();
        assertThat(t.cost(0.7)).isEqualTo(-0.7);
        assertThat(u.cost(0.7)).isEqualTo(0.7);
        assertThatThrownBy(() -> u.withMargin(-1)).hasMessageContaining("margin must be");
        assertThatThrownBy(() -> Criterion.targeted(new int[] {0}, new int[] {1, 2}))
                .hasMessageContaining("one target per label");
    }

    @Test
    void templateDecidesSuccessWithTheMargin() {
        // Two classes, z_1 - z_0 = 4 * x_0 - 2: x_0 = 1 gives a logit margin of 2 for class 1.
        float[] w = {-2f, 0f, 2f, 0f};
        float[] b = {1f, -1f};
        try (NDManager m = NDManager.newBaseManager(); BlockClassifier model = LinearModels.softmax(w, b, 2)) {
            NDArray x = m.create(new float[] {0f, 0f}, new Shape(1, 2));
            Criterion plain = Criterion.misclassification(new int[] {0});
            try (AttackResult r = Attacks.fgsm(1f).generate(model, x, plain)) {
                assertThat(r.adversarialPredictions()[0]).isEqualTo(1);
                assertThat(r.success()[0]).isTrue();
            }
            try (AttackResult r = Attacks.fgsm(1f).generate(model, x, plain.withMargin(3))) {
                assertThat(r.adversarialPredictions()[0]).isEqualTo(1);
                assertThat(r.success()[0]).as("margin 2 does not clear 3").isFalse();
            }
        }
    }
}
