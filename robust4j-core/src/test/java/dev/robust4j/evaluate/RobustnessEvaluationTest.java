package dev.robust4j.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.robust4j.attack.Attacks;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.KnownDatasets;
import dev.robust4j.data.Split;
import dev.robust4j.model.Bounds;
import dev.robust4j.nn.NetworkSpec;
import dev.robust4j.nn.TrainingConfig;
import dev.robust4j.nn.TrainingListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The defend-and-retest loop on the bundled Fashion-MNIST sample with a small CNN. */
class RobustnessEvaluationTest {

    private static Dataset train;
    private static Dataset test;
    private static Retraining recipe;

    @BeforeAll
    static void setUp() {
        train = KnownDatasets.load(KnownDatasets.SAMPLE, Split.TRAIN).limit(3000);
        test = KnownDatasets.load(KnownDatasets.SAMPLE, Split.TEST).limit(100);
        recipe = new Retraining(train, NetworkSpec.of("cnn", "relu", train.sampleShape(), 10), Bounds.UNIT,
                TrainingConfig.builder().optEpochs(2).optSeed(1).build());
    }

    private static RobustnessEvaluation.Builder base() {
        return RobustnessEvaluation.builder()
                .setData(test)
                .setPool(AttackPool.of(Attacks.fgsm(0.1f), Attacks.pgd(0.1f).steps(10)))
                .setTargetSuccessRate(0.05)
                .optRetraining(recipe);
    }

    @Test
    void everyCandidateRoundAppliesItsDefenceAndIsMeasured() {
        List<String> events = new ArrayList<>();
        RobustnessListener listener = new RobustnessListener() {
            @Override
            public void roundStarted(int index, String defence) {
                events.add("round " + index);
            }

            @Override
            public TrainingListener trainingStarted(String what) {
                events.add("train " + what);
                return TrainingListener.NONE;
            }
        };
        List<DefenceCandidate> candidates = List.of(
                DefenceCandidate.parse("label-smoothing:max-value=0.8"),
                DefenceCandidate.parse("feature-squeezing:bit-depth=1"),
                DefenceCandidate.parse("squeezing-detector:bit-depth=1,window=2,fpr=0.05"),
                DefenceCandidate.parse("ensemble:size=2"),
                DefenceCandidate.parse("bounded-relu:t=1"),
                DefenceCandidate.parse("adversarial-training:attack=pgd,eps=0.1,steps=5,step-size=0.03,ratio=1"));
        RobustnessReport report = base()
                .optDefences(candidates)
                .optStopWhenMet(false)
                .optListener(listener)
                .build()
                .run();

        List<Round> rounds = report.rounds();
        assertThat(rounds).extracting(Round::index).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(rounds).extracting(Round::defence).containsExactly("none", "label-smoothing:max-value=0.8",
                "feature-squeezing:bit-depth=1", "squeezing-detector:bit-depth=1,window=2,fpr=0.05", "ensemble:size=2",
                "bounded-relu:t=1", "adversarial-training:attack=pgd,eps=0.1,steps=5,step-size=0.03,ratio=1");
        assertThat(rounds.get(3).kinds()).containsExactly("detector");
        assertThat(events).containsSubsequence("train cnn (undefended)", "round 0", "round 1",
                "train label-smoothing:max-value=0.8", "round 2", "round 3", "round 4", "train ensemble member 2 (cnn)",
                "round 5", "train bounded-relu:t=1", "round 6");

        Round undefended = rounds.get(0);
        assertThat(undefended.cleanAccuracy()).isGreaterThan(0.7);
        assertThat(undefended.successRate()).isGreaterThan(0.6);
        // the worst case over the pool is at least every single attack's success rate
        for (Round r : rounds) {
            for (AttackOutcome a : r.pool().attacks()) {
                assertThat(r.successRate()).isGreaterThanOrEqualTo(a.successRate());
            }
            assertThat(r.cleanAccuracy()).isGreaterThan(0.5);
            assertThat(r.targetMet()).isEqualTo(r.successRate() <= 0.05);
        }
        assertThat(rounds.get(2).model()).contains("feature-squeezing");
        assertThat(rounds.get(3).model()).contains("guarded by feature-squeezing detector");
        assertThat(rounds.get(3).pool().attacks()).allSatisfy(a -> assertThat(a.detectedRate()).isBetween(0.0, 1.0));
        assertThat(rounds.get(0).pool().attacks()).allSatisfy(a -> assertThat(a.detectedRate()).isNaN());
        assertThat(rounds.get(4).model()).startsWith("ensemble(mean:");
        // adversarial training makes PGD much weaker than against the undefended network
        double pgd0 = undefended.pool().attacks().get(1).successRate();
        double pgd6 = rounds.get(6).pool().attacks().get(1).successRate();
        System.out.printf("PGD-10 success rate: undefended %.3f, adversarially trained %.3f%n", pgd0, pgd6);
        assertThat(pgd6).isLessThan(pgd0 - 0.2);
        for (int i = 1; i < rounds.size(); i++) {
            assertThat(rounds.get(i).defenceSeconds()).isGreaterThan(0);
        }

        int best = 0;
        for (Round r : rounds) {
            Round b = rounds.get(best);
            if (r.successRate() < b.successRate()
                    || r.successRate() == b.successRate() && r.cleanAccuracy() > b.cleanAccuracy()) {
                best = r.index();
            }
        }
        assertThat(report.bestRound()).isEqualTo(report.targetMet()
                ? rounds.stream().filter(Round::targetMet).findFirst().orElseThrow().index() : best);
        assertThat(report.verdict()).contains("(round " + report.bestRound() + ")");
        assertThat(report.classNames()).hasSize(10);
        @SuppressWarnings("unchecked")
        Map<String, Object> versions = (Map<String, Object>) report.provenance().get("versions");
        assertThat(versions).containsKeys("robust4j", "djl", "engine", "java", "os");
        assertThat(report.provenance()).containsEntry("seed", 1L);
    }

