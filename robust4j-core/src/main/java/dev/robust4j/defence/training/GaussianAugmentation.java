package dev.robust4j.defence.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.model.Bounds;
import dev.robust4j.nn.BatchTransform;
import dev.robust4j.nn.TrainingBatch;
import dev.robust4j.nn.TrainingContext;

import java.util.Random;

/**
 * Gaussian data augmentation (Zantedeschi et al. 2017): each batch gains noisy copies of its
 * samples, {@code x + N(0, sigma^2)} clipped to the bounds, with the same labels. {@code ratio}
 * copies are added per sample: ratio 1 doubles the batch, ratio 2 triples it; a fractional part
 * adds one copy of that fraction of the samples, chosen at random. The noise comes from the
 * trainer's seeded generator.
 */
public final class GaussianAugmentation implements BatchTransform {

    private final float sigma;
    private final float ratio;
    private final Bounds bounds;

    /**
     * @param sigma the noise's standard deviation, positive
     * @param ratio noisy copies per sample, positive
     * @param bounds the input bounds to clip to
     */
    public GaussianAugmentation(float sigma, float ratio, Bounds bounds) {
        if (!(sigma > 0) || !Float.isFinite(sigma)) {
            throw new IllegalArgumentException("sigma must be a positive number, got " + sigma);
        }
        if (!(ratio > 0) || !Float.isFinite(ratio) || ratio > 100) {
            throw new IllegalArgumentException("ratio must be in (0, 100], got " + ratio);
        }
        this.sigma = sigma;
        this.ratio = ratio;
        this.bounds = bounds;
    }

    @Override
    public TrainingBatch apply(TrainingBatch batch, TrainingContext ctx) {
        int n = batch.size();
        int copies = Math.round(ratio * n);
        if (copies == 0) {
            return batch;
        }
        long[] rows = rows(n, copies, ctx.random());
        NDArray index = batch.manager().create(rows);
        NDArray x = batch.x().get(new NDIndex("{}", index));
        Shape shape = x.getShape();
        float[] noise = new float[Math.toIntExact(shape.size())];
        Random random = ctx.random();
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (sigma * random.nextGaussian());
        }
        NDArray noisy = x.add(batch.manager().create(noise, shape)).clip(bounds.min(), bounds.max());
        TrainingBatch extra = new TrainingBatch(noisy, batch.labels().get(new NDIndex("{}", index)),
                batch.softLabels().get(new NDIndex("{}", index)));
        return batch.concat(extra);
    }

    /** Whole copies of every row, then a random subset without replacement for the fraction. */
    static long[] rows(int n, int copies, Random random) {
        long[] rows = new long[copies];
        int whole = copies / n;
        int j = 0;
        for (int c = 0; c < whole; c++) {
            for (int i = 0; i < n; i++) {
                rows[j++] = i;
            }
        }
        int rest = copies - j;
        if (rest > 0) {
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            for (int i = 0; i < rest; i++) {
                int k = i + random.nextInt(n - i);
                int t = perm[i];
                perm[i] = perm[k];
                perm[k] = t;
                rows[j++] = perm[i];
            }
        }
        return rows;
    }

    @Override
    public String description() {
        return "gaussian-augmentation:sigma=" + sigma + ",ratio=" + ratio;
    }
}
