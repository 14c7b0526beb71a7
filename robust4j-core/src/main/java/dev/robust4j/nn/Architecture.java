package dev.robust4j.nn;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The built-in network architectures; see {@link Networks#build(NetworkSpec)} for their layers. */
public enum Architecture {
    /** A multi-layer perceptron: flatten, 256, 128, K. Any input shape. */
    MLP("mlp"),
    /** A small convolutional network, the project's workhorse. Inputs of shape C x H x W. */
    CNN("cnn"),
    /** A small residual network with global average pooling. Inputs of shape C x H x W. */
    RESNET("resnet");

    private final String id;

    Architecture(String id) {
        this.id = id;
    }

    /** @return the lower-case name used on the command line and in model files, e.g. {@code cnn} */
    public String id() {
        return id;
    }

    /**
     * Parses a lower-case command-line name: {@code mlp}, {@code cnn} or {@code resnet}.
     *
     * @param name the name
     * @return the architecture
     * @throws IllegalArgumentException naming the value and the choices if it is unknown
     */
    public static Architecture parse(String name) {
        if (name != null) {
            String s = name.trim().toLowerCase(Locale.ROOT);
            for (Architecture a : values()) {
                if (a.id.equals(s)) {
                    return a;
                }
            }
        }
        throw new IllegalArgumentException(
                "unknown architecture '" + name + "'; expected one of "
                        + Arrays.stream(values()).map(Architecture::id).collect(Collectors.joining(", ")));
    }
}
