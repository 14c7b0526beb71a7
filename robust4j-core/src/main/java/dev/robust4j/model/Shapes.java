package dev.robust4j.model;

import ai.djl.ndarray.types.Shape;

/** Small helpers on shapes that never overflow. */
final class Shapes {

    private Shapes() {}

    /**
     * @param shape a shape of positive dimensions
     * @return the number of values it holds, or {@link Long#MAX_VALUE} if that overflows a long
     */
    static long values(Shape shape) {
        long n = 1;
        for (long d : shape.getShape()) {
            if (d > 0 && n > Long.MAX_VALUE / d) {
                return Long.MAX_VALUE;
            }
            n *= d;
        }
        return n;
    }
}
