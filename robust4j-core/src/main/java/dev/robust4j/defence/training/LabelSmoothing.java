package dev.robust4j.defence.training;

import ai.djl.ndarray.NDArray;
import dev.robust4j.nn.BatchTransform;
import dev.robust4j.nn.TrainingBatch;
import dev.robust4j.nn.TrainingContext;

/**
 * Label smoothing (Warde-Farley and Goodfellow 2016, as in ART): the true class gets
 * {@code maxValue} and every other class {@code (1 - maxValue) / (K - 1)}. Applied to soft labels
 * in general as the affine map {@code p -> a p + b} with {@code b = (1 - max) / (K - 1)} and
 * {@code a = max - b}, which sends a one-hot row to exactly that and keeps every row summing to 1.
 */
public final class LabelSmoothing implements BatchTransform {

    private final float maxValue;

    /**
     * @param maxValue the probability of the true class, in {@code (0, 1]}; 1 changes nothing
     * @throws IllegalArgumentException if it is outside {@code (0, 1]}
     */
    public LabelSmoothing(float maxValue) {
        if (!(maxValue > 0f && maxValue <= 1f)) {
            throw new IllegalArgumentException("max-value must be in (0, 1], got " + maxValue);
        }
        this.maxValue = maxValue;
    }

    /** @return the probability given to the true class */
    public float maxValue() {
        return maxValue;
    }

    @Override
    public TrainingBatch apply(TrainingBatch batch, TrainingContext ctx) {
        int k = ctx.numClasses();
        if (maxValue < 1f / k) {
            throw new IllegalArgumentException(
                    "max-value " + maxValue + " is below uniform 1/" + k + ": the true class would get less than the others");
        }
        float b = (1f - maxValue) / (k - 1);
        float a = maxValue - b;
        NDArray smoothed = batch.softLabels().mul(a).add(b);
        return batch.withSoftLabels(smoothed);
    }

    @Override
    public String description() {
        return "label-smoothing:max-value=" + maxValue;
    }
}
