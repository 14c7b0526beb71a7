package dev.robust4j.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.LocalParameterServer;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.Sgd;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.robust4j.data.Dataset;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.Shapes;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Objectives;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;

/**
 * The training loop of the built-in networks (not DJL's {@code ai.djl.training.Trainer}).
 *
 * <p>Each step: gather a shuffled mini-batch, make its one-hot soft labels, pass it through the
 * configured {@link BatchTransform} (before any gradient is recorded), then forward in training
 * mode, take the mean soft-label cross-entropy ({@link SoftLabels#crossEntropy}) — plus, when the
 * batch carries {@link PairedInputs} (TRADES), their weight times the mean KL divergence of the
 * outputs on the paired inputs from the outputs on the inputs, each input forwarded separately —
 * back-propagate and update with Adam or SGD. Every array of a step lives in a sub-manager closed at the end of
 * the step, so memory does not grow with the number of steps.
 *
 * <p>Gradients: PyTorch accumulates parameter gradients and DJL's gradient collector does not
 * clear them; DJL's PyTorch optimiser kernels ({@code adamUpdate}, {@code sgdUpdate}) zero each
 * parameter's gradient right after updating it, so every step starts from zero gradients (verified
 * by a test). An attack run by a transform through {@link BlockClassifier#evaluate} freezes the
 * parameters and leaves their gradients alone.
 *
 * <p>Reproducibility: the same seed, data, configuration and thread count give bit-identical
 * weights. The seed fixes the engine's generator (initial weights, dropout), the shuffling
 * ({@code new Random(seed)}) and the transforms' generator. A trainer is immutable and may be
 * reused; a model must not be trained by two threads at once, and no other gradient collector may
 * be open while a step runs.
 */
public final class Trainer {

    private final TrainingConfig config;

