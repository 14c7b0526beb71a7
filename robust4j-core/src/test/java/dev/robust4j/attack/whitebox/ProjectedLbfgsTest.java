package dev.robust4j.attack.whitebox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.robust4j.model.Bounds;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The projected L-BFGS minimiser on separable quadratics, whose box-constrained minimiser is {@code clip(t)}. */
class ProjectedLbfgsTest {

    private static final int D = 50;

    /** {@code f(z) = Σ a_j (z_j − t_j)²} with curvatures from 1 to 1,000. */
    private static double[] curvatures() {
        double[] a = new double[D];
        for (int j = 0; j < D; j++) {
            a[j] = Math.pow(10, 3.0 * j / (D - 1));
        }
        return a;
    }

    /** Runs the minimiser to its stop or the call limit; returns the number of evaluations. */
    private static int minimise(ProjectedLbfgs solver, double[] a, double[] t, int limit) {
        int calls = 0;
        while (!solver.done() && calls < limit) {
            float[] z = solver.trial();
            double f = 0;
            float[] g = new float[D];
            for (int j = 0; j < D; j++) {
                double d = z[j] - t[j];
                f += a[j] * d * d;
                g[j] = (float) (2 * a[j] * d);
            }
            solver.evaluated(f, g);
            calls++;
        }
        return calls;
    }

    private static double[] targets(long seed, double low, double high) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] t = new double[D];
        for (int j = 0; j < D; j++) {
            t[j] = low + (high - low) * r.nextDouble();
        }
        return t;
    }

    @Test
    void solvesAnIllConditionedQuadraticInFewEvaluations() {
        double[] a = curvatures();
        double[] t = targets(1, 0.2, 0.8);
        float[] start = new float[D];
        java.util.Arrays.fill(start, 0.5f);
        ProjectedLbfgs solver = new ProjectedLbfgs(start, 10, Bounds.UNIT);
        int calls = minimise(solver, a, t, 2000);
        // At condition number 1,000 projected steepest descent needs over 4,000 evaluations here,
        // and a wrong two-loop recursion does not converge in 5,000; this solver takes about 150.
        assertThat(calls).as("evaluations").isLessThanOrEqualTo(250);
        assertThat(solver.done()).isTrue();
        for (int j = 0; j < D; j++) {
            assertThat((double) solver.current()[j]).as("coordinate %d", j).isCloseTo(t[j], org.assertj.core.data.Offset.offset(1e-3));
        }
    }

    @Test
    void stopsOnTheBoxWhereTheUnconstrainedMinimumLiesOutside() {
        double[] a = curvatures();
        double[] t = targets(2, -0.5, 1.5);
        float[] start = new float[D];
        java.util.Arrays.fill(start, 0.5f);
        ProjectedLbfgs solver = new ProjectedLbfgs(start, 10, Bounds.UNIT);
        int calls = minimise(solver, a, t, 2000);
        // About 100 evaluations; steepest descent needs about 4,000.
        assertThat(calls).as("evaluations").isLessThanOrEqualTo(250);
        assertThat(solver.done()).isTrue();
        for (int j = 0; j < D; j++) {
            double expected = Math.max(0, Math.min(1, t[j]));
            assertThat((double) solver.current()[j]).as("coordinate %d", j).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-3));
            assertThat(solver.current()[j]).isBetween(0f, 1f);
        }
    }
}
