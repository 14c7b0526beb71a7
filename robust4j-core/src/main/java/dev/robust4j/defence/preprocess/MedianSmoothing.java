package dev.robust4j.defence.preprocess;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.model.Bounds;

/**
 * Local median smoothing over a {@code window x window} neighbourhood of each pixel, per channel:
 * the feature squeezer of Xu et al. (NDSS 2018, window 2) and ART's spatial smoothing (window 3).
 * Borders are reflected as scipy's {@code median_filter(mode="reflect")} does (so results match
 * ART's), the window covers offsets {@code -window/2 .. (window-1)/2}, and for an even window the
 * upper of the two middle values is taken, as scipy does. Inputs are NCHW.
 *
 * <p>The median is a selection, differentiable almost everywhere: gradients flow exactly to the
 * selected neighbour.
 */
public final class MedianSmoothing implements Preprocessor {

    private final int window;
    private final String name;

    /**
     * @param window the window's side, 2 to 9
     * @param name the spec name it was made under ({@code median-smoothing} or {@code spatial-smoothing})
     */
    public MedianSmoothing(int window, String name) {
        if (window < 2 || window > 9) {
            throw new IllegalArgumentException("window must be in [2, 9], got " + window);
        }
        this.window = window;
        this.name = name;
    }

    @Override
    public NDArray apply(NDArray x, Bounds bounds) {
        Shape s = x.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException(description() + " needs NCHW images, got inputs of shape " + s);
        }
        long h = s.get(2);
        long w = s.get(3);
        int before = window / 2;
        int after = (window - 1) / 2;
        if (before >= h || before >= w) {
            throw new IllegalArgumentException(description() + " needs images larger than the window, got " + s);
        }
        NDArray padded = reflect(reflect(x, 2, before, after), 3, before, after);
        NDList shifted = new NDList();
        for (int dy = 0; dy < window; dy++) {
            for (int dx = 0; dx < window; dx++) {
                shifted.add(padded.get(new NDIndex(":, :, {}:{}, {}:{}", dy, dy + h, dx, dx + w)));
            }
        }
        NDArray stack = NDArrays.stack(shifted, 4);
        int k = window * window;
        return stack.sort(4).get(new NDIndex(":, :, :, :, {}", k / 2));
    }

    /** Pads an axis by half-sample symmetric reflection: d c b a | a b c d | d c b a. */
    private static NDArray reflect(NDArray x, int axis, int before, int after) {
        long n = x.getShape().get(axis);
        NDList parts = new NDList();
        if (before > 0) {
            parts.add(slice(x, axis, 0, before).flip(axis));
        }
        parts.add(x);
        if (after > 0) {
            parts.add(slice(x, axis, n - after, n).flip(axis));
        }
        return NDArrays.concat(parts, axis);
    }

    private static NDArray slice(NDArray x, int axis, long from, long to) {
        return axis == 2 ? x.get(new NDIndex(":, :, {}:{}", from, to)) : x.get(new NDIndex(":, :, :, {}:{}", from, to));
    }

    @Override
    public boolean differentiable() {
        return true;
    }

    @Override
    public String description() {
        return name + ":window=" + window;
    }
}
