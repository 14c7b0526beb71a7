package dev.robust4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The activation function of a built-in network, chosen by a short spec string.
 *
 * <ul>
 *   <li>{@code relu}: {@code f(x) = max(x, 0)};
 *   <li>{@code brelu:T}: the bounded ReLU {@code f(x) = min(max(x, 0), T)} with {@code T > 0}
 *       (Zantedeschi, Nicolae and Rawat, "Efficient Defenses Against Adversarial Attacks", 2017).
 *       Its gradient is 1 on {@code (0, T)} and 0 outside {@code [0, T]}; at the two kinks it is 1,
 *       the convention of PyTorch's {@code clamp}.
 * </ul>
 *
 * <p>Instances are immutable values; {@link #toString()} gives back a spec that {@link #parse}
 * reads to an equal value.
 */
public final class Activation {

    private static final Pattern DECIMAL = Pattern.compile("\\+?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final String EXPECTED = "expected relu or brelu:T with a number T > 0, e.g. brelu:1.0";

    /** The kind of an activation. */
    public enum Kind {
        /** The rectified linear unit. */
        RELU,
        /** The rectified linear unit clipped above at a threshold. */
        BOUNDED_RELU
    }

    private static final Activation RELU = new Activation(Kind.RELU, Float.POSITIVE_INFINITY);

    private final Kind kind;
    private final float threshold;

    private Activation(Kind kind, float threshold) {
        this.kind = kind;
        this.threshold = threshold;
    }

    /**
     * Returns the ReLU activation.
     *
     * @return {@code relu}
     */
    public static Activation relu() {
        return RELU;
    }

    /**
     * Returns the bounded ReLU {@code min(max(x, 0), threshold)}.
     *
     * @param threshold the upper bound {@code T}; finite and positive
     * @return {@code brelu:threshold}
     * @throws IllegalArgumentException if the threshold is not finite and positive
     */
    public static Activation boundedRelu(float threshold) {
        if (!(threshold > 0) || Float.isInfinite(threshold)) {
            throw new IllegalArgumentException(
                    "bounded ReLU threshold must be finite and > 0, got " + threshold);
        }
        return new Activation(Kind.BOUNDED_RELU, threshold);
    }

    /**
     * Parses a spec: {@code relu} or {@code brelu:T}.
     *
     * @param spec the spec, as given on the command line
     * @return the activation
     * @throws IllegalArgumentException naming the spec if it is not understood
     */
    public static Activation parse(String spec) {
        if (spec == null) {
            throw new IllegalArgumentException("activation spec is null; " + EXPECTED);
        }
        String s = spec.trim();
        int colon = s.indexOf(':');
        String name = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
        String argument = colon < 0 ? null : s.substring(colon + 1).trim();
        switch (name) {
            case "relu":
                if (argument != null) {
                    throw new IllegalArgumentException(
                            "activation spec '" + spec + "': relu takes no parameter; " + EXPECTED);
                }
                return RELU;
            case "brelu":
                if (argument == null || argument.isEmpty()) {
                    throw new IllegalArgumentException(
                            "activation spec '" + spec + "': brelu needs a threshold; " + EXPECTED);
                }
                if (!DECIMAL.matcher(argument).matches()) {
                    throw new IllegalArgumentException(
                            "activation spec '" + spec + "': threshold '" + argument + "' is not a number; "
                                    + EXPECTED);
                }
                float t = Float.parseFloat(argument);
                if (!(t > 0) || Float.isInfinite(t)) {
                    throw new IllegalArgumentException(
                            "activation spec '" + spec + "': threshold must be finite and > 0, got " + t);
                }
                return new Activation(Kind.BOUNDED_RELU, t);
            default:
                throw new IllegalArgumentException(
                        "activation spec '" + spec + "': unknown activation '" + name + "'; " + EXPECTED);
        }
    }

    /** @return the kind of activation */
    public Kind kind() {
        return kind;
    }

    /** @return the upper bound of the output: {@code T} for a bounded ReLU, infinity for ReLU */
    public float upperBound() {
        return threshold;
    }

    /**
     * Applies the activation element-wise. The result lives in {@code x}'s manager and autograd
     * follows it.
     *
     * @param x the pre-activations
     * @return the activations, same shape
     */
    public NDArray apply(NDArray x) {
        if (kind == Kind.RELU) {
            return x.getNDArrayInternal().relu();
        }
        return x.clip(0f, threshold);
    }

    /**
     * Returns a new parameter-free DJL block applying this activation.
     *
     * @return an {@link ActivationBlock}
     */
    public Block block() {
        return new ActivationBlock(this);
    }

    /** @return the spec, e.g. {@code relu} or {@code brelu:1.0} */
    @Override
    public String toString() {
        return kind == Kind.RELU ? "relu" : "brelu:" + threshold;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Activation a
                && a.kind == kind
                && Float.floatToIntBits(a.threshold) == Float.floatToIntBits(threshold);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Float.hashCode(threshold);
    }
}