    /**
     * Creates a trainer.
     *
     * @param config how to train
     */
    public Trainer(TrainingConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** @return the configuration */
    public TrainingConfig config() {
        return config;
    }

    /**
     * Builds a network for the data, initialises it from the configuration's seed and trains it.
     * The classifier declares the bounds {@code [0, 1]}.
     *
     * @param train the training data; its sample shape must equal the spec's input shape
     * @param spec the network to build
     * @param config how to train
     * @param listener progress callbacks, or {@link TrainingListener#NONE}
     * @return the trained model; the caller closes it
     */
    public static TrainedModel train(
            Dataset train, NetworkSpec spec, TrainingConfig config, TrainingListener listener) {
        return train(train, spec, Bounds.UNIT, config, listener);
    }

    /**
     * Builds a network for the data, initialises it from the configuration's seed and trains it.
     *
     * @param train the training data; its sample shape must equal the spec's input shape
     * @param spec the network to build
     * @param bounds the input bounds the classifier declares
     * @param config how to train
     * @param listener progress callbacks, or {@link TrainingListener#NONE}
     * @return the trained model; the caller closes it
     */
    public static TrainedModel train(
            Dataset train, NetworkSpec spec, Bounds bounds, TrainingConfig config, TrainingListener listener) {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(spec, "spec");
        checkData(train, spec.inputShape(), spec.numClasses());
        List<String> names = train.classNames().size() == spec.numClasses() ? train.classNames() : List.of();
        BlockClassifier classifier = Networks.newClassifier(spec, bounds, names, config.seed(), config.device());
        try {
            TrainingHistory history = new Trainer(config).fit(classifier, train, listener);
            return new TrainedModel(classifier, spec, TrainingInfo.of(config, train, history));
        } catch (RuntimeException | Error e) {
            classifier.close();
            throw e;
        }
    }

    /**
     * Trains an initialised model in place.
     *
     * @param model the model; its block's parameters must be initialised
     * @param data the training data, labelled, with the model's input shape
     * @param listener progress callbacks, or {@link TrainingListener#NONE}
     * @return the per-epoch loss and accuracy
     * @throws IllegalArgumentException if the data does not fit the model
     * @throws IllegalStateException if the model is not initialised or the loss becomes NaN
     */
    public TrainingHistory fit(BlockClassifier model, Dataset data, TrainingListener listener) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        TrainingListener progress = listener == null ? TrainingListener.NONE : listener;
        long[] inputShape = model.inputShape().getShape();
        int numClasses = model.numClasses();
        checkData(data, inputShape, numClasses);
        Block block = model.block();
        if (!block.isInitialized()) {
            throw new IllegalStateException("the model's parameters are not initialised: " + model.description());
        }
        NDManager modelManager = model.model().getNDManager();
        Engine engine = modelManager.getEngine();
        engine.setRandomSeed(Networks.engineSeed(config.seed()));
        enableParameterGradients(block);

        int n = data.size();
        int batchSize = config.batchSize();
        int batches = (n + batchSize - 1) / batchSize;
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        Random shuffler = new Random(config.seed());
        Random transformRandom = new Random(config.seed() * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
        BatchTransform transform = config.transform();
        List<EpochSummary> epochs = new ArrayList<>();
        Staging staging = new Staging(Math.min(batchSize, n), data.sampleSize());
        long step = 0;

        try (NDManager trainManager = modelManager.newSubManager();
                OptimiserState optimiser = newOptimiser()) {
            ParameterStore parameters = new ParameterStore(trainManager, false);
            parameters.setParameterServer(
                    new LocalParameterServer(optimiser.optimizer()), new Device[] {trainManager.getDevice()});
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                long start = System.nanoTime();
                if (config.shuffle()) {
                    shuffle(order, shuffler);
                }
                double lossSum = 0;
                long correct = 0;
                long seen = 0;
                for (int b = 0; b < batches; b++) {
                    int from = b * batchSize;
                    int to = Math.min(n, from + batchSize);
                    float loss;
                    long batchCorrect;
                    int batchN;
                    try (NDManager scope = trainManager.newSubManager()) {
                        TrainingBatch batch = staging.gather(scope, data, order, from, to, inputShape, numClasses);
                        TrainingContext ctx = new TrainingContext(
                                model, epoch, config.epochs(), b, batches, step, numClasses, transformRandom);
                        batch = transform.apply(batch, ctx);
                        checkBatch(batch, inputShape, numClasses, transform);
                        batchN = batch.size();
                        NDArray logits;
                        NDArray lossArray;
                        try (GradientCollector collector = engine.newGradientCollector()) {
                            logits = block.forward(parameters, new NDList(batch.x()), true).singletonOrThrow();
                            lossArray = SoftLabels.crossEntropy(logits, batch.softLabels()).mean();
                            PairedInputs paired = batch.paired();
                            if (paired != null) {
                                // TRADES: + beta * mean KL(f(x) || f(x')), through both outputs.
                                NDArray pairedLogits = block.forward(parameters, new NDList(paired.x()), true)
                                        .singletonOrThrow();
                                NDArray divergence = Objectives.klDivergenceOf(
                                        logits.softmax(1), pairedLogits.logSoftmax(1)).mean();
                                lossArray = lossArray.add(divergence.mul(paired.weight()));
                            }
                            collector.backward(lossArray);
                        }
                        parameters.updateAllParameters();
                        loss = lossArray.getFloat();
                        batchCorrect = logits.argMax(1).eq(batch.labels().toType(DataType.INT64, false))
                                .countNonzero().getLong();
                    }
                    if (!Float.isFinite(loss)) {
                        throw new IllegalStateException(
                                "training diverged: the loss is " + loss + " at epoch " + (epoch + 1) + ", batch "
                                        + (b + 1) + "; try a lower learning rate than " + config.learningRate());
                    }
                    step++;
                    lossSum += (double) loss * batchN;
                    correct += batchCorrect;
                    seen += batchN;
                    progress.onBatch(new TrainingListener.BatchProgress(
                            epoch, config.epochs(), b, batches, loss, batchN == 0 ? 0f : (float) batchCorrect / batchN));
                }
                EpochSummary summary = new EpochSummary(
                        epoch, lossSum / seen, (double) correct / seen, seen, (System.nanoTime() - start) / 1e9);
                epochs.add(summary);
                progress.onEpoch(summary);
            }
        }
        return new TrainingHistory(epochs);
    }

    private static void checkData(Dataset data, long[] inputShape, int numClasses) {
        if (!data.hasLabels()) {
            throw new IllegalArgumentException(data.source() + " has no labels; training needs labelled data");
        }
        if (data.size() == 0) {
            throw new IllegalArgumentException(data.source() + " has no samples");
        }
        if (!Arrays.equals(data.sampleShape(), inputShape)) {
            throw new IllegalArgumentException(
                    data.source() + ": samples have shape " + Arrays.toString(data.sampleShape())
                            + " but the model takes " + Arrays.toString(inputShape));
        }
        int max = Arrays.stream(data.labels()).max().orElse(0);
        if (max >= numClasses) {
            throw new IllegalArgumentException(
                    data.source() + ": label " + max + " is out of range for a model of " + numClasses + " classes");
        }
    }

