package dev.robust4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

/** The finiteness check of model outputs: the fast sum and the exact scan behind it. */
class FiniteOutputsTest {

    @Test
    void finiteLogitsPass() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {1f, -2f, 3f, 0f}, new Shape(2, 2));
            assertThat(FiniteOutputs.require(logits, "model")).isSameAs(logits);
        }
    }

    @Test
    void finiteLogitsWhoseSumOverflowsStillPass() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {3e38f, 3e38f, 3e38f, 3e38f}, new Shape(2, 2));
            assertThat(FiniteOutputs.require(logits, "model")).isSameAs(logits);
        }
    }

    @Test
    void nanOrInfinityIsRefusedWithItsRow() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray nan = m.create(new float[] {1f, 2f, 3f, Float.NaN}, new Shape(2, 2));
            assertThatThrownBy(() -> FiniteOutputs.require(nan, "model M"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("model M")
                    .hasMessageContaining("NaN")
                    .hasMessageContaining("row 1");
            NDArray inf = m.create(new float[] {Float.NEGATIVE_INFINITY, 2f, 3f, 4f}, new Shape(2, 2));
            assertThatThrownBy(() -> FiniteOutputs.require(inf, "model M"))
                    .hasMessageContaining("-Infinity")
                    .hasMessageContaining("row 0");
        }
    }
}
