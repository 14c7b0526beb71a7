package dev.robust4j.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory labelled (or unlabelled) dataset held on the Java heap: float32 features, batch
 * first, and int class labels. Keeping the data on the heap means a dataset has no native memory
 * to close; {@link #features(NDManager, int, int)} makes NDArrays in a manager the caller owns.
 *
 * <p>Instances are immutable: the arrays passed in are copied defensively only by the factory
 * methods that say so; accessors return the internal arrays, which callers must not modify.
 */
public final class Dataset {

    private final float[] features;
    private final long[] sampleShape;
    private final int sampleSize;
    private final int[] labels;
    private final List<String> classNames;
    private final String source;

    /**
     * Creates a dataset.
     *
     * @param features the features of all samples, sample after sample (row-major)
     * @param sampleShape the shape of one sample, for example {@code {1, 28, 28}}
     * @param labels the class index of every sample, or {@code null} when unlabelled
     * @param classNames the names of the classes; its size is the number of classes (may be empty
     *     when unknown)
     * @param source where the data came from, for messages and provenance
     * @throws IllegalArgumentException if the sizes do not agree, a feature is NaN or infinite, or
     *     a label is negative or not below the number of named classes
     */
    public Dataset(
            float[] features, long[] sampleShape, int[] labels, List<String> classNames, String source) {
        this.features = Objects.requireNonNull(features, "features");
        this.sampleShape = sampleShape.clone();
        this.classNames = List.copyOf(classNames);
        this.source = source == null ? "<memory>" : source;
        long size = 1;
        for (long d : sampleShape) {
            if (d <= 0) {
                throw new IllegalArgumentException(
                        this.source + ": sample shape must be positive, got " + Arrays.toString(sampleShape));
            }
            if (size > Integer.MAX_VALUE / d) {
                // checked before multiplying: a product of large dimensions can wrap around to zero
                throw new IllegalArgumentException(this.source + ": sample shape " + Arrays.toString(sampleShape)
                        + " has more than " + Integer.MAX_VALUE + " values");
            }
            size *= d;
        }
        if (size > Integer.MAX_VALUE || features.length % size != 0) {
            throw new IllegalArgumentException(
                    this.source + ": " + features.length + " feature values do not divide into samples of shape "
                            + Arrays.toString(sampleShape));
        }
        this.sampleSize = (int) size;
        int n = features.length / sampleSize;
        for (int i = 0; i < features.length; i++) {
            if (!Float.isFinite(features[i])) {
                throw new IllegalArgumentException(
                        this.source + ": feature " + (i % sampleSize) + " of sample " + (i / sampleSize)
                                + " is " + features[i] + "; expected a finite number");
            }
        }
        if (labels != null) {
            if (labels.length != n) {
                throw new IllegalArgumentException(
                        this.source + ": " + labels.length + " labels for " + n + " samples");
            }
            int k = classNames.size();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || (k > 0 && labels[i] >= k)) {
                    throw new IllegalArgumentException(
                            this.source + ": label of sample " + i + " is " + labels[i]
                                    + "; expected a class index in [0, " + (k > 0 ? k - 1 : "K") + "]");
                }
            }
        }
        this.labels = labels;
    }

    /** @return the number of samples */
    public int size() {
        return features.length / sampleSize;
    }

    /** @return the shape of one sample (a copy) */
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    /** @return the number of feature values in one sample */
    public int sampleSize() {
        return sampleSize;
    }

    /** @return the features, sample after sample; do not modify */
    public float[] features() {
        return features;
    }

    /** @return true if every sample has a label */
    public boolean hasLabels() {
        return labels != null;
    }

    /**
     * @return the labels; do not modify
     * @throws IllegalStateException if the dataset has no labels
     */
    public int[] labels() {
        if (labels == null) {
            throw new IllegalStateException(source + " has no labels");
        }
        return labels;
    }

    /** @return the class names (empty when unknown) */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * Returns the number of classes: the number of class names, or else one more than the largest
     * label.
     *
     * @return the number of classes, 0 if unknown
     */
    public int numClasses() {
        if (!classNames.isEmpty()) {
            return classNames.size();
        }
        if (labels == null) {
            return 0;
        }
        return Arrays.stream(labels).max().orElse(-1) + 1;
    }

    /** @return where the data came from */
    public String source() {
        return source;
    }

    /**
     * Returns the samples {@code [from, to)} as a new dataset sharing nothing with this one.
     *
     * @param from the first sample, inclusive
     * @param to the last sample, exclusive
     * @return the slice
     */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IllegalArgumentException(
                    "slice [" + from + ", " + to + ") is outside [0, " + size() + ")");
        }
        float[] f = Arrays.copyOfRange(features, from * sampleSize, to * sampleSize);
        int[] l = labels == null ? null : Arrays.copyOfRange(labels, from, to);
        return new Dataset(f, sampleShape, l, classNames, source);
    }

    /**
     * Returns the first {@code n} samples (all of them if there are fewer).
     *
     * @param n how many samples to keep; must be positive
     * @return the first samples
     */
    public Dataset limit(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + n);
        }
        return n >= size() ? this : slice(0, n);
    }

    /**
     * Returns the same samples viewed with another sample shape of the same size, for example
     * {@code {784}} as {@code {1, 28, 28}}.
     *
     * @param shape the new sample shape
     * @return the reshaped dataset
     */
    public Dataset reshape(long[] shape) {
        long size = 1;
        for (long d : shape) {
            if (d <= 0 || size > Integer.MAX_VALUE / d) {
                size = -1;
                break;
            }
            size *= d;
        }
        if (size != sampleSize) {
            throw new IllegalArgumentException(
                    source + ": cannot view samples of shape " + Arrays.toString(sampleShape) + " ("
                            + sampleSize + " values) as " + Arrays.toString(shape) + " (" + size + " values)");
        }
        return new Dataset(features, shape, labels, classNames, source);
    }

    /**
     * Returns a dataset with the same features and other labels.
     *
     * @param newLabels the labels, one per sample
     * @param names the class names
     * @return the relabelled dataset
     */
    public Dataset withLabels(int[] newLabels, List<String> names) {
        return new Dataset(features, sampleShape, newLabels, names, source);
    }

    /**
     * Makes an NDArray of the features of samples {@code [from, to)}, shape
     * {@code (to - from, sampleShape...)}, in the given manager.
     *
     * @param manager the manager that will own the array
     * @param from the first sample, inclusive
     * @param to the last sample, exclusive
     * @return the features
     */
    public NDArray features(NDManager manager, int from, int to) {
        checkRange(from, to);
        float[] part = Arrays.copyOfRange(features, from * sampleSize, to * sampleSize);
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = to - from;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return manager.create(part, new Shape(shape));
    }

    /**
     * Makes an int64 NDArray of the labels of samples {@code [from, to)} in the given manager.
     *
     * @param manager the manager that will own the array
     * @param from the first sample, inclusive
     * @param to the last sample, exclusive
     * @return the labels, shape {@code (to - from)}
     */
    public NDArray labels(NDManager manager, int from, int to) {
        checkRange(from, to);
        int[] l = labels();
        long[] part = new long[to - from];
        for (int i = from; i < to; i++) {
            part[i - from] = l[i];
        }
        return manager.create(part);
    }

    private void checkRange(int from, int to) {
        if (from < 0 || to > size() || from >= to) {
            throw new IllegalArgumentException(
                    "sample range [" + from + ", " + to + ") is empty or outside [0, " + size() + ")");
        }
    }

    @Override
    public String toString() {
        return "Dataset[" + source + ", " + size() + " samples of shape " + Arrays.toString(sampleShape)
                + (labels == null ? ", unlabelled" : ", " + numClasses() + " classes") + "]";
    }
}
