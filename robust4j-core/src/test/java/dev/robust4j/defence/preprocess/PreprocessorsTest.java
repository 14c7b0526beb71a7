package dev.robust4j.defence.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.DifferentiableClassifier;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.Objectives;
import dev.robust4j.testing.LinearModels;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class PreprocessorsTest {

    private static float[] image(int n, int c, int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * c * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        return v;
    }

    @Test
    void bitDepthReductionRoundsToTwoToTheBitsLevels() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0f, 0.2f, 0.49f, 0.51f, 0.9f, 1f});
            assertThat(new BitDepthReduction(1).apply(x, Bounds.UNIT).toFloatArray()).containsExactly(0f, 0f, 0f, 1f, 1f, 1f);
            float[] three = new BitDepthReduction(3).apply(x, Bounds.UNIT).toFloatArray();
            for (float v : three) {
                assertThat(v * 7).isCloseTo(Math.round(v * 7), offset(1e-5f));
            }
            assertThat(three[1]).isCloseTo(1f / 7, offset(1e-6f));
            NDArray y = m.create(new float[] {-1f, 0.1f, 1f});
            assertThat(new BitDepthReduction(1).apply(y, new Bounds(-1, 1)).toFloatArray()).containsExactly(-1f, 1f, 1f);
        }
        assertThatThrownBy(() -> new BitDepthReduction(0)).hasMessage("bit-depth must be in [1, 16], got 0");
    }

    /** scipy.ndimage.median_filter(mode="reflect") by brute force. */
    private static float[] bruteMedian(float[] x, int n, int c, int h, int w, int k) {
        float[] out = new float[x.length];
        int before = k / 2;
        float[] window = new float[k * k];
        for (int i = 0; i < n * c; i++) {
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    int j = 0;
                    for (int dy = -before; dy < k - before; dy++) {
                        for (int dx = -before; dx < k - before; dx++) {
                            window[j++] = x[i * h * w + reflect(y + dy, h) * w + reflect(xx + dx, w)];
                        }
                    }
                    float[] s = window.clone();
                    Arrays.sort(s);
                    out[i * h * w + y * w + xx] = s[k * k / 2];
                }
            }
        }
        return out;
    }

    private static int reflect(int i, int n) {
        if (i < 0) {
            return -i - 1;
        }
        if (i >= n) {
            return 2 * n - i - 1;
        }
        return i;
    }

    @Test
    void medianSmoothingEqualsScipysReflectMedianFilter() {
        for (int k : new int[] {2, 3, 4}) {
            float[] x = image(2, 3, 7, 6, k);
            try (NDManager m = NDManager.newBaseManager()) {
                float[] got = new MedianSmoothing(k, "median-smoothing")
                        .apply(m.create(x, new Shape(2, 3, 7, 6)), Bounds.UNIT).toFloatArray();
                assertThat(got).as("window %d", k).isEqualTo(bruteMedian(x, 2, 3, 7, 6, k));
            }
        }
    }

    @Test
    void jpegKeepsShapeAndChangesImagesMoreAtLowQuality() {
        // A smooth image: JPEG at quality 100 nearly keeps it, at quality 10 visibly does not.
        float[] x = new float[2 * 3 * 16 * 16];
        for (int i = 0; i < x.length; i++) {
            int px = i % 16;
            int py = (i / 16) % 16;
            int ch = (i / 256) % 3;
            x[i] = (float) (0.5 + 0.4 * Math.sin(px / 3.0 + ch) * Math.cos(py / 4.0));
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray in = m.create(x, new Shape(2, 3, 16, 16));
            float[] hi = new JpegCompression(100).apply(in, Bounds.UNIT).toFloatArray();
            float[] lo = new JpegCompression(10).apply(in, Bounds.UNIT).toFloatArray();
            double dHi = 0;
            double dLo = 0;
            for (int i = 0; i < x.length; i++) {
                dHi += Math.abs(hi[i] - x[i]);
                dLo += Math.abs(lo[i] - x[i]);
                assertThat(lo[i]).isBetween(0f, 1f);
            }
            assertThat(dHi / x.length).as("mean change at quality 100").isLessThan(0.02);
            assertThat(dLo).isGreaterThan(2 * dHi);
            float[] grey = new JpegCompression(75).apply(m.create(image(1, 1, 8, 8, 6), new Shape(1, 1, 8, 8)), Bounds.UNIT)
                    .toFloatArray();
            assertThat(grey).hasSize(64);
        }
    }

    @Test
    void gaussianNoiseHasTheRequestedSpreadAndIsSeeded() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.full(new Shape(1, 1, 100, 100), 0.5f);
            float[] a = new GaussianNoise(0.05f, 7).apply(x, Bounds.UNIT).toFloatArray();
            float[] b = new GaussianNoise(0.05f, 7).apply(x, Bounds.UNIT).toFloatArray();
            assertThat(a).isEqualTo(b);
            double sq = 0;
            for (float v : a) {
                sq += (v - 0.5) * (v - 0.5);
            }
            assertThat(Math.sqrt(sq / a.length)).isCloseTo(0.05, offset(0.003));
        }
    }

    @Test
    void gradientsFlowExactlyThroughMedianAndByBpdaThroughSqueezing() {
        int d = 2 * 5 * 5;
        float[] w = LinearModels.randomWeights(3, d, 1.0, 9);
        float[] x = image(2, 2, 5, 5, 11);
        try (BlockClassifier linear = LinearModels.softmax(w, new float[3], 2, 5, 5);
                NDManager m = NDManager.newBaseManager()) {
            NDArray xs = m.create(x, new Shape(2, 2, 5, 5));
            NDArray y = m.create(new long[] {0, 2});
            // Exact: compare with central differences of the composed function.
            PreprocessedClassifier median = PreprocessedClassifier.wrap(linear, List.of(new MedianSmoothing(3, "spatial-smoothing")));
            DifferentiableClassifier dm = (DifferentiableClassifier) median;
            assertThat(dm.gradients()).isEqualTo("exact");
            try (Evaluation ev = dm.evaluate(xs, Objectives.crossEntropy(), y)) {
                float[] g = ev.gradient().toFloatArray();
                float h = 1e-3f;
                for (int i : new int[] {0, 7, 24, 33, 60, 99}) {
                    float[] plus = x.clone();
                    float[] minus = x.clone();
                    plus[i] += h;
                    minus[i] -= h;
                    double fp = sum(dm, m, plus, y);
                    double fm = sum(dm, m, minus, y);
                    assertThat((double) g[i]).as("d/dx[%d]", i).isCloseTo((fp - fm) / (2 * h), offset(2e-3));
                }
                assertThat(Arrays.stream(box(g)).anyMatch(v -> v != 0f)).isTrue();
            }
            // BPDA: the gradient at x is the model's gradient at the squeezed input.
            PreprocessedClassifier squeeze = PreprocessedClassifier.wrap(linear, List.of(new BitDepthReduction(2)));
            DifferentiableClassifier ds = (DifferentiableClassifier) squeeze;
            assertThat(ds.gradients()).isEqualTo("bpda (identity backward through feature-squeezing:bit-depth=2)");
            try (Evaluation ev = ds.evaluate(xs, Objectives.crossEntropy(), y);
                    NDArray squeezed = squeeze.preprocess(xs);
                    Evaluation direct = linear.evaluate(squeezed, Objectives.crossEntropy(), y)) {
                assertThat(ev.gradient().toFloatArray()).isEqualTo(direct.gradient().toFloatArray());
                assertThat(ev.logits().toFloatArray()).isEqualTo(direct.logits().toFloatArray());
            }
        }
    }

    private static double sum(DifferentiableClassifier model, NDManager m, float[] x, NDArray y) {
        try (NDManager s = m.newSubManager()) {
            NDArray xs = s.create(x, new Shape(2, 2, 5, 5));
            try (Evaluation ev = model.evaluate(xs, Objectives.crossEntropy(), y)) {
                float[] v = ev.values().toFloatArray();
                return v[0] + (double) v[1];
            }
        }
    }

    private static Float[] box(float[] v) {
        Float[] out = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
