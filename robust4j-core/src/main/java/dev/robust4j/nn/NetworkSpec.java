package dev.robust4j.nn;

import java.util.Arrays;
import java.util.Objects;

/**
 * Everything needed to build a built-in network: its architecture, its activation, the shape of
 * one input sample and the number of classes.
 *
 * @param architecture the architecture
 * @param activation the activation used everywhere in the network
 * @param inputShape the shape of one input sample without the batch axis, e.g. {@code {1, 28, 28}};
 *     copied on the way in and out
 * @param numClasses the number of classes {@code K}, at least 2
 */
public record NetworkSpec(Architecture architecture, Activation activation, long[] inputShape, int numClasses) {

    /** The smallest height and width the convolutional architectures accept. */
    public static final int MIN_IMAGE_SIZE = 4;

    /**
     * Validates the spec.
     *
     * @param architecture the architecture
     * @param activation the activation used everywhere in the network
     * @param inputShape the shape of one input sample without the batch axis, e.g. {@code {1, 28, 28}};
     *     copied on the way in and out
     * @param numClasses the number of classes {@code K}, at least 2
     * @throws IllegalArgumentException naming the field and value if the spec is invalid
     */
    public NetworkSpec {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(inputShape, "inputShape");
        inputShape = inputShape.clone();
        if (inputShape.length == 0) {
            throw new IllegalArgumentException("inputShape must have at least one dimension, got []");
        }
        for (long d : inputShape) {
            if (d <= 0) {
                throw new IllegalArgumentException(
                        "inputShape dimensions must be positive, got " + Arrays.toString(inputShape));
            }
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
        }
        if (architecture != Architecture.MLP) {
            if (inputShape.length != 3) {
                throw new IllegalArgumentException(
                        architecture.id() + " needs an input shape C x H x W, got " + Arrays.toString(inputShape));
            }
            if (inputShape[1] < MIN_IMAGE_SIZE || inputShape[2] < MIN_IMAGE_SIZE) {
                throw new IllegalArgumentException(
                        architecture.id() + " needs height and width >= " + MIN_IMAGE_SIZE + ", got "
                                + Arrays.toString(inputShape));
            }
        }
    }

    /**
     * Creates a spec from an architecture name and an activation spec, as given on the command line.
     *
     * @param architecture {@code mlp}, {@code cnn} or {@code resnet}
     * @param activation {@code relu} or {@code brelu:T}
     * @param inputShape the shape of one input sample
     * @param numClasses the number of classes
     * @return the spec
     */
    public static NetworkSpec of(String architecture, String activation, long[] inputShape, int numClasses) {
        return new NetworkSpec(Architecture.parse(architecture), Activation.parse(activation), inputShape, numClasses);
    }

    /** @return a copy of the shape of one input sample */
    @Override
    public long[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkSpec s
                && s.architecture == architecture
                && s.activation.equals(activation)
                && Arrays.equals(s.inputShape, inputShape)
                && s.numClasses == numClasses;
    }

    @Override
    public int hashCode() {
        return Objects.hash(architecture, activation, Arrays.hashCode(inputShape), numClasses);
    }

    /** @return e.g. {@code cnn(brelu:1.0) 1x28x28 -> 10} */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(architecture.id()).append('(').append(activation).append(") ");
        for (int i = 0; i < inputShape.length; i++) {
            sb.append(i == 0 ? "" : "x").append(inputShape[i]);
        }
        return sb.append(" -> ").append(numClasses).toString();
    }
}
