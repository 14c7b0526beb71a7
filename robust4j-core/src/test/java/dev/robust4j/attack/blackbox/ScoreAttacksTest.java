package dev.robust4j.attack.blackbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.robust4j.attack.AbstractEvasionAttack;
import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.EvasionAttack;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the four score-based attacks share: black-box, score-based, made by name, refusing label-only models. */
class ScoreAttacksTest {

    static Stream<Arguments> attacks() {
        return Stream.of(
                Arguments.of(SquareAttack.linf(0.1f)),
                Arguments.of(SquareAttack.l2(1f)),
                Arguments.of(SimBA.dct()),
                Arguments.of(SimBA.pixel()),
                Arguments.of(ZooAttack.create()),
                Arguments.of(OnePixelAttack.create()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void needScoresButNoGradients(AbstractEvasionAttack attack) {
        assertThat(attack.requiresGradients()).isFalse();
        assertThat(attack.requiresScores()).isTrue();
        assertThat(attack.supportsTargeted()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void refuseALabelOnlyModelWithTheTemplatesMessage(AbstractEvasionAttack attack) {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> attack.generate(CnnFixture.labelOnly(), CnnFixture.x(m, 2), CnnFixture.y(m, 2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("attack " + attack.name() + " needs the model's scores, but label-only answers labels"
                            + " only; use a label-only attack (boundary, hop-skip-jump) or transfer");
        }
    }

    @Test
    void registryMakesEachByNameWithKebabCaseParameters() {
        EvasionAttack square = AttackRegistry.create("square", Map.of(
                "norm", "l2", "eps", "1.5", "max-queries", "500", "p-init", "0.2", "seed", "3"));
        assertThat(square).isInstanceOf(SquareAttack.class);
        assertThat(square.params()).containsEntry("norm", "l2").containsEntry("eps", 1.5f)
                .containsEntry("max-queries", 500).containsEntry("p-init", 0.2f).containsEntry("seed", 3L);
        assertThat(AttackRegistry.create("square", Map.of()).params())
                .containsEntry("norm", "linf").containsEntry("eps", 0.1f).containsEntry("max-queries", 1000)
                .containsEntry("p-init", 0.8f);
        assertThat(AttackRegistry.create("square", Map.of("norm", "l2")).params())
                .containsEntry("eps", 1.0f).containsEntry("p-init", 0.1f);

        EvasionAttack simba = AttackRegistry.create("simba", Map.of(
                "basis", "pixel", "epsilon", "0.1", "max-queries", "300", "seed", "4"));
        assertThat(simba.params()).containsEntry("basis", "pixel").containsEntry("epsilon", 0.1f)
                .containsEntry("max-queries", 300).containsEntry("seed", 4L);
        assertThat(AttackRegistry.create("simba", Map.of("freq-dims", "7", "stride", "2")).params())
                .containsEntry("basis", "dct").containsEntry("epsilon", 0.2f).containsEntry("freq-dims", 7)
                .containsEntry("stride", 2).containsEntry("max-queries", 1000);

        EvasionAttack zoo = AttackRegistry.create("zoo", Map.of(
                "max-iter", "20", "learning-rate", "0.05", "confidence", "1", "initial-const", "5",
                "binary-search-steps", "2", "nb-parallel", "64", "max-queries", "9000", "seed", "1"));
        assertThat(zoo.params()).containsEntry("max-iter", 20).containsEntry("learning-rate", 0.05f)
                .containsEntry("confidence", 1f).containsEntry("initial-const", 5f)
                .containsEntry("binary-search-steps", 2).containsEntry("nb-parallel", 64)
                .containsEntry("max-queries", 9000L).containsEntry("seed", 1L);
        assertThat(AttackRegistry.create("zoo", Map.of()).params()).containsEntry("max-queries", 25600L);

        EvasionAttack onePixel = AttackRegistry.create("one-pixel", Map.of(
                "pixels", "3", "population", "100", "max-iter", "50", "crossover", "0.5", "max-queries", "2000"));
        assertThat(onePixel.name()).isEqualTo("one-pixel");
        assertThat(onePixel.params()).containsEntry("pixels", 3).containsEntry("population", 100)
                .containsEntry("max-iter", 50).containsEntry("crossover", 0.5f).containsEntry("max-queries", 2000L);
        assertThat(AttackRegistry.create("one-pixel", Map.of()).params()).containsEntry("population", 400)
                .containsEntry("max-iter", 100).containsEntry("max-queries", 40400L);
        assertThat(AttackRegistry.names()).contains("square", "simba", "zoo", "one-pixel");
    }

    @Test
    void registryGuardsNameTheParameter() {
        assertThatThrownBy(() -> AttackRegistry.create("square", Map.of("norm", "l1")))
                .hasMessage("norm must be linf or l2 for the square attack, got l1");
        assertThatThrownBy(() -> AttackRegistry.create("square", Map.of("steps", "3")))
                .hasMessageStartingWith("unknown parameter 'steps' for attack square; known parameters: ")
                .hasMessageContaining("max-queries").hasMessageContaining("p-init");
        assertThatThrownBy(() -> AttackRegistry.create("square", Map.of("max-queries", "lots")))
                .hasMessage("parameter max-queries of attack square must be an integer, got 'lots'");
        assertThatThrownBy(() -> AttackRegistry.create("simba", Map.of("basis", "haar")))
                .hasMessage("parameter basis of attack simba: basis must be pixel or dct, got 'haar'");
        assertThatThrownBy(() -> AttackRegistry.create("simba", Map.of("epsilon", "0")))
                .hasMessage("epsilon must be a positive number, got 0.0");
        assertThatThrownBy(() -> AttackRegistry.create("zoo", Map.of("nb-parallel", "0")))
                .hasMessage("nb-parallel must be >= 1, got 0");
        assertThatThrownBy(() -> AttackRegistry.create("zoo", Map.of("learning-rate", "fast")))
                .hasMessage("parameter learning-rate of attack zoo must be a number, got 'fast'");
        assertThatThrownBy(() -> AttackRegistry.create("one-pixel", Map.of("population", "2")))
                .hasMessage("population must be >= 4 (DE/rand/1 needs three members besides the parent), got 2");
        assertThatThrownBy(() -> AttackRegistry.create("one-pixel", Map.of("eps", "0.1")))
                .hasMessageStartingWith("unknown parameter 'eps' for attack one-pixel; known parameters: ");
    }
}
