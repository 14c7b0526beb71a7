package dev.robust4j.attack.whitebox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Bookkeeping for a batch that shrinks as samples finish: row selection, index arrays, and the
 * scope dance that carries arrays from one iteration's sub-manager to the next.
 */
final class Rows {

    private Rows() {}

    /** @return {@code 0, 1, ..., n - 1} */
    static int[] range(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    /** @return the number of set flags */
    static int count(boolean[] flags) {
        int c = 0;
        for (boolean f : flags) {
            if (f) {
                c++;
            }
        }
        return c;
    }

    /** @return true if every flag is set */
    static boolean all(boolean[] flags) {
        return count(flags) == flags.length;
    }

    /** @return the entries of {@code idx} whose flag is set */
    static int[] select(int[] idx, boolean[] keep) {
        int[] out = new int[count(keep)];
        int j = 0;
        for (int i = 0; i < idx.length; i++) {
            if (keep[i]) {
                out[j++] = idx[i];
            }
        }
        return out;
    }

    /** @return {@code values[idx[i]]} as int64, for label arrays */
    static long[] pick(int[] values, int[] idx) {
        long[] out = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = values[idx[i]];
        }
        return out;
    }

    /** @return {@code values[idx[i]]} */
    static int[] pickInts(int[] values, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = values[idx[i]];
        }
        return out;
    }

    /** @return {@code (float) values[idx[i]]} */
    static float[] pick(double[] values, int[] idx) {
        float[] out = new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = (float) values[idx[i]];
        }
        return out;
    }

    /** @return the rows {@code idx} of a row-major matrix with {@code dim} columns */
    static float[] rows(float[] data, int[] idx, int dim) {
        float[] out = new float[idx.length * dim];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(data, idx[i] * dim, out, i * dim, dim);
        }
        return out;
    }

    /** @return the shape {@code (n, sample...)} */
    static Shape batchShape(int n, Shape sample) {
        long[] dims = new long[sample.dimension() + 1];
        dims[0] = n;
        System.arraycopy(sample.getShape(), 0, dims, 1, sample.dimension());
        return new Shape(dims);
    }

    /**
     * Selects the rows whose flag is set; uses an int64 index because a boolean mask does not
     * broadcast over rows in the PyTorch engine.
     *
     * @param a the array, batch first
     * @param keep one flag per row
     * @param manager the manager of the index (and of the result when {@code a} lives there)
     * @return the kept rows
     */
    static NDArray keep(NDArray a, boolean[] keep, NDManager manager) {
        long[] rows = new long[count(keep)];
        int j = 0;
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                rows[j++] = i;
            }
        }
        return a.get(new NDIndex("{}", manager.create(rows)));
    }

    /** Applies {@link #keep(NDArray, boolean[], NDManager)} to each array. */
    static NDArray[] keep(NDArray[] arrays, boolean[] keep, NDManager manager) {
        NDArray[] out = new NDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = keep(arrays[i], keep, manager);
        }
        return out;
    }

    /**
     * Opens an iteration scope: a sub-manager of {@code scope} into which the carried arrays are
     * temporarily attached, so everything the iteration makes from them is freed with it.
     *
     * @param scope the manager the carried arrays live in
     * @param carried the arrays carried from the previous iteration
     * @return the iteration's manager; finish it with {@link #close}
     */
    static NDManager open(NDManager scope, NDArray... carried) {
        NDManager it = scope.newSubManager();
        for (NDArray a : carried) {
            a.tempAttach(it);
        }
        return it;
    }

    /**
     * Closes an iteration scope, keeping {@code next} in {@code scope} and freeing the carried
     * arrays that {@code next} replaced.
     *
     * @param it the iteration's manager from {@link #open}
     * @param scope the manager to keep {@code next} in
     * @param carried the arrays carried into the iteration
     * @param next the arrays to carry on (may include some of {@code carried}); or {@code null}
     *     to keep the carried ones
     */
    static void close(NDManager it, NDManager scope, NDArray[] carried, NDArray[] next) {
        if (next != null) {
            for (NDArray a : next) {
                a.attach(scope);
            }
        }
        it.close();
        if (next != null) {
            Map<NDArray, Boolean> kept = new IdentityHashMap<>();
            for (NDArray a : next) {
                kept.put(a, Boolean.TRUE);
            }
            for (NDArray a : carried) {
                if (!kept.containsKey(a)) {
                    a.close();
                }
            }
        }
    }

    /**
     * Makes a column for per-sample scaling of {@code (n, d)} arrays.
     *
     * @param manager the manager
     * @param values one value per row
     * @return shape {@code (n, 1)}
     */
    static NDArray column(NDManager manager, float[] values) {
        return manager.create(values, new Shape(values.length, 1));
    }

    /** @return the values as int64 */
    static long[] longs(int[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** @return the positions {@code i} with {@code flags[i] == value} */
    static int[] where(boolean[] flags, boolean value) {
        int[] out = new int[flags.length];
        int n = 0;
        for (int i = 0; i < flags.length; i++) {
            if (flags[i] == value) {
                out[n++] = i;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** @return the negation of every flag */
    static boolean[] not(boolean[] flags) {
        boolean[] out = new boolean[flags.length];
        for (int i = 0; i < flags.length; i++) {
            out[i] = !flags[i];
        }
        return out;
    }
}
