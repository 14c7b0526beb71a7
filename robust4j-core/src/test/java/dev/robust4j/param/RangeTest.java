package dev.robust4j.param;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.ExpectationOverTransformation;
import dev.robust4j.attack.Norm;
import dev.robust4j.attack.blackbox.ZooAttack;
import dev.robust4j.attack.whitebox.DeepFool;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ranges declared with parameters: one check for the registry, the Java API and help. */
class RangeTest {

    @Test
    void forms() {
        assertThat(Range.positive().accepts(0f)).isFalse();
        assertThat(Range.positive().accepts(Float.NaN)).isFalse();
        assertThat(Range.positive().accepts(1e-9f)).isTrue();
        assertThat(Range.atLeast(2).accepts(1)).isFalse();
        assertThat(Range.atLeast(2).accepts(2)).isTrue();
        Range<Float> half = Range.interval(0, false, 1, true);
        assertThat(half.shown()).isEqualTo("in (0, 1]");
        assertThat(half.accepts(0f)).isFalse();
        assertThat(half.accepts(1f)).isTrue();
        assertThat(half.accepts(1.0001f)).isFalse();
        assertThatThrownBy(() -> half.check("rho", 0f)).hasMessage("rho must be in (0, 1], got 0.0");
    }

    @Test
    void registryAndConstructorRefuseWithTheSameMessage() {
        // the Java wither (constructor) and the registry read the one declared range
        assertThatThrownBy(() -> Attacks.pgd(Norm.LINF, 0.1f).steps(0)).hasMessage("steps must be >= 1, got 0");
        assertThatThrownBy(() -> AttackRegistry.create("pgd", Map.of("steps", "0")))
                .hasMessage("steps must be >= 1, got 0");
        assertThatThrownBy(() -> DeepFool.l2().candidates(1)).hasMessage("candidates must be >= 2, got 1");
        assertThatThrownBy(() -> AttackRegistry.create("deepfool", Map.of("candidates", "1")))
                .hasMessage("candidates must be >= 2, got 1");
        assertThatThrownBy(() -> ZooAttack.create().maxQueries(1))
                .hasMessage("max-queries must be >= 2 (one pair of probes), got 1");
    }

    @Test
    void helpPrintsEveryDeclaredRange() {
        for (String name : AttackRegistry.names()) {
            if (name.equals(AttackRegistry.TRANSFER) || name.equals(AttackRegistry.EOT_PGD)) {
                continue;
            }
            var d = AttackRegistry.declaration(name).orElseThrow();
            for (Param<?, ?> p : d.parameters().list()) {
                if (p.settable() && p.range() != null) {
                    assertThat(d.help()).as(name + " " + p.name())
                            .anyMatch(l -> l.startsWith(p.name() + " (") && l.endsWith("; " + p.range().shown()));
                }
            }
        }
        assertThat(AttackRegistry.help("pgd")).contains("steps (int, default 40): gradient steps per restart; >= 1");
        assertThat(AttackRegistry.help("eot-pgd"))
                .contains("eot-samples (int, default 8): transformations averaged per gradient; >= 1");
        assertThat(ExpectationOverTransformation.SAMPLES.range().accepts(0)).isFalse();
    }
}
