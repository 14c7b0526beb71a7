package dev.robust4j.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.robust4j.attack.blackbox.BoundaryAttack;
import dev.robust4j.attack.blackbox.HopSkipJump;

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
    void makesTheLabelOnlyAttacks() {
        EvasionAttack b = AttackRegistry.create("boundary", Map.of(
                "steps", "300", "max-queries", "700", "spherical-step", "0.05", "source-step", "0.002",
                "step-adaptation", "2", "init-trials", "20", "eps", "3", "seed", "4"));
        assertThat(b).isInstanceOf(BoundaryAttack.class);
        assertThat(b.name()).isEqualTo("boundary");
        assertThat(b.params()).containsEntry("steps", 300).containsEntry("max-queries", 700L)
                .containsEntry("spherical-step", 0.05).containsEntry("source-step", 0.002)
                .containsEntry("step-adaptation", 2.0).containsEntry("init-trials", 20).containsEntry("eps", 3f)
                .containsEntry("seed", 4L);
        assertThat(((BoundaryAttack) b).budget()).contains(new Budget(Norm.L2, 3f));
        assertThat(AttackRegistry.create("boundary", Map.of()).params()).containsEntry("steps", 5000)
                .containsEntry("max-queries", 10000L).containsEntry("spherical-step", 0.01)
                .containsEntry("source-step", 0.01).containsEntry("step-adaptation", 1.5).doesNotContainKey("eps");

        EvasionAttack h = AttackRegistry.create("hop-skip-jump", Map.of(
                "norm", "linf", "max-iter", "20", "max-queries", "5000", "init-evals", "50", "max-evals", "500",
                "gamma", "2.5", "init-trials", "30", "eps", "0.1", "seed", "6"));
        assertThat(h).isInstanceOf(HopSkipJump.class);
        assertThat(h.name()).isEqualTo("hop-skip-jump");
        assertThat(h.params()).containsEntry("norm", "linf").containsEntry("max-iter", 20)
                .containsEntry("max-queries", 5000L).containsEntry("init-evals", 50).containsEntry("max-evals", 500)
                .containsEntry("gamma", 2.5).containsEntry("init-trials", 30).containsEntry("eps", 0.1f)
                .containsEntry("seed", 6L);
        assertThat(((HopSkipJump) h).budget()).contains(new Budget(Norm.LINF, 0.1f));
        assertThat(AttackRegistry.create("hop-skip-jump", Map.of()).params()).containsEntry("norm", "l2")
                .containsEntry("max-iter", 64).containsEntry("max-queries", 10000L).containsEntry("init-evals", 100)
                .containsEntry("max-evals", 10000).containsEntry("gamma", 1.0).doesNotContainKey("eps");
        for (String name : new String[] {"boundary", "hop-skip-jump"}) {
            EvasionAttack a = AttackRegistry.create(name, Map.of());
            assertThat(a.requiresGradients()).isFalse();
            assertThat(a.requiresScores()).isFalse();
        }
    }

    @Test
    void refusesBadLabelOnlyParameters() {
        assertThatThrownBy(() -> AttackRegistry.create("hop-skip-jump", Map.of("norm", "l1")))
                .hasMessage("norm must be l2 or linf for hop-skip-jump, got l1");
        assertThatThrownBy(() -> AttackRegistry.create("hop-skip-jump", Map.of("max-evals", "10")))
                .hasMessage("max-evals must be >= init-evals (100), got 10");
        assertThatThrownBy(() -> AttackRegistry.create("hop-skip-jump", Map.of("gamma", "big")))
                .hasMessage("parameter gamma of attack hop-skip-jump must be a number, got 'big'");
        assertThatThrownBy(() -> AttackRegistry.create("hop-skip-jump", Map.of("steps", "3")))
                .hasMessageStartingWith("unknown parameter 'steps' for attack hop-skip-jump; known parameters: ")
                .hasMessageContaining("max-iter");
        assertThatThrownBy(() -> AttackRegistry.create("boundary", Map.of("max-queries", "0")))
                .hasMessage("max-queries must be >= 1, got 0");
        assertThatThrownBy(() -> AttackRegistry.create("boundary", Map.of("max-queries", "1e4")))
                .hasMessage("parameter max-queries of attack boundary must be an integer, got '1e4'");
        assertThatThrownBy(() -> AttackRegistry.create("boundary", Map.of("source-step", "1.5")))
                .hasMessage("source-step must be in (0, 1), got 1.5");
        assertThatThrownBy(() -> AttackRegistry.create("boundary", Map.of("step-adaptation", "Infinity")))
                .hasMessage("parameter step-adaptation of attack boundary must be a number, got 'Infinity'");
        assertThatThrownBy(() -> AttackRegistry.create("boundary", Map.of("max-iter", "3")))
                .hasMessageStartingWith("unknown parameter 'max-iter' for attack boundary; known parameters: ")
                .hasMessageContaining("spherical-step");
    }

    @Test
    void refusesUnknownNamesParametersAndBadValues() {
        assertThatThrownBy(() -> AttackRegistry.create("nope", Map.of()))
                .hasMessage("unknown attack 'nope'; known attacks: " + String.join(", ", AttackRegistry.names()));
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

    @Test
    void makesTheLinearisationAndJacobianAttacks() {
        EvasionAttack deepFool = AttackRegistry.create("deepfool", Map.of(
                "norm", "linf", "candidates", "5", "overshoot", "0.05", "max-iter", "20"));
        assertThat(deepFool.name()).isEqualTo("deepfool");
        assertThat(deepFool.params()).containsEntry("norm", "linf").containsEntry("candidates", 5)
                .containsEntry("overshoot", 0.05f).containsEntry("max-iter", 20);
        assertThat(AttackRegistry.create("deepfool", Map.of()).params()).containsEntry("norm", "l2")
                .containsEntry("candidates", 10).containsEntry("overshoot", 0.02f).containsEntry("max-iter", 50);

        EvasionAttack jsma = AttackRegistry.create("jsma", Map.of("theta", "-0.5", "gamma", "0.2", "seed", "3"));
        assertThat(jsma.params()).containsEntry("theta", -0.5f).containsEntry("gamma", 0.2f).containsEntry("seed", 3L);
        assertThat(AttackRegistry.create("jsma", Map.of()).params()).containsEntry("theta", 1.0f).containsEntry("gamma", 0.1f);

        EvasionAttack fab = AttackRegistry.create("fab", Map.of(
                "norm", "l2", "eps", "1.5", "steps", "50", "alpha-max", "0.2", "eta", "1.1", "beta", "0.8",
                "restarts", "2", "target-classes", "4", "seed", "7"));
        assertThat(fab.params()).containsEntry("variant", "fab-t").containsEntry("norm", "l2").containsEntry("eps", 1.5f)
                .containsEntry("steps", 50).containsEntry("alpha-max", 0.2f).containsEntry("eta", 1.1f)
                .containsEntry("beta", 0.8f).containsEntry("restarts", 2).containsEntry("target-classes", 4)
                .containsEntry("seed", 7L);
        assertThat(AttackRegistry.create("fab", Map.of()).params()).containsEntry("norm", "linf").doesNotContainKey("eps")
                .containsEntry("steps", 100).containsEntry("target-classes", 9);
        assertThat(AttackRegistry.create("fab", Map.of("variant", "fab")).params()).containsEntry("variant", "fab")
                .doesNotContainKey("target-classes");
    }

    @Test
    void refusesBadParametersOfTheLinearisationAndJacobianAttacks() {
        assertThatThrownBy(() -> AttackRegistry.create("deepfool", Map.of("norm", "l1")))
                .hasMessage("norm must be l2 or linf, got l1");
        assertThatThrownBy(() -> AttackRegistry.create("deepfool", Map.of("candidates", "1")))
                .hasMessage("candidates must be >= 2, got 1");
        assertThatThrownBy(() -> AttackRegistry.create("deepfool", Map.of("eps", "0.1")))
                .hasMessageStartingWith("unknown parameter 'eps' for attack deepfool; known parameters: ")
                .hasMessageContaining("max-iter");
        assertThatThrownBy(() -> AttackRegistry.create("jsma", Map.of("gamma", "2")))
                .hasMessage("gamma must be in (0, 1], got 2.0");
        assertThatThrownBy(() -> AttackRegistry.create("jsma", Map.of("theta", "big")))
                .hasMessage("parameter theta of attack jsma must be a number, got 'big'");
        assertThatThrownBy(() -> AttackRegistry.create("fab", Map.of("variant", "apgd")))
                .hasMessage("parameter variant of attack fab: variant must be fab-t or fab, got 'apgd'");
        assertThatThrownBy(() -> AttackRegistry.create("fab", Map.of("beta", "1.5")))
                .hasMessage("beta must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> AttackRegistry.create("fab", Map.of("target-classes", "0")))
                .hasMessage("target-classes must be >= 1, got 0");
    }
}
