package dev.robust4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.robust4j.Robust4j;
import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.AttackRunner;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.Npy;
import dev.robust4j.data.Split;
import dev.robust4j.metric.AttackSummary;
import dev.robust4j.metric.QueryCurve;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robust4j.model.Classifier;
import dev.robust4j.report.AttackRunJson;
import dev.robust4j.transform.Survival;
import dev.robust4j.transform.TransformSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code robust4j attack}: run one attack on a model and data, print and save the result. */
@Command(
        name = "attack",
        mixinStandardHelpOptions = true,
        description = "Attack a model on data with one attack; print a summary line, optionally write JSON and"
                + " the adversarial batch.")
final class AttackCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin ModelOptions modelOptions;

    @Mixin DataOptions dataOptions;

    @Option(names = "--attack", required = true, paramLabel = "NAME",
            description = "The attack: ${COMPLETION-CANDIDATES}.", completionCandidates = AttackNames.class)
    String attackName;

    @Option(names = "--param", paramLabel = "k=v",
            description = "An attack parameter by its kebab-case name, e.g. --param eps=0.1 --param steps=40. The"
                    + " transfer attack takes surrogate=PATH (a model with gradients, loaded like --model),"
                    + " attack=NAME (default pgd) and the inner attack's parameters.")
    Map<String, String> params = new LinkedHashMap<>();

    @SuppressWarnings("deprecation") // help = true: the one picocli way to skip required options for a listing
    @Option(names = "--list-params", paramLabel = "NAME", help = true,
            description = "Print the parameters attack NAME takes (type, default, meaning), read from its declaration,"
                    + " and exit; no other option is needed.")
    String listParams;

    @Option(names = "--defence", paramLabel = "SPEC",
            description = "A run-time defence around the model, name[:k=v,...]; repeatable, applied in order: "
                    + "feature-squeezing:bit-depth=1, median-smoothing:window=2, spatial-smoothing:window=3, "
                    + "jpeg-compression:quality=75, gaussian-noise:sigma=0.1, ensemble:members=a.pt|b,vote=mean.")
    List<String> defences = new ArrayList<>();

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "128",
            description = "Samples per attack call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--target", paramLabel = "next|random|T.npy",
            description = "Make the attack targeted: next = (y + 1) mod K, random = a seeded random other class,"
                    + " or a .npy file of target labels.")
    String target;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the result record as JSON.")
    Path json;

    @Option(names = "--save-adversarial", paramLabel = "FILE.npy",
            description = "Write the adversarial batch as float32 NPY, one row per input sample in input order.")
    Path saveAdversarial;

    @Option(names = "--survival", paramLabel = "k=v,...",
            description = "After the attack, measure how often its adversarials stay adversarial under random"
                    + " transformations: rotation (degrees), translation (pixels), scale, brightness, contrast, noise,"
                    + " blur, e.g. rotation=15,translation=2; also the clean accuracy under them.")
    String survival;

    @Option(names = "--survival-draws", paramLabel = "N", defaultValue = "50",
            description = "Random transformations drawn per sample for --survival (default: ${DEFAULT-VALUE}).")
    int survivalDraws;

    @Override
    public Integer call() throws Exception {
        if (listParams != null) {
            for (String line : AttackRegistry.help(listParams)) {
                out().println(line);
            }
            return 0;
        }
        TransformSpec survivalSpec = null;
        if (survival != null) {
            try {
                survivalSpec = TransformSpec.parse(survival);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--survival: " + e.getMessage(), e);
            }
            if (survivalDraws < 1) {
                throw new IllegalArgumentException("--survival-draws must be >= 1, got " + survivalDraws);
            }
        }
        this.survivalTransform = survivalSpec;
        try (Outputs outputs = new Outputs()) {
            dataOptions.claimInputs(outputs);
            modelOptions.claimInputs(outputs);
            modelOptions.device(); // a bad --device fails before any data is read
            outputs.file("--save-adversarial", saveAdversarial);
            outputs.file("--json", json);
            if (batchSize < 1) {
                throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
            }
            // --seed goes to attacks that draw random numbers (the declaration says which)
            Map<String, String> p = AttackRegistry.withDefaultSeed(attackName, params, seed);
            Dataset data = dataOptions.load(Split.TEST, modelOptions.expectedShape());
            // Models named by attack parameters (transfer's surrogate) load like --model and close with it.
            try (ModelOptions.Loader others = modelOptions.loader(data)) {
                EvasionAttack attack = Robust4j.attack(attackName, p, others);
                return run(attack, data, outputs);
            }
        }
    }

    private TransformSpec survivalTransform;

    private int run(EvasionAttack attack, Dataset data, Outputs outputs) throws Exception {
        try (ModelOptions.Loaded loaded = modelOptions.load(data)) {
            Classifier model = Defences.wrap(loaded.model(), defences, modelOptions);
            ModelOptions.checkTargetClasses("--param ", params, model);
            Dataset input = ModelOptions.fit(data, model);
            int[] targets = target == null ? null : Targets.parse(target, input, model.numClasses(), seed);
            AttackResult result;
            Survival[] measured = null;
            try (NDManager manager = NDManager.newBaseManager();
                    ProgressReporter progress = ProgressReporter.start(attack.name(), input.size(), "samples")) {
                result = AttackRunner.run(attack, model, input, targets, batchSize, manager, (done, total) -> progress.stepTo(done));
                if (survivalTransform != null) {
                    measured = measureSurvival(model, input, result, manager);
                }
                if (saveAdversarial != null) {
                    outputs.stage(saveAdversarial, Npy.float32Body(saveAdversarial, result.adversarial().toFloatArray(),
                            result.adversarial().getShape().getShape()));
                }
            }
            AttackSummary summary = AttackSummary.of(result);
            if (json != null) {
                ObjectNode record = AttackRunJson.toJson(attack, targets != null, summary, model);
                if (!attack.requiresGradients()) {
                    AttackRunJson.addQueryCurve(record, QueryCurve.of(result));
                }
                if (measured != null) {
                    AttackRunJson.addSurvival(record, measured[0], measured[1], result);
                }
                byte[] bytes = AttackRunJson.toBytes(record);
                outputs.stage(json, o -> o.write(bytes));
            }
            outputs.commit();
            out().println(Summaries.line(attack, targets != null, summary));
            if (measured != null) {
                out().println(Summaries.survival(measured[0], measured[1], result));
            }
        }
        return 0;
    }

    /**
     * Measures the clean inputs and the adversarials under the --survival distribution, batch by
     * batch; draws are keyed by each sample's index, so the batch size does not change them.
     */
    private Survival[] measureSurvival(Classifier model, Dataset input, AttackResult result, NDManager manager) {
        int n = input.size();
        double[] clean = new double[n];
        double[] adversarial = new double[n];
        long[] labels = new long[n];
        long[] targets = result.targets() == null ? null : new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = result.labels()[i];
            if (targets != null) {
                targets[i] = result.targets()[i];
            }
        }
        ProgressReporter progress = ProgressReporter.start("survival", n, "samples");
        try (progress) {
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                try (NDManager scope = manager.newSubManager()) {
                    long[] yb = java.util.Arrays.copyOfRange(labels, from, to);
                    Survival c = Survival.measure(model, input.features(scope, from, to), yb, null, survivalTransform,
                            survivalDraws, seed, from);
                    NDArray adv = result.adversarial().get(new ai.djl.ndarray.index.NDIndex(from + ":" + to));
                    adv.attach(scope);
                    Survival a = Survival.measure(model, adv, yb,
                            targets == null ? null : java.util.Arrays.copyOfRange(targets, from, to), survivalTransform,
                            survivalDraws, seed, from);
                    System.arraycopy(c.fractions(), 0, clean, from, to - from);
                    System.arraycopy(a.fractions(), 0, adversarial, from, to - from);
                }
                progress.stepTo(to);
            }
        }
        return new Survival[] {new Survival(survivalTransform, survivalDraws, seed, clean),
            new Survival(survivalTransform, survivalDraws, seed, adversarial)};
    }

    /** Completion candidates: every attack name. */
    static final class AttackNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return dev.robust4j.attack.AttackRegistry.names().iterator();
        }
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
