package dev.robust4j.attack.whitebox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.Budget;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.attack.Norm;
import dev.robust4j.model.FunctionClassifier;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Parameter guards, defaults, and creation by command-line name. */
class WhiteboxParametersTest {

    @Test
    void carliniWagnerL2GuardsItsParameters() {
        assertThatThrownBy(() -> Attacks.cwL2().confidence(-1f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("confidence must be finite and >= 0, got -1.0");
        assertThatThrownBy(() -> Attacks.cwL2().learningRate(0f)).hasMessage("learning-rate must be a positive number, got 0.0");
        assertThatThrownBy(() -> Attacks.cwL2().learningRate(Float.NaN)).hasMessage("learning-rate must be a positive number, got NaN");
        assertThatThrownBy(() -> Attacks.cwL2().binarySearchSteps(0)).hasMessage("binary-search-steps must be >= 1, got 0");
        assertThatThrownBy(() -> Attacks.cwL2().maxIter(0)).hasMessage("max-iter must be >= 1, got 0");
        assertThatThrownBy(() -> Attacks.cwL2().initialConst(-0.5f)).hasMessage("initial-const must be a positive number, got -0.5");
    }

    @Test
    void carliniWagnerLinfGuardsItsParameters() {
        assertThatThrownBy(() -> Attacks.cwLinf(0f)).hasMessage("eps must be a positive number, got 0.0");
        assertThatThrownBy(() -> Attacks.cwLinf(0.1f).eps(Float.POSITIVE_INFINITY)).hasMessage("eps must be a positive number, got Infinity");
        assertThatThrownBy(() -> Attacks.cwLinf(0.1f).confidence(Float.POSITIVE_INFINITY))
                .hasMessage("confidence must be finite and >= 0, got Infinity");
        assertThatThrownBy(() -> Attacks.cwLinf(0.1f).binarySearchSteps(-2)).hasMessage("binary-search-steps must be >= 1, got -2");
        assertThatThrownBy(() -> Attacks.cwLinf(0.1f).maxIter(0)).hasMessage("max-iter must be >= 1, got 0");
        FunctionClassifier model = FunctionClassifier.of(batch -> new float[batch.length][3], 3, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(2, 4));
            NDArray y = m.create(new long[] {0, 1});
            assertThatThrownBy(() -> Attacks.cwLinf(2f).generate(model, x, y))
                    .hasMessageContaining("cw-linf is white-box and needs input gradients");
        }
    }

    @Test
    void eadGuardsItsParameters() {
        assertThatThrownBy(() -> Attacks.ead().beta(-1e-3f)).hasMessage("beta must be finite and >= 0, got -0.001");
        assertThatThrownBy(() -> Attacks.ead().decisionRule(null)).hasMessage("decision-rule must be en or l1, got null");
        assertThatThrownBy(() -> ElasticNetAttack.DecisionRule.parse("l2")).hasMessage("decision-rule must be en or l1, got 'l2'");
        assertThatThrownBy(() -> Attacks.ead().learningRate(-1f)).hasMessage("learning-rate must be a positive number, got -1.0");
        assertThatThrownBy(() -> Attacks.ead().maxIter(0)).hasMessage("max-iter must be >= 1, got 0");
        assertThatThrownBy(() -> Attacks.ead().binarySearchSteps(0)).hasMessage("binary-search-steps must be >= 1, got 0");
        assertThatThrownBy(() -> Attacks.ead().initialConst(0f)).hasMessage("initial-const must be a positive number, got 0.0");
        assertThatThrownBy(() -> Attacks.ead().confidence(-2f)).hasMessage("confidence must be finite and >= 0, got -2.0");
    }

    @Test
    void lbfgsGuardsItsParameters() {
        assertThatThrownBy(() -> Attacks.lbfgs().initialConst(0f)).hasMessage("initial-const must be a positive number, got 0.0");
        assertThatThrownBy(() -> Attacks.lbfgs().binarySearchSteps(0)).hasMessage("binary-search-steps must be >= 1, got 0");
        assertThatThrownBy(() -> Attacks.lbfgs().maxIter(0)).hasMessage("max-iter must be >= 1, got 0");
        assertThatThrownBy(() -> Attacks.lbfgs().history(0)).hasMessage("history must be >= 1, got 0");
    }

    @Test
    void defaultsAreThePapersUnlessDocumentedOtherwise() {
        assertThat(Attacks.cwL2().params()).containsEntry("confidence", 0f).containsEntry("learning-rate", 0.01f)
                .containsEntry("binary-search-steps", 9).containsEntry("max-iter", 1000)
                .containsEntry("initial-const", 1e-3f).containsEntry("abort-early", true);
        assertThat(Attacks.cwL2().budget()).isEmpty();
        assertThat(Attacks.cwLinf(0.1f).params()).containsEntry("eps", 0.1f).containsEntry("confidence", 0f)
                .containsEntry("binary-search-steps", 10).containsEntry("max-iter", 50);
        assertThat(Attacks.cwLinf(0.1f).budget()).contains(new Budget(Norm.LINF, 0.1f));
        assertThat(Attacks.ead().params()).containsEntry("beta", 1e-3f).containsEntry("decision-rule", "en")
                .containsEntry("learning-rate", 0.01f).containsEntry("binary-search-steps", 9)
                .containsEntry("initial-const", 1e-3f).containsEntry("confidence", 0f);
        assertThat(Attacks.lbfgs().params()).containsEntry("initial-const", 0.01f).containsEntry("binary-search-steps", 9)
                .containsEntry("max-iter", 100).containsEntry("history", 10);
        for (EvasionAttack a : new EvasionAttack[] {Attacks.cwL2(), Attacks.cwLinf(0.1f), Attacks.ead(), Attacks.lbfgs()}) {
            assertThat(a.requiresGradients()).as(a.name()).isTrue();
            assertThat(a.supportsTargeted()).as(a.name()).isTrue();
        }
    }

    @Test
    void registryMakesEachAttackFromKebabCaseParameters() {
        EvasionAttack cw = AttackRegistry.create("cw-l2", Map.of(
                "confidence", "2", "learning-rate", "0.05", "binary-search-steps", "4", "max-iter", "30",
                "initial-const", "0.1", "abort-early", "false", "seed", "5"));
        assertThat(cw).isInstanceOf(CarliniWagnerL2.class);
        assertThat(cw.params()).containsEntry("confidence", 2f).containsEntry("learning-rate", 0.05f)
                .containsEntry("binary-search-steps", 4).containsEntry("max-iter", 30).containsEntry("initial-const", 0.1f)
                .containsEntry("abort-early", false).containsEntry("seed", 5L);

        EvasionAttack linf = AttackRegistry.create("CW-Linf", Map.of(
                "eps", "0.2", "confidence", "1", "binary-search-steps", "6", "max-iter", "20", "seed", "1"));
        assertThat(linf.name()).isEqualTo("cw-linf");
        assertThat(linf.params()).containsEntry("eps", 0.2f).containsEntry("confidence", 1f)
                .containsEntry("binary-search-steps", 6).containsEntry("max-iter", 20);
        assertThat(AttackRegistry.create("cw-linf", Map.of()).params()).containsEntry("eps", 0.1f);

        EvasionAttack ead = AttackRegistry.create("ead", Map.of(
                "beta", "0.01", "decision-rule", "L1", "confidence", "0.5", "learning-rate", "0.02",
                "binary-search-steps", "3", "max-iter", "40", "initial-const", "0.01", "abort-early", "true"));
        assertThat(ead.params()).containsEntry("beta", 0.01f).containsEntry("decision-rule", "l1")
                .containsEntry("confidence", 0.5f).containsEntry("learning-rate", 0.02f)
                .containsEntry("binary-search-steps", 3).containsEntry("max-iter", 40).containsEntry("initial-const", 0.01f);

        EvasionAttack lbfgs = AttackRegistry.create("lbfgs", Map.of(
                "initial-const", "0.5", "binary-search-steps", "7", "max-iter", "60", "history", "5", "seed", "2"));
        assertThat(lbfgs.params()).containsEntry("initial-const", 0.5f).containsEntry("binary-search-steps", 7)
                .containsEntry("max-iter", 60).containsEntry("history", 5).containsEntry("seed", 2L);

        assertThat(AttackRegistry.names()).contains("cw-l2", "cw-linf", "ead", "lbfgs");
    }

    @Test
    void registryRefusesBadParametersWithTheirNames() {
        assertThatThrownBy(() -> AttackRegistry.create("cw-l2", Map.of("eps", "0.1")))
                .hasMessageStartingWith("unknown parameter 'eps' for attack cw-l2; known parameters: ")
                .hasMessageContaining("binary-search-steps").hasMessageContaining("initial-const");
        assertThatThrownBy(() -> AttackRegistry.create("cw-l2", Map.of("max-iter", "lots")))
                .hasMessage("parameter max-iter of attack cw-l2 must be an integer, got 'lots'");
        assertThatThrownBy(() -> AttackRegistry.create("cw-l2", Map.of("confidence", "-1")))
                .hasMessage("confidence must be finite and >= 0, got -1.0");
        assertThatThrownBy(() -> AttackRegistry.create("ead", Map.of("decision-rule", "l2")))
                .hasMessage("parameter decision-rule of attack ead: decision-rule must be en or l1, got 'l2'");
        assertThatThrownBy(() -> AttackRegistry.create("ead", Map.of("beta", "much")))
                .hasMessage("parameter beta of attack ead must be a number, got 'much'");
        assertThatThrownBy(() -> AttackRegistry.create("cw-linf", Map.of("eps", "-0.1")))
                .hasMessage("eps must be a positive number, got -0.1");
        assertThatThrownBy(() -> AttackRegistry.create("lbfgs", Map.of("history", "0")))
                .hasMessage("history must be >= 1, got 0");
        assertThatThrownBy(() -> AttackRegistry.create("lbfgs", Map.of("confidence", "1")))
                .hasMessageStartingWith("unknown parameter 'confidence' for attack lbfgs");
    }
}
