package dev.robust4j.attack.blackbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Budget;
import dev.robust4j.attack.Norm;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.FunctionClassifier;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Boundary Attack's proposal geometry, step statistics, and convergence on a linear model. */
class BoundaryAttackTest {

    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void proposalKeepsTheDistanceOrthogonallyThenStepsTowardsTheInput() {
        int d = 50;
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[d];
        float[] adv = new float[d];
        for (int j = 0; j < d; j++) {
            x[j] = (float) (0.4 + 0.2 * r.nextDouble());
            adv[j] = (float) (x[j] + 0.05 * (r.nextDouble() - 0.5));
        }
        double distance = DecisionSearch.l2(x, 0, adv, 0, d);
        double spherical = 0.2;
        double source = 0.1;
        float[] out = new float[2 * d];
        BoundaryAttack.propose(x, adv, 0, d, distance, spherical, source, Bounds.UNIT, new SplittableRandom(2),
                new double[d], out, 0, d);
        // The orthogonal candidate lies on the sphere around x through adv ...
        assertThat(DecisionSearch.l2(x, 0, out, 0, d)).isCloseTo(distance, Offset.offset(1e-6));
        // ... at the angle whose tangent is the spherical step: cos = 1 / sqrt(1 + step^2).
        double cos = 0;
        for (int j = 0; j < d; j++) {
            cos += ((double) out[j] - x[j]) * ((double) adv[j] - x[j]);
        }
        cos /= distance * distance;
        assertThat(cos).isCloseTo(1 / Math.sqrt(1 + spherical * spherical), Offset.offset(1e-5));
        // The full candidate is source * distance closer, on the line to x.
        assertThat(DecisionSearch.l2(x, 0, out, d, d)).isCloseTo((1 - source) * distance, Offset.offset(1e-6));
        double along = 0;
        for (int j = 0; j < d; j++) {
            along += ((double) out[d + j] - x[j]) * ((double) out[j] - x[j]);
        }
        assertThat(along / ((1 - source) * distance * distance)).isCloseTo(1.0, Offset.offset(1e-5));
    }

    @Test
    void windowSlidesOverTheLastOutcomes() {
        BoundaryAttack.Window w = new BoundaryAttack.Window(4);
        w.add(true);
        w.add(true);
        w.add(false);
        assertThat(w.full()).isFalse();
        w.add(false);
        assertThat(w.full()).isTrue();
        assertThat(w.rate()).isEqualTo(0.5);
        w.add(false);
        assertThat(w.rate()).isEqualTo(0.25);
        w.clear();
        assertThat(w.full()).isFalse();
        assertThat(w.rate()).isZero();
    }

    /** A binary label-only linear model and inputs in [0.35, 0.65] with their labels. */
    private static final class Binary {
        final int d = 20;
        final int n = 12;
        final double[] w = new double[d];
        final double b;
        final float[] x = new float[n * d];
        final long[] y = new long[n];
        final FunctionClassifier model;

        Binary() {
            SplittableRandom r = new SplittableRandom(41);
            double bias = 0;
            for (int j = 0; j < d; j++) {
                w[j] = 2 * r.nextDouble() - 1;
                bias -= 0.5 * w[j];
            }
            b = bias;
            for (int i = 0; i < n * d; i++) {
                x[i] = (float) (0.35 + 0.3 * r.nextDouble());
            }
            model = LabelOnly.linear(new double[][] {new double[d], w}, new double[] {0, b});
            for (int i = 0; i < n; i++) {
                y[i] = f(i) > 0 ? 1 : 0;
            }
        }

        double f(int i) {
            double s = b;
            for (int j = 0; j < d; j++) {
                s += w[j] * x[i * d + j];
            }
            return s;
        }

        double optimum(int i) {
            double ww = 0;
            for (double v : w) {
                ww += v * v;
            }
            return Math.abs(f(i)) / Math.sqrt(ww);
        }

        AttackResult run(BoundaryAttack attack) {
            try (NDManager m = manager.newSubManager()) {
                AttackResult r = attack.generate(model, m.create(x, new Shape(n, d)), m.create(y));
                r.adversarial().attach(manager);
                return r;
            }
        }
    }

