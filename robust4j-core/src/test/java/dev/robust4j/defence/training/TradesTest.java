package dev.robust4j.defence.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.KnownDatasets;
import dev.robust4j.data.Split;
import dev.robust4j.defence.DefenceSpec;
import dev.robust4j.defence.TrainingDefences;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Objectives;
import dev.robust4j.nn.BatchTransform;
import dev.robust4j.nn.NetworkSpec;
import dev.robust4j.nn.Networks;
import dev.robust4j.nn.PairedInputs;
import dev.robust4j.nn.SoftLabels;
import dev.robust4j.nn.TrainedModel;
import dev.robust4j.nn.Trainer;
import dev.robust4j.nn.TrainingBatch;
import dev.robust4j.nn.TrainingConfig;
import dev.robust4j.nn.TrainingListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** TRADES: the loss, the inner maximisation and training runs, on tiny networks. */
class TradesTest {

    private static final int DIM = 16;
    private static final int K = 4;

    /** Blobs in [0, 1]^16, many coordinates on the bounds, so clipping matters. */
    private static Dataset blobs(int n, long seed) {
        Random centres = new Random(99);
        float[][] c = new float[K][DIM];
        for (int j = 0; j < K; j++) {
            for (int d = 0; d < DIM; d++) {
                c[j][d] = centres.nextFloat();
            }
        }
        Random r = new Random(seed);
        float[] x = new float[n * DIM];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(K);
            for (int d = 0; d < DIM; d++) {
                x[i * DIM + d] = Math.min(1f, Math.max(0f, c[y[i]][d] + 0.3f * (float) r.nextGaussian()));
            }
        }
        return new Dataset(x, new long[] {DIM}, y, List.of("a", "b", "c", "d"), "blobs");
    }

    private static final NetworkSpec MLP = NetworkSpec.of("mlp", "relu", new long[] {DIM}, K);

    private static float[] weights(BlockClassifier model) {
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

    private static float[] train(Dataset data, NetworkSpec spec, BatchTransform t, long seed) {
        TrainingConfig config = TrainingConfig.builder().optEpochs(1).optBatchSize(32).optSeed(seed).optTransform(t).build();
        try (TrainedModel m = Trainer.train(data, spec, config, TrainingListener.NONE)) {
            assertThat(m.training().history().epochs().get(0).meanLoss()).isFinite();
            return weights(m.classifier());
        }
    }

    private static float maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    /**
     * With beta 0 the loss is the clean cross-entropy: the inner maximisation still runs, but the
     * weights come out as plain training's (an MLP has no dropout, so the extra forward pass draws
     * nothing). With beta 6 they do not.
     */
    @Test
    void betaZeroTrainsLikeCleanCrossEntropyAndBetaSixDoesNot() {
        Dataset data = blobs(128, 1);
        float[] clean = train(data, MLP, BatchTransform.identity(), 3);
        float[] beta0 = train(data, MLP, new Trades(0.1f, 3, 0.02f, 0f), 3);
        float[] beta6 = train(data, MLP, new Trades(0.1f, 3, 0.02f, 6f), 3);
        assertThat(maxAbsDiff(clean, beta0)).as("beta 0 = clean training").isLessThan(1e-6f);
        assertThat(maxAbsDiff(clean, beta6)).as("beta 6 changes the updates").isGreaterThan(1e-4f);
    }

    /**
     * The inner maximisation raises KL(f(x) || f(x')) far above its value at the starting point and
     * above random corners of the same ball, and its points stay in the ball and the bounds.
     */
    @Test
    void innerMaximisationRaisesTheDivergenceInsideTheBallAndBounds() {
        Dataset data = blobs(256, 2);
        TrainingConfig config = TrainingConfig.builder().optEpochs(3).optBatchSize(32).optSeed(4).build();
        float eps = 0.1f;
        Trades trades = new Trades(eps, 10, 0.02f, 6f);
        try (TrainedModel m = Trainer.train(data, MLP, config, TrainingListener.NONE);
                NDManager nd = NDManager.newBaseManager(Networks.ENGINE)) {
            BlockClassifier model = m.classifier();
            NDArray x = data.features(nd, 0, 64);
            float[] xs = x.toFloatArray();
            NDArray adv = trades.perturb(model, x, new Random(7));
            float[] as = adv.toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                assertThat(Math.abs(as[i] - xs[i])).isLessThanOrEqualTo(eps + 1e-6f);
                assertThat(as[i]).isBetween(0f, 1f);
            }
            assertThat(x.toFloatArray()).as("x not modified").isEqualTo(xs);

            Random r = new Random(8);
            float[] start = new float[xs.length];
            float[] corner = new float[xs.length];
            for (int i = 0; i < xs.length; i++) {
                start[i] = xs[i] + Trades.INITIAL_NOISE * (float) r.nextGaussian();
                corner[i] = Math.min(1f, Math.max(0f, xs[i] + (r.nextBoolean() ? eps : -eps)));
            }
            double atStart = kl(model, x, nd.create(start, x.getShape()));
            double atRandomCorner = kl(model, x, nd.create(corner, x.getShape()));
            double atAdv = kl(model, x, adv);
            assertThat(atAdv).as("KL after the ascent vs at the start").isGreaterThan(100 * atStart);
            assertThat(atAdv).as("KL after the ascent vs at random corners of the ball").isGreaterThan(2 * atRandomCorner);
            assertThat(atAdv).isGreaterThan(0.01);
        }
    }

    private static double kl(BlockClassifier model, NDArray x, NDArray other) {
        NDArray p = model.predict(x).softmax(1);
        NDArray logQ = model.predict(other).logSoftmax(1);
        return Objectives.klDivergenceOf(p, logQ).mean().getFloat();
    }

    @Test
    void klDivergenceIsTheClosedFormAndZeroAtTheReference() {
        try (NDManager nd = NDManager.newBaseManager(Networks.ENGINE)) {
            NDArray p = nd.create(new float[] {0.5f, 0.5f, 0f, 0.2f, 0.3f, 0.5f}, new Shape(2, 3));
            NDArray logits = nd.create(new float[] {1f, 2f, 3f, 0f, 0f, 0f}, new Shape(2, 3));
            float[] v = Objectives.klDivergence(p).apply(logits, nd.zeros(new Shape(2))).toFloatArray();
            double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
            double row0 = 0.5 * (Math.log(0.5) - (1 - Math.log(z))) + 0.5 * (Math.log(0.5) - (2 - Math.log(z)));
            double row1 = 0.2 * Math.log(0.2 * 3) + 0.3 * Math.log(0.3 * 3) + 0.5 * Math.log(0.5 * 3);
            assertThat(v[0]).isCloseTo((float) row0, offset(1e-5f));
            assertThat(v[1]).isCloseTo((float) row1, offset(1e-5f));
            float[] self = Objectives.klDivergence(logits.softmax(1)).apply(logits, nd.zeros(new Shape(2))).toFloatArray();
            assertThat(self[0]).isCloseTo(0f, offset(1e-6f));
            assertThat(self[1]).isCloseTo(0f, offset(1e-6f));
        }
    }

    /** A short TRADES run of the small CNN (BatchNorm, dropout) on the bundled data: same seed, same weights. */
    @Test
    void shortCnnRunOnTheBundledDataIsDeterministicForASeed() {
        Dataset data = KnownDatasets.load(KnownDatasets.SAMPLE, Split.TRAIN).limit(96);
        NetworkSpec cnn = NetworkSpec.of("cnn", "relu", data.sampleShape(), data.numClasses());
        BatchTransform trades = TrainingDefences.create(
                DefenceSpec.parse("adversarial-training:preset=trades,beta=6,steps=2"), Bounds.UNIT);
        float[] a = train(data, cnn, trades, 11);
        float[] b = train(data, cnn, trades, 11);
        float[] c = train(data, cnn, trades, 12);
        assertThat(a).as("same seed, same weights").isEqualTo(b);
        assertThat(maxAbsDiff(a, c)).as("other seed, other weights").isGreaterThan(0f);
    }

    @Test
    void presetDefaultsAndBadValuesGiveClearErrors() {
        Trades t = (Trades) TrainingDefences.create(DefenceSpec.parse("adversarial-training:preset=trades"), Bounds.UNIT);
        assertThat(t.beta()).isEqualTo(6f);
        assertThat(t.eps()).isEqualTo(0.1f);
        assertThat(t.steps()).isEqualTo(7);
        assertThat(t.stepSize()).isEqualTo(0.02f);
        assertThat(t.description()).isEqualTo("adversarial-training:preset=trades,beta=6.0,eps=0.1,steps=7,step-size=0.02");
        Trades u = (Trades) TrainingDefences.create(
                DefenceSpec.parse("adversarial-training:preset=trades,beta=1,eps=0.3,steps=40,step-size=0.01"), Bounds.UNIT);
        assertThat(u.beta()).isEqualTo(1f);
        assertThat(u.steps()).isEqualTo(40);
        assertThatThrownBy(() -> TrainingDefences.create(
                DefenceSpec.parse("adversarial-training:preset=trades,beta=-1"), Bounds.UNIT))
                .hasMessage("defence adversarial-training (preset=trades): beta must be a finite number >= 0, got -1.0");
        assertThatThrownBy(() -> TrainingDefences.create(
                DefenceSpec.parse("adversarial-training:preset=trades,ratio=0.5"), Bounds.UNIT))
                .hasMessageContaining("preset=trades takes eps, steps, step-size and beta, not ratio");
        assertThatThrownBy(() -> TrainingDefences.create(
                DefenceSpec.parse("adversarial-training:preset=trades,gamma=1"), Bounds.UNIT))
                .hasMessage("unknown parameter 'gamma' for defence adversarial-training");
        assertThatThrownBy(() -> TrainingDefences.create(
                DefenceSpec.parse("adversarial-training:preset=other"), Bounds.UNIT))
                .hasMessageContaining("preset must be madry, fast or trades, got 'other'");
    }

    @Test
    void pairedBatchesRefuseAppendedSamples() {
        try (NDManager nd = NDManager.newBaseManager(Networks.ENGINE)) {
            NDArray x = nd.zeros(new Shape(2, 3));
            NDArray y = nd.create(new long[] {0, 1});
            TrainingBatch b = new TrainingBatch(x, y, SoftLabels.oneHot(y, 2)).withPaired(new PairedInputs(x, 1f));
            assertThat(b.withX(x.add(1)).paired()).isSameAs(b.paired());
            assertThatThrownBy(() -> b.concat(b)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("paired inputs (TRADES)");
            assertThatThrownBy(() -> new PairedInputs(x, Float.NaN)).hasMessageContaining("finite and >= 0");
        }
    }
}