    private static void checkBatch(TrainingBatch batch, long[] inputShape, int numClasses, BatchTransform transform) {
        Shape x = batch.x().getShape();
        long n = x.get(0);
        Shape expectedX = Shapes.batch(n, inputShape);
        Shape expectedSoft = new Shape(n, numClasses);
        if (n < 1 || !x.equals(expectedX)
                || !batch.softLabels().getShape().equals(expectedSoft)
                || !batch.labels().getShape().equals(new Shape(n))
                || batch.paired() != null && !batch.paired().x().getShape().equals(expectedX)) {
            throw new IllegalStateException(
                    "batch transform " + transform.description() + " returned x " + x + ", labels "
                            + batch.labels().getShape() + ", soft labels " + batch.softLabels().getShape()
                            + (batch.paired() == null ? "" : ", paired inputs " + batch.paired().x().getShape())
                            + "; expected " + expectedX + ", (" + n + "), " + expectedSoft);
        }
    }

    /**
     * Copies a batch into reused native staging buffers and from there into arrays that own their
     * memory. Creating arrays straight from Java arrays would allocate a direct buffer per step that
     * the PyTorch engine shares with the tensor and that only a Java GC frees, so native memory would
     * climb between collections.
     */
    private static final class Staging {
        private final ByteBuffer features;
        private final ByteBuffer labels;

        Staging(int batchSize, int sampleSize) {
            features = ByteBuffer.allocateDirect(Math.multiplyExact(Math.multiplyExact(batchSize, sampleSize), 4))
                    .order(ByteOrder.nativeOrder());
            labels = ByteBuffer.allocateDirect(batchSize * 8).order(ByteOrder.nativeOrder());
        }

        TrainingBatch gather(
                NDManager scope, Dataset data, int[] order, int from, int to, long[] inputShape, int numClasses) {
            int size = data.sampleSize();
            float[] source = data.features();
            int[] classes = data.labels();
            int count = to - from;
            FloatBuffer x = features.asFloatBuffer();
            LongBuffer y = labels.asLongBuffer();
            for (int i = 0; i < count; i++) {
                int sample = order[from + i];
                x.put(source, sample * size, size);
                y.put(classes[sample]);
            }
            NDArray xArray;
            NDArray yArray;
            try (NDArray xView = scope.create(
                            features.slice(0, count * size * 4).order(ByteOrder.nativeOrder()),
                            Shapes.batch(count, inputShape), DataType.FLOAT32);
                    NDArray yView = scope.create(
                            labels.slice(0, count * 8).order(ByteOrder.nativeOrder()), new Shape(count), DataType.INT64)) {
                xArray = xView.duplicate();
                yArray = yView.duplicate();
            }
            return new TrainingBatch(xArray, yArray, SoftLabels.oneHot(yArray, numClasses));
        }
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** After loading, parameter arrays may not record gradients; training needs them to. */
    private static void enableParameterGradients(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter parameter = p.getValue();
            if (parameter.requiresGradient() && !parameter.getArray().hasGradient()) {
                parameter.getArray().setRequiresGradient(true);
            }
        }
    }

    private OptimiserState newOptimiser() {
        List<NDArray> states = new ArrayList<>();
        Tracker lr = Tracker.fixed(config.learningRate());
        Optimizer optimizer = switch (config.optimiser()) {
            case ADAM -> new TrackedAdam(
                    Optimizer.adam().optLearningRateTracker(lr).optWeightDecays(config.weightDecay()), states);
            case SGD -> new TrackedSgd(
                    Optimizer.sgd().setLearningRateTracker(lr).optMomentum(config.momentum())
                            .optWeightDecays(config.weightDecay()),
                    states);
        };
        return new OptimiserState(optimizer, states);
    }

    /**
     * DJL optimisers detach their state arrays (Adam's moments, SGD's momentum) from every manager
     * and never free them; these subclasses record them so the trainer closes them after the run.
     */
    private record OptimiserState(Optimizer optimizer, List<NDArray> states) implements AutoCloseable {
        @Override
        public void close() {
            states.forEach(NDArray::close);
            states.clear();
        }
    }

    private static final class TrackedAdam extends Adam {
        private final List<NDArray> states;

        TrackedAdam(Adam.Builder builder, List<NDArray> states) {
            super(builder);
            this.states = states;
        }

        @Override
        protected NDArray withDefaultState(
                Map<String, Map<Device, NDArray>> state, String key, Device device, Function<String, NDArray> init) {
            return super.withDefaultState(state, key, device, k -> record(states, init.apply(k)));
        }
    }

    private static final class TrackedSgd extends Sgd {
        private final List<NDArray> states;

        TrackedSgd(Sgd.Builder builder, List<NDArray> states) {
            super(builder);
            this.states = states;
        }

        @Override
        protected NDArray withDefaultState(
                Map<String, Map<Device, NDArray>> state, String key, Device device, Function<String, NDArray> init) {
            return super.withDefaultState(state, key, device, k -> record(states, init.apply(k)));
        }
    }

    private static NDArray record(List<NDArray> states, NDArray array) {
        states.add(array);
        return array;
    }
}
