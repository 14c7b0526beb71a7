package dev.robust4j.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.data.Dataset;
import dev.robust4j.defence.detect.AdversarialDetector;
import dev.robust4j.model.Classifier;
import dev.robust4j.transform.SampledTransform;
import dev.robust4j.transform.TransformSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Measures a pool under a {@link PhysicalThreat} as {@link PhysicalResult} defines it: the clean
 * inputs once, then each attack's adversarials as they come, keeping per sample the most draws any
 * attack broke.
 */
final class PhysicalMeasurement {

    private final PhysicalThreat threat;
    private final Classifier model;
    private final AdversarialDetector detector;
    private final Dataset data;
    private final int batchSize;
    private final NDManager manager;
    private final int n;
    private final int[] labels;
    private final double[] factors;
    /** Clean answers at T, then at each factor. */
    private final Answers clean;
    private final Answers[] cleanAt;
    /** Per sample, the most pairs any attack broke (among those the clean input is answered right). */
    private final int[] worst;
    private final List<PhysicalResult.Attack> attacks = new ArrayList<>();
    private boolean anyRan;

    PhysicalMeasurement(PhysicalThreat threat, Classifier model, AdversarialDetector detector, Dataset data,
            int batchSize, NDManager manager) {
        this.threat = threat;
        this.model = model;
        this.detector = detector;
        this.data = data;
        this.batchSize = batchSize;
        this.manager = manager;
        this.n = data.size();
        this.labels = data.labels();
        this.factors = threat.strengths();
        float[] x = data.features();
        this.clean = answer(x, threat.transform(), threat.draws());
        this.cleanAt = new Answers[factors.length];
        for (int f = 0; f < factors.length; f++) {
            TransformSpec s = threat.transform().scaled(factors[f]);
            cleanAt[f] = answer(x, s, drawsAt(s));
        }
        this.worst = new int[n];
    }

    private int drawsAt(TransformSpec s) {
        return s.isIdentity() ? 1 : threat.strengthDraws();
    }

    /**
     * Measures one attack's adversarials.
     *
     * @param label the attack's pool label
     * @param adversarial its adversarials, sample after sample
     * @param broken per sample, whether the untransformed adversarial broke it in the pool
     */
    void add(String label, float[] adversarial, boolean[] broken) {
        anyRan = true;
        Answers adv = answer(adversarial, threat.transform(), threat.draws());
        int[] count = new int[n];
        long pairs = 0;
        long right = 0;
        long brokenPairs = 0;
        double survivalSum = 0;
        int survivalCount = 0;
        int atLeastHalf = 0;
        for (int i = 0; i < n; i++) {
            int stays = 0;
            for (int j = 0; j < threat.draws(); j++) {
                boolean b = adv.broken(j, i);
                stays += b ? 1 : 0;
                if (clean.right(j, i)) {
                    right++;
                    if (b) {
                        count[i]++;
                    }
                }
                pairs++;
            }
            brokenPairs += count[i];
            worst[i] = Math.max(worst[i], count[i]);
            if (broken[i]) {
                double fraction = stays / (double) threat.draws();
                survivalSum += fraction;
                survivalCount++;
                atLeastHalf += fraction >= 0.5 ? 1 : 0;
            }
        }
        double[] survivalAt = new double[factors.length];
        double[] successAt = new double[factors.length];
        for (int f = 0; f < factors.length; f++) {
            TransformSpec s = threat.transform().scaled(factors[f]);
            int draws = drawsAt(s);
            Answers a = answer(adversarial, s, draws);
            double sum = 0;
            int count2 = 0;
            long r = 0;
            long b = 0;
            for (int i = 0; i < n; i++) {
                int st = 0;
                for (int j = 0; j < draws; j++) {
                    boolean br = a.broken(j, i);
                    st += br ? 1 : 0;
                    if (cleanAt[f].right(j, i)) {
                        r++;
                        b += br ? 1 : 0;
                    }
                }
                if (broken[i]) {
                    sum += st / (double) draws;
                    count2++;
                }
            }
            survivalAt[f] = count2 == 0 ? Double.NaN : sum / count2;
            successAt[f] = r == 0 ? Double.NaN : b / (double) r;
        }
        attacks.add(new PhysicalResult.Attack(
                label,
                right == 0 ? Double.NaN : brokenPairs / (double) right,
                (right - brokenPairs) / (double) pairs,
                survivalCount == 0 ? Double.NaN : survivalSum / survivalCount,
                survivalCount == 0 ? Double.NaN : atLeastHalf / (double) survivalCount,
                survivalAt,
                successAt));
    }