    @Test
    void approachesTheDistanceOfTheHyperplane() {
        Binary lin = new Binary();
        try (AttackResult start = lin.run(BoundaryAttack.create().steps(0).seed(1));
                AttackResult r = lin.run(BoundaryAttack.create().maxQueries(3_000).seed(1))) {
            double[] before = new double[lin.n];
            double[] after = new double[lin.n];
            for (int i = 0; i < lin.n; i++) {
                double opt = lin.optimum(i);
                before[i] = start.l2()[i] / opt;
                after[i] = r.l2()[i] / opt;
                assertThat(r.success()[i]).isTrue();
                assertThat(after[i]).as("sample %d: no adversarial is closer than the plane", i).isGreaterThan(1 - 1e-4);
                assertThat(r.queries()[i]).isLessThanOrEqualTo(3_000);
            }
            Arrays.sort(before);
            Arrays.sort(after);
            System.out.printf("boundary on a linear model: median distance / optimum %.3f -> %.3f (worst %.3f)%n",
                    before[lin.n / 2], after[lin.n / 2], after[lin.n - 1]);
            assertThat(before[lin.n / 2]).isGreaterThan(1.5);
            assertThat(after[lin.n / 2]).isLessThan(1.02);
            assertThat(after[lin.n - 1]).isLessThan(1.05);
        }
    }

    @Test
    void withEpsSuccessCountsOnlyInsideTheBallAndSamplesStopThere() {
        Binary lin = new Binary();
        double[] optimum = new double[lin.n];
        for (int i = 0; i < lin.n; i++) {
            optimum[i] = lin.optimum(i);
        }
        double[] sorted = optimum.clone();
        Arrays.sort(sorted);
        float eps = (float) (1.3 * sorted[lin.n / 2]);
        BoundaryAttack free = BoundaryAttack.create().maxQueries(2_000).seed(2);
        try (AttackResult a = lin.run(free); AttackResult r = lin.run(free.eps(eps))) {
            assertThat(free.eps(eps).budget()).contains(new Budget(Norm.L2, eps));
            for (int i = 0; i < lin.n; i++) {
                assertThat(r.l2()[i]).isLessThanOrEqualTo(eps * 1.00001f + 1e-6f);
                if (optimum[i] > eps) {
                    assertThat(r.success()[i]).as("sample %d", i).isFalse();
                } else if (a.l2()[i] <= eps) {
                    assertThat(r.success()[i]).as("sample %d", i).isTrue();
                    assertThat(r.queries()[i]).as("sample %d", i).isLessThan(a.queries()[i]);
                }
            }
        }
    }

    @Test
    void guardsNameTheParameterAndValue() {
        assertThatThrownBy(() -> BoundaryAttack.create().steps(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("steps must be >= 0, got -1");
        assertThatThrownBy(() -> BoundaryAttack.create().maxQueries(0)).hasMessage("max-queries must be >= 1, got 0");
        assertThatThrownBy(() -> BoundaryAttack.create().sphericalStep(0))
                .hasMessage("spherical-step must be a positive number, got 0.0");
        assertThatThrownBy(() -> BoundaryAttack.create().sourceStep(1))
                .hasMessage("source-step must be in (0, 1), got 1.0");
        assertThatThrownBy(() -> BoundaryAttack.create().stepAdaptation(1))
                .hasMessage("step-adaptation must be a number > 1, got 1.0");
        assertThatThrownBy(() -> BoundaryAttack.create().initTrials(0)).hasMessage("init-trials must be >= 1, got 0");
        assertThatThrownBy(() -> BoundaryAttack.create().eps(Float.NaN)).hasMessage("eps must be a positive number, got NaN");
    }

    @Test
    void paramsAndDeclarations() {
        BoundaryAttack a = BoundaryAttack.create().steps(7).maxQueries(99).sphericalStep(0.05).sourceStep(0.002)
                .stepAdaptation(2).initTrials(5).seed(3);
        assertThat(a.name()).isEqualTo("boundary");
        assertThat(a.params()).containsEntry("steps", 7).containsEntry("max-queries", 99L)
                .containsEntry("spherical-step", 0.05).containsEntry("source-step", 0.002)
                .containsEntry("step-adaptation", 2.0).containsEntry("init-trials", 5).containsEntry("seed", 3L)
                .doesNotContainKey("eps");
        assertThat(a.budget()).isEmpty();
        assertThat(a.requiresGradients()).isFalse();
        assertThat(a.requiresScores()).isFalse();
        assertThat(a.supportsTargeted()).isTrue();
    }
}
