package dev.robust4j.bench;

import ai.djl.ndarray.NDManager;
import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.AttackRunner;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.KnownDatasets;
import dev.robust4j.data.Split;
import dev.robust4j.defence.DefenceSpec;
import dev.robust4j.defence.TrainingDefences;
import dev.robust4j.metric.Accuracy;
import dev.robust4j.metric.AttackSummary;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.nn.BatchTransform;
import dev.robust4j.nn.NetworkSpec;
import dev.robust4j.nn.TrainedModel;
import dev.robust4j.nn.Trainer;
import dev.robust4j.nn.TrainingConfig;
import dev.robust4j.nn.TrainingListener;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Produces the TRADES-vs-Madry table of {@code docs/defences.md}: trains the small CNN with each
 * training defence at the same attack budget (eps 0.1, 7 inner steps of 0.02), the same epochs and
 * seed, and prints clean accuracy and robust accuracy under PGD (40 steps of 0.01, random start),
 * APGD-CE and APGD-DLR (100 steps) on the first test images, and under Square (1,000 queries) on
 * fewer of them.
 *
 * <p>Usage: {@code TradesTable [sample|full] [epochs=5] [test-samples=1000] [square-samples=200] [seed=0]
 * [rows=none,madry,trades]} (the rows are independent, so they may run in separate processes).
 */
public final class TradesTable {

    private TradesTable() {}

    /**
     * @param args optional data choice, epochs, test samples, Square samples and seed
     */
    public static void main(String[] args) {
        String which = args.length > 0 ? args[0] : "sample";
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int testSamples = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int squareSamples = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 0;
        List<String> only = List.of((args.length > 5 ? args[5] : "none,madry,trades").split(","));
        String name = which.equals("full") ? KnownDatasets.FASHION_MNIST : KnownDatasets.SAMPLE;
        Dataset train = KnownDatasets.load(name, Split.TRAIN);
        Dataset test = KnownDatasets.load(name, Split.TEST).limit(testSamples);
        long start = System.nanoTime();
        System.out.printf(Locale.ROOT, "data: %s, %d training / %d test samples (Square: first %d); small CNN, %d epochs,"
                + " seed %d; attacks at L-inf eps 0.1%n%n", name, train.size(), test.size(), squareSamples, epochs, seed);
        Map<String, String> rows = new LinkedHashMap<>();
        if (only.contains("none")) {
            rows.put("none (baseline)", null);
        }
        if (only.contains("madry")) {
            rows.put("Madry (PGD-7 of 0.02, eps 0.1)", "adversarial-training:preset=madry");
        }
        if (only.contains("trades")) {
            rows.put("TRADES beta 6 (KL-PGD-7 of 0.02, eps 0.1)", "adversarial-training:preset=trades,beta=6");
        }
        System.out.println("| training | seconds to train | clean accuracy | PGD-40 | APGD-CE | APGD-DLR | Square, 1,000 queries |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Map.Entry<String, String> e : rows.entrySet()) {
                BatchTransform t = e.getValue() == null ? BatchTransform.identity()
                        : TrainingDefences.create(DefenceSpec.parse(e.getValue()), Bounds.UNIT);
                NetworkSpec spec = NetworkSpec.of("cnn", "relu", train.sampleShape(), train.numClasses());
                TrainingConfig config = TrainingConfig.builder().optEpochs(epochs).optSeed(seed).optTransform(t).build();
                long s = System.nanoTime();
                try (TrainedModel m = Trainer.train(train, spec, config, TrainingListener.NONE)) {
                    double seconds = (System.nanoTime() - s) / 1e9;
                    Classifier model = m.classifier();
                    double clean = Accuracy.of(model, test, 250);
                    double pgd = robust("pgd", Map.of("eps", "0.1", "steps", "40", "step-size", "0.01",
                            "random-start", "true", "seed", "0"), model, test, manager);
                    double apgdCe = robust("apgd-ce", Map.of("eps", "0.1", "seed", "0"), model, test, manager);
                    double apgdDlr = robust("apgd-dlr", Map.of("eps", "0.1", "seed", "0"), model, test, manager);
                    double square = robust("square", Map.of("eps", "0.1", "max-queries", "1000", "seed", "0"), model,
                            test.limit(squareSamples), manager);
                    System.out.printf(Locale.ROOT, "| %s (`%s`) | %.0f | %.3f | %.3f | %.3f | %.3f | %.3f |%n", e.getKey(),
                            e.getValue() == null ? "—" : e.getValue(), seconds, clean, pgd, apgdCe, apgdDlr, square);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%ntotal time %.0f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static double robust(String name, Map<String, String> params, Classifier model, Dataset test,
            NDManager manager) {
        EvasionAttack attack = AttackRegistry.create(name, params);
        try (AttackResult r = AttackRunner.run(attack, model, test, null, 250, manager, null)) {
            return AttackSummary.of(r).robustAccuracy();
        }
    }

}
