package dev.robust4j.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Bridges robust4j's {@link Dataset} and DJL's {@link ai.djl.training.dataset.Dataset}, both ways.
 *
 * <ul>
 *   <li>{@link #toDjl(Dataset, int, boolean)}: a robust4j dataset as a DJL
 *       {@link RandomAccessDataset}, for DJL's trainers and evaluators. Each record is made on
 *       demand from the heap arrays: data {@code (sampleShape...)} float32, label a float32 scalar
 *       class index (DJL's convention for its classification datasets, which its
 *       {@code SoftmaxCrossEntropyLoss} takes).
 *   <li>{@link #fromDjl(RandomAccessDataset, NDManager, List, String)}: a DJL dataset read into a
 *       robust4j dataset, record by record, each in a scope closed at once: the first data array
 *       of every record is a sample (all of one shape), the first label array (a scalar or a single
 *       value) its class index.
 * </ul>
 */
public final class DjlDatasets {

    private DjlDatasets() {}

    /**
     * Views a robust4j dataset as a DJL dataset.
     *
     * @param data the dataset; labelled, or unlabelled (then records have no labels)
     * @param batchSize the batch size of DJL's sampler
     * @param shuffle whether DJL's sampler shuffles
     * @return the DJL dataset; it holds no native memory
     */
    public static RandomAccessDataset toDjl(Dataset data, int batchSize, boolean shuffle) {
        Objects.requireNonNull(data, "data");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        return new HeapDataset(new HeapDataset.Builder(data).setSampling(batchSize, shuffle));
    }

    /**
     * Reads a DJL dataset into a robust4j dataset.
     *
     * @param djl the DJL dataset, prepared (its {@code prepare()} called if it needs it)
     * @param manager the manager the records are made in; every record is closed once copied
     * @param classNames the class names, or an empty list
     * @param source where the data came from, for messages
     * @return the dataset, on the heap
     * @throws IllegalArgumentException naming the record whose data or label does not fit
     */
    public static Dataset fromDjl(RandomAccessDataset djl, NDManager manager, List<String> classNames, String source) {
        Objects.requireNonNull(djl, "djl");
        Objects.requireNonNull(manager, "manager");
        String name = source == null ? "DJL dataset" : source;
        long size = djl.size();
        if (size < 1) {
            throw new IllegalArgumentException(name + ": no records");
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": " + size + " records; expected at most " + Integer.MAX_VALUE);
        }
        int n = (int) size;
        long[] shape = null;
        int sampleSize = 0;
        float[] features = null;
        int[] labels = null;
        for (int i = 0; i < n; i++) {
            try (NDManager scope = manager.newSubManager()) {
                Record r;
                try {
                    r = djl.get(scope, i);
                } catch (IOException e) {
                    throw new UncheckedIOException(name + ": cannot read record " + i + ": " + e.getMessage(), e);
                }
                NDList data = r.getData();
                if (data == null || data.isEmpty()) {
                    throw new IllegalArgumentException(name + ": record " + i + " has no data array");
                }
                NDArray x = data.get(0);
                if (shape == null) {
                    shape = x.getShape().getShape();
                    if (shape.length == 0) {
                        shape = new long[] {1};
                    }
                    long values = x.size();
                    Limits.checkSample(name, "record 0 of shape " + x.getShape(), values);
                    Limits.checkArray(name, n + " records of shape " + x.getShape(), values * n);
                    sampleSize = (int) values;
                    features = new float[sampleSize * n];
                    NDList y0 = r.getLabels();
                    labels = y0 == null || y0.isEmpty() ? null : new int[n];
                } else if (x.size() != sampleSize || !sameShape(x.getShape().getShape(), shape)) {
                    throw new IllegalArgumentException(name + ": record " + i + " has data of shape " + x.getShape()
                            + " but record 0 has " + new Shape(shape) + "; expected one shape");
                }
                float[] row = x.getDataType() == DataType.FLOAT32 ? x.toFloatArray()
                        : x.toType(DataType.FLOAT32, false).toFloatArray();
                System.arraycopy(row, 0, features, i * sampleSize, sampleSize);
                if (labels != null) {
                    labels[i] = label(r.getLabels(), name, i);
                }
            }
        }
        return new Dataset(features, shape, labels, classNames == null ? List.of() : classNames, name);
    }

    private static boolean sameShape(long[] a, long[] first) {
        return Arrays.equals(a, first) || (a.length == 0 && first.length == 1 && first[0] == 1);
    }

    private static int label(NDList labels, String name, int i) {
        if (labels == null || labels.isEmpty()) {
            throw new IllegalArgumentException(name + ": record " + i + " has no label but record 0 has one");
        }
        NDArray y = labels.get(0);
        if (y.size() != 1) {
            throw new IllegalArgumentException(name + ": record " + i + " has a label of shape " + y.getShape()
                    + "; expected one class index");
        }
        double v = y.toType(DataType.FLOAT64, false).toDoubleArray()[0];
        if (!(v >= 0 && v <= Integer.MAX_VALUE && v == Math.rint(v))) {
            throw new IllegalArgumentException(name + ": record " + i + " has label " + v
                    + "; expected a class index (a non-negative integer)");
        }
        return (int) v;
    }

    /** A robust4j dataset served record by record to DJL. */
    private static final class HeapDataset extends RandomAccessDataset {
        private final Dataset data;

        HeapDataset(Builder b) {
            super(b);
            this.data = b.data;
        }

        @Override
        public Record get(NDManager manager, long index) {
            int i = Math.toIntExact(index);
            int d = data.sampleSize();
            NDArray x = manager.create(Arrays.copyOfRange(data.features(), i * d, (i + 1) * d), new Shape(data.sampleShape()));
            NDList labels = data.hasLabels() ? new NDList(manager.create((float) data.labels()[i])) : new NDList();
            return new Record(new NDList(x), labels);
        }

        @Override
        protected long availableSize() {
            return data.size();
        }

        @Override
        public void prepare(Progress progress) {
            // on the heap already
        }

        static final class Builder extends RandomAccessDataset.BaseBuilder<Builder> {
            final Dataset data;

            Builder(Dataset data) {
                this.data = data;
            }

            @Override
            protected Builder self() {
                return this;
            }
        }
    }
}
