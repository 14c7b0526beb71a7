package dev.robust4j.attack.blackbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.metric.AttackSummary;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.TorchScriptClassifier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** SimBA: the algorithm replayed from its queries on a linear model, the DCT basis, and strength on the CNN. */
class SimBATest {

    private static TorchScriptClassifier cnn;
    private static Classifier blackBox;
    private static NDManager manager;

    @BeforeAll
    static void load() {
        cnn = CnnFixture.cnn();
        blackBox = CnnFixture.blackBox(cnn);
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
        cnn.close();
    }

    /**
     * Replays SimBA from the rows the model was asked to score: each sample's first query is its
     * clean input, every later one is the current state plus ε or −ε times ONE basis vector
     * (clipped), +ε first and −ε only after +ε was rejected, each direction new until the basis is
     * exhausted; a try is accepted exactly when it lowers the true class's probability (raises the
     * target's), so the accepted probabilities never go the wrong way; the returned row is the
     * last accepted state, and a sample stops once adversarial.
     */
    @ParameterizedTest(name = "{0} targeted={1}")
    @CsvSource({"pixel, false", "dct, false", "pixel, true", "dct, true"})
    void everyQueryMovesAlongOneBasisDirectionAndOnlyImprovementsAreKept(String basisName, boolean targeted) {
        SimBA.Basis basis = SimBA.Basis.parse(basisName);
        int n = 3;
        int h = 8;
        int d = h * h;
        float eps = 0.05f;
        int maxQueries = 90;
        RecordingLinearModel model = new RecordingLinearModel(3, new long[] {1, h, h}, 0.5, new float[] {2f, 0f, -1f}, 7);
        float[] x = new float[n * d];
        SplittableRandom r = new SplittableRandom(3);
        for (int s = 0; s < n; s++) {
            for (int j = 0; j < d; j++) {
                x[s * d + j] = (float) (0.3 + 0.2 * s + 0.05 * r.nextDouble());
            }
        }
        long[] labels = new long[n];
        long[] targets = new long[n];
        for (int s = 0; s < n; s++) {
            labels[s] = model.predict(Arrays.copyOfRange(x, s * d, s * d + d));
            targets[s] = (labels[s] + 1) % 3;
        }
        SimBA simba = SimBA.dct().basis(basis).epsilon(eps).maxQueries(maxQueries).freqDims(3).stride(2).seed(11);
        double[] table = Dct.table(h);
        try (NDManager m = manager.newSubManager()) {
            AttackResult res = targeted
                    ? simba.generate(model.classifier, m.create(x, new Shape(n, 1, h, h)), m.create(labels), m.create(targets))
                    : simba.generate(model.classifier, m.create(x, new Shape(n, 1, h, h)), m.create(labels));
            float[] adv = res.adversarial().toFloatArray();
            List<List<float[]>> perSample = new ArrayList<>();
            for (int s = 0; s < n; s++) {
                perSample.add(new ArrayList<>());
            }
            // Assign each query to the sample it was spent on: the nearest clean input (samples are 1.6 apart in L2).
            for (float[] row : model.rows.subList(0, model.rows.size())) {
                int nearest = 0;
                double bestDist = Double.POSITIVE_INFINITY;
                for (int s = 0; s < n; s++) {
                    double dist = 0;
                    for (int j = 0; j < d; j++) {
                        double diff = row[j] - x[s * d + j];
                        dist += diff * diff;
                    }
                    if (dist < bestDist) {
                        bestDist = dist;
                        nearest = s;
                    }
                }
                perSample.get(nearest).add(row);
            }
            // The template's clean prediction and final verdict: the first and the last n rows scored.
            for (int s = 0; s < n; s++) {
                List<float[]> q = perSample.get(s);
                q.remove(0);
                q.remove(q.size() - 1);
            }
            int accepted = 0;
            for (int s = 0; s < n; s++) {
                int cls = (int) (targeted ? targets[s] : labels[s]);
                float[] xs = Arrays.copyOfRange(x, s * d, s * d + d);
                List<float[]> q = perSample.get(s);
                assertThat(q.size()).as("queries of sample %d", s).isEqualTo((int) res.queries()[s]).isLessThanOrEqualTo(maxQueries);
                assertThat(q.get(0)).as("first query scores the clean input").isEqualTo(xs);
                float[] state = xs.clone();
                double[] delta = new double[d];
                double p = model.probability(state, cls);
                boolean done = false;
                int pendingDirection = -1;
                Set<Integer> tried = new HashSet<>();
                for (int i = 1; i < q.size(); i++) {
                    assertThat(done).as("sample %d queried after it became adversarial", s).isFalse();
                    float[] row = q.get(i);
                    // Which direction, and which sign?
                    double[] coefficients = new double[d];
                    for (int j = 0; j < d; j++) {
                        double diff = row[j] - state[j];
                        if (basis == SimBA.Basis.PIXEL) {
                            coefficients[j] = diff;
                        } else {
                            for (int c = 0; c < d; c++) {
                                coefficients[c] += diff * table[(c / h) * h + j / h] * table[(c % h) * h + j % h];
                            }
                        }
                    }
                    int dir = 0;
                    for (int c = 1; c < d; c++) {
                        if (Math.abs(coefficients[c]) > Math.abs(coefficients[dir])) {
                            dir = c;
                        }
                    }
                    double alpha = Math.signum(coefficients[dir]) * eps;
                    if (pendingDirection >= 0) {
                        assertThat(dir).as("the second try stays on the rejected direction").isEqualTo(pendingDirection);
                        assertThat(alpha).as("the second try is -eps").isNegative();
                    } else {
                        assertThat(alpha).as("the first try is +eps").isPositive();
                        if (tried.size() < d) {
                            assertThat(tried.add(dir)).as("direction %d tried again before the basis was exhausted", dir).isTrue();
                        }
                    }
                    // The row is exactly clip(x + delta + alpha q): one basis direction, nothing else.
                    double[] next = delta.clone();
                    if (basis == SimBA.Basis.PIXEL) {
                        next[dir] += alpha;
                    } else {
                        Dct.addBasis(next, 0, h, h, dir, alpha, table, table);
                    }
                    for (int j = 0; j < d; j++) {
                        float expected = (float) Math.max(0, Math.min(1, xs[j] + next[j]));
                        assertThat(row[j]).as("sample %d query %d feature %d", s, i, j).isCloseTo(expected, within(2e-6f));
                    }
                    double pRow = model.probability(row, cls);
                    boolean better = targeted ? pRow > p : pRow < p;
                    if (better) {
                        assertThat(targeted ? pRow >= p : pRow <= p).isTrue();
                        p = pRow;
                        state = row;
                        delta = next;
                        accepted++;
                        pendingDirection = -1;
                        int predicted = model.predict(row);
                        done = targeted ? predicted == targets[s] : predicted != labels[s];
                    } else {
                        pendingDirection = alpha > 0 ? dir : -1;
                    }
                }
                assertThat(Arrays.copyOfRange(adv, s * d, s * d + d)).as("the result is the last accepted state").isEqualTo(state);
                assertThat(res.success()[s]).isEqualTo(done);
                if (!done) {
                    assertThat(res.queries()[s]).isEqualTo(maxQueries);
                }
            }
            assertThat(accepted).as("steps accepted over all samples").isGreaterThan(20);
            BlackBoxChecks.checkContract(model.classifier, x, res, Optional.empty(), maxQueries);
        }
    }

