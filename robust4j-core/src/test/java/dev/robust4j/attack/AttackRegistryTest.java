package dev.robust4j.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class AttackRegistryTest {

    @Test
    void makesAttacksFromKebabCaseParameters() {
        EvasionAttack a = AttackRegistry.create("PGD", Map.of(
                "eps", "0.2", "steps", "7", "step-size", "0.05", "random-start", "false", "norm", "l2",
                "restarts", "3", "seed", "9", "loss", "cw"));
        assertThat(a.name()).isEqualTo("pgd");
        assertThat(a.params()).containsEntry("eps", 0.2f).containsEntry("steps", 7).containsEntry("step-size", 0.05f)
                .containsEntry("random-start", false).containsEntry("norm", "l2").containsEntry("restarts", 3)
                .containsEntry("seed", 9L).containsEntry("loss", "cw");
        assertThat(AttackRegistry.create("fgsm", Map.of()).params()).containsEntry("eps", 0.1f).containsEntry("steps", 1);
        assertThat(AttackRegistry.create("bim", Map.of("norm", "l1")).params()).containsEntry("eps", 10f);
    }

    @Test
    void refusesUnknownNamesParametersAndBadValues() {
        assertThatThrownBy(() -> AttackRegistry.create("nope", Map.of()))
                .hasMessage("unknown attack 'nope'; known attacks: fgsm, fgm, bim, pgd, square, simba, zoo, one-pixel");
        assertThatThrownBy(() -> AttackRegistry.create("fgsm", Map.of("steps", "3")))
                .hasMessageStartingWith("unknown parameter 'steps' for attack fgsm; known parameters: ")
                .hasMessageContaining("eps");
        assertThatThrownBy(() -> AttackRegistry.create("pgd", Map.of("steps", "many")))
                .hasMessage("parameter steps of attack pgd must be an integer, got 'many'");
        assertThatThrownBy(() -> AttackRegistry.create("pgd", Map.of("eps", "NaN")))
                .hasMessage("parameter eps of attack pgd must be a number, got 'NaN'");
        assertThatThrownBy(() -> AttackRegistry.create("pgd", Map.of("random-start", "yes")))
                .hasMessage("parameter random-start of attack pgd must be true or false, got 'yes'");
        assertThatThrownBy(() -> AttackRegistry.create("pgd", Map.of("norm", "l7")))
                .hasMessageContaining("parameter norm of attack pgd: norm must be one of");
        assertThatThrownBy(() -> AttackRegistry.create("pgd", Map.of("steps", "0")))
                .hasMessage("steps must be >= 1, got 0");
    }
}
