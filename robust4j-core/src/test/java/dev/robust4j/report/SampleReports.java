package dev.robust4j.report;

import dev.robust4j.data.Dataset;
import dev.robust4j.data.KnownDatasets;
import dev.robust4j.data.Split;
import dev.robust4j.attack.ModelAccess;
import dev.robust4j.evaluate.AttackOutcome;
import dev.robust4j.evaluate.Curve;
import dev.robust4j.evaluate.Example;
import dev.robust4j.evaluate.PoolResult;
import dev.robust4j.evaluate.RobustnessReport;
import dev.robust4j.evaluate.Round;
import dev.robust4j.evaluate.ThreatModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A hand-made robustness report for the report tests: three rounds (none, a preprocessing defence
 * with a detector, adversarial training), a skipped attack, NaN numbers, curves, and examples made
 * from real images of the bundled sample with a perturbed copy. Hostile strings sit in a class
 * name, a defence, an attack's skip reason and the provenance.
 */
final class SampleReports {

    static final String SCRIPT = "<script>alert(1)</script>";
    static final String EVIL_CLASS = "T-shirt " + SCRIPT + " & top";
    static final String DETECTOR_DEFENCE = "feature-squeezing:bit-depth=1 + detector:note=" + SCRIPT + "&fpr=0.05";
    static final double TARGET = 0.2;
    static final double NAN = Double.NaN;
    static final Map<String, Object> FGSM = Map.of("norm", "linf", "eps", 0.1);
    static final Map<String, Object> PGD = Map.of("norm", "linf", "eps", 0.1, "steps", 40, "step-size", 0.01);
    static final Map<String, Object> SQUARE = Map.of("norm", "linf", "eps", 0.1, "max-queries", 1000, "seed", 0);
    static final Map<String, Object> FGSM_CURVE = Map.of("norm", "linf");
    static final Map<String, Object> PGD_CURVE = Map.of("norm", "linf", "steps", 40, "step-size", 0.01);

    /** Examples per round. */
    static final int[] EXAMPLES = {2, 1, 2};
    /** Distinct curve keys (attack + parameters) over all rounds. */
    static final int CURVE_CHARTS = 2;
    /** Rounds with an attack that ran, each with one bar chart. */
    static final int BAR_CHARTS = 3;

    private SampleReports() {}

    static List<String> classNames() {
        List<String> names = new ArrayList<>(KnownDatasets.FASHION_MNIST_CLASSES);
        names.set(0, EVIL_CLASS);
        return names;
    }

    static int exampleCount() {
        return Arrays.stream(EXAMPLES).sum();
    }

    static int imageCount() {
        return BAR_CHARTS + CURVE_CHARTS + 3 * exampleCount();
    }

    static RobustnessReport build() {
        Dataset test = KnownDatasets.load("sample", Split.TEST);
        List<Example> examples = examples(test, exampleCount());
        double[] eps = {0.0, 0.05, 0.1, 0.2};
        Round r0 = round(0, "none", List.of(), "cnn (model directory /tmp/m)", 0.0, 0.9,
                List.of(fgsm(0.72, 0.25, 2.42, NAN), pgd(0.99, 0.01, 1.49), square(0.71, 0.26, 3.1, 412.5, NAN)),
                0.99, 0.01, 89, examples.subList(0, 2),
                List.of(new Curve("fgsm", FGSM_CURVE, eps, new double[] {0.9, 0.6, 0.25, 0.05}, new double[] {0, 0.33, 0.72, 0.94}),
                        new Curve("pgd", PGD_CURVE, eps, new double[] {0.9, 0.4, 0.01, 0.0}, new double[] {0, 0.55, 0.99, 1.0})),
                false, 14.0);
        AttackOutcome skipped = outcome("pgd linf eps=0.1", "pgd", PGD, ModelAccess.GRADIENTS, NAN, NAN, NAN, NAN, NAN, NAN,
                "the detector <b>hides</b> gradients & pgd needs them");
        Round r1 = round(1, DETECTOR_DEFENCE, List.of("preprocessing", "detector"),
                "cnn + feature-squeezing:bit-depth=1 (gradients: bpda)", 3.25, 0.85,
                List.of(fgsm(0.31, 0.58, 2.0, 0.4), skipped, square(0.45, 0.47, NAN, 610.0, 0.3)),
                0.45, 0.47, 38, examples.subList(2, 3),
                List.of(new Curve("fgsm", FGSM_CURVE, eps, new double[] {0.85, NAN, 0.58, 0.3}, new double[] {0, NAN, 0.31, 0.65})),
                false, 12.5);
        Round r2 = round(2, "adversarial-training:preset=madry", List.of("training"), "cnn, adversarially trained", 95.0, 0.78,
                List.of(fgsm(0.08, 0.72, 2.5, NAN), pgd(0.15, 0.66, 2.2), square(0.05, 0.74, 3.3, 950.0, NAN)),
                0.15, 0.66, 12, examples.subList(3, 5),
                List.of(new Curve("fgsm", FGSM_CURVE, eps, new double[] {0.78, 0.75, 0.72, 0.5}, new double[] {0, 0.04, 0.08, 0.36}),
                        new Curve("pgd", PGD_CURVE, eps, new double[] {0.78, 0.72, 0.66, 0.3}, new double[] {0, 0.08, 0.15, 0.62})),
                true, 116.0);

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("attacks", "fgsm,pgd,square");
        config.put("target-sr", TARGET);
        config.put("comment", "<img src=x onerror=alert(2)>");
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("config", config);
        provenance.put("seed", 7L);
        provenance.put("versions", Map.of("robust4j", "0.1.0-SNAPSHOT", "djl", "0.36.0", "java", "17"));
        provenance.put("threads", 2);
        provenance.put("started", "2025-01-01T00:00:00Z");
        provenance.put("seconds", 142.5);
        provenance.put("yaml", "attacks:\n  - fgsm\n  - pgd\n");
        provenance.put("undefined", NAN);
        return new RobustnessReport(ThreatModel.WHITE_BOX, TARGET, List.of(r0, r1, r2), 2, classNames(), provenance);
    }

