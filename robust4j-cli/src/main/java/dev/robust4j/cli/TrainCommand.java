package dev.robust4j.cli;

import ai.djl.Device;
import dev.robust4j.Robust4j;
import dev.robust4j.data.Dataset;
import dev.robust4j.defence.DefenceSpec;
import dev.robust4j.defence.TrainingDefences;
import dev.robust4j.model.Bounds;
import dev.robust4j.nn.BatchTransform;
import dev.robust4j.data.KnownDatasets;
import dev.robust4j.data.Split;
import dev.robust4j.metric.Accuracy;
import dev.robust4j.nn.ModelDirectory;
import dev.robust4j.nn.NetworkSpec;
import dev.robust4j.nn.TrainedModel;
import dev.robust4j.nn.Trainer;
import dev.robust4j.nn.TrainingConfig;
import dev.robust4j.nn.TrainingListener;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code robust4j train}: train a built-in network and save it as a model directory. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a built-in network (mlp, cnn, resnet) on data and save it as a model directory.")
final class TrainCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin DataOptions dataOptions;

    @Option(names = "--arch", required = true, paramLabel = "cnn|mlp|resnet", description = "The architecture.")
    String arch;

    @Option(names = "--activation", defaultValue = "relu", paramLabel = "relu|brelu:T",
            description = "Activation of every layer: relu, or bounded ReLU min(max(x, 0), T) (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--defence", paramLabel = "SPEC",
            description = "A training-time defence, name[:k=v,...]; repeatable, applied in order: "
                    + "adversarial-training:attack=pgd,eps=0.1,steps=7,step-size=0.02,ratio=1 (or preset=madry|fast|trades, with beta=6 for TRADES), "
                    + "gaussian-augmentation:sigma=0.1,ratio=1, label-smoothing:max-value=0.9.")
    List<String> defences = new ArrayList<>();

    @Option(names = "--epochs", defaultValue = "5", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "B",
            description = "Samples per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "adam|sgd",
            description = "The optimiser (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: 0.001 for adam, 0.01 for sgd).")
    Float learningRate;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--device", paramLabel = "cpu|gpu[:N]", description = ModelOptions.DEVICE_HELP)
    String device;

    @Option(names = "--out", required = true, paramLabel = "M", description = "The model directory to write.")
    Path out;

    @Option(names = "--num-classes", paramLabel = "K",
            description = "Number of classes; labels must be in [0, K) (default: from the data's class names, else"
                    + " the largest label + 1, every class then needing at least one sample).")
    Integer numClasses;

    @Override
    public Integer call() throws Exception {
        try (Outputs outputs = new Outputs()) {
            dataOptions.claimInputs(outputs);
            outputs.directory("--out", out);
            if (Files.isDirectory(out) && !ModelDirectory.isModelDirectory(out)) {
                try (var entries = Files.list(out)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException("--out " + out + " is a non-empty directory that is not a"
                                + " model directory; refusing to replace it");
                    }
                }
            }
            if (numClasses != null && numClasses < 2) {
                throw new IllegalArgumentException("--num-classes must be >= 2, got " + numClasses);
            }
            ModelOptions.parseDevice(device);
            return run();
        }
    }

    private int run() throws Exception {
        Device dev = ModelOptions.parseDevice(device);
        Dataset train = dataOptions.load(Split.TRAIN);
        BatchTransform transform = BatchTransform.identity();
        for (String d : defences) {
            transform = transform.andThen(TrainingDefences.create(DefenceSpec.parse(d), Bounds.UNIT,
                    path -> Robust4j.loadModel(path, train.sampleShape(), Bounds.UNIT, dev)));
        }
        TrainingConfig.Builder config = TrainingConfig.builder()
                .optEpochs(epochs)
                .optBatchSize(batchSize)
                .optOptimiser(TrainingConfig.Optimiser.parse(optimizer))
                .optSeed(seed)
                .optTransform(transform)
                .optDevice(dev);
        if (learningRate != null) {
            config.optLearningRate(learningRate);
        }
        TrainingConfig cfg = config.build();
        if (!train.hasLabels()) {
            throw new IllegalArgumentException(train.source() + " has no labels; training needs labels");
        }
        NetworkSpec network = NetworkSpec.of(arch, activation, train.sampleShape(), classes(train));
        int batches = (train.size() + batchSize - 1) / batchSize;
        TrainedModel model;
        try (ProgressReporter progress = ProgressReporter.start("train " + arch, (long) batches * epochs, "batches")) {
            model = Trainer.train(train, network, cfg, new TrainingListener() {
                @Override
                public void onBatch(BatchProgress p) {
                    progress.stepTo((long) p.epoch() * p.batches() + p.batch() + 1);
                    progress.message(String.format(Locale.ROOT, "epoch %d/%d loss %.3f", p.epoch() + 1, p.epochs(), p.loss()));
                }
            });
        }
        try (model) {
            model.save(out);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "trained %s (%s) on %s: %d samples, %d epochs, %.1f s, train accuracy %.3f",
                    network.architecture().id(), network.activation(), train.source(), train.size(), epochs,
                    model.training().history().seconds(), model.training().history().finalAccuracy()));
            String name = dataOptions.data;
            if (KnownDatasets.isKnown(name)) {
                Dataset test = KnownDatasets.load(name, Split.TEST);
                double acc = Accuracy.of(model.classifier(), test, 256);
                line.append(String.format(Locale.ROOT, ", test accuracy %.3f on %d samples", acc, test.size()));
            }
            line.append("; saved to ").append(out);
            out().println(line);
        }
        return 0;
    }

    /** The number of classes: {@code --num-classes}, the data's class names, or the largest label + 1 with no gap. */
    private int classes(Dataset train) {
        int[] y = train.labels();
        if (numClasses != null) {
            for (int i = 0; i < y.length; i++) {
                if (y[i] >= numClasses) {
                    throw new IllegalArgumentException(train.source() + ": label of sample " + i + " is " + y[i]
                            + "; expected a class index in [0, " + (numClasses - 1) + "] for --num-classes " + numClasses);
                }
            }
            if (!train.classNames().isEmpty() && train.classNames().size() != numClasses) {
                throw new IllegalArgumentException("--num-classes is " + numClasses + " but " + train.source() + " has "
                        + train.classNames().size() + " classes");
            }
            return numClasses;
        }
        int k = train.numClasses();
        if (train.classNames().isEmpty()) {
            boolean[] seen = new boolean[k];
            for (int v : y) {
                seen[v] = true;
            }
            for (int c = 0; c < k; c++) {
                if (!seen[c]) {
                    int at = 0;
                    while (y[at] != k - 1) {
                        at++;
                    }
                    throw new IllegalArgumentException(train.source() + ": class " + c + " has no sample, yet label "
                            + (k - 1) + " (sample " + at + ") would make " + k + " classes; labels must run from 0"
                            + " to K-1 with every class present, or give --num-classes K");
                }
            }
        }
        return k;
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
