package dev.robust4j.defence.preprocess;

import ai.djl.ndarray.NDArray;
import dev.robust4j.model.Bounds;

/**
 * Feature squeezing by colour-depth reduction (Xu et al., NDSS 2018): each value, scaled to
 * {@code [0, 1]}, is rounded to one of {@code 2^bits} levels, {@code round(x (2^b - 1)) / (2^b - 1)}.
 * Rounding has zero gradient almost everywhere, so attacks go through it by BPDA.
 */
public final class BitDepthReduction implements Preprocessor {

    private final int bits;

    /**
     * @param bits the bit depth, 1 to 16
     */
    public BitDepthReduction(int bits) {
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("bit-depth must be in [1, 16], got " + bits);
        }
        this.bits = bits;
    }

    @Override
    public NDArray apply(NDArray x, Bounds bounds) {
        float levels = (1 << bits) - 1;
        return x.sub(bounds.min()).div(bounds.width()).mul(levels).round().div(levels)
                .mul(bounds.width()).add(bounds.min());
    }

    @Override
    public boolean differentiable() {
        return false;
    }

    @Override
    public String description() {
        return "feature-squeezing:bit-depth=" + bits;
    }
}
