package dev.robust4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.robust4j.data.Dataset;
import dev.robust4j.metric.Accuracy;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.Objectives;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

class TrainerTest {

    static final Dataset BLOBS_TRAIN = Synthetic.blobs(1000, 16, 4, 1.0f, 1);
    static final Dataset BLOBS_TEST = Synthetic.blobs(500, 16, 4, 1.0f, 2);
    static final NetworkSpec BLOB_MLP = new NetworkSpec(Architecture.MLP, Activation.relu(), new long[] {16}, 4);

    /** All parameters (weights and BatchNorm statistics) of a model, concatenated. */
    static float[] weights(BlockClassifier model) {
        List<float[]> parts = new ArrayList<>();
        int total = 0;
        for (Pair<String, Parameter> p : model.block().getParameters()) {
            float[] a = p.getValue().getArray().toFloatArray();
            parts.add(a);
            total += a.length;
        }
        float[] all = new float[total];
        int at = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, all, at, a.length);
            at += a.length;
        }
        return all;
    }

    @Test
    void mlpLearnsSeparableBlobs() {
        TrainingConfig config = TrainingConfig.builder().optEpochs(5).optBatchSize(32).optSeed(3).build();
        List<TrainingListener.BatchProgress> batches = new ArrayList<>();
        List<EpochSummary> epochs = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onBatch(BatchProgress progress) {
                batches.add(progress);
            }

            @Override
            public void onEpoch(EpochSummary summary) {
                epochs.add(summary);
            }
        };
        try (TrainedModel model = Trainer.train(BLOBS_TRAIN, BLOB_MLP, config, listener)) {
            // chance is 0.25: only a working loop gets near 1
            assertThat(Accuracy.of(model.classifier(), BLOBS_TEST, 128)).isGreaterThanOrEqualTo(0.95);
            TrainingHistory history = model.training().history();
            assertThat(history.epochs()).hasSize(5).isEqualTo(epochs);
            assertThat(history.finalAccuracy()).isGreaterThanOrEqualTo(0.95);
            assertThat(history.finalLoss()).isLessThan(history.epochs().get(0).meanLoss() / 2);
            assertThat(batches).hasSize(5 * 32);
            assertThat(batches.get(0).step()).isEqualTo(1);
            assertThat(batches.get(batches.size() - 1).step()).isEqualTo(160).isEqualTo(batches.get(0).totalSteps());
            assertThat(model.training().trainSamples()).isEqualTo(1000);
            assertThat(model.classifier().classNames()).isEqualTo(BLOBS_TRAIN.classNames());
        }
    }

    @Test
    void cnnAndResnetLearnShapes() {
        Dataset train = Synthetic.shapes(1000, 16, 5);
        Dataset test = Synthetic.shapes(200, 16, 6);
        for (Architecture a : new Architecture[] {Architecture.CNN, Architecture.RESNET}) {
            NetworkSpec spec = new NetworkSpec(a, Activation.parse("brelu:1.0"), new long[] {1, 16, 16}, 4);
            TrainingConfig config = TrainingConfig.builder().optEpochs(5).optBatchSize(32).optSeed(1).build();
            try (TrainedModel model = Trainer.train(train, spec, config, TrainingListener.NONE)) {
                assertThat(Accuracy.of(model.classifier(), test, 100)).as(a.id()).isGreaterThanOrEqualTo(0.95);
            }
        }
    }

    @Test
    void sameSeedGivesBitIdenticalWeightsAndOtherSeedsDoNot() {
        Dataset data = Synthetic.shapes(256, 12, 7);
        NetworkSpec spec = new NetworkSpec(Architecture.CNN, Activation.relu(), new long[] {1, 12, 12}, 4);
        float[][] w = new float[3][];
        TrainingHistory[] h = new TrainingHistory[3];
        long[] seeds = {42, 42, 43};
        for (int i = 0; i < 3; i++) {
            TrainingConfig config = TrainingConfig.builder().optEpochs(2).optBatchSize(32).optSeed(seeds[i]).build();
            try (TrainedModel model = Trainer.train(data, spec, config, TrainingListener.NONE)) {
                w[i] = weights(model.classifier());
                h[i] = model.training().history();
            }
        }
        assertThat(Arrays.equals(w[0], w[1])).as("same seed, same weights").isTrue();
        assertThat(h[0].epochs().get(1).meanLoss()).isEqualTo(h[1].epochs().get(1).meanLoss());
        assertThat(Arrays.equals(w[0], w[2])).as("other seed, other weights").isFalse();
    }

    /**
     * PyTorch accumulates gradients; DJL's optimiser kernels zero them after each update. Two steps
     * in one run must equal one step, then one step of a fresh model holding the first step's
     * weights (plain SGD has no state), and no gradient may be left behind.
     */
    @Test
    void gradientsAreZeroedBetweenSteps() throws Exception {
        Dataset batch = BLOBS_TRAIN.slice(0, 64);
        TrainingConfig.Builder sgd = TrainingConfig.builder()
                .optOptimiser(TrainingConfig.Optimiser.SGD).optMomentum(0f).optLearningRate(0.1f)
                .optBatchSize(64).optShuffle(false).optSeed(5);
        float[] twoSteps;
        float[] oneStep;
        float[] oneThenOne;
        try (TrainedModel a = Trainer.train(batch, BLOB_MLP, sgd.optEpochs(2).build(), TrainingListener.NONE)) {
            twoSteps = weights(a.classifier());
            for (Pair<String, Parameter> p : a.classifier().block().getParameters()) {
                NDArray g = p.getValue().getArray().getGradient();
                assertThat(g.abs().sum().getFloat()).as("gradient of %s after training", p.getKey()).isZero();
                g.close();
            }
        }
        try (TrainedModel b = Trainer.train(batch, BLOB_MLP, sgd.optEpochs(1).build(), TrainingListener.NONE);
                BlockClassifier c = Networks.newClassifier(BLOB_MLP, Bounds.UNIT, List.of(), 99)) {
            oneStep = weights(b.classifier());
            copyParameters(b.classifier(), c);
            assertThat(Arrays.equals(weights(c), oneStep)).isTrue();
            new Trainer(sgd.optEpochs(1).build()).fit(c, batch, TrainingListener.NONE);
            oneThenOne = weights(c);
        }
        assertThat(Arrays.equals(oneStep, twoSteps)).isFalse();
        assertThat(twoSteps).containsExactly(oneThenOne, within(1e-6f));
    }

    private static void copyParameters(BlockClassifier from, BlockClassifier to) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            from.block().saveParameters(out);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            to.block().loadParameters(to.model().getNDManager(), in);
        }
    }

    @Test
    void softLabelsDriveTheLoss() {
        BatchTransform uniform = new BatchTransform() {
            @Override
            public TrainingBatch apply(TrainingBatch batch, TrainingContext ctx) {
                return batch.withSoftLabels(batch.softLabels().onesLike().div(ctx.numClasses()));
            }

            @Override
            public String description() {
                return "uniform-labels";
            }
        };
        TrainingConfig config = TrainingConfig.builder().optEpochs(3).optSeed(1).optLearningRate(1e-2f)
                .optTransform(uniform).build();
        try (TrainedModel model = Trainer.train(BLOBS_TRAIN, BLOB_MLP, config, TrainingListener.NONE);
                NDManager m = NDManager.newBaseManager(Networks.ENGINE)) {
            NDArray p = model.classifier().predict(BLOBS_TEST.features(m, 0, 200)).softmax(1);
            NDArray deviation = p.sub(0.25f).abs();
            assertThat(deviation.mean().getFloat()).isLessThan(0.01f);
            assertThat(deviation.max().getFloat()).isLessThan(0.1f);
            assertThat(model.training().transform()).isEqualTo("uniform-labels");
        }
        try (TrainedModel model = Trainer.train(BLOBS_TRAIN, BLOB_MLP,
                        TrainingConfig.builder().optEpochs(3).optSeed(1).build(), TrainingListener.NONE);
                NDManager m = NDManager.newBaseManager(Networks.ENGINE)) {
            NDArray p = model.classifier().predict(BLOBS_TEST.features(m, 0, 200)).softmax(1);
            assertThat(p.max(new int[] {1}).mean().getFloat()).isGreaterThan(0.9f);
        }
    }

    /** An FGSM-style transform: it needs input gradients, so it must run outside the trainer's collector. */
    @Test
    void transformsRunBeforeTheCollectorAndMayAddSamples() {
        List<String> seen = new ArrayList<>();
        BatchTransform fgsm = (batch, ctx) -> {
            seen.add(ctx.epoch() + "/" + ctx.batch() + "/" + ctx.step() + "/" + ctx.batches());
            assertThat(ctx.model().numClasses()).isEqualTo(4);
            try (Evaluation e = ctx.model().evaluate(batch.x(), Objectives.crossEntropy(), batch.labels())) {
                NDArray adversarial = batch.x().add(e.gradient().sign().mul(0.1f));
                return batch.concat(batch.withX(adversarial));
            }
        };
        TrainingConfig config = TrainingConfig.builder().optEpochs(2).optBatchSize(250).optTransform(fgsm).build();
        try (TrainedModel model = Trainer.train(BLOBS_TRAIN, BLOB_MLP, config, TrainingListener.NONE)) {
            assertThat(seen).containsExactly(
                    "0/0/0/4", "0/1/1/4", "0/2/2/4", "0/3/3/4", "1/0/4/4", "1/1/5/4", "1/2/6/4", "1/3/7/4");
            assertThat(model.training().history().epochs()).allSatisfy(e -> assertThat(e.samples()).isEqualTo(2000));
            assertThat(Accuracy.of(model.classifier(), BLOBS_TEST, 500)).isGreaterThan(0.9);
        }
    }

    @Test
    void rejectsBatchesOfTheWrongShapeNamingTheTransform() {
        BatchTransform broken = new BatchTransform() {
            @Override
            public TrainingBatch apply(TrainingBatch batch, TrainingContext ctx) {
                return batch.withSoftLabels(batch.softLabels().get(":, 0:2"));
            }

            @Override
            public String description() {
                return "broken";
            }
        };
        TrainingConfig config = TrainingConfig.builder().optEpochs(1).optTransform(broken).build();
        assertThatThrownBy(() -> Trainer.train(BLOBS_TRAIN, BLOB_MLP, config, TrainingListener.NONE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broken")
                .hasMessageContaining("(64, 4)");
    }

    @Test
    void rejectsDataThatDoesNotFit() {
        TrainingConfig config = TrainingConfig.builder().optEpochs(1).build();
        NetworkSpec wide = new NetworkSpec(Architecture.MLP, Activation.relu(), new long[] {32}, 4);
        assertThatThrownBy(() -> Trainer.train(BLOBS_TRAIN, wide, config, TrainingListener.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[16]")
                .hasMessageContaining("[32]");
        Dataset unlabelled = new Dataset(new float[32], new long[] {16}, null, List.of(), "unlabelled");
        assertThatThrownBy(() -> Trainer.train(unlabelled, BLOB_MLP, config, TrainingListener.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no labels");
        NetworkSpec binary = new NetworkSpec(Architecture.MLP, Activation.relu(), new long[] {16}, 2);
        assertThatThrownBy(() -> Trainer.train(BLOBS_TRAIN, binary, config, TrainingListener.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label 3");
    }

    /** Every step's arrays live in a sub-manager closed after the step: nothing accumulates. */
    @Test
    void twoHundredStepsDoNotGrowNativeMemory() {
        Dataset data = Synthetic.shapes(32 * 50, 28, 8);
        NetworkSpec spec = new NetworkSpec(Architecture.CNN, Activation.relu(), new long[] {1, 28, 28}, 4);
        TrainingConfig config = TrainingConfig.builder().optEpochs(4).optBatchSize(32).build();
        try (BlockClassifier model = Networks.newClassifier(spec, Bounds.UNIT, List.of(), 1)) {
            NDManager manager = model.model().getNDManager();
            int before = manager.getManagedArrays().size();
            List<Integer> counts = new ArrayList<>();
            long[] rss = new long[2];
            new Trainer(config).fit(model, data, new TrainingListener() {
                @Override
                public void onBatch(BatchProgress p) {
                    counts.add(manager.getManagedArrays().size());
                    if (p.step() == 20) {
                        rss[0] = residentKilobytes();
                    }
                    rss[1] = residentKilobytes();
                }
            });
            assertThat(counts).hasSize(200).containsOnly(counts.get(0));
            assertThat(manager.getManagedArrays()).hasSize(before);
            if (rss[0] > 0) {
                // one step allocates ~20 MB of activations, so leaking them would add gigabytes;
                // the allowance covers the Java heap's first touch of its young generation
                assertThat(rss[1] - rss[0]).as("RSS growth in kB over 180 steps").isLessThan(64 * 1024);
            }
        }
    }

    private static long residentKilobytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
