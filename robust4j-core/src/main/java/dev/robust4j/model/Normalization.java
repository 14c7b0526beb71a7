package dev.robust4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * Per-channel input normalisation {@code z = (x - mean) / std}, as ART's and Foolbox's
 * {@code preprocessing=(mean, std)} and torchvision's {@code Normalize(mean, std)}: the attack works
 * in the raw input space (its epsilon and bounds are in, say, [0, 1] pixels), the model sees
 * normalised inputs. Channel {@code c} is axis 1 of a {@code (N, C, ...)} batch; a single value
 * applies to every channel.
 *
 * @param mean per-channel means (one value, or one per channel)
 * @param std per-channel standard deviations, positive (same length as {@code mean})
 */
public record Normalization(float[] mean, float[] std) {

    /**
     * Validates the values.
     *
     * @param mean per-channel means (one value, or one per channel)
     * @param std per-channel standard deviations, positive (same length as {@code mean})
     * @throws IllegalArgumentException naming the value when a value is not finite, a standard
     *     deviation is not positive, or the lengths differ
     */
    public Normalization {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalisation needs as many means as standard deviations (one, or one"
                    + " per channel), got " + mean.length + " and " + std.length);
        }
        for (int c = 0; c < mean.length; c++) {
            if (!Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("mean must be finite, got " + mean[c] + " for channel " + c);
            }
            if (!(std[c] > 0) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException("std must be a positive number, got " + std[c] + " for channel " + c);
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * Parses comma-separated values, e.g. {@code 0.485,0.456,0.406} and {@code 0.229,0.224,0.225}.
     *
     * @param mean the means
     * @param std the standard deviations
     * @return the normalisation
     * @throws IllegalArgumentException naming the malformed value
     */
    public static Normalization parse(String mean, String std) {
        return new Normalization(floats("mean", mean), floats("std", std));
    }

    private static float[] floats(String name, String text) {
        String[] parts = text.split(",");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Float.parseFloat(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        name + " must be numbers separated by commas, e.g. 0.485,0.456,0.406; got '" + text + "'");
            }
        }
        return out;
    }

    /**
     * Checks the normalisation against a model's per-sample input shape.
     *
     * @param inputShape the shape, channels first
     * @throws IllegalArgumentException if there are several values and not one per channel
     */
    public void check(Shape inputShape) {
        long channels = inputShape.dimension() == 0 ? 1 : inputShape.get(0);
        if (mean.length != 1 && mean.length != channels) {
            throw new IllegalArgumentException("normalisation has " + mean.length + " values but the model's input "
                    + inputShape + " has " + channels + " channels; give one value, or one per channel");
        }
    }

    /**
     * Normalises a batch.
     *
     * @param x a batch {@code (N, C, ...)}
     * @return {@code (x - mean) / std}, in {@code x}'s manager
     */
    public NDArray apply(NDArray x) {
        NDManager m = x.getManager();
        try (NDArray mu = broadcastable(m, mean, x.getShape()); NDArray sigma = broadcastable(m, std, x.getShape())) {
            return x.sub(mu).div(sigma);
        }
    }

    /**
     * Chains a gradient with respect to the normalised input back to the raw input: divides it by
     * the standard deviation, channel by channel (the Jacobian of the normalisation is diagonal).
     *
     * @param gradient the gradient with respect to {@code z}
     * @return the gradient with respect to {@code x}, in {@code gradient}'s manager
     */
    public NDArray backward(NDArray gradient) {
        try (NDArray sigma = broadcastable(gradient.getManager(), std, gradient.getShape())) {
            return gradient.div(sigma);
        }
    }

    private static NDArray broadcastable(NDManager m, float[] values, Shape batch) {
        long[] dims = new long[batch.dimension()];
        Arrays.fill(dims, 1);
        if (values.length > 1) {
            dims[1] = values.length;
        }
        return m.create(values, new Shape(dims));
    }

    /** @return {@code mean=[...] std=[...]} */
    public String describe() {
        return "mean=" + Arrays.toString(mean) + " std=" + Arrays.toString(std);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return describe();
    }
}
