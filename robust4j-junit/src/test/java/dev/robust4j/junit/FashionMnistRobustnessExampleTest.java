package dev.robust4j.junit;

import static dev.robust4j.junit.RobustnessAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.blackbox.SquareAttack;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.KnownDatasets;
import dev.robust4j.data.Split;
import dev.robust4j.evaluate.AttackPool;
import dev.robust4j.evaluate.ThreatModel;
import dev.robust4j.model.Classifier;
import dev.robust4j.nn.NetworkSpec;
import dev.robust4j.nn.TrainedModel;
import dev.robust4j.nn.Trainer;
import dev.robust4j.nn.TrainingConfig;
import dev.robust4j.nn.TrainingListener;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Robustness tests as a team would write them for its own model: here the small CNN trained on
 * the bundled Fashion-MNIST slice, without any defence. Measured on this model (2 epochs, seed 0,
 * first 500 test images): clean accuracy 0.884; FGSM at ε = 0.01 breaks 7.9% of the correctly
 * classified images, PGD-20 at ε = 0.01 9.7%, PGD-20 at ε = 0.1 92.5%; the black-box square attack
 * (ε = 0.1, 300 queries) 61% of the first 100. The bounds below leave room for run-to-run noise.
 */
class FashionMnistRobustnessExampleTest {

    private static TrainedModel trained;
    private static Classifier model;
    private static Dataset test;

    @BeforeAll
    static void trainTheModel() {
        // A real suite would load its production model here, e.g. TorchScriptClassifier.builder()...
        Dataset train = KnownDatasets.load("sample", Split.TRAIN);
        test = KnownDatasets.load("sample", Split.TEST).limit(500);
        trained = Trainer.train(
                train,
                NetworkSpec.of("cnn", "relu", train.sampleShape(), 10),
                TrainingConfig.builder().optEpochs(2).optSeed(0).build(),
                TrainingListener.NONE);
        model = trained.classifier();
    }

    @AfterAll
    static void closeTheModel() {
        if (trained != null) {
            trained.close();
        }
    }

    @Test
    void isAccurateOnCleanImages() {
        assertThat(model).on(test).hasCleanAccuracyAtLeast(0.85);
    }

    @Test
    void survivesImperceptibleNoise() {
        // A perturbation of at most 0.01 per pixel (2.5 grey levels of 255) must rarely change the answer.
        assertThat(model).on(test).under(Attacks.fgsm(0.01f)).hasSuccessRateAtMost(0.15);
    }

    @Test
    void keepsItsAccuracyAgainstAPoolOfSmallAttacks() {
        // A sample counts as broken if any attack of the pool breaks it; the attacks run once for
        // the whole chain.
        assertThat(model).on(test)
                .under(AttackPool.of(Attacks.fgsm(0.01f), Attacks.pgd(0.01f).steps(20)))
                .hasCleanAccuracyAtLeast(0.85)
                .hasSuccessRateAtMost(0.2)
                .hasRobustAccuracyAtLeast(0.7);
    }

    @Test
    void isBrokenByAStrongAttackBecauseItHasNoDefence() {
        // Documents a known weakness: PGD at 0.1 per pixel breaks the undefended model. When the
        // team adds adversarial training, this test fails and becomes a hasSuccessRateAtMost gate.
        assertThatThrownBy(() -> assertThat(model).on(test)
                        .under(Attacks.pgd(0.1f).steps(20))
                        .hasSuccessRateAtMost(0.2))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("worst-case success rate of")
                .hasMessageContaining("pgd linf eps=0.1")
                .hasMessageContaining("worst examples")
                // The message names the classes: "Shirt (6)", "T-shirt/top (0)", ...
                .hasMessageMatching("(?s).*\\d+ +[A-Za-z/ -]+ \\(\\d\\) +[A-Za-z/ -]+ \\(\\d\\) +pgd linf eps=0.1 .*");
    }

    @Test
    void blackBoxAttackerWithAQueryBudget() {
        // Under the black-box threat model the attacks see only the model's scores: a gradient
        // attack here would be refused. This guards against a regression from today's level.
        assertThat(model).on(test).limit(100)
                .threatModel(ThreatModel.BLACK_BOX)
                .under(SquareAttack.linf(0.1f).maxQueries(300))
                .hasSuccessRateAtMost(0.8);
    }
}