    static Round round(int index, String defence, List<String> kinds, String model, double defenceSeconds, double clean,
            List<AttackOutcome> attacks, double sr, double robust, int broken, List<Example> examples, List<Curve> curves,
            boolean met, double seconds) {
        boolean[] b = new boolean[100];
        Arrays.fill(b, 0, broken, true);
        return new Round(index, defence, kinds, model, defenceSeconds,
                new PoolResult(100, clean, attacks, sr, robust, b, examples, seconds - defenceSeconds), curves, met, seconds);
    }

    static AttackOutcome fgsm(double sr, double robust, double l2Median, double detected) {
        return outcome("fgsm linf eps=0.1", "fgsm", FGSM, ModelAccess.GRADIENTS, sr, robust, l2Median, 0.1, 1, detected, null);
    }

    static AttackOutcome pgd(double sr, double robust, double l2Median) {
        return outcome("pgd linf eps=0.1", "pgd", PGD, ModelAccess.GRADIENTS, sr, robust, l2Median, 0.1, 40, NAN, null);
    }

    static AttackOutcome square(double sr, double robust, double l2Median, double queries, double detected) {
        return outcome("square linf eps=0.1", "square", SQUARE, ModelAccess.SCORES, sr, robust, l2Median, 0.1, queries,
                detected, null);
    }

    static AttackOutcome outcome(String label, String attack, Map<String, Object> params, ModelAccess kind, double sr,
            double robust, double l2Median, double linfMax, double queries, double detected, String skipped) {
        return new AttackOutcome(label, attack, params, kind, 100, sr, robust, Double.isNaN(sr) ? NAN : 300,
                Double.isNaN(l2Median) ? NAN : l2Median * 1.1, l2Median, Double.isNaN(linfMax) ? NAN : linfMax * 0.9,
                linfMax, queries, Double.isNaN(sr) ? 0 : 1.5, detected, skipped);
    }

    /**
     * Real test images (the first of class 0, then the next samples), each with a copy perturbed
     * by ±0.1 at random pixels and clipped to [0, 1].
     */
    static List<Example> examples(Dataset test, int n) {
        int size = test.sampleSize();
        int[] labels = test.labels();
        List<Integer> picks = new ArrayList<>();
        for (int i = 0; i < labels.length && picks.isEmpty(); i++) {
            if (labels[i] == 0) {
                picks.add(i);
            }
        }
        for (int i = 0; picks.size() < n; i++) {
            if (!picks.contains(i)) {
                picks.add(i);
            }
        }
        Random random = new Random(42);
        List<Example> out = new ArrayList<>();
        for (int idx : picks) {
            float[] clean = Arrays.copyOfRange(test.features(), idx * size, (idx + 1) * size);
            float[] adv = clean.clone();
            double l2 = 0;
            float linf = 0;
            for (int j = 0; j < size; j++) {
                float step = random.nextInt(3) == 0 ? (random.nextBoolean() ? 0.1f : -0.1f) : 0f;
                adv[j] = Math.max(0f, Math.min(1f, clean[j] + step));
                float d = adv[j] - clean[j];
                l2 += d * d;
                linf = Math.max(linf, Math.abs(d));
            }
            int label = labels[idx];
            out.add(new Example(idx, test.sampleShape(), clean, adv, label, label, (label + 1) % 10,
                    "pgd linf eps=0.1", (float) Math.sqrt(l2), linf));
        }
        return out;
    }
}