    @Test
    void theLoopStopsAtTheFirstRoundThatMeetsTheTarget() {
        RobustnessReport report = base()
                .setTargetSuccessRate(1.0)
                .optDefences(List.of(DefenceCandidate.parse("label-smoothing")))
                .optCurves(List.of(new CurveSpec("pgd", Map.of("steps", "10"), new double[] {0, 0.02, 0.05, 0.1}, 100)))
                .build()
                .run();
        assertThat(report.rounds()).hasSize(1);
        assertThat(report.targetMet()).isTrue();
        assertThat(report.verdict()).startsWith("target met").contains("no defence");
        Curve c = report.rounds().get(0).curves().get(0);
        assertThat(c.epsilons()).containsExactly(0, 0.02, 0.05, 0.1);
        assertThat(c.params()).containsKey("steps").doesNotContainKey("eps");
        // at eps 0 the robust accuracy is the clean accuracy; a stronger budget never does better
        assertThat(c.robustAccuracy()[0]).isCloseTo(report.rounds().get(0).cleanAccuracy(), within(1e-9));
        for (int i = 1; i < c.robustAccuracy().length; i++) {
            assertThat(c.robustAccuracy()[i]).isLessThanOrEqualTo(c.robustAccuracy()[i - 1] + 0.02);
            assertThat(c.successRate()[i]).isGreaterThanOrEqualTo(c.successRate()[i - 1] - 0.02);
        }
        assertThat(c.robustAccuracy()[3]).isLessThan(c.robustAccuracy()[0] - 0.3);
    }

    @Test
    void settingsThatCannotWorkAreRefusedBeforeAnyTraining() {
        assertThatThrownBy(() -> base().setTargetSuccessRate(1.5).build())
                .hasMessageContaining("target success rate must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> DefenceCandidate.parse("tinfoil-hat"))
                .hasMessageContaining("unknown defence 'tinfoil-hat'").hasMessageContaining("adversarial-training");
        assertThatThrownBy(() -> base().optThreatModel(ThreatModel.BLACK_BOX).build())
                .hasMessageContaining("fgsm needs gradients");
        assertThatThrownBy(() -> base()
                        .optDefences(List.of(DefenceCandidate.parse("bounded-relu:t=-1 + label-smoothing")))
                        .build())
                .hasMessageContaining("bounded-relu:t=-1").hasMessageContaining("got -1");
        assertThatThrownBy(() -> base().optDefences(List.of(DefenceCandidate.parse("ensemble:size=1"))).build())
                .hasMessageContaining("size must be an integer >= 2, got 1");
        assertThatThrownBy(() -> base().optDefences(List.of(DefenceCandidate.parse("label-smoothing:max-value=2"))).build())
                .hasMessageContaining("max-value");
        try (var model = dev.robust4j.testing.LinearModels.softmax(new float[7840], new float[10], 1, 28, 28)) {
            assertThatThrownBy(() -> RobustnessEvaluation.builder()
                            .setData(test)
                            .setPool(AttackPool.of(Attacks.fgsm(0.1f)))
                            .setTargetSuccessRate(0.2)
                            .optModel(model)
                            .optDefences(List.of(DefenceCandidate.parse("gaussian-augmentation")))
                            .build())
                    .hasMessageContaining("'gaussian-augmentation' retrains the network")
                    .hasMessageContaining("no training recipe");
        }
    }
}
