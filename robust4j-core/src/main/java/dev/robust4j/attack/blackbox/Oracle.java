package dev.robust4j.attack.blackbox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.model.Shapes;

import java.util.Arrays;

/**
 * Label-only access to the model for one run of a decision-based attack: the only question it
 * answers is whether a candidate is adversarial for its sample (not the label, or the target), and
 * it keeps each sample inside its hard query budget.
 */
interface Oracle {

    /**
     * Rows sent to the model in one call at most, as a number of floats (4 MB of input). The
     * model's activations, not the input, set the memory: a small CNN holds about 60 times its
     * input in intermediate tensors, so 32 MB of input per call made 2 GB peaks.
     */
    int MAX_FLOATS_PER_CALL = 1 << 20;

    /**
     * Asks whether each candidate is adversarial, charging one query per candidate to its sample.
     *
     * @param rows the candidates, flattened, {@code samples.length * sampleSize} values
     * @param samples the original sample index of each candidate
     * @return per candidate, true if the model's decision is adversarial for its sample
     * @throws IllegalStateException if a sample would exceed its query budget
     */
    boolean[] adversarial(float[] rows, int[] samples);

    /**
     * @param sample an original sample index
     * @return the queries the sample may still spend
     */
    long remaining(int sample);

    /**
     * Makes the oracle of an attack run: every query goes through {@link AttackContext#predict}, so
     * the template's ledger sees it, in calls of at most {@link #MAX_FLOATS_PER_CALL} floats.
     *
     * @param ctx the attack's context
     * @param maxQueries the hard per-sample budget
     * @return the oracle
     */
    static Oracle of(AttackContext ctx, long maxQueries) {
        return new Oracle() {
            private final Shape sampleShape = ctx.x().getShape().slice(1);
            private final int dim = ctx.sampleSize();

            @Override
            public boolean[] adversarial(float[] rows, int[] samples) {
                int m = samples.length;
                if (rows.length != m * dim) {
                    throw new IllegalStateException(
                            "candidate rows hold " + rows.length + " values for " + m + " samples of " + dim);
                }
                int[] charge = new int[ctx.size()];
                for (int s : samples) {
                    charge[s]++;
                }
                for (int s = 0; s < charge.length; s++) {
                    if (charge[s] > remaining(s)) {
                        throw new IllegalStateException(
                                "sample " + s + " would spend " + (ctx.queriesUsed(s) + charge[s])
                                        + " queries, over its budget of " + maxQueries);
                    }
                }
                boolean[] out = new boolean[m];
                int chunk = Math.max(1, MAX_FLOATS_PER_CALL / dim);
                for (int from = 0; from < m; from += chunk) {
                    int to = Math.min(m, from + chunk);
                    float[] part = from == 0 && to == m ? rows : Arrays.copyOfRange(rows, from * dim, to * dim);
                    int[] idx = Arrays.copyOfRange(samples, from, to);
                    try (NDManager call = ctx.manager().newSubManager()) {
                        NDArray batch = call.create(part, Shapes.batch(to - from, sampleShape));
                        NDArray logits = ctx.predict(batch, idx);
                        boolean[] hit = ctx.isSuccess(logits, idx);
                        System.arraycopy(hit, 0, out, from, to - from);
                    }
                }
                return out;
            }

            @Override
            public long remaining(int sample) {
                return maxQueries - ctx.queriesUsed(sample);
            }
        };
    }
}
