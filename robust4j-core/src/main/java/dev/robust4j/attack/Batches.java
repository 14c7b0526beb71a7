package dev.robust4j.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * Row bookkeeping for attacks on a batch: sample indices, flags, picking rows of Java arrays and of
 * NDArrays. The one copy of these helpers; {@link ShrinkingBatch} builds on them.
 */
public final class Batches {

    private Batches() {}

    /**
     * @param n a count
     * @return {@code 0, 1, ..., n - 1}
     */
    public static int[] range(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    /**
     * @param flags flags
     * @return the number of set flags
     */
    public static int count(boolean[] flags) {
        int c = 0;
        for (boolean f : flags) {
            if (f) {
                c++;
            }
        }
        return c;
    }

    /**
     * @param flags flags
     * @return true if every flag is set
     */
    public static boolean all(boolean[] flags) {
        return count(flags) == flags.length;
    }

    /**
     * @param flags flags
     * @return the negation of every flag
     */
    public static boolean[] not(boolean[] flags) {
        boolean[] out = new boolean[flags.length];
        for (int i = 0; i < flags.length; i++) {
            out[i] = !flags[i];
        }
        return out;
    }

    /**
     * @param flags flags
     * @param value the value to look for
     * @return the positions {@code i} with {@code flags[i] == value}, ascending
     */
    public static int[] where(boolean[] flags, boolean value) {
        int[] out = new int[flags.length];
        int n = 0;
        for (int i = 0; i < flags.length; i++) {
            if (flags[i] == value) {
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * @param idx sample indices
     * @param keep one flag per entry of {@code idx}
     * @return the entries of {@code idx} whose flag is set
     */
    public static int[] select(int[] idx, boolean[] keep) {
        int[] out = new int[count(keep)];
        int j = 0;
        for (int i = 0; i < idx.length; i++) {
            if (keep[i]) {
                out[j++] = idx[i];
            }
        }
        return out;
    }

    /**
     * @param values per-sample values
     * @param idx sample indices
     * @return {@code values[idx[i]]} as int64, for label arrays
     */
    public static long[] pick(int[] values, int[] idx) {
        long[] out = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = values[idx[i]];
        }
        return out;
    }

    /**
     * @param values per-sample values
     * @param idx sample indices
     * @return {@code values[idx[i]]}
     */
    public static int[] pickInts(int[] values, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = values[idx[i]];
        }
        return out;
    }

    /**
     * @param values per-sample values
     * @param idx sample indices
     * @return {@code (float) values[idx[i]]}
     */
    public static float[] pick(double[] values, int[] idx) {
        float[] out = new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = (float) values[idx[i]];
        }
        return out;
    }

    /**
     * @param values int values
     * @return the values as int64
     */
    public static long[] longs(int[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /**
     * @param data a row-major matrix
     * @param idx the rows to take
     * @param dim the number of columns
     * @return the rows {@code idx} of {@code data}
     */
    public static float[] rows(float[] data, int[] idx, int dim) {
        float[] out = new float[idx.length * dim];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(data, idx[i] * dim, out, i * dim, dim);
        }
        return out;
    }

    /**
     * The int64 positions of the set flags, for selecting rows with {@code get}: a boolean mask does
     * not broadcast over rows in the PyTorch engine.
     *
     * @param manager the manager of the index
     * @param flags one flag per row
     * @return the positions, int64
     */
    public static NDArray rowIndex(NDManager manager, boolean[] flags) {
        long[] rows = new long[count(flags)];
        int j = 0;
        for (int i = 0; i < flags.length; i++) {
            if (flags[i]) {
                rows[j++] = i;
            }
        }
        return manager.create(rows);
    }

    /**
     * Selects the rows whose flag is set.
     *
     * @param a the array, batch first
     * @param keep one flag per row
     * @param manager the manager of the index (and of the result when {@code a} lives there)
     * @return the kept rows
     */
    public static NDArray keep(NDArray a, boolean[] keep, NDManager manager) {
        return a.get(new NDIndex("{}", rowIndex(manager, keep)));
    }

    /**
     * Makes a column for per-sample scaling of {@code (n, d)} arrays.
     *
     * @param manager the manager
     * @param values one value per row
     * @return shape {@code (n, 1)}
     */
    public static NDArray column(NDManager manager, float[] values) {
        return manager.create(values, new Shape(values.length, 1));
    }
}
