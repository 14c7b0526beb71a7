package dev.robust4j.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.data.Dataset;
import dev.robust4j.model.Classifier;

import java.util.Objects;

/**
 * Runs an attack over a whole {@link Dataset} in batches and merges the per-batch results into
 * one {@link AttackResult}, in input order. Each batch runs in its own scope, so memory stays
 * bounded by the batch size plus the merged adversarial batch.
 */
public final class AttackRunner {

    /** Told after each batch: samples done so far and in all. */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param done samples attacked so far
         * @param total samples to attack
         */
        void update(int done, int total);
    }

    private AttackRunner() {}

    /**
     * Attacks every sample of a labelled dataset.
     *
     * @param attack the attack
     * @param model the model
     * @param data the samples and their true labels; the sample shape must equal the model's input shape
     * @param targets target labels, one per sample, or {@code null} for an untargeted attack
     * @param batchSize samples per attack call, positive
     * @param manager the manager that will own the merged adversarial batch
     * @param progress told after each batch; may be {@code null}
     * @return the merged result; {@code seconds} is the total time
     */
    public static AttackResult run(
            EvasionAttack attack,
            Classifier model,
            Dataset data,
            int[] targets,
            int batchSize,
            NDManager manager,
            Progress progress) {
        Objects.requireNonNull(attack, "attack");
        Objects.requireNonNull(model, "model");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (!data.hasLabels()) {
            throw new IllegalArgumentException(data.source() + " has no labels; attacks need the true labels");
        }
        int n = data.size();
        if (targets != null && targets.length != n) {
            throw new IllegalArgumentException(targets.length + " target labels for " + n + " samples");
        }
        int dim = data.sampleSize();
        float[] adv = new float[n * dim];
        boolean[] success = new boolean[n];
        int[] labels = data.labels().clone();
        int[] clean = new int[n];
        int[] predicted = new int[n];
        float[] l0 = new float[n];
        float[] l2 = new float[n];
        float[] linf = new float[n];
        long[] queries = new long[n];
        long start = System.nanoTime();
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = data.features(scope, from, to);
                NDArray y = data.labels(scope, from, to);
                AttackResult r;
                if (targets == null) {
                    r = attack.generate(model, x, y);
                } else {
                    long[] t = new long[to - from];
                    for (int i = from; i < to; i++) {
                        t[i - from] = targets[i];
                    }
                    r = attack.generate(model, x, y, scope.create(t));
                }
                System.arraycopy(r.adversarial().toFloatArray(), 0, adv, from * dim, (to - from) * dim);
                System.arraycopy(r.success(), 0, success, from, to - from);
                System.arraycopy(r.cleanPredictions(), 0, clean, from, to - from);
                System.arraycopy(r.adversarialPredictions(), 0, predicted, from, to - from);
                System.arraycopy(r.l0(), 0, l0, from, to - from);
                System.arraycopy(r.l2(), 0, l2, from, to - from);
                System.arraycopy(r.linf(), 0, linf, from, to - from);
                System.arraycopy(r.queries(), 0, queries, from, to - from);
            }
            if (progress != null) {
                progress.update(to, n);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] shape = new long[data.sampleShape().length + 1];
        shape[0] = n;
        System.arraycopy(data.sampleShape(), 0, shape, 1, shape.length - 1);
        NDArray merged = manager.create(adv, new Shape(shape));
        return new AttackResult(
                merged, success, labels, targets == null ? null : targets.clone(), clean, predicted, l0, l2, linf,
                queries, seconds);
    }
}
