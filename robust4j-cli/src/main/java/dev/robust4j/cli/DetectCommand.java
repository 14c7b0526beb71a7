package dev.robust4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robust4j.Robust4j;
import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.AttackRunner;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.Split;
import dev.robust4j.defence.DefenceSpec;
import dev.robust4j.defence.RuntimeDefences;
import dev.robust4j.defence.detect.FeatureSqueezingDetector;
import dev.robust4j.defence.preprocess.Preprocessor;
import dev.robust4j.metric.Stats;
import dev.robust4j.model.Classifier;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code robust4j detect}: calibrate the feature-squeezing detector on clean data for a target
 * false-positive rate, then report, per attack, the fraction of its adversarials it flags.
 */
@Command(
        name = "detect",
        mixinStandardHelpOptions = true,
        description = "Calibrate the feature-squeezing detector (Xu et al.) on clean data for a false-positive rate,"
                + " then report its detection rate per attack and the false-positive rate measured on --data.")
final class DetectCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin ModelOptions modelOptions;

    @Mixin DataOptions dataOptions;

    @Option(names = "--calibrate", required = true, paramLabel = "CLEAN",
            description = "Clean data to calibrate the threshold on (a known name means its training split).")
    String calibrate;

    @Option(names = "--calibrate-limit", defaultValue = "1000", paramLabel = "N",
            description = "Use the first N calibration samples (default: ${DEFAULT-VALUE}).")
    int calibrateLimit;

    @Option(names = "--fpr", defaultValue = "0.05", paramLabel = "RATE",
            description = "Target false-positive rate (default: ${DEFAULT-VALUE}).")
    double fpr;

    @Option(names = "--squeezers", paramLabel = "SPEC", split = ";",
            description = "Squeezers, separated by ';' (default: feature-squeezing:bit-depth=1;median-smoothing:window=2).")
    List<String> squeezers = new ArrayList<>();

    @Option(names = "--attacks", paramLabel = "a,b", split = ",",
            description = "Attacks to detect, with their defaults (default: fgsm, bim and, when available, cw-l2 and jsma).")
    List<String> attacks = new ArrayList<>();

    @Option(names = "--batch-size", defaultValue = "128", paramLabel = "B", description = "Samples per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Override
    public Integer call() throws Exception {
        try (Outputs outputs = new Outputs()) {
            dataOptions.claimInputs(outputs);
            modelOptions.claimInputs(outputs);
            modelOptions.device(); // a bad --device fails before any data is read
            outputs.file("--json", json);
            return run(outputs);
        }
    }

    private int run(Outputs outputs) throws Exception {
        if (!(fpr >= 0 && fpr < 1)) {
            throw new IllegalArgumentException("--fpr must be in [0, 1), got " + fpr);
        }
        if (batchSize < 1 || calibrateLimit < 1) {
            throw new IllegalArgumentException("--batch-size and --calibrate-limit must be >= 1");
        }
        List<String> names = attacks.isEmpty() ? defaultAttacks() : attacks;
        List<EvasionAttack> pool = new ArrayList<>();
        for (String name : names) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("seed", Long.toString(seed));
            pool.add(AttackRegistry.create(name.trim(), p));
        }
        List<Preprocessor> squeeze = new ArrayList<>();
        for (String s : squeezers.isEmpty() ? List.of("feature-squeezing:bit-depth=1", "median-smoothing:window=2") : squeezers) {
            squeeze.add(RuntimeDefences.preprocessor(DefenceSpec.parse(s)));
        }
        long[] expected = modelOptions.expectedShape();
        Dataset data = dataOptions.load(Split.TEST, expected);
        if (calibrate.isBlank()) {
            throw new IllegalArgumentException("--calibrate must be a known dataset (sample, fashion-mnist) or a path, got ''");
        }
        Dataset clean = Robust4j.loadData(calibrate, null, Split.TRAIN, expected).limit(calibrateLimit);
        try (ModelOptions.Loaded loaded = modelOptions.load(data); NDManager manager = NDManager.newBaseManager()) {
            Classifier model = loaded.model();
            Dataset test = ModelOptions.fit(data, model);
            clean = ModelOptions.fit(clean, model);
            FeatureSqueezingDetector detector = new FeatureSqueezingDetector(model, squeeze, Double.NaN)
                    .calibrate(clean, fpr, batchSize);
            double fprCalibration = Stats.fraction(detector.flag(detector.scores(clean, batchSize)), null);
            double fprTest = Stats.fraction(detector.flag(detector.scores(test, batchSize)), null);
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode out = mapper.createObjectNode();
            out.put("detector", detector.description());
            out.put("threshold", detector.threshold());
            out.put("fpr_target", fpr);
            out.put("fpr_calibration", fprCalibration);
            out.put("fpr_test", fprTest);
            out.put("calibration_samples", clean.size());
            out.put("samples", test.size());
            ArrayNode rows = out.putArray("attacks");
            out().printf(Locale.ROOT, "%s, threshold %.4f for FPR %.3f (measured: %.3f on %d calibration samples, %.3f on %d"
                    + " test samples)%n", detector.description(), detector.threshold(), fpr, fprCalibration, clean.size(),
                    fprTest, test.size());
            out().printf(Locale.ROOT, "  %-10s %14s %16s%n", "attack", "adversarials", "detection rate");
            for (EvasionAttack attack : pool) {
                try (ProgressReporter progress = ProgressReporter.start(attack.name(), test.size(), "samples");
                        AttackResult r = AttackRunner.run(attack, model, test, null, batchSize, manager,
                                (done, total) -> progress.stepTo(done))) {
                    boolean[] made = new boolean[r.size()];
                    boolean[] correct = r.cleanCorrect();
                    for (int i = 0; i < made.length; i++) {
                        made[i] = correct[i] && r.success()[i];
                    }
                    boolean[] flagged = detector.detect(r.adversarial());
                    int count = 0;
                    for (boolean b : made) {
                        count += b ? 1 : 0;
                    }
                    double detection = Stats.fraction(flagged, made);
                    ObjectNode row = rows.addObject();
                    row.put("attack", attack.name());
                    row.putPOJO("params", attack.params());
                    row.put("adversarials", count);
                    if (Double.isNaN(detection)) {
                        row.putNull("detection_rate");
                    } else {
                        row.put("detection_rate", detection);
                    }
                    out().printf(Locale.ROOT, "  %-10s %14d %16s%n", attack.name(), count, Summaries.f3(detection));
                }
            }
            if (json != null) {
                byte[] bytes = mapper.writeValueAsBytes(out);
                outputs.stage(json, o -> o.write(bytes));
            }
            outputs.commit();
        }
        return 0;
    }

    private static List<String> defaultAttacks() {
        List<String> out = new ArrayList<>();
        for (String name : List.of("fgsm", "bim", "cw-l2", "jsma")) {
            if (AttackRegistry.names().contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
