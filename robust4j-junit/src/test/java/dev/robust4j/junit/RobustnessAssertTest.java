package dev.robust4j.junit;

import static dev.robust4j.junit.RobustnessAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.djl.ndarray.NDArray;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.attack.blackbox.SquareAttack;
import dev.robust4j.data.Dataset;
import dev.robust4j.defence.detect.AdversarialDetector;
import dev.robust4j.evaluate.AttackPool;
import dev.robust4j.evaluate.ThreatModel;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.FunctionClassifier;
import dev.robust4j.model.QueryCounter;

import java.util.List;
import java.util.regex.Pattern;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;

/**
 * The assertions on {@link MeanThresholdModel}, where every number is known in closed form. Sample
 * {@code i} is a 2×2 image whose pixels all equal {@code V[i]}; the label is {@code high} iff
 * {@code V[i] > 0.5}, except sample 6, which the model gets wrong. An L∞ attack of radius ε can break
 * exactly the correctly classified samples with {@code |V − 0.5| < ε}:
 *
 * <ul>
 *   <li>ε = 0.05 breaks samples 5 and 9: SR 2/9, robust accuracy 7/10, L2 0.1;
 *   <li>ε = 0.1 breaks samples 2, 3, 5 and 9: SR 4/9, robust accuracy 5/10, L2 0.2.
 * </ul>
 */
class RobustnessAssertTest {

    private static final float[] V = {0.90f, 0.10f, 0.57f, 0.43f, 0.30f, 0.52f, 0.80f, 0.85f, 0.20f, 0.47f};
    private static final int[] LABELS = {1, 0, 1, 0, 0, 1, 0, 1, 0, 0};
    private static final Dataset DATA = data(LABELS);
    private static final EvasionAttack FGSM_05 = Attacks.fgsm(0.05f);
    private static final EvasionAttack FGSM_10 = Attacks.fgsm(0.1f);

    private final Classifier model = new MeanThresholdModel();

    private static Dataset data(int[] labels) {
        float[] x = new float[V.length * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = V[i / 4];
        }
        return new Dataset(x, new long[] {1, 2, 2}, labels, List.of("low", "high"), "mean-threshold data");
    }

    @Test
    void passesWhenEveryNumberMeetsItsBound() {
        assertThatCode(() -> assertThat(model).on(DATA)
                        .under(FGSM_05)
                        .hasSuccessRateAtMost(2.0 / 9)
                        .hasRobustAccuracyAtLeast(0.7)
                        .hasCleanAccuracyAtLeast(0.9))
                .doesNotThrowAnyException();
    }

