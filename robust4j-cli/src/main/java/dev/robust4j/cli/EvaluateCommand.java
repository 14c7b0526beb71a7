package dev.robust4j.cli;

import ai.djl.Device;
import dev.robust4j.Robust4j;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.Split;
import dev.robust4j.evaluate.AttackPool;
import dev.robust4j.evaluate.DefenceCandidate;
import dev.robust4j.evaluate.PhysicalThreat;
import dev.robust4j.evaluate.Retraining;
import dev.robust4j.evaluate.RobustnessReport;
import dev.robust4j.evaluate.RobustnessEvaluation;
import dev.robust4j.evaluate.ThreatModel;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.NormalizedClassifier;
import dev.robust4j.defence.DefenceSpec;
import dev.robust4j.report.ReportWriter;
import dev.robust4j.transform.TransformSpec;
import dev.robust4j.nn.ModelDirectory;
import dev.robust4j.nn.NetworkSpec;
import dev.robust4j.nn.TrainingConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code robust4j evaluate}: the robustness test from a YAML configuration or from flags. Exit 0
 * when the target success rate is met, 1 when it is not, 2 on bad input.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Run an attack pool against a model, then candidate defences in turn until the worst-case success rate"
                    + " is at most the target; print the rounds and write the report.",
            "Give either --config FILE (schema in the README) or the flags. Exit codes: 0 target met, 1 not met,"
                    + " 2 bad input."})
