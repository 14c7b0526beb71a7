package dev.robust4j.attack.whitebox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.Norm;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.testing.LinearModels;

import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** FAB's box-constrained projection against brute force, its closed forms on linear models, guards. */
class FastAdaptiveBoundaryAttackTest {

    private static final int D = 12;
    private static final int N = 16;
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /**
     * Brute force in two or three dimensions: a fine grid over the first coordinates of the box,
     * the last one solved from the hyperplane, the closest feasible point kept.
     */
    private static double gridMinimum(Norm norm, float[] t, float[] w, double b, int d, int steps) {
        double best = Double.POSITIVE_INFINITY;
        float[] delta = new float[d];
        int points = d == 2 ? steps : steps * steps;
        for (int g = 0; g < points; g++) {
            double[] z = new double[d];
            z[0] = (g % steps) / (double) (steps - 1);
            if (d == 3) {
                z[1] = (g / steps) / (double) (steps - 1);
            }
            double rest = b;
            for (int j = 0; j < d - 1; j++) {
                rest -= w[j] * z[j];
            }
            z[d - 1] = rest / w[d - 1];
            if (z[d - 1] < 0 || z[d - 1] > 1) {
                continue;
            }
            for (int j = 0; j < d; j++) {
                delta[j] = (float) (z[j] - t[j]);
            }
            best = Math.min(best, norm.measure(delta, 0, d));
        }
        return best;
    }

    @ParameterizedTest
    @EnumSource(value = Norm.class, names = {"L2", "LINF"})
    void projectionIsTheClosestPointOfHyperplaneAndBox(Norm norm) {
        SplittableRandom r = new SplittableRandom(norm.ordinal());
        BoundaryProjection projection = new BoundaryProjection();
        int feasible = 0;
        int boxActive = 0;
        for (int trial = 0; trial < 60; trial++) {
            int d = 2 + trial % 2;
            float[] t = new float[d];
            float[] w = new float[d];
            for (int j = 0; j < d; j++) {
                t[j] = (float) r.nextDouble();
                w[j] = (float) (r.nextGaussian() + (r.nextBoolean() ? 0.3 : -0.3));
            }
            // Offsets from well inside to beyond the box's range of w·z.
            double b = 0;
            for (int j = 0; j < d; j++) {
                b += w[j] * (trial % 5 == 4 ? (w[j] > 0 ? 1.2 : -0.2) : r.nextDouble());
            }
            float[] out = new float[d];
            projection.project(norm, t, 0, w, 0, b, d, 0f, 1f, out, 0);
            double grid = gridMinimum(norm, t, w, b, d, d == 2 ? 200_001 : 1201);
            double dot = 0;
            for (int j = 0; j < d; j++) {
                assertThat(t[j] + out[j]).isBetween(-1e-6f, 1 + 1e-6f);
                dot += (double) w[j] * (t[j] + out[j]);
            }
            if (Double.isInfinite(grid)) {
                // The box misses the hyperplane: every coordinate goes to the bound that moves w·z towards b.
                double c = 0;
                for (int j = 0; j < d; j++) {
                    c += (double) w[j] * t[j];
                }
                for (int j = 0; j < d; j++) {
                    boolean down = (c > b) == (w[j] > 0);
                    assertThat(t[j] + out[j]).isCloseTo(down ? 0f : 1f, offset(1e-6f));
                }
                continue;
            }
            feasible++;
            float size = norm.measure(out, 0, d);
            assertThat(dot).as("trial %d on the hyperplane", trial).isCloseTo(b, offset(1e-5));
            assertThat((double) size).as("trial %d no feasible point is closer", trial).isLessThanOrEqualTo(grid + 1e-5);
            assertThat((double) size).as("trial %d optimal up to the grid", trial).isGreaterThan(grid - (d == 2 ? 1e-4 : 1e-2));
            double c = dot(w, t) - b;
            double free = Math.abs(c) / (norm == Norm.L2 ? Math.sqrt(dot(w, w)) : l1(w));
            if (size > free * (1 + 1e-3)) {
                boxActive++;
            }
        }
        assertThat(feasible).isGreaterThan(30);
        assertThat(boxActive).as("cases where the box makes the projection longer").isGreaterThan(3);
    }

