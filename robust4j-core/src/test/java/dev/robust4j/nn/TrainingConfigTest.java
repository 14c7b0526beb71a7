package dev.robust4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TrainingConfigTest {

    @Test
    void hasSensibleDefaults() {
        TrainingConfig c = TrainingConfig.builder().build();
        assertThat(c.epochs()).isEqualTo(5);
        assertThat(c.batchSize()).isEqualTo(64);
        assertThat(c.optimiser()).isEqualTo(TrainingConfig.Optimiser.ADAM);
        assertThat(c.learningRate()).isEqualTo(1e-3f);
        assertThat(c.momentum()).isZero();
        assertThat(c.shuffle()).isTrue();
        assertThat(c.transform()).isSameAs(BatchTransform.identity());
        assertThat(c.transform().description()).isEqualTo("none");
        TrainingConfig sgd = TrainingConfig.builder().optOptimiser(TrainingConfig.Optimiser.SGD).build();
        assertThat(sgd.learningRate()).isEqualTo(1e-2f);
        assertThat(sgd.momentum()).isEqualTo(0.9f);
    }

    @Test
    void rejectsBadValuesNamingThem() {
        assertBad(TrainingConfig.builder().optEpochs(0), "epochs", "0");
        assertBad(TrainingConfig.builder().optBatchSize(-1), "batchSize", "-1");
        assertBad(TrainingConfig.builder().optLearningRate(-0.5f), "learningRate", "-0.5");
        assertBad(TrainingConfig.builder().optLearningRate(Float.NaN), "learningRate", "NaN");
        assertBad(TrainingConfig.builder().optMomentum(0.5f), "momentum", "adam");
        assertBad(TrainingConfig.builder().optOptimiser(TrainingConfig.Optimiser.SGD).optMomentum(1f), "momentum", "1.0");
        assertBad(TrainingConfig.builder().optWeightDecay(-1f), "weightDecay", "-1.0");
    }

    private static void assertBad(TrainingConfig.Builder builder, String name, String value) {
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name)
                .hasMessageContaining(value);
    }

    @Test
    void parsesOptimisersAndComposesTransforms() {
        assertThat(TrainingConfig.Optimiser.parse("sgd")).isEqualTo(TrainingConfig.Optimiser.SGD);
        assertThatThrownBy(() -> TrainingConfig.Optimiser.parse("rmsprop"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'rmsprop'");
        BatchTransform a = new BatchTransform() {
            @Override
            public TrainingBatch apply(TrainingBatch batch, TrainingContext ctx) {
                return batch;
            }

            @Override
            public String description() {
                return "a";
            }
        };
        assertThat(BatchTransform.identity().andThen(a)).isSameAs(a);
        assertThat(a.andThen(BatchTransform.identity())).isSameAs(a);
        assertThat(a.andThen(a).description()).isEqualTo("a+a");
    }
}
