package dev.robust4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The documented defaults, and raising a limit with its system property. */
class LimitsTest {

    @AfterEach
    void clear() {
        System.clearProperty(Limits.SAMPLE_VALUES);
        System.clearProperty(Limits.ARRAY_VALUES);
        System.clearProperty(Limits.CONFIG_BYTES);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(Limits.sampleValues()).isEqualTo(4_194_304L);
        assertThat(Limits.arrayValues()).isEqualTo(268_435_456L);
        assertThat(Limits.configBytes()).isEqualTo(1_048_576L);
    }

    @Test
    void aPropertyRaisesALimitAndABadOneIsNamed() {
        System.setProperty(Limits.SAMPLE_VALUES, "50000000");
        assertThat(Limits.sampleValues()).isEqualTo(50_000_000L);
        Limits.checkSample("x", "an image", 40_000_000L);
        System.setProperty(Limits.ARRAY_VALUES, "99999999999");
        assertThat(Limits.arrayValues()).as("capped at Java's array size").isEqualTo(Integer.MAX_VALUE - 8L);
        System.setProperty(Limits.CONFIG_BYTES, "-1");
        assertThatThrownBy(Limits::configBytes).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("system property robust4j.limit.configBytes must be a positive integer, got '-1'");
    }

    @Test
    void refusalsNameTheSourceTheCountAndHowToRaiseTheLimit() {
        assertThatThrownBy(() -> Limits.checkArray("f.npy", "shape (20000, 20000) float32", 400_000_000L))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("f.npy: shape (20000, 20000) float32 holds 400000000 values, more than the limit of 268435456"
                        + " (raise it with -Drobust4j.limit.arrayValues=N)");
    }
}
