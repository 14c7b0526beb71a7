package dev.robust4j.evaluate;

import dev.robust4j.attack.ModelAccess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.Norm;
import dev.robust4j.data.Dataset;
import dev.robust4j.defence.detect.AdversarialDetector;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.DifferentiableClassifier;
import dev.robust4j.model.FunctionClassifier;
import dev.robust4j.model.LabelOnlyClassifier;
import dev.robust4j.testing.LinearModels;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pool's arithmetic against closed forms. On a two-class linear model {@code z = W x + b}
 * with inputs away from the bounds, FGSM at L∞ budget eps lowers the true class's margin by
 * exactly {@code eps * ||w_y - w_o||_1}, so the broken samples are known in advance.
 */
class AttackPoolTest {

    private static final int D = 16;
    private static final int N = 200;
    private static final float[] W = LinearModels.randomWeights(2, D, 1.0, 7);
    private static final float[] B = {0.05f, -0.05f};
    private static BlockClassifier model;
    private static Dataset data;
    private static double l1;
    private static float[] margin;

    @BeforeAll
    static void setUp() {
        model = LinearModels.softmax(W, B, D);
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[N * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.3 + 0.4 * r.nextDouble());
        }
        int[] labels = new int[N];
        margin = new float[N];
        for (int i = 0; i < N; i++) {
            double z0 = B[0];
            double z1 = B[1];
            for (int j = 0; j < D; j++) {
                z0 += W[j] * x[i * D + j];
                z1 += W[D + j] * x[i * D + j];
            }
            int predicted = z0 >= z1 ? 0 : 1;
            // every tenth sample gets the other label: the model is wrong there before any attack
            labels[i] = i % 10 == 0 ? 1 - predicted : predicted;
            margin[i] = (float) Math.abs(z0 - z1);
        }
        for (int j = 0; j < D; j++) {
            l1 += Math.abs(W[j] - W[D + j]);
        }
        data = new Dataset(x, new long[] {D}, labels, List.of("left", "right"), "linear blobs");
    }

    @AfterAll
    static void tearDown() {
        model.close();
    }

    /** The samples FGSM at eps must break: correct before, margin below eps times the L1 norm. */
    private static boolean[] expectedBroken(double eps) {
        boolean[] out = new boolean[N];
        for (int i = 0; i < N; i++) {
            out[i] = i % 10 != 0 && margin[i] < eps * l1;
        }
        return out;
    }

    private static double fraction(boolean[] b) {
        int c = 0;
        for (boolean v : b) {
            c += v ? 1 : 0;
        }
        return c / (double) b.length;
    }

    @Test
    void worstCaseIsTheUnionOfTheAttacksBrokenSamples() {
        float small = 0.01f;
        float large = 0.03f;
        boolean[] expectSmall = expectedBroken(small);
        boolean[] expectLarge = expectedBroken(large);
        // the budgets are chosen so that the two attacks break different numbers of samples
        assertThat(fraction(expectSmall)).isGreaterThan(0.05).isLessThan(fraction(expectLarge));
        assertThat(fraction(expectLarge)).isLessThan(0.8);

        PoolResult r = AttackPool.of(Attacks.fgsm(small), Attacks.fgsm(large)).run(model, data);

        assertThat(r.cleanAccuracy()).isCloseTo(0.9, within(1e-9));
        assertThat(r.attacks()).extracting(AttackOutcome::label)
                .containsExactly("fgsm linf eps=0.01", "fgsm linf eps=0.03");
        AttackOutcome a = r.attacks().get(0);
        AttackOutcome b = r.attacks().get(1);
        assertThat(a.successRate()).isCloseTo(fraction(expectSmall) / 0.9, within(1e-9));
        assertThat(b.successRate()).isCloseTo(fraction(expectLarge) / 0.9, within(1e-9));
        assertThat(a.robustAccuracy()).isCloseTo(0.9 - fraction(expectSmall), within(1e-9));
        assertThat(r.broken()).containsExactly(expectLarge);
        assertThat(r.successRate()).isEqualTo(b.successRate());
        assertThat(r.robustAccuracy()).isCloseTo(0.9 - fraction(expectLarge), within(1e-9));
        assertThat(a.linfMax()).isCloseTo(small, within(1e-6));
        assertThat(a.detectedRate()).isNaN();
        assertThat(a.kind()).isEqualTo(ModelAccess.GRADIENTS);
    }

    @Test
    void examplesAreTheSmallestBrokenPerturbationsWithTheirPixels() {
        PoolResult r = AttackPool.of(Attacks.fgsm(0.03f), Attacks.pgd(Norm.L2, 0.05f).steps(10)).run(model, data);
        assertThat(r.examples()).hasSize(AttackPool.DEFAULT_EXAMPLES);
        float previous = 0;
        for (Example e : r.examples()) {
            assertThat(r.broken()[e.index()]).isTrue();
            assertThat(e.l2()).isGreaterThanOrEqualTo(previous);
            previous = e.l2();
            assertThat(e.adversarialPrediction()).isNotEqualTo(e.label());
            assertThat(e.cleanPrediction()).isEqualTo(e.label());
            double l2 = 0;
            for (int j = 0; j < D; j++) {
                assertThat(e.clean()[j]).isEqualTo(data.features()[e.index() * D + j]);
                double d = e.adversarial()[j] - e.clean()[j];
                l2 += d * d;
            }
            assertThat(Math.sqrt(l2)).isCloseTo(e.l2(), within(1e-4));
        }
    }

    @Test
    void aDetectorStopsTheAdversarialsItFlagsAndChargesTheCleanOnesItFlags() {
        // flags every input whose first feature is above 0.5: a detector with a known verdict
        AdversarialDetector firstFeature = new AdversarialDetector() {
            @Override
            public boolean[] detect(NDArray x) {
                float[] v = x.toFloatArray();
                boolean[] out = new boolean[(int) x.getShape().get(0)];
                for (int i = 0; i < out.length; i++) {
                    out[i] = v[i * D] > 0.5f;
                }
                return out;
            }

            @Override
            public String description() {
                return "first feature > 0.5";
            }
        };
        float eps = 0.03f;
        PoolResult r = AttackPool.of(Attacks.fgsm(eps)).run(model, data, firstFeature, 64, 4, null);

        float[] x = data.features();
        boolean[] eligible = new boolean[N];
        boolean[] broken = new boolean[N];
        int fooled = 0;
        int fooledAndFlagged = 0;
        float shift = Math.signum(W[D] - W[0]); // FGSM moves feature 0 towards the other class
        for (int i = 0; i < N; i++) {
            eligible[i] = i % 10 != 0 && !(x[i * D] > 0.5f);
            boolean misclassified = eligible[i] && margin[i] < eps * l1;
            int label = data.labels()[i];
            float moved = x[i * D] + eps * (label == 0 ? shift : -shift);
            boolean flagged = moved > 0.5f;
            broken[i] = misclassified && !flagged;
            fooled += misclassified ? 1 : 0;
            fooledAndFlagged += misclassified && flagged ? 1 : 0;
        }
        assertThat(r.cleanAccuracy()).isCloseTo(fraction(eligible), within(1e-9));
        assertThat(r.broken()).containsExactly(broken);
        AttackOutcome o = r.attacks().get(0);
        assertThat(o.detectedRate()).isCloseTo(fooledAndFlagged / (double) fooled, within(1e-9));
        assertThat(o.successRate()).isCloseTo(fraction(broken) / fraction(eligible), within(1e-9));
        assertThat(r.examples()).hasSizeLessThanOrEqualTo(4);
    }

    @Test
    void attacksTheModelCannotServeAreSkippedWithTheReason() {
        Classifier scoresOnly = FunctionClassifier.of(rows -> {
            float[][] out = new float[rows.length][2];
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < D; j++) {
                    out[i][0] += W[j] * rows[i][j];
                    out[i][1] += W[D + j] * rows[i][j];
                }
                out[i][0] += B[0];
                out[i][1] += B[1];
            }
            return out;
        }, 2, D);
        PoolResult r = AttackPool.of(Attacks.fgsm(0.03f)).run(scoresOnly, data);
        assertThat(r.attacks().get(0).skipped()).contains("needs gradients");
        assertThat(r.successRate()).isNaN();
        assertThat(r.cleanAccuracy()).isCloseTo(0.9, within(1e-9));

        Classifier labels = LabelOnlyClassifier.of(scoresOnly);
        PoolResult q = AttackPool.parse(List.of("square:eps=0.03,max-queries=20"), null).run(labels, data);
        assertThat(q.attacks().get(0).skipped()).contains("needs scores");
    }

    @Test
    void theBlackBoxThreatModelRefusesGradientAttacksAndHidesGradients() {
        assertThat(ThreatModel.BLACK_BOX.refusal(Attacks.pgd(0.1f), model)).contains("pgd needs gradients");
        assertThat(ThreatModel.WHITE_BOX.refusal(Attacks.pgd(0.1f), model)).isNull();
        assertThat(ThreatModel.BLACK_BOX.view(model)).isNotInstanceOf(DifferentiableClassifier.class);
        assertThat(ThreatModel.WHITE_BOX.view(model)).isSameAs(model);
        assertThat(ThreatModel.parse("Black_Box")).isEqualTo(ThreatModel.BLACK_BOX);
        assertThatThrownBy(() -> ThreatModel.parse("grey-box"))
                .hasMessageContaining("white-box or black-box, got 'grey-box'");
    }

    @Test
    void badPoolsAndArgumentsAreRefusedByName() {
        assertThatThrownBy(() -> AttackPool.of(List.of())).hasMessageContaining("at least one attack");
        assertThatThrownBy(() -> AttackPool.parse(List.of("pgd:eps=banana"), null))
                .hasMessageContaining("attack 'pgd:eps=banana'");
        assertThat(AttackPool.of(Attacks.fgsm(0.1f), Attacks.fgsm(0.1f)).entries())
                .extracting(AttackPool.Entry::label).containsExactly("fgsm linf eps=0.1", "fgsm linf eps=0.1 #2");
        AttackPool pool = AttackPool.of(Attacks.fgsm(0.1f));
        assertThatThrownBy(() -> pool.run(model, data, null, 0, 1, null)).hasMessageContaining("batch size must be >= 1, got 0");
        Dataset wrong = new Dataset(new float[8], new long[] {8}, new int[1], List.of(), "eight");
        assertThatThrownBy(() -> pool.run(model, wrong)).hasMessageContaining("eight: samples have shape [8]");
    }
}
