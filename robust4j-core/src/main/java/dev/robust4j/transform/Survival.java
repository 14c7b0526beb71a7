package dev.robust4j.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.Criterion;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Robustness under transformation: for every sample, the fraction of independent draws of a
 * transformation distribution under which the model's answer on the transformed input is
 * "adversarial" — another class than the label (untargeted) or the target class (targeted). For
 * adversarial examples this is their <em>survival</em>; for clean inputs one minus it is the
 * accuracy under the distribution.
 *
 * <p>Draw j of sample i is keyed by the seed, j and {@code firstIndex + i}: a sample's draws do not
 * depend on the batch it is measured in.
 *
 * @param spec the distribution
 * @param draws draws per sample
 * @param seed the seed of the draws
 * @param fractions per sample, the fraction of draws under which the answer was adversarial
 */
public record Survival(TransformSpec spec, int draws, long seed, double[] fractions) {

    /**
     * Measures, in batches.
     *
     * @param model the model
     * @param x inputs, {@code (n, ...)}; not changed
     * @param labels the true class of each input
     * @param targets the target class of each input for a targeted measurement, or {@code null}
     * @param spec the distribution
     * @param draws draws per sample, at least 1
     * @param seed the seed of the draws
     * @param firstIndex the index of {@code x}'s first row in its data set (keys the draws)
     * @return per-sample fractions
     * @throws IllegalArgumentException if {@code draws < 1} or the lengths disagree
     */
    public static Survival measure(
            Classifier model, NDArray x, long[] labels, long[] targets, TransformSpec spec, int draws, long seed,
            long firstIndex) {
        if (draws < 1) {
            throw new IllegalArgumentException("survival draws must be >= 1, got " + draws);
        }
        int n = (int) x.getShape().get(0);
        if (labels.length != n || (targets != null && targets.length != n)) {
            throw new IllegalArgumentException("survival: " + n + " inputs but " + labels.length + " labels"
                    + (targets == null ? "" : " and " + targets.length + " targets"));
        }
        Criterion criterion = Criterion.of(ints(labels), targets == null ? null : ints(targets));
        int[] hits = new int[n];
        for (int j = 0; j < draws; j++) {
            try (NDManager scope = x.getManager().newSubManager()) {
                NDArray xs = x.duplicate();
                xs.attach(scope);
                SampledTransform t = SampledTransform.draw(spec, seed, j, firstIndex, n);
                NDArray logits = model.predict(t.apply(xs, model.bounds()));
                logits.attach(scope);
                int[] predicted = argMax(logits);
                for (int i = 0; i < n; i++) {
                    if (criterion.isAdversarial(i, predicted[i])) {
                        hits[i]++;
                    }
                }
            }
        }
        double[] fractions = new double[n];
        for (int i = 0; i < n; i++) {
            fractions[i] = hits[i] / (double) draws;
        }
        return new Survival(spec, draws, seed, fractions);
    }

    private static int[] argMax(NDArray logits) {
        int k = (int) logits.getShape().get(1);
        float[] v = logits.toFloatArray();
        int[] out = new int[v.length / k];
        for (int i = 0; i < out.length; i++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (v[i * k + c] > v[i * k + best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /**
     * The mean fraction over the selected samples.
     *
     * @param selected which samples count (e.g. the successful adversarials), or {@code null} for all
     * @return the mean, or NaN when nothing is selected
     */
    public double mean(boolean[] selected) {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < fractions.length; i++) {
            if (selected == null || selected[i]) {
                sum += fractions[i];
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /**
     * The share of selected samples that stay adversarial under at least a given fraction of draws.
     *
     * @param selected which samples count, or {@code null} for all
     * @param atLeast the fraction of draws, in [0, 1]
     * @return the share, or NaN when nothing is selected
     */
    public double shareAtLeast(boolean[] selected, double atLeast) {
        int hit = 0;
        int count = 0;
        for (int i = 0; i < fractions.length; i++) {
            if (selected == null || selected[i]) {
                count++;
                if (fractions[i] >= atLeast) {
                    hit++;
                }
            }
        }
        return count == 0 ? Double.NaN : hit / (double) count;
    }

    /** @return the settings, for records: the transformation, draws and seed */
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("transform", spec.params());
        m.put("draws", draws);
        m.put("seed", seed);
        return m;
    }

    private static int[] ints(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.toIntExact(values[i]);
        }
        return out;
    }
}
