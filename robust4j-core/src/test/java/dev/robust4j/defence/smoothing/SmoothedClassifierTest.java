package dev.robust4j.defence.smoothing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.defence.smoothing.SmoothedClassifier.Certificate;
import dev.robust4j.defence.smoothing.SmoothedClassifier.Prediction;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.testing.LinearModels;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Randomized smoothing of a linear binary classifier, where everything has a closed form: for
 * {@code f(x) = [u·x + c > 0]}, {@code P(f(x + ε) = f(x)) = Φ(t/σ)} with {@code t} the distance from
 * {@code x} to the hyperplane, and the smoothed classifier's exact certified radius is {@code t}
 * (Cohen et al., Section 3.1: the bound is tight for linear classifiers).
 *
 * <p>Statistical assertions hold with the failure probability stated at each; the draws are seeded,
 * so a run is reproducible, but the margins are chosen so that another machine's draws would pass too.
 */
class SmoothedClassifierTest {

    private static final int D = 16;
    private static final double SIGMA = 0.25;
    private static float[] unit;
    private static BlockClassifier linear;

    @BeforeAll
    static void makeModel() {
        float[] u = LinearModels.randomWeights(1, D, 1.0, 7);
        double norm = 0;
        for (float v : u) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        unit = new float[D];
        double c = 0;
        for (int i = 0; i < D; i++) {
            unit[i] = (float) (u[i] / norm);
            c -= u[i] * 0.5; // the hyperplane passes through x0 = (0.5, ..., 0.5)
        }
        float[] w = new float[2 * D]; // class 0: logit 0; class 1: u·x + c
        System.arraycopy(u, 0, w, D, D);
        linear = LinearModels.softmax(w, new float[] {0f, (float) c}, D);
    }

    @AfterAll
    static void close() {
        linear.close();
    }

    /** Rows {@code x0 + t·û}, at signed distance {@code t} from the hyperplane. */
    private static NDArray at(NDManager m, double... t) {
        float[] x = new float[t.length * D];
        for (int r = 0; r < t.length; r++) {
            for (int i = 0; i < D; i++) {
                x[r * D + i] = (float) (0.5 + t[r] * unit[i]);
            }
        }
        return m.create(x, new Shape(t.length, D));
    }

    private static SmoothedClassifier smoothed(long seed, int batch) {
        return SmoothedClassifier.builder(linear).sigma(SIGMA).seed(seed).batchSize(batch).build();
    }

    @Test
    void certifiesTheDistanceToTheHyperplane() {
        int n = 4000;
        double alpha = 0.001;
        double[] t = {0.1, -0.25, 0.5};
        try (NDManager m = NDManager.newBaseManager()) {
            List<Certificate> certs = smoothed(0, 1000).certify(at(m, t), 100, n, alpha);
            double z = SmoothingStatistics.normalQuantile(1 - alpha);
            for (int i = 0; i < t.length; i++) {
                Certificate c = certs.get(i);
                double pA = normalCdf(Math.abs(t[i]) / SIGMA);
                assertThat(c.label()).as("row %d", i).isEqualTo(t[i] > 0 ? 1 : 0);
                assertThat(c.samples()).isEqualTo(n);
                // The guarantee (fails with probability <= alpha per row): never beyond the exact radius.
                assertThat(c.radius()).as("row %d", i).isLessThanOrEqualTo(Math.abs(t[i]));
                // Not needlessly small: the empirical rate is within 4 standard errors of pA (fails with
                // probability < 1e-4), and the one-sided bound sits about z_(1-alpha) errors below it.
                double se = Math.sqrt(pA * (1 - pA) / n);
                double floor = pA - (4 + z) * se - 1.0 / n;
                assertThat(floor).isGreaterThan(0.5);
                assertThat(c.radius()).as("row %d", i).isGreaterThanOrEqualTo(SIGMA * SmoothingStatistics.normalQuantile(floor));
                assertThat(c.pALower()).isCloseTo(SmoothingStatistics.clopperPearsonLower(c.candidateCount(), n, alpha),
                        offset(0.0));
                assertThat(c.radius()).isCloseTo(SIGMA * SmoothingStatistics.normalQuantile(c.pALower()), offset(1e-12));
            }
        }
    }

    @Test
    void aRowFarFromTheBoundaryGetsTheLargestRadiusNDrawsCanCertify() {
        int n = 500;
        double alpha = 0.001;
        try (NDManager m = NDManager.newBaseManager()) {
            // 20 sigma away: every draw votes for class 1 (a miss has probability Phi(-20) ~ 3e-89).
            Certificate c = smoothed(3, 128).certify(at(m, 5.0), 10, n, alpha).get(0);
            assertThat(c.candidateCount()).isEqualTo(n);
            assertThat(c.radius()).isCloseTo(SIGMA * SmoothingStatistics.normalQuantile(Math.pow(alpha, 1.0 / n)),
                    offset(1e-9));
            Prediction p = smoothed(3, 128).predict(at(m, 5.0), 30, alpha).get(0);
            assertThat(p.label()).isEqualTo(1);
            assertThat(p.topCount()).isEqualTo(30);
            assertThat(p.runnerUpCount()).isZero();
            assertThat(p.pValue()).isCloseTo(2 * Math.pow(0.5, 30), offset(1e-20));
        }
    }

