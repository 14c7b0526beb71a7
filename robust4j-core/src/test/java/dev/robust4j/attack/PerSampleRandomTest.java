package dev.robust4j.attack;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Per-sample random streams: a sample draws the same numbers whichever batch it is in, so an
 * ensemble that hands a component a subset of its samples gets the draws the component makes
 * alone.
 */
class PerSampleRandomTest {

    private static final int D = 6;

    private static AttackContext context(float[] x, long seed) {
        int n = x.length / D;
        return new AttackContext(null, null, null, null, x, dev.robust4j.model.Criterion.misclassification(new int[n]),
                null, new SplittableRandom(seed));
    }

    private static long[] draws(SplittableRandom r) {
        long[] out = new long[4];
        for (int i = 0; i < out.length; i++) {
            out[i] = r.nextLong();
        }
        return out;
    }

    @Test
    void aSampleDrawsTheSameNumbersInAnyBatchAndPosition() {
        SplittableRandom data = new SplittableRandom(3);
        float[] batch = new float[5 * D];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (float) data.nextDouble();
        }
        // Samples 3 and 1 of the batch, in that order: a subset in other positions.
        float[] subset = new float[2 * D];
        System.arraycopy(batch, 3 * D, subset, 0, D);
        System.arraycopy(batch, D, subset, D, D);
        AttackContext all = context(batch, 7);
        AttackContext some = context(subset, 7);
        assertThat(draws(some.sampleRandom(42, 0))).isEqualTo(draws(all.sampleRandom(42, 3)));
        assertThat(draws(some.sampleRandom(42, 1))).isEqualTo(draws(all.sampleRandom(42, 1)));
        // Other samples and other stream seeds draw other numbers.
        assertThat(draws(all.sampleRandom(42, 0))).isNotEqualTo(draws(all.sampleRandom(42, 1)));
        assertThat(draws(all.sampleRandom(43, 1))).isNotEqualTo(draws(all.sampleRandom(42, 1)));
        // One changed bit of the input changes the stream.
        float[] changed = batch.clone();
        changed[D + 2] = Math.nextUp(changed[D + 2]);
        assertThat(draws(context(changed, 7).sampleRandom(42, 1))).isNotEqualTo(draws(all.sampleRandom(42, 1)));
    }

    @Test
    void aRowOfAPerRowRandomStartIsTheStartOfABatchOfOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (Norm norm : new Norm[] {Norm.LINF, Norm.L2, Norm.L1}) {
                SplittableRandom[] rows = {new SplittableRandom(1), new SplittableRandom(2), new SplittableRandom(3)};
                NDArray batch = norm.randomStart(m, new Shape(3, 2, 3), 0.5f, rows);
                assertThat(batch.getShape()).isEqualTo(new Shape(3, 2, 3));
                float[] all = batch.toFloatArray();
                for (int r = 0; r < 3; r++) {
                    float[] one = norm.randomStart(m, new Shape(1, 2, 3), 0.5f, new SplittableRandom(r + 1)).toFloatArray();
                    assertThat(Arrays.copyOfRange(all, r * D, (r + 1) * D)).as("%s row %d", norm, r).isEqualTo(one);
                    assertThat(norm.measure(one, 0, D)).isLessThanOrEqualTo(0.5f * 1.0001f);
                }
            }
        }
    }
}
