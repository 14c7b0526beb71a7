package dev.robust4j.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.InputGradients;

import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The transformation distribution against closed forms and finite differences. */
class SampledTransformTest {

    private static final int H = 6;
    private static final int W = 6;

    private static float[] image(int rows, int channels, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * channels * H * W];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.2 + 0.6 * random.nextDouble());
        }
        return x;
    }

    private static SampledTransform fixed(TransformSpec spec, double degrees, double dx, double dy, double zoom,
            double brightness, double contrast, int rows) {
        double[] a = new double[rows];
        java.util.Arrays.fill(a, degrees);
        double[] x = new double[rows];
        java.util.Arrays.fill(x, dx);
        double[] y = new double[rows];
        java.util.Arrays.fill(y, dy);
        double[] z = new double[rows];
        java.util.Arrays.fill(z, zoom);
        double[] b = new double[rows];
        java.util.Arrays.fill(b, brightness);
        double[] c = new double[rows];
        java.util.Arrays.fill(c, contrast);
        return SampledTransform.of(spec, a, x, y, z, b, c);
    }

    @Test
    void aQuarterTurnMovesEveryPixelExactly() {
        TransformSpec spec = new TransformSpec(90, 0, 0, 0, 0, 0, 0);
        float[] x = image(2, 3, 1);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] y = fixed(spec, 90, 0, 0, 1, 0, 1, 2)
                    .apply(m.create(x, new Shape(2, 3, H, W)), Bounds.UNIT).toFloatArray();
            for (int p = 0; p < 2 * 3; p++) {
                for (int i = 0; i < H; i++) {
                    for (int j = 0; j < W; j++) {
                        // a quarter turn about the centre: out[i][j] = in[H - 1 - j][i]
                        assertThat(y[p * H * W + i * W + j]).as("plane %d pixel (%d, %d)", p, i, j)
                                .isCloseTo(x[p * H * W + (H - 1 - j) * W + i], within(1e-6f));
                    }
                }
            }
        }
    }

    @Test
    void anIntegerShiftMovesPixelsAndFillsWithTheLowerBound() {
        TransformSpec spec = new TransformSpec(0, 2, 0, 0, 0, 0, 0);
        float[] x = image(1, 1, 2);
        for (Bounds bounds : new Bounds[] {Bounds.UNIT, new Bounds(-1, 1)}) {
            try (NDManager m = NDManager.newBaseManager()) {
                // two pixels right, one up: out[i][j] = in[i + 1][j - 2]
                float[] y = fixed(spec, 0, 2, -1, 1, 0, 1, 1)
                        .apply(m.create(x, new Shape(1, 1, H, W)), bounds).toFloatArray();
                for (int i = 0; i < H; i++) {
                    for (int j = 0; j < W; j++) {
                        int si = i + 1;
                        int sj = j - 2;
                        float expected = si < H && sj >= 0 ? x[si * W + sj] : bounds.min();
                        assertThat(y[i * W + j]).as("pixel (%d, %d)", i, j).isCloseTo(expected, within(1e-6f));
                    }
                }
            }
        }
    }

    @Test
    void theIdentityLeavesTheInputAndPhotometricChangesAreAffineThenClipped() {
        float[] x = image(3, 1, 3);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray in = m.create(x, new Shape(3, 1, H, W));
            SampledTransform none = SampledTransform.draw(TransformSpec.NONE, Streams.of(0, 0, 0, 0, 3));
            assertThat(none.apply(in, Bounds.UNIT).toFloatArray()).isEqualTo(x);
            TransformSpec spec = new TransformSpec(0, 0, 0, 0.5, 0.5, 0, 0);
            float[] y = fixed(spec, 0, 0, 0, 1, 0.3, 1.4, 3).apply(in, Bounds.UNIT).toFloatArray();
            for (int i = 0; i < x.length; i++) {
                assertThat(y[i]).isCloseTo(Math.min(1f, x[i] * 1.4f + 0.3f), within(1e-6f));
            }
        }
    }

    @Test
    void blurKeepsAConstantImageAndSpreadsAPoint() {
        TransformSpec spec = new TransformSpec(0, 0, 0, 0, 0, 0, 1.0);
        float[] flat = new float[H * W];
        java.util.Arrays.fill(flat, 0.4f);
        float[] point = new float[H * W];
        point[2 * W + 3] = 1f;
        try (NDManager m = NDManager.newBaseManager()) {
            SampledTransform t = fixed(spec, 0, 0, 0, 1, 0, 1, 1);
            for (float v : t.apply(m.create(flat, new Shape(1, 1, H, W)), Bounds.UNIT).toFloatArray()) {
                assertThat(v).isCloseTo(0.4f, within(1e-6f));
            }
            float[] y = t.apply(m.create(point, new Shape(1, 1, H, W)), Bounds.UNIT).toFloatArray();
            assertThat(y[2 * W + 3]).isLessThan(1f).isGreaterThan(y[2 * W + 4]).isGreaterThan(y[2 * W + 5]);
            assertThat(y[1 * W + 3]).as("spread to the row above").isPositive();
        }
    }

    /**
     * The input gradient of {@code sum(v * T(x))} through a draw with every part switched on equals
     * central finite differences (the inputs are kept away from the bounds so no clip is active).
     */
    @Test
    void gradientsPassThroughExactly() {
        TransformSpec spec = new TransformSpec(20, 1.5, 0.1, 0.05, 0.1, 0.01, 0.8);
        int rows = 2;
        float[] x = image(rows, 2, 4);
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.35f + 0.3f * x[i];
        }
        float[] v = image(rows, 2, 5);
        try (NDManager m = NDManager.newBaseManager()) {
            SampledTransform t = SampledTransform.draw(spec, Streams.of(7, 0, 0, 0, rows));
            Shape shape = new Shape(rows, 2, H, W);
            NDArray vs = m.create(v, shape);
            float[] g = InputGradients.vectorJacobianProduct(m.create(x, shape), in -> t.apply(in, Bounds.UNIT), vs)
                    .toFloatArray();
            assertThat(g).as("some gradient").matches(a -> java.util.stream.IntStream.range(0, a.length)
                    .anyMatch(i -> a[i] != 0));
            double h = 1e-2;
            for (int i = 0; i < x.length; i += 7) {
                float[] plus = x.clone();
                float[] minus = x.clone();
                plus[i] += (float) h;
                minus[i] -= (float) h;
                double fp = dot(t.apply(m.create(plus, shape), Bounds.UNIT).toFloatArray(), v);
                double fm = dot(t.apply(m.create(minus, shape), Bounds.UNIT).toFloatArray(), v);
                assertThat(g[i]).as("d/dx[%d]", i).isCloseTo((float) ((fp - fm) / (2 * h)), within(2e-3f));
            }
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Test
    void aRowsDrawDependsOnlyOnItsKey() {
        TransformSpec spec = new TransformSpec(15, 2, 0.1, 0.1, 0.1, 0.05, 0);
        float[] x = image(4, 1, 6);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] all = SampledTransform.draw(spec, Streams.of(3, 1, 2, 0, 4))
                    .apply(m.create(x, new Shape(4, 1, H, W)), Bounds.UNIT).toFloatArray();
            // rows 2 and 3 alone, keyed from index 2: the same pixels as in the batch of four
            float[] tail = SampledTransform.draw(spec, Streams.of(3, 1, 2, 2, 2))
                    .apply(m.create(java.util.Arrays.copyOfRange(x, 2 * H * W, 4 * H * W), new Shape(2, 1, H, W)),
                            Bounds.UNIT).toFloatArray();
            assertThat(tail).isEqualTo(java.util.Arrays.copyOfRange(all, 2 * H * W, 4 * H * W));
            float[] other = SampledTransform.draw(spec, Streams.of(4, 1, 2, 0, 4))
                    .apply(m.create(x, new Shape(4, 1, H, W)), Bounds.UNIT).toFloatArray();
            assertThat(other).isNotEqualTo(all);
        }
    }

    @Test
    void specsAreValidatedAndParsed() {
        assertThat(TransformSpec.parse("rotation=15, translation=2").describe()).isEqualTo("rotation=15,translation=2");
        assertThat(TransformSpec.parse("").isIdentity()).isTrue();
        assertThat(TransformSpec.of(Map.of("noise", "0.1")).params()).containsEntry("noise", 0.1)
                .containsEntry("rotation", 0.0);
        assertThatThrownBy(() -> TransformSpec.parse("rotation=200")).hasMessage("rotation must be in [0, 180], got 200");
        assertThatThrownBy(() -> TransformSpec.parse("scale=1")).hasMessage("scale must be in [0, 1), got 1");
        assertThatThrownBy(() -> TransformSpec.parse("noise=-1"))
                .hasMessage("noise must be a finite number >= 0, got -1");
        assertThatThrownBy(() -> TransformSpec.parse("spin=3")).hasMessageContaining("unknown transformation parameter 'spin'")
                .hasMessageContaining("rotation, translation");
        assertThatThrownBy(() -> TransformSpec.parse("rotation")).hasMessageContaining("name=value pairs");
        assertThatThrownBy(() -> TransformSpec.parse("blur=x")).hasMessage("blur must be a number, got 'x'");
        try (NDManager m = NDManager.newBaseManager()) {
            SampledTransform t = SampledTransform.draw(new TransformSpec(10, 0, 0, 0, 0, 0, 0), Streams.of(0, 0, 0, 0, 2));
            assertThatThrownBy(() -> t.apply(m.zeros(new Shape(2, 10)), Bounds.UNIT))
                    .hasMessageContaining("need image inputs");
            assertThatThrownBy(() -> t.apply(m.zeros(new Shape(3, 1, 4, 4)), Bounds.UNIT))
                    .hasMessageContaining("batch of 3 rows for a transformation of 2");
        }
    }
}
