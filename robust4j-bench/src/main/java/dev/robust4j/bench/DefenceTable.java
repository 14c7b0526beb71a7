package dev.robust4j.bench;

import ai.djl.ndarray.NDManager;
import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.AttackRunner;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.KnownDatasets;
import dev.robust4j.data.Split;
import dev.robust4j.defence.DefenceSpec;
import dev.robust4j.defence.RuntimeDefences;
import dev.robust4j.defence.TrainingDefences;
import dev.robust4j.defence.detect.FeatureSqueezingDetector;
import dev.robust4j.defence.ensemble.EnsembleClassifier;
import dev.robust4j.metric.Accuracy;
import dev.robust4j.metric.AttackSummary;
import dev.robust4j.metric.Stats;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.DifferentiableClassifier;
import dev.robust4j.nn.BatchTransform;
import dev.robust4j.nn.NetworkSpec;
import dev.robust4j.nn.TrainedModel;
import dev.robust4j.nn.Trainer;
import dev.robust4j.nn.TrainingConfig;
import dev.robust4j.nn.TrainingListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Produces the table of {@code docs/defences.md}: trains the small CNN with each defence on
 * Fashion-MNIST, attacks each with FGSM and PGD (L∞, eps 0.1, 40 steps of 0.01), and prints clean
 * accuracy, robust accuracy and the change against the undefended baseline; then the detection
 * rates of the feature-squeezing detector at 5% FPR.
 *
 * <p>Usage: {@code DefenceTable [full|sample] [epochs=5] [test-samples=1000]}. {@code sample} (the
 * default) uses the bundled 10,000/2,000 slice; {@code full} the installed full Fashion-MNIST.
 */
public final class DefenceTable {

    private DefenceTable() {}

    /** One row of the table. */
    private record Row(String defence, double clean, double fgsm, double pgd, String note) {}

    /**
     * @param args optional data choice, epochs and number of test samples
     */
    public static void main(String[] args) {
        String which = args.length > 0 ? args[0] : "sample";
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int testSamples = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        String name = which.equals("full") ? KnownDatasets.FASHION_MNIST : KnownDatasets.SAMPLE;
        Dataset train = KnownDatasets.load(name, Split.TRAIN);
        Dataset test = KnownDatasets.load(name, Split.TEST).limit(testSamples);
        long start = System.nanoTime();
        System.out.printf(Locale.ROOT, "data: %s, %d training / %d test samples; small CNN, %d epochs, seed 0; "
                + "FGSM and PGD at L-inf eps 0.1 (PGD: 40 steps of 0.01, random start)%n%n",
                name, train.size(), test.size(), epochs);

        List<Row> rows = new ArrayList<>();
        Map<String, String> training = new LinkedHashMap<>();
        training.put("none (baseline)", null);
        training.put("adversarial training, Madry (PGD-7, eps 0.1, ratio 1)", "adversarial-training:preset=madry");
        training.put("adversarial training, fast (FGSM + random start)", "adversarial-training:preset=fast,eps=0.1");
        training.put("Gaussian augmentation (sigma 0.1, ratio 1)", "gaussian-augmentation:sigma=0.1,ratio=1");
        training.put("label smoothing (max 0.9)", "label-smoothing:max-value=0.9");
        TrainedModel baseline = null;
        List<TrainedModel> keep = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Map.Entry<String, String> e : training.entrySet()) {
                BatchTransform t = e.getValue() == null ? BatchTransform.identity()
                        : TrainingDefences.create(DefenceSpec.parse(e.getValue()), Bounds.UNIT);
                TrainedModel m = train(train, "cnn", "relu", epochs, t);
                keep.add(m);
                if (baseline == null) {
                    baseline = m;
                }
                rows.add(measure(e.getKey(), m.classifier(), test, manager, ""));
            }
            TrainedModel brelu = train(train, "cnn", "brelu:1.0", epochs, BatchTransform.identity());
            keep.add(brelu);
            rows.add(measure("bounded ReLU (t = 1)", brelu.classifier(), test, manager, ""));

            TrainedModel mlp = train(train, "mlp", "relu", epochs, BatchTransform.identity());
            TrainedModel resnet = train(train, "resnet", "relu", epochs, BatchTransform.identity());
            keep.add(mlp);
            keep.add(resnet);
            Classifier ensemble = EnsembleClassifier.of(
                    List.of(baseline.classifier(), mlp.classifier(), resnet.classifier()), null,
                    EnsembleClassifier.Aggregation.MEAN);
            rows.add(measure("ensemble: CNN + MLP + ResNet, mean of probabilities", ensemble, test, manager,
                    "white-box attacks differentiate the whole ensemble"));

