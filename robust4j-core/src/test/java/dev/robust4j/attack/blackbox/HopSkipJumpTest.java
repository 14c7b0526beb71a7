package dev.robust4j.attack.blackbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Norm;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.FunctionClassifier;

import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HopSkipJump against closed forms on linear models: the Monte-Carlo gradient direction at a
 * boundary point, the bisections, and the minimal distance to a hyperplane.
 */
class HopSkipJumpTest {

    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    private static double[] randomVector(int d, long seed, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
            v[j] = lo + (hi - lo) * r.nextDouble();
        }
        return v;
    }

    private static double dot(double[] w, float[] x, int off) {
        double s = 0;
        for (int j = 0; j < w.length; j++) {
            s += w[j] * x[off + j];
        }
        return s;
    }

    private static double norm(double[] w, double p) {
        double s = 0;
        for (double v : w) {
            s += p == 1 ? Math.abs(v) : v * v;
        }
        return p == 1 ? s : Math.sqrt(s);
    }

    /** An oracle for the half-space {@code w·p + b > 0}, with no budget. */
    private static Oracle halfSpace(double[] w, double b, int[] calls) {
        return new Oracle() {
            @Override
            public boolean[] adversarial(float[] rows, int[] samples) {
                calls[0]++;
                calls[1] += samples.length;
                boolean[] out = new boolean[samples.length];
                for (int i = 0; i < samples.length; i++) {
                    out[i] = dot(w, rows, i * w.length) + b > 0;
                }
                return out;
            }

            @Override
            public long remaining(int sample) {
                return Long.MAX_VALUE;
            }
        };
    }

    /** The foot of the perpendicular from {@code x} onto the hyperplane {@code w·p + b = 0}. */
    private static float[] foot(double[] w, double b, double[] x) {
        double f = b;
        for (int j = 0; j < w.length; j++) {
            f += w[j] * x[j];
        }
        double ww = norm(w, 2) * norm(w, 2);
        float[] p = new float[w.length];
        for (int j = 0; j < w.length; j++) {
            p[j] = (float) (x[j] - f / ww * w[j]);
        }
        return p;
    }

    private static double cosine(double[] a, int off, double[] w) {
        double dot = 0;
        double na = 0;
        for (int j = 0; j < w.length; j++) {
            dot += a[off + j] * w[j];
            na += a[off + j] * a[off + j];
        }
        return dot / Math.sqrt(na) / norm(w, 2);
    }

    @Test
    void gradientEstimateAtABoundaryPointPointsAlongTheNormal() {
        int d = 100;
        double[] w = randomVector(d, 1, -1, 1);
        double b = 0.3;
        float[] point = foot(w, b, randomVector(d, 2, 0.4, 0.6));
        assertThat(Math.abs(dot(w, point, 0) + b)).isLessThan(1e-4);
        int[] calls = new int[2];
        Oracle oracle = halfSpace(w, b, calls);
        for (Norm norm : new Norm[] {Norm.L2, Norm.LINF}) {
            // Two rows of the same point: many probes and few, each with its own stream.
            float[] points = new float[2 * d];
            System.arraycopy(point, 0, points, 0, d);
            System.arraycopy(point, 0, points, d, d);
            double[] g = HopSkipJump.estimateGradient(
                    oracle, points, new int[] {0, 1}, new int[] {4000, 10}, new double[] {0.01, 0.01}, norm,
                    Bounds.UNIT, new SplittableRandom[] {new SplittableRandom(3), new SplittableRandom(4)}, d);
            double many = cosine(g, 0, w);
            double few = cosine(g, d, w);
            // E[cos] ≈ sqrt(c / (1 + c)) with c = 2B / (π d): 0.98 for 4,000 probes, 0.25 for 10.
            assertThat(many).as("%s: cosine with 4,000 probes", norm).isGreaterThan(0.95);
            assertThat(few).as("%s: cosine with 10 probes", norm).isLessThan(0.9);
            double unit = 0;
            for (int j = 0; j < d; j++) {
                unit += g[j] * g[j];
            }
            assertThat(unit).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        }
        // Probes of all rows share the model calls: two rows of 4,010 probes in one call per norm.
        assertThat(calls[0]).isEqualTo(2);
        assertThat(calls[1]).isEqualTo(2 * 4010);
    }

    @Test
    void gradientEstimateKeepsItsSignWhenAllProbesAgree() {
        int d = 30;
        double[] w = randomVector(d, 5, -1, 1);
        // A point deep on the adversarial side: every probe is adversarial, the estimate is the mean probe.
        float[] point = new float[d];
        java.util.Arrays.fill(point, 0.5f);
        double b = 100;
        double[] g = HopSkipJump.estimateGradient(
                halfSpace(w, b, new int[2]), point, new int[] {0}, new int[] {50}, new double[] {0.01}, Norm.L2,
                Bounds.UNIT, new SplittableRandom[] {new SplittableRandom(6)}, d);
        double sq = 0;
        for (double v : g) {
            sq += v * v;
        }
        assertThat(sq).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void l2BisectionLandsWithinThetaOfTheClosedFormCrossing() {
        int d = 400;
        double[] w = randomVector(d, 7, -1, 1);
        double b = 0;
        float[] x = new float[3 * d];
        float[] p = new float[3 * d];
        double[] expected = new double[3];
        for (int i = 0; i < 3; i++) {
            double[] xi = randomVector(d, 10 + i, 0, 1);
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) xi[j];
                // p: x moved far along +w, clipped to the box, so that w·p + b > 0 > w·x + b.
                p[i * d + j] = (float) Math.max(0, Math.min(1, xi[j] + 2 * w[j]));
            }
            double fx = dot(w, x, i * d) + b;
            double fp = dot(w, p, i * d) + b;
            if (fx > 0) {
                // Flip so that x is the clean side.
                for (int j = 0; j < d; j++) {
                    x[i * d + j] = (float) Math.max(0, Math.min(1, xi[j] - 2 * w[j]));
                    p[i * d + j] = (float) xi[j];
                }
                fx = dot(w, x, i * d) + b;
                fp = dot(w, p, i * d) + b;
            }
            assertThat(fx).isNegative();
            assertThat(fp).isPositive();
            expected[i] = fx / (fx - fp);
        }
        double theta = 1.0 / (d * Math.sqrt(d));
        int[] calls = new int[2];
        float[] points = p.clone();
        double[] thresholds = {theta, theta, theta};
        float[] coarse = new float[3 * d];
        double[] a = DecisionSearch.bisect(
                halfSpace(w, b, calls), x, d, new int[] {0, 1, 2}, points, Norm.L2, new double[] {1, 1, 1}, thresholds,
                coarse);
        for (int i = 0; i < 3; i++) {
            assertThat(a[i]).isBetween(expected[i], expected[i] + theta);
            // The returned row is the blend at a, on the adversarial side.
            double full = DecisionSearch.l2(x, i * d, p, i * d, d);
            double dist = DecisionSearch.l2(x, i * d, points, i * d, d);
            assertThat(dist / full).isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-5));
            assertThat(dot(w, points, i * d) + b).isPositive();
            // The coarse end: adversarial, no closer than the final one, within 1/1000 (or θ) of the crossing.
            double coarseA = DecisionSearch.l2(x, i * d, coarse, i * d, d) / full;
            assertThat(dot(w, coarse, i * d) + b).isPositive();
            assertThat(coarseA).isBetween(a[i] - 1e-6, expected[i] + DecisionSearch.COARSE_WIDTH + 1e-6);
        }
        // One call per round for all three rows; ⌈log2(1/θ)⌉ rounds.
        int rounds = (int) Math.ceil(Math.log(1 / theta) / Math.log(2));
        assertThat(calls[0]).isEqualTo(rounds);
        assertThat(calls[1]).isEqualTo(3 * rounds);
    }

    @Test
    void linfBisectionLandsWithinItsThresholdOfTheCrossing() {
        int d = 40;
        double[] w = randomVector(d, 8, -1, 1);
        double[] xi = randomVector(d, 9, 0.3, 0.7);
        float[] x = new float[d];
        float[] p = new float[d];
        for (int j = 0; j < d; j++) {
            x[j] = (float) xi[j];
            // Every coordinate moves with the sign of w: the decision is monotone along the clipping path.
            p[j] = (float) (xi[j] + 0.25 * Math.signum(w[j]) * (0.2 + 0.8 * Math.abs(w[j])));
        }
        double b = -(dot(w, x, 0) + 0.4 * (dot(w, p, 0) - dot(w, x, 0)));
        // The crossing of a -> w·(x + clip(p - x, -a, a)) + b, by bisection in double to 1e-13.
        double lo = 0;
        double hi = DecisionSearch.linf(x, 0, p, 0, d);
        double high0 = hi;
        for (int k = 0; k < 60; k++) {
            double mid = (lo + hi) / 2;
            double f = b;
            for (int j = 0; j < d; j++) {
                f += w[j] * (x[j] + Math.max(-mid, Math.min(mid, p[j] - x[j])));
            }
            if (f > 0) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        double theta = 1.0 / (d * (double) d);
        double threshold = Math.min(high0 * theta, theta);
        float[] points = p.clone();
        double[] a = DecisionSearch.bisect(
                halfSpace(w, b, new int[2]), x, d, new int[] {0}, points, Norm.LINF, new double[] {high0},
                new double[] {threshold}, null);
        assertThat(a[0]).isBetween(hi - 1e-9, hi + threshold);
        assertThat(DecisionSearch.linf(x, 0, points, 0, d)).isCloseTo(a[0], org.assertj.core.data.Offset.offset(1e-6));
        assertThat(dot(w, points, 0) + b).isPositive();
    }

    /** A binary label-only linear model {@code sign(w·x + b)}, inputs in [0.35, 0.65] and their labels. */
    private static final class Binary {
        final int d = 20;
        final int n = 16;
        final double[] w = randomVector(d, 21, -1, 1);
        final double b;
        final float[] x = new float[n * d];
        final long[] y = new long[n];
        final FunctionClassifier model;

        Binary() {
            double[] c = new double[d];
            java.util.Arrays.fill(c, 0.5);
            double bias = 0;
            for (int j = 0; j < d; j++) {
                bias -= w[j] * c[j];
            }
            b = bias;
            SplittableRandom r = new SplittableRandom(22);
            for (int i = 0; i < n * d; i++) {
                x[i] = (float) (0.35 + 0.3 * r.nextDouble());
            }
            double[][] weights = {new double[d], w};
            model = LabelOnly.linear(weights, new double[] {0, b});
            for (int i = 0; i < n; i++) {
                y[i] = dot(w, x, i * d) + b > 0 ? 1 : 0;
            }
        }

        /** The minimal distance from sample i to the hyperplane: |f| / ||w||_2 (L2), |f| / ||w||_1 (L∞). */
        double optimum(int i, Norm norm) {
            double f = Math.abs(dot(w, x, i * d) + b);
            return f / (norm == Norm.LINF ? norm(w, 1) : norm(w, 2));
        }

        AttackResult run(dev.robust4j.attack.AbstractEvasionAttack attack) {
            try (NDManager m = manager.newSubManager()) {
                AttackResult r = attack.generate(model, m.create(x, new Shape(n, d)), m.create(y));
                r.adversarial().attach(manager);
                return r;
            }
        }
    }

    @Test
    void withoutIterationsTheStartLiesOnTheHyperplane() {
        Binary lin = new Binary();
        HopSkipJump hsja = HopSkipJump.l2().maxIter(0).seed(3);
        try (AttackResult r = lin.run(hsja)) {
            float[] adv = r.adversarial().toFloatArray();
            double theta = hsja.theta(lin.d);
            for (int i = 0; i < lin.n; i++) {
                assertThat(r.success()[i]).isTrue();
                double signed = (dot(lin.w, adv, i * lin.d) + lin.b) / norm(lin.w, 2) * (lin.y[i] == 1 ? -1 : 1);
                // On the adversarial side, at most θ of the segment from the start beyond the plane;
                // the segment is at most the box diagonal, sqrt(d).
                assertThat(signed).as("sample %d signed distance", i).isBetween(0.0, theta * Math.sqrt(lin.d));
            }
        }
    }

    @Test
    void l2ConvergesToTheDistanceOfTheHyperplane() {
        Binary lin = new Binary();
        try (AttackResult start = lin.run(HopSkipJump.l2().maxIter(0).seed(3));
                AttackResult r = lin.run(HopSkipJump.l2().maxIter(15).seed(3))) {
            double worstStart = 0;
            for (int i = 0; i < lin.n; i++) {
                double opt = lin.optimum(i, Norm.L2);
                assertThat(r.success()[i]).isTrue();
                // No adversarial can be closer than the plane; 15 iterations come within 5% of it.
                assertThat(r.l2()[i] / opt).as("sample %d L2 / optimum", i).isBetween(1 - 1e-3, 1.05);
                worstStart = Math.max(worstStart, start.l2()[i] / opt);
            }
            assertThat(worstStart).as("the blended start is far from optimal").isGreaterThan(1.5);
        }
    }

    @Test
    void linfConvergesToTheLinfDistanceOfTheHyperplane() {
        Binary lin = new Binary();
        try (AttackResult r = lin.run(HopSkipJump.linf().maxIter(15).seed(3))) {
            for (int i = 0; i < lin.n; i++) {
                double opt = lin.optimum(i, Norm.LINF);
                assertThat(r.success()[i]).isTrue();
                assertThat(r.linf()[i] / opt).as("sample %d L∞ / optimum", i).isBetween(1 - 1e-3, 1.1);
            }
        }
    }

    @Test
    void withEpsSuccessCountsOnlyInsideTheBallAndSamplesStopThere() {
        Binary lin = new Binary();
        double[] optimum = new double[lin.n];
        for (int i = 0; i < lin.n; i++) {
            optimum[i] = lin.optimum(i, Norm.L2);
        }
        double[] sorted = optimum.clone();
        java.util.Arrays.sort(sorted);
        float eps = (float) sorted[lin.n / 2];
        HopSkipJump free = HopSkipJump.l2().maxIter(15).seed(3);
        try (AttackResult a = lin.run(free); AttackResult r = lin.run(free.eps(eps))) {
            assertThat(free.eps(eps).budget()).contains(new dev.robust4j.attack.Budget(Norm.L2, eps));
            int reached = 0;
            for (int i = 0; i < lin.n; i++) {
                assertThat(r.l2()[i]).isLessThanOrEqualTo(eps * 1.00001f + 1e-6f);
                if (optimum[i] > eps) {
                    // No adversarial exists inside the ball: the template projected the row onto it.
                    assertThat(r.success()[i]).as("sample %d", i).isFalse();
                } else if (a.l2()[i] <= eps) {
                    reached++;
                    // The same trajectory, cut short once inside the ball.
                    assertThat(r.success()[i]).as("sample %d", i).isTrue();
                    assertThat(r.queries()[i]).as("sample %d", i).isLessThan(a.queries()[i]);
                }
            }
            assertThat(reached).isGreaterThanOrEqualTo(lin.n / 2 - 2);
        }
    }

    @Test
    void differentSeedsGiveDifferentStartsAndTheSameSeedTheSameRun() {
        Binary lin = new Binary();
        try (AttackResult a = lin.run(HopSkipJump.linf().maxIter(3).seed(1));
                AttackResult b = lin.run(HopSkipJump.linf().maxIter(3).seed(1));
                AttackResult c = lin.run(HopSkipJump.linf().maxIter(3).seed(2))) {
            assertThat(a.adversarial().toFloatArray()).isEqualTo(b.adversarial().toFloatArray());
            assertThat(a.queries()).isEqualTo(b.queries());
            assertThat(a.adversarial().toFloatArray()).isNotEqualTo(c.adversarial().toFloatArray());
        }
    }

    @Test
    void givenStartingPointsAreUsedAndChecked() {
        Binary lin = new Binary();
        // Mirror images through the plane: adversarial, at twice the optimal distance.
        float[] mirror = new float[lin.n * lin.d];
        double ww = norm(lin.w, 2) * norm(lin.w, 2);
        for (int i = 0; i < lin.n; i++) {
            double f = dot(lin.w, lin.x, i * lin.d) + lin.b;
            for (int j = 0; j < lin.d; j++) {
                mirror[i * lin.d + j] = (float) (lin.x[i * lin.d + j] - 2.02 * f / ww * lin.w[j]);
            }
        }
        HopSkipJump given = HopSkipJump.l2().maxIter(0).initTrials(1).startingPoints(mirror);
        double theta = given.theta(lin.d);
        try (AttackResult r = lin.run(given)) {
            for (int i = 0; i < lin.n; i++) {
                // Bisected from the mirror image straight along the normal: the optimum, up to θ of
                // the segment (2.02 optima long).
                assertThat(r.l2()[i] / lin.optimum(i, Norm.L2)).as("sample %d", i)
                        .isBetween(1 - 1e-4, 1 + 2.02 * theta);
            }
            assertThat(HopSkipJump.l2().startingPoints(mirror).params()).containsEntry("starting-points", "given");
        }
        assertThatThrownBy(() -> lin.run(HopSkipJump.l2().startingPoints(lin.x)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("starting point of sample 0 is not adversarial: the model classifies it as the label "
                        + lin.y[0]);
        assertThatThrownBy(() -> lin.run(HopSkipJump.l2().startingPoints(new float[3])))
                .hasMessage("starting points hold 3 values, expected 320 (16 samples of 20 features)");
    }

    @Test
    void targetedOnALinearModelHitsEveryReachableTarget() {
        int k = 4;
        int d = 12;
        int n = 24;
        double[][] w = new double[k][];
        for (int c = 0; c < k; c++) {
            w[c] = randomVector(d, 30 + c, -1, 1);
        }
        double[] b = {0, 0.1, -0.1, 0.05};
        FunctionClassifier model = LabelOnly.linear(w, b);
        float[] x = new float[n * d];
        SplittableRandom r = new SplittableRandom(31);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        long[] y = new long[n];
        long[] t = new long[n];
        int[] clean = new int[n];
        for (int i = 0; i < n; i++) {
            clean[i] = LabelOnly.argMax(LabelOnly.scores(w, b, java.util.Arrays.copyOfRange(x, i * d, i * d + d)));
            y[i] = clean[i];
            t[i] = (y[i] + 1) % k;
        }
        for (HopSkipJump attack : new HopSkipJump[] {HopSkipJump.l2().maxIter(5), HopSkipJump.linf().maxIter(5)}) {
            try (NDManager m = manager.newSubManager();
                    AttackResult res = attack.generate(model, m.create(x, new Shape(n, d)), m.create(y), m.create(t))) {
                for (int i = 0; i < n; i++) {
                    boolean reachable = false;
                    for (int j = 0; j < n; j++) {
                        reachable |= j != i && clean[j] == t[i];
                    }
                    if (reachable) {
                        assertThat(res.adversarialPredictions()[i]).as("%s sample %d", attack.norm(), i).isEqualTo((int) t[i]);
                    }
                    assertThat(res.success()[i]).isEqualTo(res.adversarialPredictions()[i] == t[i]);
                }
            }
        }
    }

    @Test
    void guardsNameTheParameterAndValue() {
        assertThatThrownBy(() -> HopSkipJump.l2().norm(Norm.L1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("norm must be l2 or linf for hop-skip-jump, got l1");
        assertThatThrownBy(() -> HopSkipJump.l2().maxIter(-1)).hasMessage("max-iter must be >= 0, got -1");
        assertThatThrownBy(() -> HopSkipJump.l2().maxQueries(0)).hasMessage("max-queries must be >= 1, got 0");
        assertThatThrownBy(() -> HopSkipJump.l2().initEvals(0)).hasMessage("init-evals must be >= 1, got 0");
        assertThatThrownBy(() -> HopSkipJump.l2().maxEvals(50))
                .hasMessage("max-evals must be >= init-evals (100), got 50");
        assertThatThrownBy(() -> HopSkipJump.l2().gamma(0)).hasMessage("gamma must be a positive number, got 0.0");
        assertThatThrownBy(() -> HopSkipJump.l2().gamma(Double.NaN)).hasMessage("gamma must be a positive number, got NaN");
        assertThatThrownBy(() -> HopSkipJump.l2().initTrials(0)).hasMessage("init-trials must be >= 1, got 0");
        assertThatThrownBy(() -> HopSkipJump.l2().eps(-1f)).hasMessage("eps must be a positive number, got -1.0");
    }

    @Test
    void paramsAndBudget() {
        HopSkipJump a = HopSkipJump.linf().maxIter(7).maxQueries(500).initEvals(10).maxEvals(40).gamma(2).seed(4);
        assertThat(a.params()).containsEntry("norm", "linf").containsEntry("max-iter", 7)
                .containsEntry("max-queries", 500L).containsEntry("init-evals", 10).containsEntry("max-evals", 40)
                .containsEntry("gamma", 2.0).containsEntry("seed", 4L).doesNotContainKey("eps");
        assertThat(a.budget()).isEmpty();
        assertThat(a.requiresGradients()).isFalse();
        assertThat(a.requiresScores()).isFalse();
        assertThat(a.eps(0.05f).budget()).contains(new dev.robust4j.attack.Budget(Norm.LINF, 0.05f));
        assertThat(a.theta(784)).isCloseTo(2.0 / (784.0 * 784.0), org.assertj.core.data.Offset.offset(1e-15));
        assertThat(HopSkipJump.l2().theta(784)).isCloseTo(1 / (784 * 28.0), org.assertj.core.data.Offset.offset(1e-15));
    }
}
