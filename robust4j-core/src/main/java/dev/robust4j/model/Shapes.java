package dev.robust4j.model;

import ai.djl.ndarray.types.Shape;

/** Small helpers on shapes: batch shapes, and sizes that never overflow. */
public final class Shapes {

    private Shapes() {}

    /**
     * @param shape a shape of positive dimensions
     * @return the number of values it holds, or {@link Long#MAX_VALUE} if that overflows a long
     */
    public static long values(Shape shape) {
        long n = 1;
        for (long d : shape.getShape()) {
            if (d > 0 && n > Long.MAX_VALUE / d) {
                return Long.MAX_VALUE;
            }
            n *= d;
        }
        return n;
    }

    /**
     * @param n the number of samples
     * @param sample the per-sample shape
     * @return the batch shape {@code (n, sample...)}
     */
    public static Shape batch(long n, Shape sample) {
        return batch(n, sample.getShape());
    }

    /**
     * @param n the number of samples
     * @param sample the per-sample dimensions
     * @return the batch shape {@code (n, sample...)}
     */
    public static Shape batch(long n, long[] sample) {
        long[] dims = new long[sample.length + 1];
        dims[0] = n;
        System.arraycopy(sample, 0, dims, 1, sample.length);
        return new Shape(dims);
    }
}
