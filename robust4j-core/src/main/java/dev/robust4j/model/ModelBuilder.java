package dev.robust4j.model;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What the adapters' builders share: the per-sample input shape, the bounds and the class names,
 * with the one check of the shape; {@link File} adds the model file and the device.
 *
 * @param <B> the concrete builder
 */
abstract class ModelBuilder<B extends ModelBuilder<B>> {

    Shape inputShape;
    Bounds bounds = Bounds.UNIT;
    List<String> classNames = List.of();

    ModelBuilder() {}

    abstract B self();

    /**
     * @param shape the shape of one input sample, without the batch axis, e.g. {@code 1, 28, 28}
     * @return this builder
     */
    public B setInputShape(long... shape) {
        this.inputShape = new Shape(shape);
        return self();
    }

    /**
     * @param bounds the input bounds; default {@code [0, 1]}
     * @return this builder
     */
    public B optBounds(Bounds bounds) {
        this.bounds = Objects.requireNonNull(bounds, "bounds");
        return self();
    }

    /**
     * @param names the class names, one per output score
     * @return this builder
     */
    public B optClassNames(List<String> names) {
        this.classNames = List.copyOf(names);
        return self();
    }

    /**
     * Checks the input shape: given, positive, within the sample limit.
     *
     * @param source the model, for the limit's message
     */
    void checkInputShape(String source) {
        if (inputShape == null || inputShape.dimension() == 0) {
            throw new IllegalArgumentException("input shape is required, e.g. 1,28,28");
        }
        for (long d : inputShape.getShape()) {
            if (d <= 0) {
                throw new IllegalArgumentException("input shape must be positive, got " + inputShape);
            }
        }
        dev.robust4j.data.Limits.checkSample(source, "input shape " + inputShape, Shapes.values(inputShape));
    }

    /**
     * A builder of a model loaded from a file onto a device.
     *
     * @param <B> the concrete builder
     */
    abstract static class File<B extends File<B>> extends ModelBuilder<B> {

        Path file;
        Device device = Device.cpu();

        File() {}

        /**
         * @param file the model file
         * @return this builder
         */
        public B setModelFile(Path file) {
            this.file = Objects.requireNonNull(file, "file");
            return self();
        }

        /**
         * @param device the device to run on: {@link Device#cpu()} (default) or a GPU, which needs
         *     the engine's CUDA natives and a visible device ({@link Devices#parse} reads
         *     {@code cpu}, {@code gpu}, {@code gpu:N}). Inputs may live on any device: they are
         *     copied to this one and the results copied back.
         * @return this builder
         */
        public B optDevice(Device device) {
            this.device = Objects.requireNonNull(device, "device");
            return self();
        }

        /** Checks the file (given, a regular file) and the input shape. */
        void checkFileAndShape() {
            if (file == null) {
                throw new IllegalArgumentException("model file is required");
            }
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("model file " + file + " does not exist or is not a file");
            }
            checkInputShape("model " + file);
        }
    }
}