            Classifier squeezed = RuntimeDefences.wrap(baseline.classifier(),
                    List.of(DefenceSpec.parse("feature-squeezing:bit-depth=1")), p -> null);
            rows.add(measure("feature squeezing, bit depth 1 (run-time)", squeezed, test, manager,
                    "gradients by BPDA: " + ((DifferentiableClassifier) squeezed).gradients()));
            Classifier median = RuntimeDefences.wrap(baseline.classifier(),
                    List.of(DefenceSpec.parse("median-smoothing:window=2")), p -> null);
            rows.add(measure("median smoothing 2x2 (run-time)", median, test, manager, "exact gradients"));

            Row base = rows.get(0);
            System.out.println("| defence | clean accuracy | robust accuracy, FGSM | robust accuracy, PGD | change vs baseline (clean / FGSM / PGD) | note |");
            System.out.println("| --- | ---: | ---: | ---: | --- | --- |");
            for (Row r : rows) {
                System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %s | %s |%n", r.defence(), r.clean(), r.fgsm(),
                        r.pgd(), r == base ? "—" : String.format(Locale.ROOT, "%+.3f / %+.3f / %+.3f",
                                r.clean() - base.clean(), r.fgsm() - base.fgsm(), r.pgd() - base.pgd()), r.note());
            }
            detection(baseline.classifier(), train, test, manager);
        } finally {
            for (TrainedModel m : keep) {
                m.close();
            }
        }
        System.out.printf(Locale.ROOT, "%ntotal time %.0f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static TrainedModel train(Dataset train, String arch, String activation, int epochs, BatchTransform t) {
        NetworkSpec spec = NetworkSpec.of(arch, activation, train.sampleShape(), train.numClasses());
        TrainingConfig config = TrainingConfig.builder().optEpochs(epochs).optSeed(0).optTransform(t).build();
        long s = System.nanoTime();
        TrainedModel m = Trainer.train(train, spec, config, TrainingListener.NONE);
        System.err.printf(Locale.ROOT, "trained %s %s with %s in %.0f s%n", arch, activation, t.description(),
                (System.nanoTime() - s) / 1e9);
        return m;
    }

    private static Row measure(String label, Classifier model, Dataset test, NDManager manager, String note) {
        double clean = Accuracy.of(model, test, 250);
        double fgsm = robust(Attacks.fgsm(0.1f), model, test, manager);
        double pgd = robust(Attacks.pgd(0.1f).steps(40).stepSize(0.01f), model, test, manager);
        System.err.printf(Locale.ROOT, "%s: clean %.3f, FGSM %.3f, PGD %.3f%n", label, clean, fgsm, pgd);
        return new Row(label, clean, fgsm, pgd, note);
    }

    private static double robust(EvasionAttack attack, Classifier model, Dataset test, NDManager manager) {
        try (AttackResult r = AttackRunner.run(attack, model, test, null, 250, manager, null)) {
            return AttackSummary.of(r).robustAccuracy();
        }
    }

    private static void detection(Classifier model, Dataset train, Dataset test, NDManager manager) {
        FeatureSqueezingDetector detector = FeatureSqueezingDetector.xuEtAl(model)
                .calibrate(train.limit(1000), 0.05, 250);
        double fprTest = Stats.fraction(detector.flag(detector.scores(test, 250)), null);
        System.out.printf(Locale.ROOT, "%nFeature-squeezing detector (bit depth 1 + 2x2 median) on the baseline CNN, "
                + "threshold %.4f calibrated on 1,000 training images for 5%% FPR; measured FPR on the test images: %.3f%n%n",
                detector.threshold(), fprTest);
        System.out.println("| attack | adversarials (of correctly classified) | detection rate |");
        System.out.println("| --- | ---: | ---: |");
        for (String name : List.of("fgsm", "bim", "cw-l2", "jsma")) {
            if (!AttackRegistry.names().contains(name)) {
                System.out.printf(Locale.ROOT, "| %s | not available in this build | |%n", name);
                continue;
            }
            // C&W with 100 iterations and 5 binary-search steps keeps the run in minutes.
            EvasionAttack attack = AttackRegistry.create(name, name.equals("cw-l2")
                    ? Map.of("max-iter", "100", "binary-search-steps", "5") : Map.of());
            try (AttackResult r = AttackRunner.run(attack, model, test, null, 250, manager, null)) {
                boolean[] made = new boolean[r.size()];
                boolean[] correct = r.cleanCorrect();
                int n = 0;
                for (int i = 0; i < made.length; i++) {
                    made[i] = correct[i] && r.success()[i];
                    n += made[i] ? 1 : 0;
                }
                double rate = Stats.fraction(detector.detect(r.adversarial()), made);
                System.out.printf(Locale.ROOT, "| %s (%s) | %d | %.3f |%n", name, attack.params(), n, rate);
            }
        }
    }
}
