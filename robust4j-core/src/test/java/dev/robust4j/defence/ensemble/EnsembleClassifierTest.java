package dev.robust4j.defence.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Attacks;
import dev.robust4j.defence.ensemble.EnsembleClassifier.Aggregation;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.DifferentiableClassifier;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.FunctionClassifier;
import dev.robust4j.model.Objectives;
import dev.robust4j.testing.LinearModels;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EnsembleClassifierTest {

    private static final int K = 3;
    private static final int D = 5;
    private static BlockClassifier a;
    private static BlockClassifier b;
    private static float[] wa;
    private static float[] wb;

    @BeforeAll
    static void models() {
        wa = LinearModels.randomWeights(K, D, 1.0, 1);
        wb = LinearModels.randomWeights(K, D, 2.0, 2);
        a = LinearModels.softmax(wa, new float[K], D);
        b = LinearModels.softmax(wb, new float[] {0.3f, 0f, -0.3f}, D);
    }

    @AfterAll
    static void close() {
        a.close();
        b.close();
    }

    private static double[] softmax(float[] w, float[] bias, float[] x) {
        double[] z = new double[K];
        double max = -1e9;
        for (int k = 0; k < K; k++) {
            z[k] = bias[k];
            for (int j = 0; j < D; j++) {
                z[k] += w[k * D + j] * x[j];
            }
            max = Math.max(max, z[k]);
        }
        double s = 0;
        for (int k = 0; k < K; k++) {
            z[k] = Math.exp(z[k] - max);
            s += z[k];
        }
        for (int k = 0; k < K; k++) {
            z[k] /= s;
        }
        return z;
    }

    @Test
    void meanAggregationIsTheWeightedMeanOfProbabilities() {
        float[] x = {0.1f, 0.5f, 0.9f, 0.3f, 0.7f};
        EnsembleClassifier e = EnsembleClassifier.of(List.of(a, b), new float[] {1, 3}, Aggregation.MEAN);
        assertThat(e).isInstanceOf(DifferentiableClassifier.class);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] logits = e.predict(m.create(x, new Shape(1, D))).toFloatArray();
            double[] pa = softmax(wa, new float[K], x);
            double[] pb = softmax(wb, new float[] {0.3f, 0f, -0.3f}, x);
            for (int k = 0; k < K; k++) {
                assertThat(Math.exp(logits[k])).isCloseTo(0.25 * pa[k] + 0.75 * pb[k], offset(1e-6));
            }
        }
    }

    @Test
    void meanEnsembleGradientMatchesFiniteDifferences() {
        EnsembleClassifier e = EnsembleClassifier.of(List.of(a, b), null, Aggregation.MEAN);
        DifferentiableClassifier d = (DifferentiableClassifier) e;
        float[] x = {0.2f, 0.4f, 0.6f, 0.8f, 0.5f, 0.3f, 0.3f, 0.9f, 0.1f, 0.6f};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = m.create(new long[] {1, 2});
            float[] g;
            try (Evaluation ev = d.evaluate(m.create(x, new Shape(2, D)), Objectives.crossEntropy(), y)) {
                g = ev.gradient().toFloatArray();
            }
            float h = 1e-3f;
            for (int i = 0; i < x.length; i++) {
                float[] plus = x.clone();
                float[] minus = x.clone();
                plus[i] += h;
                minus[i] -= h;
                double fp = total(d, m, plus, y);
                double fm = total(d, m, minus, y);
                assertThat((double) g[i]).as("d/dx[%d]", i).isCloseTo((fp - fm) / (2 * h), offset(1e-3));
            }
            // A white-box attack runs against the ensemble itself.
            try (AttackResult r = Attacks.pgd(0.3f).steps(20).generate(e, m.create(x, new Shape(2, D)), y)) {
                assertThat(r.adversarial().getShape()).isEqualTo(new Shape(2, D));
            }
        }
    }

    private static double total(DifferentiableClassifier d, NDManager m, float[] x, NDArray y) {
        try (NDManager s = m.newSubManager(); Evaluation ev = d.evaluate(s.create(x, new Shape(2, D)), Objectives.crossEntropy(), y)) {
            float[] v = ev.values().toFloatArray();
            return v[0] + (double) v[1];
        }
    }

    @Test
    void voteCountsWeightedArgMaxes() {
        FunctionClassifier zero = FunctionClassifier.of(batch -> rows(batch.length, 0), K, D);
        FunctionClassifier two = FunctionClassifier.of(batch -> rows(batch.length, 2), K, D);
        EnsembleClassifier vote = EnsembleClassifier.of(List.of(zero, two, two), new float[] {2, 1, 0.5f}, Aggregation.VOTE);
        assertThat(vote).isNotInstanceOf(DifferentiableClassifier.class);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] s = vote.predict(m.zeros(new Shape(1, D))).toFloatArray();
            assertThat(s[0]).isCloseTo(2f / 3.5f, offset(1e-6f));
            assertThat(s[1]).isZero();
            assertThat(s[2]).isCloseTo(1.5f / 3.5f, offset(1e-6f));
        }
        // Mean over a black-box member is not differentiable either.
        assertThat(EnsembleClassifier.of(List.of(a, zero), null, Aggregation.MEAN)).isNotInstanceOf(DifferentiableClassifier.class);
    }

    private static float[][] rows(int n, int k) {
        float[][] out = new float[n][K];
        for (float[] r : out) {
            r[k] = 5f;
        }
        return out;
    }

    @Test
    void membersMustAgree() {
        try (BlockClassifier other = LinearModels.softmax(LinearModels.randomWeights(4, D, 1, 3), new float[4], D)) {
            assertThatThrownBy(() -> EnsembleClassifier.of(List.of(a, other), null, Aggregation.MEAN))
                    .hasMessageContaining("ensemble member 1");
        }
        assertThatThrownBy(() -> EnsembleClassifier.of(List.of(a), null, Aggregation.MEAN))
                .hasMessage("an ensemble needs at least 2 members, got 1");
        assertThatThrownBy(() -> EnsembleClassifier.of(List.of(a, b), new float[] {1, -1}, Aggregation.MEAN))
                .hasMessageContaining("weights must be finite and >= 0");
    }
}
