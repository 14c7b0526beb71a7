package dev.robust4j.cli;

import dev.robust4j.Robust4j;
import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.data.Dataset;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.HttpClassifier;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import picocli.CommandLine.Option;

/**
 * The options that name a model: a TorchScript file, an ONNX file, a directory {@code train} wrote,
 * or an HTTP(S) endpoint ({@link HttpClassifier}).
 */
final class ModelOptions {

    @Option(names = "--model", required = true, paramLabel = "M",
            description = "A TorchScript file (.pt), an ONNX file (.onnx; black-box attacks only), a model directory"
                    + " written by 'robust4j train', or an HTTP(S) endpoint http://host:port/path (black-box; needs"
                    + " --num-classes).")
    String model;

    @Option(names = "--input-shape", paramLabel = "C,H,W",
            description = "Per-sample input shape of a TorchScript, ONNX or HTTP model (default: the data's sample"
                    + " shape).")
    String inputShape;

    @Option(names = "--bounds", paramLabel = "MIN,MAX",
            description = "Input bounds of a TorchScript, ONNX or HTTP model (default: 0,1).")
    String bounds;

    @Option(names = "--num-classes", paramLabel = "K",
            description = "Number of classes: the scores per answer row of an HTTP model (required for one); for"
                    + " another model, checked against the model.")
    Integer numClasses;

    /** A loaded model that releases its native memory on close. */
    record Loaded(Classifier model) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (model instanceof AutoCloseable) {
                ((AutoCloseable) model).close();
            }
        }
    }

    Loaded load(Dataset data) {
        return new Loaded(open(model, shape(data), bounds(), numClasses));
    }

    /** @return whether the model is named by an {@code http://} or {@code https://} URL */
    static boolean isUrl(String location) {
        String s = location.toLowerCase(Locale.ROOT);
        return s.startsWith("http://") || s.startsWith("https://");
    }

    /**
     * Opens a model: an HTTP(S) endpoint, or a file or directory {@link Robust4j#loadModel} reads.
     *
     * @param location a URL, file or directory
     * @param shape the per-sample input shape of a file or endpoint
     * @param bounds the input bounds, or {@code null} for {@code [0, 1]}
     * @param numClasses the number of classes: required for an endpoint, checked for the others
     * @return the model; the caller closes it
     */
    static Classifier open(String location, long[] shape, Bounds bounds, Integer numClasses) {
        if (numClasses != null && numClasses < 2) {
            throw new IllegalArgumentException("--num-classes must be >= 2, got " + numClasses);
        }
        if (isUrl(location)) {
            if (numClasses == null) {
                throw new IllegalArgumentException("the HTTP model " + location + " needs --num-classes K, the number"
                        + " of scores in each row of its answers");
            }
            return HttpClassifier.builder()
                    .setUrl(location)
                    .setInputShape(shape)
                    .setNumClasses(numClasses)
                    .optBounds(bounds == null ? Bounds.UNIT : bounds)
                    .build();
        }
        Classifier m = Robust4j.loadModel(Path.of(location), shape, bounds);
        if (numClasses != null && m.numClasses() != numClasses) {
            String message = "--num-classes is " + numClasses + " but " + m.description() + " has " + m.numClasses()
                    + " classes";
            closeQuietly(m);
            throw new IllegalArgumentException(message);
        }
        return m;
    }

    private static void closeQuietly(Classifier m) {
        if (m instanceof AutoCloseable) {
            try {
                ((AutoCloseable) m).close();
            } catch (Exception e) {
                // the mismatch is the error to report
            }
        }
    }

    /**
     * Makes a loader for the other models attack parameters name (a transfer attack's surrogate):
     * loaded like {@code --model}, with the same input shape and bounds, and closed with the
     * loader.
     *
     * @param data the data, for the default input shape
     * @return the loader; close it after the attack's last use
     */
    Loader loader(Dataset data) {
        return new Loader(shape(data), bounds(), numClasses);
    }

    private long[] shape(Dataset data) {
        return inputShape == null ? data.sampleShape() : parseShape(inputShape);
    }

    private Bounds bounds() {
        return bounds == null ? null : parseBounds(bounds);
    }

    /** Loads the models attack parameters name and closes them all on close. */
    static final class Loader implements AttackRegistry.ModelLoader, AutoCloseable {
        private final long[] shape;
        private final Bounds bounds;
        private final Integer numClasses;
        private final List<Classifier> loaded = new ArrayList<>();

        Loader(long[] shape, Bounds bounds, Integer numClasses) {
            this.shape = shape;
            this.bounds = bounds;
            this.numClasses = numClasses;
        }

        @Override
        public Classifier load(String path) {
            Classifier m = open(path, shape, bounds, numClasses);
            loaded.add(m);
            return m;
        }

        @Override
        public void close() {
            RuntimeException failure = null;
            for (Classifier m : loaded) {
                if (m instanceof AutoCloseable) {
                    try {
                        ((AutoCloseable) m).close();
                    } catch (Exception e) {
                        if (failure == null) {
                            failure = new IllegalStateException("cannot close " + m.description() + ": " + e.getMessage(), e);
                        }
                    }
                }
            }
            loaded.clear();
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** Loads an ensemble member with the main model's input shape and bounds. */
    Classifier loadMember(Path path, Classifier like) {
        return Robust4j.loadModel(path, like.inputShape().getShape(), like.bounds());
    }

    /** Views the data with the model's input shape when the sizes agree. */
    static Dataset fit(Dataset data, Classifier model) {
        long[] want = model.inputShape().getShape();
        if (Arrays.equals(want, data.sampleShape())) {
            return data;
        }
        try {
            return data.reshape(want);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "data samples of shape " + Arrays.toString(data.sampleShape()) + " do not fit the model's input shape "
                            + model.inputShape());
        }
    }

    static long[] parseShape(String text) {
        String[] parts = text.split(",");
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Long.parseLong(parts[i].trim());
            } catch (NumberFormatException e) {
                out[i] = -1;
            }
            if (out[i] <= 0) {
                throw new IllegalArgumentException(
                        "--input-shape must be positive integers separated by commas, e.g. 1,28,28; got '" + text + "'");
            }
        }
        return out;
    }

    static Bounds parseBounds(String text) {
        String[] parts = text.split(",");
        try {
            if (parts.length == 2) {
                return new Bounds(Float.parseFloat(parts[0].trim()), Float.parseFloat(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("--bounds must be MIN,MAX with MIN < MAX, e.g. 0,1; got '" + text + "'");
    }
}
