package dev.robust4j.defence.smoothing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SmoothingConfigTest {

    @Test
    void parsesWithDefaultsAndRoundTrips() {
        SmoothingConfig c = SmoothingConfig.parse("sigma=0.25,n=1000,alpha=0.001");
        assertThat(c).isEqualTo(new SmoothingConfig(0.25, 100, 1000, 0.001, 1000, 0));
        assertThat(SmoothingConfig.parse(c.toString())).isEqualTo(c);
        assertThat(SmoothingConfig.parse("sigma=0.5,n=50")).isEqualTo(new SmoothingConfig(0.5, 50, 50, 0.001, 1000, 0));
        assertThat(SmoothingConfig.parse("sigma=0.5,n0=10,n=64,alpha=0.01,batch=32,seed=-3"))
                .isEqualTo(new SmoothingConfig(0.5, 10, 64, 0.01, 32, -3));
    }

    @Test
    void refusesBadSettingsNamingThem() {
        assertThatThrownBy(() -> SmoothingConfig.parse("n=10")).hasMessageContaining("sigma is required");
        assertThatThrownBy(() -> SmoothingConfig.parse("")).hasMessageContaining("sigma is required");
        assertThatThrownBy(() -> SmoothingConfig.parse("sigma=-1")).hasMessageContaining("sigma must be a positive number, got -1.0");
        assertThatThrownBy(() -> SmoothingConfig.parse("sigma=wide")).hasMessageContaining("sigma must be a number, got 'wide'");
        assertThatThrownBy(() -> SmoothingConfig.parse("sigma=0.1,alpha=1")).hasMessageContaining("alpha must be in (0, 1), got 1.0");
        assertThatThrownBy(() -> SmoothingConfig.parse("sigma=0.1,n=10,n0=20")).hasMessageContaining("n0 must be in [1, n = 10], got 20");
        assertThatThrownBy(() -> SmoothingConfig.parse("sigma=0.1,n=0")).hasMessageContaining("n must be >= 1, got 0");
        assertThatThrownBy(() -> SmoothingConfig.parse("sigma=0.1,batch=0")).hasMessageContaining("batch must be >= 1, got 0");
        assertThatThrownBy(() -> SmoothingConfig.parse("sigma=0.1,seed=x")).hasMessageContaining("seed must be an integer, got 'x'");
        assertThatThrownBy(() -> SmoothingConfig.parse("sigma=0.1,radius=2")).hasMessageContaining("unknown parameter 'radius'");
    }
}
