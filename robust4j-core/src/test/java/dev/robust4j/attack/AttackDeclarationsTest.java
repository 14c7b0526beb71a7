package dev.robust4j.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.robust4j.evaluate.AttackPool;
import dev.robust4j.param.Param;
import dev.robust4j.param.ParamReader;
import dev.robust4j.defence.DefenceSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The declarations are the one source of an attack's parameters: what {@code params()} reports the
 * registry takes back and reproduces, the budget is set the same way by text and by
 * {@link EvasionAttack#withBudget}, and a seed goes only where the declaration says.
 */
class AttackDeclarationsTest {

    static Stream<String> declared() {
        return AttackRegistry.names().stream().filter(n -> AttackRegistry.declaration(n).isPresent());
    }

    /** Every settable parameter as reported, fed back as text, makes an attack reporting the same. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("declared")
    void reportedParametersRoundTripThroughTheRegistry(String name) {
        AttackRegistry.Declaration<?> d = AttackRegistry.declaration(name).orElseThrow();
        EvasionAttack defaults = AttackRegistry.create(name, Map.of());
        Map<String, Object> reported = defaults.params();
        Map<String, String> text = new LinkedHashMap<>();
        for (Param<?, ?> p : d.parameters().list()) {
            Object v = reported.get(p.name());
            if (p.settable() && v != null && !"auto".equals(v)) {
                text.put(p.name(), String.valueOf(v));
            }
        }
        assertThat(text).isNotEmpty();
        assertThat(AttackRegistry.create(name, text).params()).isEqualTo(reported);
        assertThat(d.help()).hasSize((int) d.parameters().list().stream().filter(Param::settable).count());
    }

    /** A bounded attack made with eps=E equals the default one moved to the ball of radius E. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("declared")
    void withBudgetEqualsTheEpsParameter(String name) {
        EvasionAttack defaults = AttackRegistry.create(name, Map.of());
        if (defaults.budgetNorm().isEmpty()) {
            assertThat(AttackRegistry.declaration(name).orElseThrow().parameters().accepts("eps")).isFalse();
            assertThatThrownBy(() -> defaults.withBudget(new Budget(Norm.L2, 1f)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes no eps budget");
            return;
        }
        Norm norm = defaults.budgetNorm().get();
        EvasionAttack moved = defaults.withBudget(new Budget(norm, 0.05f));
        EvasionAttack parsed = AttackRegistry.create(name, Map.of("eps", "0.05"));
        assertThat(moved.params()).isEqualTo(parsed.params());
        assertThat(moved.budget()).contains(new Budget(norm, 0.05f));
        assertThat(AttackPool.labelOf(moved)).isEqualTo(AttackPool.labelOf(parsed)).contains("eps=0.05");
        assertThat(moved.seed()).isEqualTo(defaults.seed());
    }

    @Test
    void aSeedGoesOnlyToAttacksThatDrawRandomNumbers() {
        assertThat(AttackRegistry.takesSeed("deepfool", Map.of())).isFalse();
        assertThat(AttackRegistry.withDefaultSeed("deepfool", Map.of("max-iter", "3"), 5)).doesNotContainKey("seed");
        assertThatThrownBy(() -> AttackRegistry.create("deepfool", Map.of("seed", "1")))
                .hasMessage("unknown parameter 'seed' for attack deepfool; known parameters: candidates, max-iter, norm,"
                        + " overshoot");
        assertThat(AttackRegistry.withDefaultSeed("pgd", Map.of(), 5)).containsEntry("seed", "5");
        assertThat(AttackRegistry.withDefaultSeed("pgd", Map.of("seed", "2"), 5)).containsEntry("seed", "2");
        assertThat(AttackRegistry.takesSeed("transfer", Map.of("attack", "deepfool"))).isFalse();
        assertThat(AttackRegistry.takesSeed("transfer", Map.of())).isTrue();
        // Expectation over Transformation takes the seed of its draws, even around DeepFool.
        assertThat(AttackRegistry.takesSeed("deepfool", Map.of("eot-samples", "2"))).isTrue();
        EvasionAttack eot = AttackRegistry.create("deepfool", Map.of("eot-samples", "2", "seed", "4"));
        assertThat(eot.params()).containsEntry("eot-seed", 4L).doesNotContainKey("seed");
    }

    @Test
    void javaOnlyParametersAreReportedButRefusedAsText() {
        for (String name : List.of("boundary", "hop-skip-jump")) {
            AttackRegistry.Declaration<?> d = AttackRegistry.declaration(name).orElseThrow();
            assertThat(d.parameters().list()).anyMatch(p -> p.name().equals("starting-points") && !p.settable());
            assertThat(d.help()).noneMatch(l -> l.startsWith("starting-points"));
            assertThatThrownBy(() -> AttackRegistry.create(name, Map.of("starting-points", "x")))
                    .hasMessageStartingWith("unknown parameter 'starting-points' for attack " + name);
        }
        assertThat(AttackRegistry.help("pgd")).anyMatch(l -> l.startsWith("steps (int, default 40): "));
    }

    @Test
    void oneReaderServesAttacksAndDefences() {
        ParamReader attack = new ParamReader(new ParamReader.Attack("pgd"), Map.of("steps", "x"));
        assertThatThrownBy(() -> attack.integer("steps", 1))
                .hasMessage("parameter steps of attack pgd must be an integer, got 'x'");
        ParamReader defence = DefenceSpec.parse("gaussian-noise:sigma=x,foo=1").reader();
        assertThatThrownBy(() -> defence.number("sigma", 0.1f))
                .hasMessage("defence gaussian-noise: sigma must be a number, got 'x'");
        ParamReader rest = DefenceSpec.parse("gaussian-noise:foo=1").reader();
        assertThatThrownBy(rest::done).hasMessage("unknown parameter 'foo' for defence gaussian-noise");
    }

    @Test
    void everyAttackDeclaresWhatItNeedsOfTheModel() {
        for (String name : AttackRegistry.names()) {
            if (name.equals("transfer")) {
                continue; // needs a surrogate; TransferAttackTest covers it
            }
            EvasionAttack a = AttackRegistry.create(name, Map.of());
            assertThat(a.requiresGradients()).isEqualTo(a.requires() == ModelAccess.GRADIENTS);
            assertThat(a.requiresScores()).isEqualTo(a.requires() != ModelAccess.LABELS);
        }
        assertThat(AttackRegistry.create("square", Map.of()).requires()).isEqualTo(ModelAccess.SCORES);
        assertThat(AttackRegistry.create("boundary", Map.of()).requires()).isEqualTo(ModelAccess.LABELS);
        assertThat(AttackRegistry.create("auto-attack", Map.of()).requires()).isEqualTo(ModelAccess.GRADIENTS);
    }
}
