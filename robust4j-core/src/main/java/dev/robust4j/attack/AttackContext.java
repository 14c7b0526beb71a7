package dev.robust4j.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.DifferentiableClassifier;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.Objective;
import dev.robust4j.transform.EotClassifier;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What the attack template hands an attack's algorithm: the validated inputs (as NDArrays in the
 * attack's own scope and as Java arrays), the model, a seeded random generator and a ledger of
 * per-sample queries. Algorithms call the model through {@link #predict} and {@link #evaluate} so
 * every query is counted against the samples it was spent on.
 *
 * <p>The model's verdicts on the clean inputs and on the returned rows are computed once: an
 * algorithm that has already run the model on a clean input or on the point it returns hands the
 * predicted class over ({@link #offerClean}, {@link #recordVerdict}), and the template predicts
 * only the rows nobody has, so an attack pays no extra forward pass for a point it has scored.
 */
public final class AttackContext {

    private final Classifier model;
    private final NDArray x;
    private final NDArray labels;
    private final NDArray targets;
    private final float[] xData;
    private final int[] labelValues;
    private final int[] targetValues;
    private final int[] cleanPredictions;
    private boolean cleanComplete;
    private float[] verdictRows;
    private int[] verdictClasses;
    private final NDManager manager;
    private final SplittableRandom random;
    private final long[] queries;
    private long[] sampleKeys;

    AttackContext(
            Classifier model,
            NDArray x,
            NDArray labels,
            NDArray targets,
            float[] xData,
            int[] labelValues,
            int[] targetValues,
            NDManager manager,
            SplittableRandom random) {
        this.model = model;
        this.x = x;
        this.labels = labels;
        this.targets = targets;
        this.xData = xData;
        this.labelValues = labelValues;
        this.targetValues = targetValues;
        this.cleanPredictions = new int[labelValues.length];
        Arrays.fill(cleanPredictions, -1);
        this.manager = manager;
        this.random = random;
        this.queries = new long[labelValues.length];
    }

    /** @return the model under attack */
    public Classifier model() {
        return model;
    }

    /** @return the model as a differentiable classifier; the template checked it is one */
    public DifferentiableClassifier differentiable() {
        return (DifferentiableClassifier) model;
    }

    /** @return the clean inputs, in {@link #manager()}; do not close */
    public NDArray x() {
        return x;
    }

    /** @return the clean inputs as a Java array, sample after sample; do not modify */
    public float[] xData() {
        return xData;
    }

    /** @return the true labels, int64, in {@link #manager()}; do not close */
    public NDArray labels() {
        return labels;
    }

    /** @return the target labels, int64, or {@code null} when untargeted; do not close */
    public NDArray targets() {
        return targets;
    }

    /** @return true if the attack is targeted */
    public boolean targeted() {
        return targets != null;
    }

    /** @return the labels the attack's objective refers to: targets if targeted, else true labels */
    public NDArray objectiveLabels() {
        return targets != null ? targets : labels;
    }

    /** @return the true labels as Java values */
    public int[] labelValues() {
        return labelValues;
    }

    /** @return the targets as Java values, or {@code null} */
    public int[] targetValues() {
        return targetValues;
    }

    /**
     * Returns the model's predictions on the clean inputs, predicting on first use the rows no
     * algorithm step has already scored at the clean input. Not charged as queries.
     *
     * @return the predicted class of every clean input; do not modify
     */
    public int[] cleanPredictions() {
        if (!cleanComplete) {
            int[] missing = unknown(cleanPredictions);
            if (missing.length > 0) {
                int[] predicted = predictRows(xData, missing);
                for (int i = 0; i < missing.length; i++) {
                    cleanPredictions[missing[i]] = predicted[i];
                }
            }
            cleanComplete = true;
        }
        return cleanPredictions;
    }

    /**
     * Hands over the model's class for a sample's clean input, from logits an algorithm computed
     * at exactly that input (bit for bit), so the template need not predict it again.
     *
     * @param sample the original sample index
     * @param predicted the arg-max of the model's logits at the clean input
     */
    void offerClean(int sample, int predicted) {
        if (!cleanComplete) {
            cleanPredictions[sample] = predicted;
        }
    }

    /**
     * Hands over the model's class at a point an algorithm scored and may return for a sample.
     * The template reuses it only if the row it returns is this point bit for bit, so recording a
     * point that is later replaced costs nothing but the copy.
     *
     * @param sample the original sample index
     * @param point the array holding the point
     * @param offset where the point starts in {@code point}; {@link #sampleSize()} values
     * @param predicted the arg-max of the model's logits at the point
     */
    void recordVerdict(int sample, float[] point, int offset, int predicted) {
        int dim = sampleSize();
        if (verdictRows == null) {
            verdictRows = new float[xData.length];
            verdictClasses = new int[labelValues.length];
            Arrays.fill(verdictClasses, -1);
        }
        System.arraycopy(point, offset, verdictRows, sample * dim, dim);
        verdictClasses[sample] = predicted;
    }

    /**
     * The model's predictions on the rows the template returns: recorded verdicts where the row
     * is the recorded point bit for bit, one prediction of the remaining rows otherwise.
     */
    int[] predictionsOf(float[] rows, NDArray batch) {
        int n = size();
        int dim = sampleSize();
        int[] out = new int[n];
        Arrays.fill(out, -1);
        if (verdictClasses != null) {
            for (int i = 0; i < n; i++) {
                int from = i * dim;
                if (verdictClasses[i] >= 0
                        && Arrays.equals(rows, from, from + dim, verdictRows, from, from + dim)) {
                    out[i] = verdictClasses[i];
                }
            }
        }
        int[] missing = unknown(out);
        if (missing.length == n) {
            try (NDArray logits = model.predict(batch)) {
                return argMax(logits);
            }
        }
        if (missing.length > 0) {
            int[] predicted = predictRows(rows, missing);
            for (int i = 0; i < missing.length; i++) {
                out[missing[i]] = predicted[i];
            }
        }
        return out;
    }

    /** Predicts the listed rows of a flattened batch in one call, uncharged. */
    private int[] predictRows(float[] rows, int[] which) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray batch;
            if (which.length == size() && rows == xData) {
                batch = x;
            } else {
                int dim = sampleSize();
                float[] picked = new float[which.length * dim];
                for (int i = 0; i < which.length; i++) {
                    System.arraycopy(rows, which[i] * dim, picked, i * dim, dim);
                }
                batch = scope.create(picked, GradientDescentAttack.batchShape(which.length, x.getShape().slice(1)));
            }
            try (NDArray logits = model.predict(batch)) {
                return argMax(logits);
            }
        }
    }

    private static int[] unknown(int[] classes) {
        int count = 0;
        for (int c : classes) {
            if (c < 0) {
                count++;
            }
        }
        int[] out = new int[count];
        int j = 0;
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] < 0) {
                out[j++] = i;
            }
        }
        return out;
    }

    /** @return the number of samples */
    public int size() {
        return labelValues.length;
    }

    /** @return the number of features per sample */
    public int sampleSize() {
        return xData.length / labelValues.length;
    }

    /** @return the attack's scope; closed by the template after the attack returns */
    public NDManager manager() {
        return manager;
    }

    /** @return the generator seeded from the attack's seed */
    public SplittableRandom random() {
        return random;
    }

    /**
     * A random stream for one sample that depends only on {@code streamSeed} and the sample's clean
     * input (its bits), not on its position in the batch nor on the other samples: an attack that
     * draws a sample's random numbers from it makes the same draws for that sample whichever batch
     * it is given in, a subset (as {@code AutoAttack} hands its later components) or a batch of
     * another size. Two identical inputs get the same stream.
     *
     * @param streamSeed the seed of this use (a restart, a phase), drawn from {@link #random()}
     * @param sample the sample's index in this batch
     * @return a fresh generator
     */
    public SplittableRandom sampleRandom(long streamSeed, int sample) {
        return new SplittableRandom(mix(sampleKey(sample) ^ streamSeed));
    }

    /**
     * A 64-bit key of one sample that depends only on its clean input (its bits), not on its
     * position in the batch nor on the other samples; {@link #sampleRandom} is seeded from it.
     *
     * @param sample the sample's index in this batch
     * @return the key
     */
    public long sampleKey(int sample) {
        if (sampleKeys == null) {
            int n = size();
            int dim = sampleSize();
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                long h = 0x9E3779B97F4A7C15L;
                for (int f = i * dim; f < (i + 1) * dim; f++) {
                    h = mix(h ^ Float.floatToRawIntBits(xData[f]));
                }
                keys[i] = h;
            }
            sampleKeys = keys;
        }
        return sampleKeys[sample];
    }

    /** The finaliser of SplitMix64 (Steele, Lea and Flood 2014): a bijective 64-bit mix. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Scores a batch of candidates, charging one query to each sample it belongs to.
     *
     * @param candidates the candidates, one per entry of {@code samples}
     * @param samples the original index of each candidate's sample
     * @return the logits, in the candidates' manager
     */
    public NDArray predict(NDArray candidates, int[] samples) {
        charge(samples);
        return model.predict(candidates);
    }

    /**
     * Evaluates an objective and its input gradient, charging one query per sample. Against an
     * {@link EotClassifier} (Expectation over Transformation) each row's transformation draws are
     * keyed by its sample ({@link #sampleKey}) and the number of queries that sample has used, not
     * by the row's position, so a sample gets the same draws in a batch of any size or order.
     *
     * @param candidates the candidates, one per entry of {@code samples}
     * @param objective the objective
     * @param objectiveLabels the labels the objective refers to, one per candidate
     * @param samples the original index of each candidate's sample
     * @return the evaluation, in the candidates' manager
     */
    public Evaluation evaluate(NDArray candidates, Objective objective, NDArray objectiveLabels, int[] samples) {
        if (model instanceof EotClassifier eot) {
            // Key each row's draws by its sample and by how many queries that sample has used so far,
            // so that a sample gets the same draws whatever batch it is attacked in.
            long[] keys = new long[samples.length];
            for (int i = 0; i < samples.length; i++) {
                keys[i] = mix(sampleKey(samples[i]) ^ mix(queries[samples[i]] + 0x632BE59BD9B4E019L));
            }
            charge(samples);
            return eot.evaluate(candidates, objective, objectiveLabels, keys);
        }
        charge(samples);
        return differentiable().evaluate(candidates, objective, objectiveLabels);
    }

    /**
     * Decides success from logits: for each candidate, whether its predicted class is not the true
     * label (untargeted) or is the target (targeted).
     *
     * @param logits the logits of the candidates
     * @param samples the original index of each candidate's sample
     * @return per candidate, success
     */
    public boolean[] isSuccess(NDArray logits, int[] samples) {
        return isSuccess(argMax(logits), samples);
    }

    /**
     * Decides success from predicted classes, as {@link #isSuccess(NDArray, int[])}.
     *
     * @param predicted the predicted class of each candidate
     * @param samples the original index of each candidate's sample
     * @return per candidate, success
     */
    boolean[] isSuccess(int[] predicted, int[] samples) {
        boolean[] out = new boolean[samples.length];
        for (int i = 0; i < samples.length; i++) {
            int s = samples[i];
            out[i] = targetValues != null ? predicted[i] == targetValues[s] : predicted[i] != labelValues[s];
        }
        return out;
    }

    /**
     * Charges one query to each listed sample.
     *
     * @param samples original sample indices
     */
    public void charge(int[] samples) {
        for (int s : samples) {
            queries[s]++;
        }
    }

    /**
     * Returns the queries charged to one sample so far, for attacks with a per-sample query budget.
     *
     * @param sample the original sample index
     * @return the model evaluations spent on it
     */
    public long queriesUsed(int sample) {
        return queries[sample];
    }

    /**
     * Charges queries spent on samples elsewhere, e.g. by a component attack run on a sub-batch.
     *
     * @param samples original sample indices
     * @param counts the queries to charge to each, one per entry of {@code samples}
     */
    public void charge(int[] samples, long[] counts) {
        if (samples.length != counts.length) {
            throw new IllegalArgumentException(
                    "one count per sample expected: " + samples.length + " samples, " + counts.length + " counts");
        }
        for (int i = 0; i < samples.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("query count of sample " + samples[i] + " is negative: " + counts[i]);
            }
            queries[samples[i]] += counts[i];
        }
    }

    long[] queries() {
        return queries;
    }

    /**
     * Returns the arg-max of each row.
     *
     * @param logits shape {@code (N, K)}
     * @return the predicted classes
     */
    public static int[] argMax(NDArray logits) {
        try (NDArray am = logits.argMax(1); NDArray ints = am.toType(DataType.INT32, true)) {
            return ints.toIntArray();
        }
    }
}