    @Test
    void failsJustPastEachBound() {
        assertThatThrownBy(() -> assertThat(model).on(DATA).under(FGSM_05).hasSuccessRateAtMost(0.22))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertThat(model).on(DATA).under(FGSM_05).hasRobustAccuracyAtLeast(0.71))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("robust accuracy")
                .hasMessageContaining("at least 0.71, but it was 0.700 (7 of 10 samples)");
        assertThatThrownBy(() -> assertThat(model).on(DATA).hasCleanAccuracyAtLeast(0.91))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("clean accuracy of mean-threshold model on mean-threshold data")
                .hasMessageContaining("at least 0.91, but it was 0.900 (9 of 10 samples)");
    }

    @Test
    void failureListsEveryAttackAndTheWorstExamples() {
        AssertionFailedError e = catchThrowableOfType(
                AssertionFailedError.class,
                () -> assertThat(model).on(DATA).under(FGSM_05, FGSM_10).hasSuccessRateAtMost(0.4));

        assertThat(e.getActual().getValue()).isEqualTo(4.0 / 9);
        assertThat(e.getExpected().getValue()).isEqualTo(0.4);
        String m = e.getMessage();
        assertThat(m)
                .contains("Expecting the worst-case success rate of mean-threshold model on mean-threshold data"
                        + " (10 samples, white-box threat model) to be at most 0.4, but it was 0.444"
                        + " (4 of 9 correctly classified samples broken).")
                .contains("clean accuracy 0.900");
        // label, SR, robust accuracy, median L2 (2ε), max L∞ (ε)
        assertThat(m).containsPattern("fgsm linf eps=0.05 +0.222 +0.700 +0.100 +0.050");
        assertThat(m).containsPattern("fgsm linf eps=0.1 +0.444 +0.500 +0.200 +0.100");
        assertThat(m).containsPattern("worst case over the pool +0.444 +0.500");
        // index, true label, adversarial prediction, attack, L2, L∞
        assertThat(m).containsPattern(" +5 +high \\(1\\) +low \\(0\\) +fgsm linf eps=0.05 +0.100 +0.050");
        assertThat(m).containsPattern(" +9 +low \\(0\\) +high \\(1\\) +fgsm linf eps=0.05 +0.100 +0.050");
        assertThat(m).containsPattern(" +2 +high \\(1\\) +low \\(0\\) +fgsm linf eps=0.1 +0.200 +0.100");
        assertThat(m).containsPattern(" +3 +low \\(0\\) +high \\(1\\) +fgsm linf eps=0.1 +0.200 +0.100");
        // Samples 5 and 9 fell to ε = 0.05, the smaller perturbation, and come first (their order
        // depends on float rounding of equal L2 norms).
        assertThat(m).containsPattern(Pattern.compile(
                "index +true label +adversarial prediction +attack +L2 +L∞\\R"
                        + "( +[59] .*eps=0.05 .*\\R){2}"
                        + "( +[23] .*eps=0.1 .*(\\R|$)){2}"));
    }

    @Test
    void failureMessageCarriesTheTestsDescription() {
        assertThatThrownBy(() -> assertThat(model).as("release gate").on(DATA).under(FGSM_10).hasSuccessRateAtMost(0.1))
                .hasMessageStartingWith("[release gate] Expecting the worst-case success rate");
    }

    @Test
    void examplesSetsHowManyBrokenSamplesAreListed() {
        assertThatThrownBy(() -> assertThat(model).on(DATA).under(FGSM_10).examples(1).hasSuccessRateAtMost(0.1))
                .hasMessageContaining("fgsm linf eps=0.1")
                .satisfies(e -> assertThat(e.getMessage().lines().filter(l -> l.matches(" +\\d+ +(low|high) .*")))
                        .hasSize(1));
        assertThatThrownBy(() -> assertThat(model).on(DATA).under(FGSM_10).examples(0).hasSuccessRateAtMost(0.1))
                .hasMessageNotContaining("worst examples");
    }

    @Test
    void attacksRunOncePerChain() {
        QueryCounter counter = QueryCounter.wrap(model);
        RobustnessAssert chain = assertThat(counter).on(DATA).under(FGSM_05, FGSM_10).hasSuccessRateAtMost(0.5);
        long afterFirst = counter.queries();
        assertThat(afterFirst).isGreaterThan(0);

        chain.hasRobustAccuracyAtLeast(0.5).hasCleanAccuracyAtLeast(0.9).hasSuccessRateAtMost(0.45);
        assertThat(chain.poolResult().successRate()).isEqualTo(4.0 / 9);
        assertThat(counter.queries()).isEqualTo(afterFirst);

        // A change of configuration discards the result: the next assertion runs the attacks again.
        chain.limit(5).hasSuccessRateAtMost(0.5);
        assertThat(counter.queries()).isGreaterThan(afterFirst);
        assertThat(chain.poolResult().samples()).isEqualTo(5);
    }

    @Test
    void cleanAccuracyAloneMakesOnlyCleanPredictionsOnce() {
        QueryCounter counter = QueryCounter.wrap(model);
        RobustnessAssert chain = assertThat(counter).on(DATA).batchSize(3).hasCleanAccuracyAtLeast(0.9);
        assertThat(counter.queries()).isEqualTo(10);
        assertThat(counter.calls()).isEqualTo(4);
        chain.hasCleanAccuracyAtLeast(0.85);
        assertThat(counter.queries()).isEqualTo(10);
    }

    @Test
    void blackBoxRefusesGradientAttacksBeforeAnyQuery() {
        QueryCounter counter = QueryCounter.wrap(model);
        RobustnessAssert chain = assertThat(counter).on(DATA)
                .threatModel(ThreatModel.BLACK_BOX)
                .under(SquareAttack.linf(0.1f), FGSM_10);

        assertThatThrownBy(() -> chain.hasSuccessRateAtMost(0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attack fgsm needs gradients, which the black-box threat model does not give");
        assertThat(counter.queries()).isZero();
    }

    @Test
    void blackBoxAttacksStayWithinTheClosedFormBound() {
        // No attack inside the L∞ ball of 0.1 can break more than samples 2, 3, 5 and 9.
        RobustnessAssert chain = assertThat(model).on(DATA)
                .threatModel(ThreatModel.BLACK_BOX)
                .under(SquareAttack.linf(0.1f).maxQueries(200))
                .hasSuccessRateAtMost(4.0 / 9)
                .hasRobustAccuracyAtLeast(0.5);
        assertThat(chain.poolResult().attacks().get(0).ran()).isTrue();
    }

    @Test
    void gradientAttackOnModelWithoutGradientsIsRefused() {
        FunctionClassifier blackBox = FunctionClassifier.of(batch -> new float[batch.length][2], 2, 1, 2, 2);
        assertThatThrownBy(() -> assertThat(blackBox).on(DATA).under(FGSM_10).hasSuccessRateAtMost(0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attack fgsm needs gradients and black-box function gives none")
                .hasMessageContaining("ThreatModel.BLACK_BOX");
    }

    /** Flags every input whose mean pixel is within 0.05 of the model's threshold. */
    private static final AdversarialDetector NEAR_THRESHOLD = new AdversarialDetector() {
        @Override
        public boolean[] detect(NDArray x) {
            try (NDArray mean = x.reshape(x.getShape().get(0), -1).mean(new int[] {1})) {
                float[] m = mean.toFloatArray();
                boolean[] flags = new boolean[m.length];
                for (int i = 0; i < m.length; i++) {
                    flags[i] = Math.abs(m[i] - 0.5f) < 0.05f;
                }
                return flags;
            }
        }

        @Override
        public String description() {
            return "near-threshold detector";
        }
    };

    @Test
    void detectorStopsFlaggedAdversarialsAndCostsTheCleanSamplesItFlags() {
        // It flags clean samples 5 and 9 (errors now) and the adversarials of 2 and 3 (mean 0.47, 0.53).
        RobustnessAssert chain = assertThat(model).on(DATA)
                .guardedBy(NEAR_THRESHOLD)
                .under(FGSM_10)
                .hasSuccessRateAtMost(0.0)
                .hasRobustAccuracyAtLeast(0.7)
                .hasCleanAccuracyAtLeast(0.7);
        assertThat(chain.poolResult().attacks().get(0).detectedRate()).isEqualTo(1.0);
        assertThatThrownBy(() -> chain.hasCleanAccuracyAtLeast(0.8))
                .hasMessageContaining("guarded by near-threshold detector")
                .hasMessageContaining("0.700 (7 of 10 samples; a clean sample the detector flags counts as an error)")
                .hasMessageContaining("detected");
        assertThatThrownBy(() -> assertThat(model).on(DATA).guardedBy(NEAR_THRESHOLD).hasCleanAccuracyAtLeast(0.8))
                .hasMessageContaining("(7 of 10 samples; a clean sample the detector flags counts as an error)");
    }

    @Test
    void undefinedSuccessRateFails() {
        int[] wrong = new int[V.length];
        for (int i = 0; i < V.length; i++) {
            wrong[i] = V[i] > 0.5f ? 0 : 1;
        }
        assertThatThrownBy(() -> assertThat(model).on(data(wrong)).under(FGSM_10).hasSuccessRateAtMost(1.0))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("it is undefined: the model classifies none of the 10 samples correctly");
    }

    @Test
    void nullModelFailsAsAssertJDoes() {
        assertThatThrownBy(() -> assertThat((Classifier) null).on(DATA).hasCleanAccuracyAtLeast(0.5))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expecting actual not to be null");
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, 1.5, Double.NaN})
    void thresholdsOutsideTheUnitIntervalAreRefused(double bound) {
        RobustnessAssert chain = assertThat(model).on(DATA).under(FGSM_05);
        assertRefused(() -> chain.hasSuccessRateAtMost(bound), "maxSuccessRate must be in [0, 1], got " + bound);
        assertRefused(() -> chain.hasRobustAccuracyAtLeast(bound), "minRobustAccuracy must be in [0, 1], got " + bound);
        assertRefused(() -> chain.hasCleanAccuracyAtLeast(bound), "minCleanAccuracy must be in [0, 1], got " + bound);
    }

    @Test
    void badOptionsAreRefused() {
        RobustnessAssert chain = assertThat(model);
        assertRefused(() -> chain.batchSize(0), "batchSize must be >= 1, got 0");
        assertRefused(() -> chain.limit(0), "limit must be >= 1, got 0");
        assertRefused(() -> chain.examples(-1), "examples must be >= 0, got -1");
        assertRefused(() -> chain.under(), "under(...) needs at least one attack, got none");
        assertRefused(() -> chain.under(FGSM_05, null), "attack 2 of the 2 given to under(...) is null");
        assertRefused(() -> chain.under((AttackPool) null), "pool must not be null");
        assertRefused(() -> chain.threatModel(null), "threatModel must not be null");
        assertRefused(() -> chain.guardedBy(null), "detector must not be null");
    }

    @Test
    void badDataIsRefused() {
        RobustnessAssert chain = assertThat(model);
        assertRefused(() -> chain.on(null), "data must not be null");
        Dataset unlabelled = new Dataset(new float[8], new long[] {1, 2, 2}, null, List.of(), "unlabelled.npy");
        assertRefused(() -> chain.on(unlabelled),
                "unlabelled.npy: robustness assertions need labelled samples, and this data has no labels");
        Dataset empty = new Dataset(new float[0], new long[] {1, 2, 2}, new int[0], List.of(), "empty.npy");
        assertRefused(() -> chain.on(empty),
                "empty.npy: data must hold at least one sample, got none");
        assertRefused(() -> chain.on(new Dataset(new float[8], new long[] {4}, new int[2], List.of(), "flat.npy")),
                "flat.npy: samples have shape [4] but mean-threshold model takes [1, 2, 2]");
    }

    @Test
    void assertingWithoutDataOrAttacksIsAMisuse() {
        assertThatThrownBy(() -> assertThat(model).under(FGSM_05).hasSuccessRateAtMost(0.5))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no data to test on: call on(dataset) before hasSuccessRateAtMost(...)");
        assertThatThrownBy(() -> assertThat(model).hasCleanAccuracyAtLeast(0.5))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no data to test on: call on(dataset) before hasCleanAccuracyAtLeast(...)");
        assertThatThrownBy(() -> assertThat(model).on(DATA).hasRobustAccuracyAtLeast(0.5))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no attacks: call under(attacks...) before hasRobustAccuracyAtLeast(...)");
    }

    private static void assertRefused(ThrowingCallable call, String message) {
        assertThatThrownBy(call)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