    @Test
    void projectionInsideTheBoxHasTheClosedForms() {
        float[] t = {0.5f, 0.4f, 0.6f, 0.5f};
        float[] w = {1f, -2f, 0.5f, 0f};
        double b = dot(w, t) + 0.1;
        BoundaryProjection projection = new BoundaryProjection();
        float[] out = new float[4];
        projection.project(Norm.L2, t, 0, w, 0, b, 4, 0f, 1f, out, 0);
        for (int j = 0; j < 4; j++) {
            assertThat(out[j]).isCloseTo((float) (0.1 * w[j] / dot(w, w)), offset(1e-7f));
        }
        projection.project(Norm.LINF, t, 0, w, 0, b, 4, 0f, 1f, out, 0);
        for (int j = 0; j < 4; j++) {
            assertThat(out[j]).isCloseTo((float) (0.1 / l1(w) * Math.signum(w[j])), offset(1e-7f));
        }
    }

    /** A binary linear model's minimal adversarial is the projection onto its boundary within the box. */
    @ParameterizedTest
    @EnumSource(value = Norm.class, names = {"L2", "LINF"})
    void fabConvergesToTheExactDistanceOnABinaryLinearModel(Norm norm) {
        float[] w = LinearModels.randomWeights(2, D, 1.0, 13);
        float[] b = {0f, 0f};
        double centre = 0;
        for (int j = 0; j < D; j++) {
            centre += 0.5 * (w[D + j] - w[j]);
        }
        b[1] = (float) -centre;
        SplittableRandom r = new SplittableRandom(17);
        float[] x = new float[N * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.02 + 0.96 * r.nextDouble());
        }
        long[] y = new long[N];
        double[] exact = new double[N];
        double[] free = new double[N];
        float[] normal = new float[D];
        BoundaryProjection projection = new BoundaryProjection();
        for (int i = 0; i < N; i++) {
            double f = b[1] - b[0];
            for (int j = 0; j < D; j++) {
                normal[j] = w[D + j] - w[j];
                f += (double) normal[j] * x[i * D + j];
            }
            y[i] = f > 0 ? 1 : 0;
            float[] out = new float[D];
            projection.project(norm, x, i * D, normal, 0, b[0] - b[1], D, 0f, 1f, out, 0);
            exact[i] = norm.measure(out, 0, D);
            free[i] = Math.abs(f) / (norm == Norm.L2 ? Math.sqrt(dot(normal, normal)) : l1(normal));
        }
        try (BlockClassifier model = LinearModels.softmax(w, b, D);
                NDManager m = manager.newSubManager();
                AttackResult res = Attacks.fab(norm).generate(model, m.create(x, new Shape(N, D)), m.create(y))) {
            int boxActive = 0;
            for (int i = 0; i < N; i++) {
                float size = norm == Norm.L2 ? res.l2()[i] : res.linf()[i];
                assertThat(res.success()[i]).as("sample %d", i).isTrue();
                assertThat((double) size).as("sample %d", i).isBetween(exact[i] * (1 - 1e-5), exact[i] * 1.01);
                if (exact[i] > free[i] * 1.01) {
                    boxActive++;
                }
            }
            assertThat(boxActive).as("samples whose closest adversarial is shaped by the box").isPositive();
            // FAB-T on two classes: one target, 100 iterations of one gradient and one prediction.
            assertThat(res.queries()).containsOnly(201L);
        }
    }

    @Test
    void withEpsFabSucceedsExactlyWhereTheBoundaryIsWithinReach() {
        float[] w = LinearModels.randomWeights(2, D, 1.0, 23);
        float[] b = {0f, 0f};
        double centre = 0;
        for (int j = 0; j < D; j++) {
            centre += 0.5 * (w[D + j] - w[j]);
        }
        b[1] = (float) -centre;
        SplittableRandom r = new SplittableRandom(29);
        float[] x = new float[N * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.3 + 0.4 * r.nextDouble());
        }
        long[] y = new long[N];
        double[] distance = new double[N];
        for (int i = 0; i < N; i++) {
            double f = b[1] - b[0];
            double norm1 = 0;
            for (int j = 0; j < D; j++) {
                f += (double) (w[D + j] - w[j]) * x[i * D + j];
                norm1 += Math.abs(w[D + j] - w[j]);
            }
            y[i] = f > 0 ? 1 : 0;
            distance[i] = Math.abs(f) / norm1;
        }
        double[] sorted = distance.clone();
        java.util.Arrays.sort(sorted);
        float eps = (float) sorted[N / 2];
        try (BlockClassifier model = LinearModels.softmax(w, b, D);
                NDManager m = manager.newSubManager();
                AttackResult res = Attacks.fab(Norm.LINF).eps(eps).restarts(2).steps(50)
                        .generate(model, m.create(x, new Shape(N, D)), m.create(y))) {
            for (int i = 0; i < N; i++) {
                assertThat(res.linf()[i]).isLessThanOrEqualTo(eps * 1.00001f);
                if (distance[i] > eps * 1.0001) {
                    assertThat(res.success()[i]).as("sample %d is out of reach", i).isFalse();
                } else if (distance[i] < eps * 0.97) {
                    assertThat(res.success()[i]).as("sample %d is within reach", i).isTrue();
                }
            }
        }
    }

    @Test
    void untargetedVariantAndGivenTargetsOnAMultiClassLinearModel() {
        int k = 4;
        float[] w = LinearModels.randomWeights(k, D, 1.0, 31);
        float[] b = {0.1f, -0.1f, 0.05f, 0f};
        SplittableRandom r = new SplittableRandom(37);
        float[] x = new float[N * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.2 + 0.6 * r.nextDouble());
        }
        long[] y = new long[N];
        long[] t = new long[N];
        for (int i = 0; i < N; i++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double z = b[c];
                for (int j = 0; j < D; j++) {
                    z += (double) w[c * D + j] * x[i * D + j];
                }
                if (z > best) {
                    best = z;
                    y[i] = c;
                }
            }
            t[i] = (y[i] + 1 + i % (k - 1)) % k;
        }
        try (BlockClassifier model = LinearModels.softmax(w, b, D); NDManager m = manager.newSubManager()) {
            NDArray xs = m.create(x, new Shape(N, D));
            NDArray ys = m.create(y);
            try (AttackResult fab = Attacks.fab(Norm.L2).variant(FastAdaptiveBoundaryAttack.Variant.FAB).steps(30)
                    .generate(model, xs, ys)) {
                assertThat(fab.success()).containsOnly(true);
                // Each iteration: one Jacobian row per class, then one prediction.
                assertThat(fab.queries()).containsOnly(30L * (k + 1));
            }
            try (AttackResult targeted = Attacks.fab(Norm.L2).steps(30).generate(model, xs, ys, m.create(t))) {
                try (NDArray logits = model.predict(targeted.adversarial())) {
                    int[] predicted = AttackContext.argMax(logits);
                    for (int i = 0; i < N; i++) {
                        assertThat(targeted.success()[i]).isEqualTo(predicted[i] == t[i]);
                    }
                }
                assertThat(count(targeted.success())).isGreaterThanOrEqualTo(N * 3 / 4);
            }
        }
    }

    @Test
    void parametersAreValidatedAndReported() {
        FastAdaptiveBoundaryAttack fab = FastAdaptiveBoundaryAttack.linf();
        assertThatThrownBy(() -> fab.norm(Norm.L1)).hasMessage("norm must be l2 or linf, got l1");
        assertThatThrownBy(() -> fab.eps(0f)).hasMessage("eps must be a positive number, got 0.0");
        assertThatThrownBy(() -> fab.steps(0)).hasMessage("steps must be >= 1, got 0");
        assertThatThrownBy(() -> fab.alphaMax(1.5f)).hasMessage("alpha-max must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> fab.eta(0.9f)).hasMessage("eta must be a finite number >= 1, got 0.9");
        assertThatThrownBy(() -> fab.beta(0f)).hasMessage("beta must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> fab.restarts(0)).hasMessage("restarts must be >= 1, got 0");
        assertThatThrownBy(() -> fab.targetClasses(0)).hasMessage("target-classes must be >= 1, got 0");
        assertThatThrownBy(() -> FastAdaptiveBoundaryAttack.Variant.parse("fab-x"))
                .hasMessage("variant must be fab-t or fab, got 'fab-x'");
        assertThat(fab.params()).containsEntry("variant", "fab-t").containsEntry("norm", "linf")
                .containsEntry("steps", 100).containsEntry("alpha-max", 0.1f).containsEntry("eta", 1.05f)
                .containsEntry("beta", 0.9f).containsEntry("restarts", 1).containsEntry("target-classes", 9)
                .doesNotContainKey("eps");
        assertThat(fab.budget()).isEmpty();
        assertThat(fab.eps(0.1f).budget()).hasValueSatisfying(b -> assertThat(b.eps()).isEqualTo(0.1f));
        assertThat(fab.eps(0.1f).noEps().budget()).isEmpty();
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += (double) a[j] * b[j];
        }
        return s;
    }

    private static double l1(float[] a) {
        double s = 0;
        for (float v : a) {
            s += Math.abs(v);
        }
        return s;
    }

    private static int count(boolean[] flags) {
        int c = 0;
        for (boolean f : flags) {
            if (f) {
                c++;
            }
        }
        return c;
    }
}