    @Test
    void abstainsOnTheBoundary() {
        try (NDManager m = NDManager.newBaseManager()) {
            // pA = 1/2 exactly: certify answers only if its bound exceeds 1/2 (probability <= alpha),
            // predict only if the test rejects a true null (probability <= alpha).
            SmoothedClassifier g = smoothed(0, 1000);
            Certificate c = g.certify(at(m, 0.0), 100, 2000, 0.001).get(0);
            assertThat(c.abstained()).isTrue();
            assertThat(c.labelOrNull()).isNull();
            assertThat(c.radius()).isZero();
            assertThat(c.pALower()).isLessThan(0.5);
            Prediction p = g.predict(at(m, 0.0), 2000, 0.001).get(0);
            assertThat(p.abstained()).isTrue();
            assertThat(p.labelOrNull()).isNull();
            assertThat(p.topCount() + p.runnerUpCount()).isEqualTo(2000);
            assertThat(p.pValue()).isGreaterThan(0.001);
        }
    }

    @Test
    void aRowGetsTheSameDrawsInAnyBatchAndWithAnyNoiseBatchSize() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] t = {0.05, -0.02, 0.3, 0.01};
            List<Certificate> all = smoothed(11, 1000).certify(at(m, t), 50, 300, 0.01);
            assertThat(smoothed(11, 1000).certify(at(m, t), 50, 300, 0.01)).isEqualTo(all);
            assertThat(smoothed(11, 7).certify(at(m, t), 50, 300, 0.01)).isEqualTo(all);
            assertThat(smoothed(11, 1000).certify(at(m, t[2]), 50, 300, 0.01).get(0)).isEqualTo(all.get(2));
            assertThat(smoothed(11, 64).certify(at(m, t[3], t[1]), 50, 300, 0.01)).containsExactly(all.get(3), all.get(1));
            // another seed, other draws: five rows near the boundary all getting identical vote counts
            // by chance has probability below 1e-9
            int[][] a = smoothed(11, 1000).counts(at(m, t), 300);
            int[][] b = smoothed(12, 1000).counts(at(m, t), 300);
            assertThat(a).isNotEqualTo(b);
            for (int[] row : a) {
                assertThat(row[0] + row[1]).isEqualTo(300);
            }
        }
    }

    @Test
    void closesEveryArrayItMakes() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = at(m, 0.1, 0.2);
            int before = m.getManagedArrays().size();
            SmoothedClassifier g = smoothed(0, 16);
            g.certify(x, 40, 100, 0.01);
            g.predict(x, 100, 0.01);
            g.counts(x, 50);
            assertThat(m.getManagedArrays()).hasSize(before);
        }
    }

    @Test
    void refusesBadParameters() {
        assertThatThrownBy(() -> SmoothedClassifier.builder(linear).build()).hasMessageContaining("sigma must be a positive number, got NaN");
        assertThatThrownBy(() -> SmoothedClassifier.builder(linear).sigma(0).build()).hasMessageContaining("got 0.0");
        assertThatThrownBy(() -> SmoothedClassifier.builder(linear).sigma(-1).build()).hasMessageContaining("got -1.0");
        assertThatThrownBy(() -> SmoothedClassifier.builder(linear).sigma(Double.POSITIVE_INFINITY).build())
                .hasMessageContaining("got Infinity");
        assertThatThrownBy(() -> SmoothedClassifier.builder(linear).sigma(0.1).batchSize(0).build())
                .hasMessageContaining("batch size must be >= 1, got 0");
        assertThatThrownBy(() -> SmoothedClassifier.builder(null)).hasMessageContaining("base classifier");
        SmoothedClassifier g = smoothed(0, 10);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = at(m, 0.1);
            assertThatThrownBy(() -> g.certify(x, 0, 10, 0.1)).hasMessageContaining("n0 must be >= 1, got 0");
            assertThatThrownBy(() -> g.certify(x, 1, 0, 0.1)).hasMessageContaining("n must be >= 1, got 0");
            assertThatThrownBy(() -> g.certify(x, 1, 10, 0)).hasMessageContaining("alpha must be in (0, 1), got 0.0");
            assertThatThrownBy(() -> g.predict(x, 10, 1)).hasMessageContaining("alpha must be in (0, 1), got 1.0");
            assertThatThrownBy(() -> g.predict(m.zeros(new Shape(2, D + 1)), 10, 0.1))
                    .hasMessageContaining("inputs must have shape (N, 16), got (2, 17)");
            assertThatThrownBy(() -> g.predict(m.zeros(new Shape(2, D), DataType.FLOAT64), 10, 0.1))
                    .hasMessageContaining("float32");
            assertThatThrownBy(() -> g.predict(m.full(new Shape(1, D), Float.NaN), 10, 0.1))
                    .hasMessageContaining("inputs must be finite, got NaN at row 0");
        }
    }

    private static double normalCdf(double z) {
        return org.apache.commons.statistics.distribution.NormalDistribution.of(0, 1).cumulativeProbability(z);
    }
}
