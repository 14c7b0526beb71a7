package dev.robust4j.defence.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.robust4j.data.Dataset;
import dev.robust4j.defence.preprocess.BitDepthReduction;
import dev.robust4j.defence.preprocess.MedianSmoothing;
import dev.robust4j.defence.preprocess.Preprocessor;
import dev.robust4j.model.Classifier;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The joint feature-squeezing detector of Xu, Evans and Qi (NDSS 2018). A sample's score is the
 * largest L1 distance between the model's softmax output on it and on each squeezed version of
 * it; a sample is flagged as adversarial when its score exceeds a threshold calibrated on clean
 * data for a target false-positive rate. The paper's MNIST configuration is bit depth 1 and a 2×2
 * median filter ({@link #xuEtAl(Classifier)}).
 */
public final class FeatureSqueezingDetector implements ScoredDetector {

    private final Classifier model;
    private final List<Preprocessor> squeezers;
    private final double threshold;

    /**
     * @param model the model whose outputs are compared
     * @param squeezers the squeezers, at least one
     * @param threshold the score above which a sample is flagged; {@code NaN} while uncalibrated
     */
    public FeatureSqueezingDetector(Classifier model, List<Preprocessor> squeezers, double threshold) {
        this.model = Objects.requireNonNull(model, "model");
        if (squeezers == null || squeezers.isEmpty()) {
            throw new IllegalArgumentException("the detector needs at least one squeezer");
        }
        this.squeezers = List.copyOf(squeezers);
        this.threshold = threshold;
    }

    /**
     * The paper's MNIST detector: bit depth 1 and 2×2 median smoothing, uncalibrated.
     *
     * @param model the model
     * @return the detector; call {@link #calibrate} before {@link #detect}
     */
    public static FeatureSqueezingDetector xuEtAl(Classifier model) {
        return new FeatureSqueezingDetector(
                model, List.of(new BitDepthReduction(1), new MedianSmoothing(2, "median-smoothing")), Double.NaN);
    }

    /** @return the threshold, NaN if uncalibrated */
    @Override
    public double threshold() {
        return threshold;
    }

    /** @return the squeezers */
    public List<Preprocessor> squeezers() {
        return squeezers;
    }

    /**
     * Scores a batch.
     *
     * @param x the inputs
     * @return per sample, the largest L1 distance between softmax outputs on x and on a squeezed x
     */
    @Override
    public float[] scores(NDArray x) {
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            x.tempAttach(scope);
            NDArray p = model.predict(x).softmax(1);
            NDArray best = null;
            for (Preprocessor s : squeezers) {
                NDArray q = model.predict(s.apply(x, model.bounds())).softmax(1);
                NDArray d = p.sub(q).abs().sum(new int[] {1});
                best = best == null ? d : best.maximum(d);
            }
            return best.toFloatArray();
        }
    }

    /**
     * Calibrates the threshold on clean data: the smallest score threshold such that at most a
     * fraction {@code fpr} of the clean samples score above it.
     *
     * @param clean clean samples
     * @param fpr the target false-positive rate, in {@code [0, 1)}
     * @param batchSize samples per batch
     * @return a calibrated detector
     */
    public FeatureSqueezingDetector calibrate(Dataset clean, double fpr, int batchSize) {
        if (!(fpr >= 0 && fpr < 1)) {
            throw new IllegalArgumentException("fpr must be in [0, 1), got " + fpr);
        }
        return new FeatureSqueezingDetector(model, squeezers, thresholdFor(scores(clean, batchSize), fpr));
    }

    /**
     * The threshold for a target false-positive rate: with the clean scores sorted, the value at
     * index {@code ceil((1 - fpr) n) - 1}, so that at most {@code floor(fpr n)} scores lie above it.
     *
     * @param cleanScores scores of clean samples
     * @param fpr the target false-positive rate
     * @return the threshold
     */
    static double thresholdFor(float[] cleanScores, double fpr) {
        if (cleanScores.length == 0) {
            throw new IllegalArgumentException("calibration needs at least one clean sample");
        }
        float[] s = cleanScores.clone();
        Arrays.sort(s);
        int n = s.length;
        int index = (int) Math.ceil((1 - fpr) * n) - 1;
        return s[Math.max(0, Math.min(n - 1, index))];
    }

    /** @return e.g. {@code feature-squeezing detector [feature-squeezing:bit-depth=1, median-smoothing:window=2]} */
    @Override
    public String description() {
        StringBuilder b = new StringBuilder("feature-squeezing detector [");
        for (int i = 0; i < squeezers.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(squeezers.get(i).description());
        }
        return b.append("]").toString();
    }
}
