package dev.robust4j.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.Criterion;
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
 * verdict over ({@link #offerClean}, {@link #recordVerdict}), and the template predicts only the
 * rows nobody has, so an attack pays no extra forward pass for a point it has scored.
 */
public final class AttackContext {

    private final Classifier model;
    private final NDArray x;
    private final NDArray labels;
    private final NDArray targets;
    private final float[] xData;
    private final int[] labelValues;
    private final int[] targetValues;
    private final Criterion criterion;
    private final int[] cleanPredictions;
    private boolean cleanComplete;
    private float[] verdictRows;
    private int[] verdictClasses;
    private boolean[] verdictSuccess;
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
            Criterion criterion,
            NDManager manager,
            SplittableRandom random) {
        this.model = model;
        this.x = x;
        this.labels = labels;
        this.targets = targets;
        this.xData = xData;
        this.criterion = criterion;
        this.labelValues = criterion.labels();
        this.targetValues = criterion.targets();
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

    /** @return what counts as adversarial for each sample: the one success rule of the run */
    public Criterion criterion() {
        return criterion;
    }

    /** @return true if the attack is targeted; the same as {@code criterion().targeted()} */
    public boolean targeted() {
        return criterion.targeted();
    }

    /**
     * @return the labels the attack's objective refers to ({@link Criterion#objectiveClass}), int64,
     *     in {@link #manager()}; do not close
     */
    public NDArray objectiveLabels() {
        return criterion.targeted() ? targets : labels;
    }

    /**
     * Tells which samples the clean input already satisfies the criterion for, from the template's
     * free clean prediction (no query is charged).
     *
     * @return per sample, adversarial at the start
     */
    public boolean[] adversarialAtStart() {
        int[] clean = cleanPredictions();
        boolean[] out = new boolean[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = criterion.isAdversarial(i, clean[i]);
        }
        return out;
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
                try (NDManager scope = manager.newSubManager(); NDArray logits = predictRows(scope, xData, missing)) {
                    int[] predicted = argMax(logits);
                    for (int i = 0; i < missing.length; i++) {
                        cleanPredictions[missing[i]] = predicted[i];
                    }
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
     * Hands over the model's verdict at a point an algorithm scored and may return for a sample.
     * The template reuses it only if the row it returns is this point bit for bit, so recording a
     * point that is later replaced costs nothing but the copy.
     *
     * @param sample the original sample index
     * @param point the array holding the point
     * @param offset where the point starts in {@code point}; {@link #sampleSize()} values
     * @param predicted the arg-max of the model's logits at the point
     * @param success whether the point meets the {@link #criterion()}, from the same logits
     */
    void recordVerdict(int sample, float[] point, int offset, int predicted, boolean success) {
        int dim = sampleSize();
        if (verdictRows == null) {
            verdictRows = new float[xData.length];
            verdictClasses = new int[labelValues.length];
            verdictSuccess = new boolean[labelValues.length];
            Arrays.fill(verdictClasses, -1);
        }
        System.arraycopy(point, offset, verdictRows, sample * dim, dim);
        verdictClasses[sample] = predicted;
        verdictSuccess[sample] = success;
    }

    /**
     * The model's verdicts on the rows the template returns: recorded verdicts where the row is
     * the recorded point bit for bit, one prediction of the remaining rows otherwise.
     *
     * @param rows the returned rows, flattened
     * @param batch the same rows as an array
     * @param predicted filled with the predicted class of every row
     * @param success filled with whether every row meets the criterion
     */
    void verdictsOf(float[] rows, NDArray batch, int[] predicted, boolean[] success) {
        int n = size();
        int dim = sampleSize();
        Arrays.fill(predicted, -1);
        if (verdictClasses != null) {
            for (int i = 0; i < n; i++) {
                int from = i * dim;
                if (verdictClasses[i] >= 0
                        && Arrays.equals(rows, from, from + dim, verdictRows, from, from + dim)) {
                    predicted[i] = verdictClasses[i];
                    success[i] = verdictSuccess[i];
                }
            }
        }
        int[] missing = unknown(predicted);
        if (missing.length == 0) {
            return;
        }
        try (NDManager scope = manager.newSubManager();
                NDArray logits = missing.length == n ? model.predict(batch) : predictRows(scope, rows, missing)) {
            int[] p = argMax(logits);
            boolean[] s = verdict(criterion, logits, p, missing);
            for (int i = 0; i < missing.length; i++) {
                predicted[missing[i]] = p[i];
                success[missing[i]] = s[i];
            }
        }
    }

    /** Predicts the listed rows of a flattened batch in one call, uncharged; logits in {@code scope}. */
    private NDArray predictRows(NDManager scope, float[] rows, int[] which) {
        if (which.length == size() && rows == xData) {
            return model.predict(x);
        }
        int dim = sampleSize();
        float[] picked = new float[which.length * dim];
        for (int i = 0; i < which.length; i++) {
            System.arraycopy(rows, which[i] * dim, picked, i * dim, dim);
        }
        return model.predict(scope.create(picked, dev.robust4j.model.Shapes.batch(which.length, x.getShape().slice(1))));
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
        return sampleRandom(streamSeed, sampleKey(sample));
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
                keys[i] = sampleKey(xData, i * dim, dim);
            }
            sampleKeys = keys;
        }
        return sampleKeys[sample];
    }

    /**
     * The key {@link #sampleKey(int)} gives a sample, from the sample's features alone.
     *
     * @param features features of one or more samples
     * @param offset where the sample starts
     * @param length the sample's number of features
     * @return the key
     */
    public static long sampleKey(float[] features, int offset, int length) {
        long h = 0x9E3779B97F4A7C15L;
        for (int f = offset; f < offset + length; f++) {
            h = mix(h ^ Float.floatToRawIntBits(features[f]));
        }
        return h;
    }

    /**
     * The stream {@link #sampleRandom(long, int)} gives a sample with this key: the same draws
     * wherever the sample is, for a caller that reproduces an attack's per-sample draws.
     *
     * @param streamSeed the seed of the use
     * @param sampleKey the sample's key ({@link #sampleKey(float[], int, int)})
     * @return a fresh generator
     */
    public static SplittableRandom sampleRandom(long streamSeed, long sampleKey) {
        return new SplittableRandom(mix(sampleKey ^ streamSeed));
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
     * Decides success from logits by the {@link #criterion()}.
     *
     * @param logits the logits of the candidates
     * @param samples the original index of each candidate's sample
     * @return per candidate, success
     */
    public boolean[] isSuccess(NDArray logits, int[] samples) {
        return verdict(criterion, logits, argMax(logits), samples);
    }

    /**
     * Applies a criterion to rows of logits whose arg-max is known.
     *
     * @param criterion the criterion
     * @param logits shape {@code (N, K)}
     * @param predicted the arg-max of each row
     * @param samples the sample of each row
     * @return per row, adversarial
     */
    static boolean[] verdict(Criterion criterion, NDArray logits, int[] predicted, int[] samples) {
        boolean[] out = new boolean[samples.length];
        if (criterion.margin() == 0) {
            for (int i = 0; i < samples.length; i++) {
                out[i] = criterion.isAdversarial(samples[i], predicted[i]);
            }
            return out;
        }
        float[] z = logits.toFloatArray();
        int k = (int) logits.getShape().get(1);
        for (int i = 0; i < samples.length; i++) {
            out[i] = criterion.isAdversarial(samples[i], predicted[i], z, i, k);
        }
        return out;
    }

    /** @return {@code 0, 1, ..., n - 1} */
    static int[] range(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
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