    @Test
    void dctBasisIsOrthonormal() {
        for (int[] chw : new int[][] {{1, 8, 8}, {2, 6, 5}}) {
            int d = chw[0] * chw[1] * chw[2];
            double[] rows = Dct.table(chw[1]);
            double[] cols = Dct.table(chw[2]);
            double[][] basis = new double[d][];
            for (int c = 0; c < d; c++) {
                basis[c] = new double[d];
                Dct.addBasis(basis[c], 0, chw[1], chw[2], c, 1.0, rows, cols);
            }
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    double dot = 0;
                    for (int j = 0; j < d; j++) {
                        dot += basis[a][j] * basis[b][j];
                    }
                    assertThat(dot).as("<q%d, q%d>", a, b).isCloseTo(a == b ? 1.0 : 0.0, within(1e-12));
                }
            }
            // The closed form: channel 1, frequency (u, v) = (2, 3), pixel (4, 1) of a 6x5 image.
            if (chw[0] == 2) {
                int coefficient = (1 * 6 + 2) * 5 + 3;
                double expected = Math.sqrt(2.0 / 6) * Math.cos(Math.PI * 9 * 2 / 12) * Math.sqrt(2.0 / 5) * Math.cos(Math.PI * 3 * 3 / 10);
                assertThat(basis[coefficient][30 + 4 * 5 + 1]).isCloseTo(expected, within(1e-12));
                assertThat(basis[coefficient][4 * 5 + 1]).isZero();
            }
        }
    }

    @Test
    void blockOrderVisitsLowFrequenciesFirstThenBandsOfStride() {
        int[] order = Dct.blockOrder(2, 8, 8, 2, 3, new SplittableRandom(4));
        assertThat(Arrays.stream(order).sorted().toArray()).isEqualTo(java.util.stream.IntStream.range(0, 128).toArray());
        int[][] bands = {{0, 2}, {2, 5}, {5, 8}};
        int at = 0;
        for (int[] band : bands) {
            int size = 2 * (band[1] * band[1] - band[0] * band[0]);
            for (int i = at; i < at + size; i++) {
                int u = order[i] / 8 % 8;
                int v = order[i] % 8;
                assertThat(Math.max(u, v)).as("entry %d", i).isGreaterThanOrEqualTo(band[0]).isLessThan(band[1]);
            }
            at += size;
        }
        assertThat(Dct.blockOrder(2, 8, 8, 2, 3, new SplittableRandom(5))).isNotEqualTo(order);
        // A non-square image still gets every coefficient once.
        assertThat(Arrays.stream(Dct.blockOrder(3, 5, 9, 2, 2, new SplittableRandom(1))).sorted().toArray())
                .isEqualTo(java.util.stream.IntStream.range(0, 135).toArray());
    }

    @Test
    void successRateGrowsWithMaxQueriesOnTheCnn() {
        int n = 48;
        double previous = -1;
        double first = -1;
        boolean[] broken = new boolean[n];
        long[] queriesAtSuccess = new long[n];
        for (int budget : new int[] {30, 100, 300}) {
            SimBA simba = SimBA.dct().maxQueries(budget);
            try (NDManager m = manager.newSubManager();
                    AttackResult r = simba.generate(blackBox, CnnFixture.x(m, n), CnnFixture.y(m, n))) {
                BlackBoxChecks.checkContract(blackBox, Arrays.copyOf(CnnFixture.X, n * 784), r, Optional.empty(), budget);
                double sr = AttackSummary.of(r).successRate();
                assertThat(sr).as("SR with %d queries", budget).isGreaterThanOrEqualTo(previous);
                for (int i = 0; i < n; i++) {
                    if (broken[i]) {
                        assertThat(r.success()[i]).as("sample %d stays broken with more queries", i).isTrue();
                        assertThat(r.queries()[i]).isEqualTo(queriesAtSuccess[i]);
                    }
                    broken[i] = r.success()[i];
                    queriesAtSuccess[i] = r.queries()[i];
                }
                if (first < 0) {
                    first = sr;
                }
                previous = sr;
            }
        }
        // Regression pin (robust4j's own figure on this fixture): 0.649 with 300 queries (24 of 37;
        // 0.973 with 1,000). The threshold leaves three samples of slack: 21 of 37.
        assertThat(previous).as("SR with 300 queries").isGreaterThan(first).isGreaterThanOrEqualTo(21 / 37.0);
    }

    @Test
    void pixelBasisAndTargetedAttackOnTheCnn() {
        int n = 16;
        try (NDManager m = manager.newSubManager();
                AttackResult r = SimBA.pixel().maxQueries(400).generate(blackBox, CnnFixture.x(m, n), CnnFixture.y(m, n));
                AttackResult t = SimBA.dct().maxQueries(1000)
                        .generate(blackBox, CnnFixture.x(m, n), CnnFixture.y(m, n), CnnFixture.nextClass(m, n))) {
            float[] x = Arrays.copyOf(CnnFixture.X, n * 784);
            BlackBoxChecks.checkContract(blackBox, x, r, Optional.empty(), 400);
            BlackBoxChecks.checkContract(blackBox, x, t, Optional.empty(), 1000);
            assertThat(AttackSummary.of(r).successRate()).isGreaterThan(0.5);
            // Measured: 0.857 (targeted SimBA-DCT needs ~560 queries on average here).
            assertThat(AttackSummary.of(t).successRate()).isGreaterThan(0.6);
            // Pixel SimBA changes one feature per accepted step: L0 is at most the queries spent.
            for (int i = 0; i < n; i++) {
                assertThat(r.l0()[i]).isLessThanOrEqualTo(r.queries()[i]);
            }
        }
    }

    @Test
    void sameSeedSameResult() {
        int n = 8;
        SimBA simba = SimBA.dct().maxQueries(50).seed(3);
        try (NDManager m = manager.newSubManager();
                AttackResult a = simba.generate(blackBox, CnnFixture.x(m, n), CnnFixture.y(m, n));
                AttackResult b = simba.generate(blackBox, CnnFixture.x(m, n), CnnFixture.y(m, n));
                AttackResult c = simba.seed(4).generate(blackBox, CnnFixture.x(m, n), CnnFixture.y(m, n))) {
            assertThat(a.adversarial().toFloatArray()).isEqualTo(b.adversarial().toFloatArray());
            assertThat(a.queries()).isEqualTo(b.queries());
            assertThat(a.adversarial().toFloatArray()).isNotEqualTo(c.adversarial().toFloatArray());
        }
    }

    @Test
    void refusesBadParameters() {
        assertThatThrownBy(() -> SimBA.dct().epsilon(-1f)).hasMessage("epsilon must be a positive number, got -1.0");
        assertThatThrownBy(() -> SimBA.dct().maxQueries(0)).hasMessage("max-queries must be >= 1, got 0");
        assertThatThrownBy(() -> SimBA.dct().freqDims(0)).hasMessage("freq-dims must be >= 1, got 0");
        assertThatThrownBy(() -> SimBA.dct().stride(0)).hasMessage("stride must be >= 1, got 0");
        assertThatThrownBy(() -> SimBA.Basis.parse("wavelet")).hasMessage("basis must be pixel or dct, got 'wavelet'");
        assertThat(SimBA.dct().effectiveFreqDims(224)).isEqualTo(28);
        assertThat(SimBA.dct().effectiveStride(224)).isEqualTo(7);
        assertThat(SimBA.dct().effectiveFreqDims(28)).isEqualTo(4);
        assertThat(SimBA.dct().effectiveStride(28)).isEqualTo(1);
    }
}
