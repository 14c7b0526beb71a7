package dev.robust4j.defence.smoothing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.data.Dataset;
import dev.robust4j.model.Classifier;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Randomized smoothing (Cohen, Rosenfeld and Kolter, "Certified Adversarial Robustness via
 * Randomized Smoothing", ICML 2019) over any {@link Classifier} {@code f}: the smoothed classifier
 * {@code g(x) = argmax_c P(f(x + ε) = c)}, {@code ε ~ N(0, σ²I)}, evaluated by Monte Carlo.
 *
 * <ul>
 *   <li>{@link #predict}: the paper's {@code PREDICT}. Draws {@code n} noisy copies, counts the base
 *       model's votes, and returns the top class only if the two-sided binomial test of its count
 *       against the runner-up's rejects "equally likely" at level {@code α}; otherwise abstains.
 *       The returned class differs from {@code g(x)} with probability at most {@code α}.
 *   <li>{@link #certify}: the paper's {@code CERTIFY}. Picks the top class {@code ĉA} from {@code n0}
 *       selection draws, then bounds {@code pA = P(f(x + ε) = ĉA)} from below with the one-sided
 *       Clopper–Pearson bound {@code p̲A} at level {@code α} over {@code n} fresh draws. If
 *       {@code p̲A < 1/2} it abstains; else it returns {@code ĉA} with the L2 radius
 *       {@code R = σ·Φ⁻¹(p̲A)}: with probability at least {@code 1 − α} over the draws,
 *       {@code g(x + δ) = ĉA} for every {@code ‖δ‖₂ < R}.
 * </ul>
 *
 * <p><b>Noise.</b> The noise is added in the input space of the classifier given, without clipping
 * to its bounds, as in the authors' code (the guarantee is about {@code g} as defined, whatever
 * {@code f} does with out-of-range inputs). A model that normalises its inputs internally (or a
 * {@link dev.robust4j.model.NormalizedClassifier} view) is thus smoothed in raw pixel space, as the
 * authors do with their normalisation layer inside the network, and radii are in that space.
 *
 * <p><b>Randomness.</b> Gaussian draws come from Java's {@link SplittableRandom}, one stream per
 * input row keyed by the row's own values and the seed (and separate streams for selection,
 * estimation and prediction), consumed in order. So a row gets the same draws in any batch, in any
 * position, with any noise batch size, and the same seed, model and input give the same answer.
 * Noisy copies are scored {@link Builder#batchSize} at a time through a reused native staging
 * buffer, each batch in an {@link NDManager} scope closed before the next.
 *
 * <p>Instances are immutable and thread-safe when the base classifier is.
 */
public final class SmoothedClassifier {

    /** The label of an abstention. */
    public static final int ABSTAIN = -1;

    private static final long SELECTION = 0x5E1EC7L;
    private static final long ESTIMATION = 0xE57173L;
    private static final long PREDICTION = 0x9BED1C7L;

    private final Classifier base;
    private final double sigma;
    private final long seed;
    private final int batchSize;

    private SmoothedClassifier(Builder b) {
        this.base = b.base;
        this.sigma = b.sigma;
        this.seed = b.seed;
        this.batchSize = b.batchSize;
    }

    /**
     * Starts a builder.
     *
     * @param base the base classifier {@code f}
     * @return the builder; {@link Builder#sigma} is required
     */
    public static Builder builder(Classifier base) {
        return new Builder(base);
    }

    /** @return the base classifier */
    public Classifier base() {
        return base;
    }

    /** @return the noise's standard deviation σ */
    public double sigma() {
        return sigma;
    }

    /** @return the seed of the noise streams */
    public long seed() {
        return seed;
    }

    /** @return the most noisy copies scored in one call of the base classifier */
    public int batchSize() {
        return batchSize;
    }

    /** @return a short description, e.g. {@code smoothing:sigma=0.25} */
    public String description() {
        return "smoothing:sigma=" + sigma + " over " + base.description();
    }

    /**
     * The answer of {@code PREDICT} for one input.
     *
     * @param label the predicted class, or {@link #ABSTAIN}
     * @param topCount the votes of the most voted class
     * @param runnerUpCount the votes of the second most voted class
     * @param pValue the two-sided binomial test's p-value of {@code topCount} in
     *     {@code topCount + runnerUpCount} trials against 1/2
     */
    public record Prediction(int label, int topCount, int runnerUpCount, double pValue) {
        /** @return whether the test did not separate the top two classes at level α */
        public boolean abstained() {
            return label == ABSTAIN;
        }

        /** @return the label, or {@code null} when abstained */
        public Integer labelOrNull() {
            return abstained() ? null : label;
        }
    }

    /**
     * The answer of {@code CERTIFY} for one input.
     *
     * @param label the certified class {@code ĉA}, or {@link #ABSTAIN}
     * @param radius the certified L2 radius {@code σ·Φ⁻¹(p̲A)}; 0 when abstained
     * @param candidate the class chosen from the selection draws (also when abstained)
     * @param candidateCount the estimation draws the base classifier gave to {@code candidate}
     * @param samples the estimation draws {@code n}
     * @param pALower the Clopper–Pearson lower bound {@code p̲A}
     */
    public record Certificate(int label, double radius, int candidate, int candidateCount, int samples,
            double pALower) {
        /** @return whether {@code p̲A < 1/2}, so nothing is certified */
        public boolean abstained() {
            return label == ABSTAIN;
        }

        /** @return the label, or {@code null} when abstained */
        public Integer labelOrNull() {
            return abstained() ? null : label;
        }

        /**
         * @param radius an L2 radius
         * @return whether this certifies {@code label} at least to {@code radius}
         */
        public boolean certifiesAt(double radius) {
            return !abstained() && this.radius >= radius;
        }
    }

    /**
     * {@code PREDICT}: the smoothed prediction of each row, or an abstention.
     *
     * @param x the inputs, {@code (N, inputShape...)}; not changed
     * @param n the noisy copies per row, at least 1
     * @param alpha the test's level, in {@code (0, 1)}
     * @return one prediction per row
     */
    public List<Prediction> predict(NDArray x, int n, double alpha) {
        checkSamples("n", n);
        SmoothingStatistics.checkAlpha(alpha);
        float[] data = inputs(x);
        int d = sampleSize();
        int rows = data.length / d;
        List<Prediction> out = new ArrayList<>(rows);
        Sampler sampler = new Sampler(x.getManager(), d, Math.min(batchSize, n));
        for (int i = 0; i < rows; i++) {
            SplittableRandom r = rowRandom(data, i, d, PREDICTION);
            int[] counts = sampler.counts(data, i, n, r);
            int top = argMax(counts, -1);
            int second = argMax(counts, top);
            int c1 = counts[top];
            int c2 = second < 0 ? 0 : counts[second];
            double p = SmoothingStatistics.binomialTestHalf(c1, c1 + c2);
            out.add(new Prediction(p <= alpha ? top : ABSTAIN, c1, c2, p));
        }
        return out;
    }

    /**
     * {@code CERTIFY}: the certified class and L2 radius of each row, or an abstention.
     *
     * @param x the inputs, {@code (N, inputShape...)}; not changed
     * @param n0 the selection draws per row, at least 1
     * @param n the estimation draws per row, at least 1
     * @param alpha the failure probability, in {@code (0, 1)}
     * @return one certificate per row
     */
    public List<Certificate> certify(NDArray x, int n0, int n, double alpha) {
        checkSamples("n0", n0);
        checkSamples("n", n);
        SmoothingStatistics.checkAlpha(alpha);
        float[] data = inputs(x);
        int d = sampleSize();
        int rows = data.length / d;
        List<Certificate> out = new ArrayList<>(rows);
        Sampler sampler = new Sampler(x.getManager(), d, Math.min(batchSize, Math.max(n0, n)));
        for (int i = 0; i < rows; i++) {
            out.add(certifyRow(sampler, data, i, d, n0, n, alpha));
        }
        return out;
    }

    /**
     * {@code CERTIFY} over a data set, row by row.
     *
     * @param data the inputs (labels are not used)
     * @param n0 the selection draws per row
     * @param n the estimation draws per row
     * @param alpha the failure probability
     * @param manager the manager the noisy batches are made under (each batch in its own closed scope)
     * @param progress told the number of rows done after each row, or {@code null}
     * @return one certificate per row, in order
     */
    public List<Certificate> certify(Dataset data, int n0, int n, double alpha, NDManager manager,
            IntConsumer progress) {
        checkSamples("n0", n0);
        checkSamples("n", n);
        SmoothingStatistics.checkAlpha(alpha);
        int d = sampleSize();
        if (data.sampleSize() != d) {
            throw new IllegalArgumentException("data samples of shape " + Arrays.toString(data.sampleShape())
                    + " do not fit the model's input shape " + base.inputShape());
        }
        float[] features = data.features();
        List<Certificate> out = new ArrayList<>(data.size());
        Sampler sampler = new Sampler(manager, d, Math.min(batchSize, Math.max(n0, n)));
        for (int i = 0; i < data.size(); i++) {
            out.add(certifyRow(sampler, features, i, d, n0, n, alpha));
            if (progress != null) {
                progress.accept(i + 1);
            }
        }
        return out;
    }

    /**
     * The base classifier's votes on {@code num} noisy copies of each row (from a stream of its
     * own, not the ones {@link #predict} and {@link #certify} use).
     *
     * @param x the inputs, {@code (N, inputShape...)}
     * @param num the noisy copies per row
     * @return the votes, {@code [N][numClasses]}
     */
    public int[][] counts(NDArray x, int num) {
        checkSamples("num", num);
        float[] data = inputs(x);
        int d = sampleSize();
        int rows = data.length / d;
        int[][] out = new int[rows][];
        Sampler sampler = new Sampler(x.getManager(), d, Math.min(batchSize, num));
        for (int i = 0; i < rows; i++) {
            out[i] = sampler.counts(data, i, num, rowRandom(data, i, d, 0));
        }
        return out;
    }

    private Certificate certifyRow(Sampler sampler, float[] data, int row, int d, int n0, int n, double alpha) {
        int[] selection = sampler.counts(data, row, n0, rowRandom(data, row, d, SELECTION));
        int candidate = argMax(selection, -1);
        int[] estimation = sampler.counts(data, row, n, rowRandom(data, row, d, ESTIMATION));
        int nA = estimation[candidate];
        double pA = SmoothingStatistics.clopperPearsonLower(nA, n, alpha);
        if (pA < 0.5) {
            return new Certificate(ABSTAIN, 0.0, candidate, nA, n, pA);
        }
        return new Certificate(candidate, SmoothingStatistics.radius(sigma, pA), candidate, nA, n, pA);
    }

    /** The first class with the most votes, skipping {@code except}; -1 if none. */
    private static int argMax(int[] counts, int except) {
        int best = -1;
        for (int c = 0; c < counts.length; c++) {
            if (c != except && (best < 0 || counts[c] > counts[best])) {
                best = c;
            }
        }
        return best;
    }

    private int sampleSize() {
        return Math.toIntExact(base.inputShape().size());
    }

    private float[] inputs(NDArray x) {
        Shape want = base.inputShape();
        Shape got = x.getShape();
        if (got.dimension() != want.dimension() + 1 || !got.slice(1).equals(want)) {
            throw new IllegalArgumentException("inputs must have shape (N, " + join(want) + "), got " + got);
        }
        if (got.get(0) < 1) {
            throw new IllegalArgumentException("inputs must hold at least one row, got " + got);
        }
        if (x.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("inputs must be float32, got " + x.getDataType());
        }
        float[] data = x.toFloatArray();
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new IllegalArgumentException("inputs must be finite, got " + data[i] + " at row " + (i / sampleSize()));
            }
        }
        return data;
    }

    private static String join(Shape s) {
        StringBuilder b = new StringBuilder();
        for (long v : s.getShape()) {
            b.append(b.length() == 0 ? "" : ", ").append(v);
        }
        return b.toString();
    }

    private static void checkSamples(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }

    /** A stream keyed by the row's values, the seed and the purpose of the draws. */
    private SplittableRandom rowRandom(float[] data, int row, int d, long purpose) {
        long h = 0x9E3779B97F4A7C15L;
        for (int f = row * d; f < (row + 1) * d; f++) {
            h = mix(h ^ Float.floatToRawIntBits(data[f]));
        }
        return new SplittableRandom(mix(mix(h ^ seed) ^ purpose));
    }

    /** The finaliser of SplitMix64 (Steele, Lea and Flood 2014): a bijective 64-bit mix. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Fills noisy copies of one row into a reused direct buffer and counts the base classifier's
     * votes, one closed scope per batch. (Arrays made from Java arrays would each hold a direct
     * buffer until a garbage collection.)
     */
    private final class Sampler {
        private final NDManager manager;
        private final int d;
        private final int capacity;
        private final ByteBuffer staging;

        Sampler(NDManager manager, int d, int capacity) {
            this.manager = manager;
            this.d = d;
            this.capacity = capacity;
            this.staging = ByteBuffer.allocateDirect(Math.multiplyExact(Math.multiplyExact(capacity, d), 4))
                    .order(ByteOrder.nativeOrder());
        }

        int[] counts(float[] data, int row, int num, SplittableRandom random) {
            int k = base.numClasses();
            int[] counts = new int[k];
            int offset = row * d;
            long[] shape = base.inputShape().getShape();
            int left = num;
            while (left > 0) {
                int m = Math.min(capacity, left);
                left -= m;
                FloatBuffer fb = staging.asFloatBuffer();
                for (int j = 0; j < m; j++) {
                    for (int f = 0; f < d; f++) {
                        fb.put(data[offset + f] + (float) (sigma * random.nextGaussian()));
                    }
                }
                long[] batchShape = new long[shape.length + 1];
                batchShape[0] = m;
                System.arraycopy(shape, 0, batchShape, 1, shape.length);
                try (NDManager scope = manager.newSubManager()) {
                    NDArray noisy = scope.create(staging.slice(0, m * d * 4).order(ByteOrder.nativeOrder()),
                            new Shape(batchShape), DataType.FLOAT32);
                    NDArray logits = base.predict(noisy);
                    long[] votes = logits.argMax(1).toLongArray();
                    for (long v : votes) {
                        counts[(int) v]++;
                    }
                }
            }
            return counts;
        }
    }

    /** Builds a {@link SmoothedClassifier}. */
    public static final class Builder {
        private final Classifier base;
        private double sigma = Double.NaN;
        private long seed;
        private int batchSize = 1000;

        private Builder(Classifier base) {
            if (base == null) {
                throw new IllegalArgumentException("base classifier must not be null");
            }
            this.base = base;
        }

        /**
         * @param sigma the noise's standard deviation, positive and finite (required)
         * @return this builder
         */
        public Builder sigma(double sigma) {
            this.sigma = sigma;
            return this;
        }

        /**
         * @param seed the seed of the noise streams (default 0)
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param batchSize the most noisy copies scored in one call of the base classifier (default
         *     1000, the authors' default)
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** @return the smoothed classifier */
        public SmoothedClassifier build() {
            if (!(sigma > 0) || !Double.isFinite(sigma)) {
                throw new IllegalArgumentException("sigma must be a positive number, got " + sigma);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            long bytes;
            try {
                bytes = Math.multiplyExact(Math.multiplyExact((long) batchSize, base.inputShape().size()), 4L);
            } catch (ArithmeticException e) {
                bytes = Long.MAX_VALUE;
            }
            if (bytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("batch size " + batchSize + " times the input shape "
                        + base.inputShape() + " is over 2 GiB of noisy copies per batch; lower the batch size");
            }
            return new SmoothedClassifier(this);
        }
    }
}
