package dev.robust4j.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * An n-dimensional numeric array as read from an NPY, NPZ or IDX file: its shape, its NumPy
 * element type and its values in C (row-major) order, on the heap.
 *
 * <p>Exactly one of {@code floats} and {@code longs} holds the values:
 * <ul>
 *   <li>floating dtypes ({@code float32}, {@code float64}) are held in {@code floats}
 *       ({@code float64} values are rounded to the nearest float32);
 *   <li>integer dtypes ({@code uint8}, {@code int8}, {@code int16}, {@code int32}, {@code int64},
 *       {@code bool} as 0/1) are held exactly in {@code longs} by the public readers; the dataset
 *       readers ask for the small ones ({@code uint8}, {@code int8}, {@code int16}, {@code bool}),
 *       whose every value is exactly a float32, in {@code floats} to save memory.
 * </ul>
 *
 * <p>The arrays are not copied; callers must not modify them.
 *
 * @param shape the dimensions; empty for a scalar
 * @param dtype the NumPy name of the element type: {@code float32}, {@code float64},
 *     {@code uint8}, {@code int8}, {@code int16}, {@code int32}, {@code int64} or {@code bool}
 * @param floats the values when held as floats, else null
 * @param longs the values when held as longs, else null
 */
public record NpyArray(long[] shape, String dtype, float[] floats, long[] longs) {

    /**
     * Validates the array.
     *
     * @param shape the dimensions; empty for a scalar
     * @param dtype the NumPy name of the element type
     * @param floats the values when held as floats, else null
     * @param longs the values when held as longs, else null
     * @throws IllegalArgumentException if the dtype is unknown, not exactly one of the value arrays
     *     is given, a floating dtype is held as longs, a dimension is negative, or the number of
     *     values is not the product of the shape
     */
    public NpyArray {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(dtype, "dtype");
        DType t = DType.byName(dtype);
        if (t == null) {
            throw new IllegalArgumentException(
                    "dtype must be one of " + DType.SUPPORTED + ", got '" + dtype + "'");
        }
        if ((floats == null) == (longs == null)) {
            throw new IllegalArgumentException("exactly one of floats and longs must be given");
        }
        if (t.floating && longs != null) {
            throw new IllegalArgumentException("values of dtype " + dtype + " must be held as floats");
        }
        if (!t.fitsFloat() && floats != null) {
            throw new IllegalArgumentException(
                    "values of dtype " + dtype + " must be held as longs to stay exact");
        }
        long n = elementCount(shape, "shape " + Arrays.toString(shape));
        int length = floats != null ? floats.length : longs.length;
        if (n != length) {
            throw new IllegalArgumentException(
                    "shape " + shapeString(shape) + " needs " + n + " values, got " + length);
        }
        shape = shape.clone();
        dtype = t.numpyName;
    }

    /**
     * Returns the shape (a copy).
     *
     * @return the dimensions
     */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Returns the number of dimensions.
     *
     * @return the length of the shape
     */
    public int ndim() {
        return shape.length;
    }

    /**
     * Returns the number of elements.
     *
     * @return the product of the shape
     */
    public int size() {
        return floats != null ? floats.length : longs.length;
    }

    /**
     * Tells whether the dtype is a floating-point type.
     *
     * @return true for {@code float32} and {@code float64}
     */
    public boolean isFloatingPoint() {
        return DType.byName(dtype).floating;
    }

    /**
     * Returns the values as floats: the {@code floats} array itself when present, else a new array
     * converted from the longs (rounding integers beyond 2<sup>24</sup>).
     *
     * @return the values in C order
     */
    public float[] toFloats() {
        if (floats != null) {
            return floats;
        }
        float[] f = new float[longs.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = longs[i];
        }
        return f;
    }

    /**
     * Returns the values of an integer array as longs: the {@code longs} array itself when present,
     * else a new array converted exactly from the floats.
     *
     * @return the values in C order
     * @throws IllegalStateException if the dtype is a floating-point type
     */
    public long[] toLongs() {
        if (longs != null) {
            return longs;
        }
        if (isFloatingPoint()) {
            throw new IllegalStateException("array of dtype " + dtype + " has no exact integer values");
        }
        long[] l = new long[floats.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (long) floats[i];
        }
        return l;
    }

    /**
     * Returns the shape in NumPy's notation, e.g. {@code (60000, 28, 28)} or {@code (3,)}.
     *
     * @return the shape as text
     */
    public String shapeString() {
        return shapeString(shape);
    }

    static String shapeString(long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return s.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /** Returns the product of the shape, refusing negative dimensions and arrays beyond int size. */
    static long elementCount(long[] shape, String what) {
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(what + ": dimensions must be non-negative, got "
                        + shapeString(shape));
            }
        }
        if (Arrays.stream(shape).anyMatch(d -> d == 0)) {
            return 0;
        }
        long n = 1;
        for (long d : shape) {
            if (n > (Integer.MAX_VALUE - 8) / d) {
                throw new IllegalArgumentException(what + ": shape " + shapeString(shape)
                        + " has more than " + (Integer.MAX_VALUE - 8) + " elements, too many for one Java array");
            }
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a
                && Arrays.equals(shape, a.shape)
                && dtype.equals(a.dtype)
                && Arrays.equals(floats, a.floats)
                && Arrays.equals(longs, a.longs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(shape), dtype, Arrays.hashCode(floats), Arrays.hashCode(longs));
    }

    @Override
    public String toString() {
        return "NpyArray[" + dtype + " " + shapeString() + "]";
    }
}