final class EvaluateCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE.yaml", description = "The robustness test as YAML.")
    Path config;

    @Option(names = "--model", paramLabel = "M",
            description = "A TorchScript file, an ONNX file, a model directory or an http(s) URL; without it the test"
                    + " trains --arch on --train-data.")
    String model;

    @Option(names = "--input-shape", paramLabel = "C,H,W", description = "Per-sample input shape of a model file.")
    String inputShape;

    @Option(names = "--bounds", paramLabel = "MIN,MAX", description = "Input bounds of a model file (default 0,1).")
    String bounds;

    @Option(names = "--mean", paramLabel = "M[,M...]",
            description = "The model expects normalised inputs (x - mean) / std: per-channel means; needs --std.")
    String mean;

    @Option(names = "--std", paramLabel = "S[,S...]", description = "Per-channel standard deviations (see --mean).")
    String std;

    @Option(names = "--num-classes", paramLabel = "K", description = "Classes of an HTTP model.")
    Integer numClasses;

    @Option(names = "--data", paramLabel = "D", description = "The test data to attack.")
    String data;

    @Option(names = "--labels", paramLabel = "L", description = "Labels for --data in a separate file.")
    Path labels;

    @Option(names = "--limit", paramLabel = "N", description = "Attack only the first N samples.")
    Integer limit;

    @Option(names = "--threat-model", paramLabel = "white-box|black-box", defaultValue = "white-box",
            description = "What the attacker sees (default: ${DEFAULT-VALUE}).")
    String threatModel;

    @Option(names = "--attacks", paramLabel = "SPEC[,SPEC...]",
            description = "The attack pool, e.g. fgsm:eps=0.1,pgd:eps=0.1,steps=40,square:eps=0.1 (a k=v after a"
                    + " comma belongs to the attack before it); repeatable.")
    List<String> attacks = new ArrayList<>();

    @Option(names = "--target-sr", paramLabel = "RATE", description = "The acceptable worst-case success rate, in [0, 1].")
    Double targetSr;

    @Option(names = "--defence", paramLabel = "SPEC[ + SPEC]",
            description = "A candidate defence, tried in the order given; repeatable.")
    List<String> defences = new ArrayList<>();

    @Option(names = "--train-data", paramLabel = "D",
            description = "Training data, to train --arch or to retrain for training defences.")
    String trainData;

    @Option(names = "--arch", paramLabel = "cnn|mlp|resnet",
            description = "The network to train (default: the model directory's own).")
    String arch;

    @Option(names = "--activation", paramLabel = "relu|brelu:T", defaultValue = "relu",
            description = "Activation of --arch (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "5", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Training seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--calibration", paramLabel = "D",
            description = "Clean data to calibrate a detector on (default: the last 1,000 training samples).")
    String calibration;

    @Option(names = "--survival", paramLabel = "k=v,...",
            description = "A physical threat model: measure every attack's adversarials, and the clean inputs, under"
                    + " random transformations (rotation, translation, scale, brightness, contrast, noise, blur; the"
                    + " names of --survival on attack), and judge the target on the success rate under them.")
    String survival;

    @Option(names = "--survival-draws", paramLabel = "N",
            description = "Transformations drawn per sample for --survival (default: 50).")
    Integer survivalDraws;

    @Option(names = "--survival-seed", paramLabel = "S", description = "Seed of the --survival draws (default: 0).")
    Long survivalSeed;

    @Option(names = "--survival-strengths", paramLabel = "F[,F...]",
            description = "Factors of the --survival transformation for the report's chart of survival against"
                    + " strength (default: 0,0.25,0.5,0.75,1; '' for no chart).")
    String survivalStrengths;

    @Option(names = "--survival-strength-draws", paramLabel = "N",
            description = "Draws per sample at each strength of the chart (default: 8).")
    Integer survivalStrengthDraws;

    @Option(names = "--all", description = "Try every defence, even after one met the target.")
    boolean all;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "128",
            description = "Samples per attack call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--device", paramLabel = "cpu|gpu[:N]",
            description = ModelOptions.DEVICE_HELP + " Overrides the configuration's device:.")
    String device;

    @Option(names = "--report", paramLabel = "DIR", description = "Write index.html and report.json into DIR.")
    Path report;

    @Option(names = "--json", paramLabel = "FILE", description = "Write report.json's content to FILE.")
    Path json;

    @picocli.CommandLine.Mixin
    ScaleOutOptions scaleOut;

    @Override
    public Integer call() throws Exception {
        try (Outputs outputs = new Outputs()) {
            return call(outputs);
        }
    }

    private int call(Outputs outputs) throws Exception {
        if (config != null && config.toString().isBlank()) {
            throw new IllegalArgumentException("--config must name a YAML file, got ''");
        }
        EvaluationSpec s = config != null ? fromConfig() : fromFlags();
        outputs.input("--config", config);
        if (s.model != null && !s.model.isBlank() && !ModelOptions.isUrl(s.model)) {
            outputs.input("model", Path.of(s.model));
        }
        if (s.data != null && !s.data.isBlank()) {
            outputs.input("data", Path.of(s.data));
        }
        outputs.input("labels", s.labels);
        outputs.directory("report", s.report, ReportWriter.JSON, ReportWriter.INDEX);
        outputs.file("json", s.json);
        if (s.batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + s.batchSize);
        }
        long[] expected = s.model == null ? null : ModelOptions.expectedShape(s.model, s.inputShape);
        Dataset test = load(s.data, s.labels, s.limit, Split.TEST, "data", expected);
        Retraining recipe = null;
        long[] shape = s.inputShape != null ? s.inputShape : test.sampleShape();
        Bounds b = s.bounds == null ? null : new Bounds(s.bounds[0], s.bounds[1]);
        Classifier loaded = null;
        Classifier model = null;
        Device dev = s.device;
        dev.robust4j.evaluate.PoolRunner runner = null;
        try (ModelOptions.Loader loader = new ModelOptions.Loader(shape, b, null, dev)) {
            if (s.model != null) {
                loaded = ModelOptions.open(s.model, shape, b, s.numClasses, dev);
                model = loaded;
                if (s.normalization != null) {
                    try {
                        model = NormalizedClassifier.wrap(loaded, s.normalization, loaded.bounds());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("normalization: " + e.getMessage(), e);
                    }
                }
                test = ModelOptions.fit(test, model);
                for (String a : s.attacks) {
                    ModelOptions.checkTargetClasses("attack '" + a + "': ", DefenceSpec.parse(a).params(), model);
                }
            }
            if (s.training != null) {
                recipe = recipe(s, loaded);
            } else if (loaded == null) {
                throw new IllegalArgumentException("give a model (--model / model:) or training data and an architecture"
                        + " to train one (--train-data and --arch / training:)");
            }
            Dataset calibrationData = s.calibration == null ? null
                    : load(s.calibration, s.calibrationLabels, s.calibrationLimit, Split.TRAIN, "calibration", expected);
            List<DefenceCandidate> candidates = new ArrayList<>();
            for (String d : s.defences) {
                candidates.add(DefenceCandidate.parse(d));
            }
            RobustnessConsole console = new RobustnessConsole(spec.commandLine().getOut());
            AttackPool pool = AttackPool.parse(s.attacks, loader);
            runner = scaleOut.open(s.model, loaded, model, s.normalization, s.numClasses, s.threatModel,
                    spec.commandLine().getErr());
            RobustnessEvaluation.Builder builder = RobustnessEvaluation.builder()
                    .setData(test)
                    .setPool(pool.withRunner(runner))
                    .setTargetSuccessRate(s.targetSuccessRate)
                    .optThreatModel(ThreatModel.parse(s.threatModel))
                    .optModel(model)
                    .optRetraining(recipe)
                    .optCalibration(calibrationData)
                    .optDefences(candidates)
                    .optCurves(s.curves)
                    .optPhysical(s.physical)
                    .optBatchSize(s.batchSize)
                    .optExamples(s.examples)
                    .optStopWhenMet(s.stopWhenMet)
                    .optModelLoader(path -> ModelOptions.open(path.toString(), shape, b, null, dev))
                    .optListener(console)
                    .optConfig("command", "robust4j evaluate");
            if (config != null) {
                builder.optConfig("config_file", config.toAbsolutePath().toString())
                        .optConfig("config_text", Files.readString(config));
            }
            RobustnessReport result = builder.build().run();
            // The report is the result whether or not the target was met (exit 0 or 1): write it.
            Path index = Reports.stage(outputs, result, s.report, s.json);
            outputs.commit();
            console.summary(result);
            if (index != null) {
                spec.commandLine().getOut().println("\nreport: " + index.toAbsolutePath());
            }
            if (s.json != null) {
                spec.commandLine().getOut().println("json: " + s.json.toAbsolutePath());
            }
            return result.targetMet() ? 0 : 1;
        } finally {
            if (runner != null) {
                runner.close();
            }
            if (loaded != null) {
                loaded.close();
            }
        }
    }

    private Retraining recipe(EvaluationSpec s, Classifier loaded) throws java.io.IOException {
        EvaluationSpec.Training t = s.training;
        Dataset train = load(t.data, t.labels, t.limit, Split.TRAIN, "training data", null);
        NetworkSpec network;
        if (t.arch != null) {
            network = NetworkSpec.of(t.arch, t.activation, train.sampleShape(), train.numClasses());
        } else if (s.model != null && Files.isDirectory(Path.of(s.model)) && ModelDirectory.isModelDirectory(Path.of(s.model))) {
            network = ModelDirectory.readSpec(Path.of(s.model));
        } else {
            throw new IllegalArgumentException("retraining needs an architecture: give --arch (training: arch:), or a"
                    + " model directory written by 'robust4j train' as the model");
        }
        TrainingConfig.Builder c = TrainingConfig.builder().optEpochs(t.epochs).optBatchSize(t.batchSize).optSeed(t.seed)
                .optDevice(s.device);
        if (t.learningRate != null) {
            c.optLearningRate(t.learningRate);
        }
        Bounds bounds = loaded != null ? loaded.bounds() : s.bounds == null ? Bounds.UNIT : new Bounds(s.bounds[0], s.bounds[1]);
        return new Retraining(train, network, bounds, c.build());
    }

    private static Dataset load(String name, Path labels, Integer limit, Split split, String what, long[] expected) {
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException(what + " limit must be >= 1, got " + limit);
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " must be a known dataset (sample, fashion-mnist) or a path, got ''");
        }
        Dataset d = Robust4j.loadData(name, labels, split, expected);
        return limit == null ? d : d.limit(limit);
    }

    private EvaluationSpec fromConfig() {
        List<String> clash = new ArrayList<>();
        for (String name : List.of("--model", "--input-shape", "--bounds", "--mean", "--std", "--num-classes", "--data", "--labels",
                "--limit", "--attacks", "--target-sr", "--defence", "--train-data", "--arch", "--calibration", "--all",
                "--survival", "--survival-draws", "--survival-seed", "--survival-strengths", "--survival-strength-draws")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
                clash.add(name);
            }
        }
        if (!clash.isEmpty()) {
            throw new IllegalArgumentException("give either --config or the flags, not both: " + String.join(", ", clash)
                    + " given with --config (only --report and --json may override the file)");
        }
        EvaluationSpec s = EvaluationConfig.read(config);
        if (report != null) {
            s.report = report;
        }
        if (json != null) {
            s.json = json;
        }
        if (device != null) {
            s.device = ModelOptions.parseDevice(device);
        }
        return s;
    }

    private EvaluationSpec fromFlags() {
        if (data == null) {
            throw new IllegalArgumentException("--data is required (or --config FILE)");
        }
        if (attacks.isEmpty()) {
            throw new IllegalArgumentException("--attacks is required, e.g. --attacks fgsm:eps=0.1,pgd:eps=0.1");
        }
        if (targetSr == null) {
            throw new IllegalArgumentException("--target-sr is required, e.g. --target-sr 0.2");
        }
        EvaluationSpec s = new EvaluationSpec();
        s.device = ModelOptions.parseDevice(device);
        s.model = model;
        s.inputShape = inputShape == null ? null : ModelOptions.parseShape(inputShape);
        if (mean != null || std != null) {
            ModelOptions n = new ModelOptions();
            n.mean = mean;
            n.std = std;
            s.normalization = n.normalization();
        }
        if (bounds != null) {
            Bounds parsed = ModelOptions.parseBounds(bounds);
            s.bounds = new float[] {parsed.min(), parsed.max()};
        }
        s.numClasses = numClasses;
        s.data = data;
        s.labels = labels;
        s.limit = limit;
        s.threatModel = threatModel;
        s.targetSuccessRate = targetSr;
        for (String a : attacks) {
            s.attacks.addAll(splitSpecs(a));
        }
        s.defences.addAll(defences);
        if (trainData != null) {
            s.training = new EvaluationSpec.Training();
            s.training.data = trainData;
            s.training.arch = arch;
            s.training.activation = activation;
            s.training.epochs = epochs;
            s.training.seed = seed;
        } else if (arch != null) {
            throw new IllegalArgumentException("--arch needs --train-data to train on");
        }
        s.physical = physical();
        s.calibration = calibration;
        s.stopWhenMet = !all;
        s.batchSize = batchSize;
        s.report = report;
        s.json = json;
        return s;
    }

    /** The physical threat model of the --survival flags, or null without --survival. */
    private PhysicalThreat physical() {
        if (survival == null) {
            for (String name : List.of("--survival-draws", "--survival-seed", "--survival-strengths",
                    "--survival-strength-draws")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
                    throw new IllegalArgumentException(name + " needs --survival (the transformations, e.g."
                            + " --survival rotation=15,translation=2)");
                }
            }
            return null;
        }
        TransformSpec transform;
        try {
            transform = TransformSpec.parse(survival);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--survival: " + e.getMessage(), e);
        }
        if (transform.isIdentity()) {
            throw new IllegalArgumentException("--survival must name at least one transformation, e.g."
                    + " rotation=15,translation=2; got '" + survival + "'");
        }
        int draws = survivalDraws == null ? PhysicalThreat.DEFAULT_DRAWS : survivalDraws;
        if (draws < 1) {
            throw new IllegalArgumentException("--survival-draws must be >= 1, got " + draws);
        }
        int strengthDraws = survivalStrengthDraws == null ? PhysicalThreat.DEFAULT_STRENGTH_DRAWS : survivalStrengthDraws;
        if (strengthDraws < 1) {
            throw new IllegalArgumentException("--survival-strength-draws must be >= 1, got " + strengthDraws);
        }
        double[] strengths = PhysicalThreat.DEFAULT_STRENGTHS;
        if (survivalStrengths != null) {
            List<Double> values = new ArrayList<>();
            for (String part : survivalStrengths.split(",", -1)) {
                if (part.isBlank() && survivalStrengths.isBlank()) {
                    continue;
                }
                try {
                    values.add(Double.parseDouble(part.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--survival-strengths must be factors in [0, 1] separated by"
                            + " commas, e.g. 0,0.5,1; got '" + survivalStrengths + "'");
                }
            }
            strengths = values.stream().mapToDouble(Double::doubleValue).toArray();
        }
        try {
            return new PhysicalThreat(transform, draws, survivalSeed == null ? 0 : survivalSeed, strengths,
                    strengthDraws);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage().replaceFirst("^survival ", "survival-"), e);
        }
    }

    /**
     * Splits {@code fgsm:eps=0.1,pgd:eps=0.1,steps=40} into specs: a comma-separated part with
     * {@code =} and no {@code :} continues the spec before it.
     *
     * @param text the option's value
     * @return the specs
     */
    static List<String> splitSpecs(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            boolean continues = p.contains("=") && (p.indexOf(':') < 0 || p.indexOf(':') > p.indexOf('='));
            if (continues && !out.isEmpty()) {
                out.set(out.size() - 1, out.get(out.size() - 1) + "," + p);
            } else {
                out.add(p);
            }
        }
        return out;
    }
}
