package dev.robust4j.attack.blackbox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.model.Shapes;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What the score-based attacks share: scoring candidate rows kept as Java arrays through the
 * context (one query per row, charged to the row's sample), and the per-row quantities they
 * optimise (arg-max, softmax probability, margin, cross-entropy), computed in double precision.
 *
 * <p>The attacks keep their state in Java arrays because every step edits a few features of
 * each sample (a square, a pixel, a coordinate, a basis vector) with per-sample random choices;
 * copying a batch into one NDArray per query is a few microseconds against a model evaluation.
 */
final class Scores {

    /**
     * Rows sent to the model in one call at most, as a number of floats (4 MB of input). The
     * model's activations, not the input, set the memory: a small CNN holds about 60 times its
     * input in intermediate tensors, so 32 MB of input per call made 2 GB peaks.
     */
    static final int MAX_FLOATS_PER_CALL = 1 << 20;

    private Scores() {}

    /**
     * Scores candidate rows, charging one query to the sample of each row. Rows are sent in as
     * few model calls as {@link #MAX_FLOATS_PER_CALL} allows.
     *
     * @param ctx the attack context
     * @param rows the candidates, flattened, one per entry of {@code samples}
     * @param samples the original sample index of each row
     * @return the logits, row-major, {@code samples.length * K} values
     */
    static float[] logits(AttackContext ctx, float[] rows, int[] samples) {
        int dim = ctx.sampleSize();
        int k = ctx.model().numClasses();
        Shape sampleShape = ctx.x().getShape().slice(1);
        int count = samples.length;
        float[] out = new float[count * k];
        int chunk = Math.max(1, MAX_FLOATS_PER_CALL / dim);
        for (int from = 0; from < count; from += chunk) {
            int to = Math.min(count, from + chunk);
            float[] part = from == 0 && to == count && rows.length == count * dim
                    ? rows
                    : Arrays.copyOfRange(rows, from * dim, to * dim);
            try (NDManager m = ctx.manager().newSubManager()) {
                NDArray batch = m.create(part, Shapes.batch(to - from, sampleShape));
                NDArray logits = ctx.predict(batch, Arrays.copyOfRange(samples, from, to));
                float[] values = logits.toFloatArray();
                if (values.length != (to - from) * k) {
                    throw new IllegalStateException(
                            ctx.model().description() + " returned " + values.length + " scores for " + (to - from)
                                    + " rows of " + k + " classes");
                }
                System.arraycopy(values, 0, out, from * k, values.length);
            }
        }
        return out;
    }

    /** @return the class with the largest score in row {@code row} (the first on ties) */
    static int argMax(float[] logits, int row, int k) {
        int off = row * k;
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (logits[off + j] > logits[off + best]) {
                best = j;
            }
        }
        return best;
    }

    /** @return the softmax probability of class {@code cls} in row {@code row} */
    static double probability(float[] logits, int row, int k, int cls) {
        return Math.exp(logProbability(logits, row, k, cls));
    }

    /** @return the log-softmax of class {@code cls} in row {@code row} */
    static double logProbability(float[] logits, int row, int k, int cls) {
        int off = row * k;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, logits[off + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += Math.exp(logits[off + j] - max);
        }
        return logits[off + cls] - max - Math.log(sum);
    }

    /**
     * Returns the margin of class {@code cls} over the best other class, {@code z_cls - max_{j != cls} z_j}:
     * positive exactly when the row is classified as {@code cls}. Log-probabilities give the same
     * value, since the softmax normaliser cancels.
     */
    static double margin(float[] logits, int row, int k, int cls) {
        int off = row * k;
        double other = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            if (j != cls) {
                other = Math.max(other, logits[off + j]);
            }
        }
        return logits[off + cls] - other;
    }

    /**
     * @return one independent generator per sample, keyed by the sample's input
     *     ({@link AttackContext#sampleRandom}) and a seed drawn from the attack's generator: a
     *     sample draws the same numbers in a batch of any size or order
     */
    static SplittableRandom[] perSample(AttackContext ctx) {
        return keyedPerSample(ctx);
    }

    /**
     * @return one independent generator per sample, keyed by the sample's input
     *     ({@link AttackContext#sampleRandom}): a sample draws the same numbers in any batch, as an
     *     AutoAttack component must
     */
    static SplittableRandom[] keyedPerSample(AttackContext ctx) {
        SplittableRandom[] out = new SplittableRandom[ctx.size()];
        long streamSeed = ctx.random().nextLong();
        for (int i = 0; i < out.length; i++) {
            out[i] = ctx.sampleRandom(streamSeed, i);
        }
        return out;
    }

    /**
     * Reads an image geometry {@code (C, H, W)} from a per-sample shape {@code (C, H, W)} or
     * {@code (H, W)}.
     *
     * @param attack the attack's name, for the message
     * @param sample the per-sample shape
     * @return {@code {C, H, W}}
     * @throws IllegalArgumentException for other shapes
     */
    static int[] image(String attack, Shape sample) {
        if (sample.dimension() == 3) {
            return new int[] {(int) sample.get(0), (int) sample.get(1), (int) sample.get(2)};
        }
        if (sample.dimension() == 2) {
            return new int[] {1, (int) sample.get(0), (int) sample.get(1)};
        }
        throw new IllegalArgumentException(
                "attack " + attack + " needs image inputs of shape (C, H, W) or (H, W), got " + sample);
    }

    static float clip(double v, float min, float max) {
        return (float) Math.max(min, Math.min(max, v));
    }
}
