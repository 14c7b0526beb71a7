package dev.robust4j.attack.whitebox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/** Row bookkeeping shared by the attacks of this package: active sets, row selection, shapes. */
final class Rows {

    private Rows() {}

    /** @return the shape {@code (n, sample...)} */
    static Shape batchShape(int n, Shape sample) {
        long[] dims = new long[sample.dimension() + 1];
        dims[0] = n;
        System.arraycopy(sample.getShape(), 0, dims, 1, sample.dimension());
        return new Shape(dims);
    }

    /** @return the rows {@code idx} of a row-major array of rows of {@code dim} values */
    static float[] gather(float[] data, int[] idx, int dim) {
        float[] out = new float[idx.length * dim];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(data, idx[i] * dim, out, i * dim, dim);
        }
        return out;
    }

    /** @return {@code values[idx[i]]} as int64 values */
    static long[] pick(int[] values, int[] idx) {
        long[] out = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = values[idx[i]];
        }
        return out;
    }

    /** @return {@code values[idx[i]]} */
    static int[] take(int[] values, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = values[idx[i]];
        }
        return out;
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

    /** @return the entries of {@code idx} whose flag is set */
    static int[] select(int[] idx, boolean[] keep) {
        int[] out = new int[idx.length];
        int n = 0;
        for (int i = 0; i < idx.length; i++) {
            if (keep[i]) {
                out[n++] = idx[i];
            }
        }
        return java.util.Arrays.copyOf(out, n);
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

    /** @return the negation of every flag */
    static boolean[] not(boolean[] flags) {
        boolean[] out = new boolean[flags.length];
        for (int i = 0; i < flags.length; i++) {
            out[i] = !flags[i];
        }
        return out;
    }

    /**
     * Selects the rows of {@code a} whose flag is set (never a boolean mask: PyTorch's masked
     * select wants a full-shape mask).
     *
     * @return the selected rows, in {@code manager}'s scope for the index and {@code a}'s for the result
     */
    static NDArray keep(NDArray a, boolean[] flags, NDManager manager) {
        long[] rows = new long[count(flags)];
        int j = 0;
        for (int i = 0; i < flags.length; i++) {
            if (flags[i]) {
                rows[j++] = i;
            }
        }
        return a.get(new NDIndex("{}", manager.create(rows)));
    }
}
