package dev.robust4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.AttackRunner;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.attack.Norm;
import dev.robust4j.data.AtomicFiles;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.KnownDatasets;
import dev.robust4j.data.Split;
import dev.robust4j.metric.Accuracy;
import dev.robust4j.metric.AttackSummary;
import dev.robust4j.nn.NetworkSpec;
import dev.robust4j.nn.TrainedModel;
import dev.robust4j.nn.Trainer;
import dev.robust4j.nn.TrainingConfig;
import dev.robust4j.nn.TrainingListener;
import dev.robust4j.report.AttackRunJson;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * {@code robust4j demo}: the main job on the bundled data. For now a train-then-attack slice:
 * train the small CNN on the bundled Fashion-MNIST sample, then attack its test slice with FGSM,
 * BIM and PGD and print the success rates.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Train the small CNN on the bundled Fashion-MNIST sample, attack it with FGSM, BIM and PGD,"
                + " and print what each attack achieves.")
final class DemoCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write the trained model and the attack results (JSON) into DIR.")
    Path report;

    @Option(names = "--epochs", defaultValue = "5", paramLabel = "N", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--samples", defaultValue = "500", paramLabel = "N",
            description = "Test samples to attack (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (samples < 1) {
            throw new IllegalArgumentException("--samples must be >= 1, got " + samples);
        }
        if (report != null && Files.exists(report) && !Files.isDirectory(report)) {
            throw new IllegalArgumentException("--report " + report + " exists and is not a directory");
        }
        Dataset train = KnownDatasets.load(KnownDatasets.SAMPLE, Split.TRAIN);
        Dataset test = KnownDatasets.load(KnownDatasets.SAMPLE, Split.TEST);
        out().printf(Locale.ROOT, "robust4j demo: %d training and %d test images of Fashion-MNIST (bundled sample)%n",
                train.size(), test.size());
        NetworkSpec spec = NetworkSpec.of("cnn", "relu", train.sampleShape(), train.numClasses());
        TrainingConfig config = TrainingConfig.builder().optEpochs(epochs).optSeed(seed).build();
        int batches = (train.size() + config.batchSize() - 1) / config.batchSize();
        TrainedModel model;
        try (ProgressReporter progress = ProgressReporter.start("train cnn", (long) batches * epochs, "batches")) {
            model = Trainer.train(train, spec, config, new TrainingListener() {
                @Override
                public void onBatch(BatchProgress p) {
                    progress.stepTo((long) p.epoch() * p.batches() + p.batch() + 1);
                }
            });
        }
        try (model; NDManager manager = NDManager.newBaseManager()) {
            double accuracy = Accuracy.of(model.classifier(), test, 256);
            out().printf(Locale.ROOT, "trained the small CNN for %d epochs in %.1f s: test accuracy %.3f%n",
                    epochs, model.training().history().seconds(), accuracy);
            Dataset victims = test.limit(samples);
            List<EvasionAttack> attacks = List.of(
                    Attacks.fgsm(0.1f),
                    Attacks.bim(0.1f),
                    Attacks.pgd(Norm.LINF, 0.1f).steps(40).seed(seed),
                    Attacks.pgd(Norm.L2, 1.5f).steps(40).seed(seed));
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ArrayNode records = mapper.createArrayNode();
            out().printf(Locale.ROOT, "%nattacking %d test images:%n", victims.size());
            out().printf(Locale.ROOT, "  %-28s %8s %10s %12s %10s %9s%n",
                    "attack", "SR", "robust acc", "median L2", "max Linf", "seconds");
            for (EvasionAttack attack : attacks) {
                AttackSummary s;
                try (ProgressReporter progress = ProgressReporter.start(attack.name(), victims.size(), "samples");
                        AttackResult r = AttackRunner.run(attack, model.classifier(), victims, null, 128, manager,
                                (done, total) -> progress.stepTo(done))) {
                    s = AttackSummary.of(r);
                }
                records.add(AttackRunJson.toJson(attack, false, s));
                String label = attack.name() + " " + attack.params().get("norm") + " eps=" + attack.params().get("eps");
                out().printf(Locale.ROOT, "  %-28s %8s %10s %12s %10s %9.2f%n", label, Summaries.f3(s.successRate()),
                        Summaries.f3(s.robustAccuracy()), Summaries.f3(s.l2Median()), Summaries.f3(s.linfMax()),
                        s.seconds());
            }
            if (report != null) {
                Files.createDirectories(report);
                model.save(report.resolve("model"));
                byte[] json = mapper.writeValueAsBytes(records);
                AtomicFiles.write(report.resolve("attacks.json"), out -> out.write(json));
                out().println("\nwrote " + report.resolve("model") + " and " + report.resolve("attacks.json"));
            }
        }
        return 0;
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