    /**
     * Records an attack that did not run.
     *
     * @param label its pool label
     */
    void skipped(String label) {
        double[] nan = new double[factors.length];
        Arrays.fill(nan, Double.NaN);
        attacks.add(new PhysicalResult.Attack(label, Double.NaN, Double.NaN, Double.NaN, Double.NaN, nan, nan));
    }

    /** @return the pool's figures under T */
    PhysicalResult result() {
        long pairs = (long) n * threat.draws();
        long right = 0;
        for (int j = 0; j < threat.draws(); j++) {
            for (int i = 0; i < n; i++) {
                right += clean.right(j, i) ? 1 : 0;
            }
        }
        long broken = 0;
        for (int w : worst) {
            broken += w;
        }
        double[] cleanAccuracyAt = new double[factors.length];
        for (int f = 0; f < factors.length; f++) {
            cleanAccuracyAt[f] = cleanAt[f].accuracy();
        }
        return new PhysicalResult(
                threat,
                right / (double) pairs,
                anyRan && right > 0 ? broken / (double) right : Double.NaN,
                anyRan ? (right - broken) / (double) pairs : Double.NaN,
                attacks,
                cleanAccuracyAt);
    }

    /** The model's answers to {@code x} under {@code draws} draws of {@code spec}, batch by batch. */
    private Answers answer(float[] x, TransformSpec spec, int draws) {
        int dim = data.sampleSize();
        int[] predicted = new int[draws * n];
        boolean[] flagged = new boolean[draws * n];
        long[] shape = new long[data.sampleShape().length + 1];
        System.arraycopy(data.sampleShape(), 0, shape, 1, shape.length - 1);
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            shape[0] = to - from;
            for (int j = 0; j < draws; j++) {
                try (NDManager scope = manager.newSubManager()) {
                    NDArray batch = scope.create(Arrays.copyOfRange(x, from * dim, to * dim), new Shape(shape));
                    NDArray moved = SampledTransform.draw(spec, threat.seed(), j, from, to - from)
                            .apply(batch, model.bounds());
                    long[] p = model.predict(moved).argMax(1).toLongArray();
                    for (int i = 0; i < p.length; i++) {
                        predicted[j * n + from + i] = (int) p[i];
                    }
                    if (detector != null) {
                        System.arraycopy(detector.detect(moved), 0, flagged, j * n + from, to - from);
                    }
                }
            }
        }
        return new Answers(draws, predicted, flagged);
    }

    /** Answers per (draw, sample), stored at {@code draw * n + sample}. */
    private final class Answers {
        final int draws;
        final int[] predicted;
        final boolean[] flagged;

        Answers(int draws, int[] predicted, boolean[] flagged) {
            this.draws = draws;
            this.predicted = predicted;
            this.flagged = flagged;
        }

        boolean right(int draw, int sample) {
            int at = draw * n + sample;
            return predicted[at] == labels[sample] && !flagged[at];
        }

        boolean broken(int draw, int sample) {
            int at = draw * n + sample;
            return predicted[at] != labels[sample] && !flagged[at];
        }

        double accuracy() {
            long right = 0;
            for (int j = 0; j < draws; j++) {
                for (int i = 0; i < n; i++) {
                    right += right(j, i) ? 1 : 0;
                }
            }
            return right / (double) (draws * (long) n);
        }
    }
}
