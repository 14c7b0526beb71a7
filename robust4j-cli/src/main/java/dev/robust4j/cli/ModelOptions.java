package dev.robust4j.cli;

import ai.djl.Device;
import dev.robust4j.Robust4j;
import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.data.Dataset;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.Devices;
import dev.robust4j.model.Normalization;
import dev.robust4j.model.NormalizedClassifier;
import dev.robust4j.model.HttpClassifier;
import dev.robust4j.nn.ModelDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

    @Option(names = "--mean", paramLabel = "M[,M...]",
            description = "The model expects normalised inputs (x - mean) / std: the per-channel means (one value, or"
                    + " one per channel). Attacks work on the raw inputs; needs --std.")
    String mean;

    @Option(names = "--std", paramLabel = "S[,S...]",
            description = "The per-channel standard deviations of the normalisation (see --mean).")
    String std;

    /**
     * A loaded model that releases its native memory on close.
     *
     * @param model the model attacks use (the normalised view, with --mean/--std)
     * @param opened the model as loaded, which this closes
     */
    record Loaded(Classifier model, Classifier opened) implements AutoCloseable {
        @Override
        public void close() {
            opened.close();
        }
    }

    /** @return the normalisation of --mean and --std, or {@code null} when neither is given */
    Normalization normalization() {
        if (mean == null && std == null) {
            return null;
        }
        if (mean == null || std == null) {
            throw new IllegalArgumentException("--mean and --std go together: give both, got only "
                    + (mean == null ? "--std" : "--mean"));
        }
        try {
            return Normalization.parse(mean, std);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IllegalArgumentException(
                    (m.startsWith("mean ") || m.startsWith("std ") ? "--" : "--mean/--std: ") + m, e);
        }
    }

    /** The description of every command's {@code --device}. */
    static final String DEVICE_HELP = "Where models run: cpu (default), gpu (the first CUDA device) or gpu:N. A GPU needs"
            + " the CUDA natives of the engine on the class path and a visible device.";

    @Option(names = "--device", paramLabel = "cpu|gpu[:N]", description = DEVICE_HELP)
    String device;

    /**
     * Parses and checks a {@code --device} value: one line naming the value and what is available
     * when it cannot be used.
     *
     * @param text the value, or {@code null} for the CPU
     * @return the device
     */
    static Device parseDevice(String text) {
        if (text == null) {
            return Device.cpu();
        }
        Device d;
        try {
            d = Devices.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
        return Devices.require(d, "PyTorch", "--device");
    }

    /** @return the device of {@code --device}, checked */
    Device device() {
        return parseDevice(device);
    }

    @Option(names = "--max-answer-bytes", paramLabel = "BYTES",
            description = "Largest answer read from an HTTP model, in bytes (default: 16777216, 16 MiB).")
    Long maxAnswerBytes;

    Loaded load(Dataset data) {
        Normalization n = normalization();
        Classifier opened = open(model, shape(data), bounds(), numClasses, maxAnswerBytes, device());
        if (n == null) {
            return new Loaded(opened, opened);
        }
        try {
            return new Loaded(NormalizedClassifier.wrap(opened, n, opened.bounds()), opened);
        } catch (IllegalArgumentException e) {
            try {
                opened.close();
            } catch (RuntimeException ignored) {
                // the refusal is what the user needs to see
            }
            throw new IllegalArgumentException("--mean/--std: " + e.getMessage(), e);
        }
    }

    /**
     * The model's per-sample input shape when it is known before the data is read: {@code
     * --input-shape}, or the shape a model directory records; else {@code null}.
     *
     * @return the shape, or {@code null}
     */
    long[] expectedShape() {
        return expectedShape(model, inputShape == null ? null : parseShape(inputShape));
    }

    static long[] expectedShape(String location, long[] given) {
        if (given != null) {
            return given;
        }
        if (location == null || location.isBlank() || isUrl(location)) {
            return null;
        }
        Path p = Path.of(location);
        if (Files.isDirectory(p) && ModelDirectory.isModelDirectory(p)) {
            try {
                return ModelDirectory.readSpec(p).inputShape();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read model directory " + p + ": " + e.getMessage(), e);
            }
        }
        return null;
    }

    /** Names the model file, so that no output replaces it. */
    void claimInputs(Outputs outputs) {
        if (model != null && !model.isBlank() && !isUrl(model)) {
            outputs.input("--model", Path.of(model));
        }
    }

    /**
     * Refuses a {@code target-classes} parameter larger than the model's other classes.
     *
     * @param where how the parameter was given, for the message, e.g. {@code --param }
     * @param params the attack's parameters as given
     * @param model the model
     */
    static void checkTargetClasses(String where, Map<String, String> params, Classifier model) {
        String v = params.get("target-classes");
        if (v == null) {
            return;
        }
        long k;
        try {
            k = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return; // the attack's own check names the value
        }
        if (k > model.numClasses() - 1) {
            throw new IllegalArgumentException(where + "target-classes=" + v + " is more than the " + (model.numClasses() - 1)
                    + " other classes of " + model.description() + " (" + model.numClasses() + " classes); expected at"
                    + " most " + (model.numClasses() - 1));
        }
    }

    /** @return whether the model is named by an {@code http://} or {@code https://} URL */
    static boolean isUrl(String location) {
        return Robust4j.isUrl(location);
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
        return open(location, shape, bounds, numClasses, null, Device.cpu());
    }

    static Classifier open(String location, long[] shape, Bounds bounds, Integer numClasses, Device device) {
        return open(location, shape, bounds, numClasses, null, device);
    }

    static Classifier open(String location, long[] shape, Bounds bounds, Integer numClasses, Long maxAnswerBytes,
            Device device) {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("--model must be a model file, a model directory or an http(s) URL, got '"
                    + (location == null ? "" : location) + "'");
        }
        if (maxAnswerBytes != null && !isUrl(location)) {
            throw new IllegalArgumentException("--max-answer-bytes applies to an HTTP model only; " + location
                    + " is not an http(s) URL");
        }
        if (numClasses != null && numClasses < 2) {
            throw new IllegalArgumentException("--num-classes must be >= 2, got " + numClasses);
        }
        if (isUrl(location)) {
            if (!Device.Type.CPU.equals(device.getDeviceType())) {
                throw new IllegalArgumentException("--device " + Devices.name(device) + " does not apply to the HTTP model "
                        + location + ", which runs on its server; expected --device cpu or none");
            }
            if (numClasses == null) {
                throw new IllegalArgumentException("the HTTP model " + location + " needs --num-classes K, the number"
                        + " of scores in each row of its answers");
            }
        }
        Classifier m = Robust4j.loadModel(location, shape, bounds, numClasses, maxAnswerBytes, device);
        if (isUrl(location)) {
            return m;
        }
        if (numClasses != null && m.numClasses() != numClasses) {
            String message = "--num-classes is " + numClasses + " but " + m.description() + " has " + m.numClasses()
                    + " classes";
            closeQuietly(m);
            throw new IllegalArgumentException(message);
        }
        return m;
    }

    private static void closeQuietly(Classifier m) {
        try {
            m.close();
        } catch (RuntimeException e) {
            // the mismatch is the error to report
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
        return new Loader(shape(data), bounds(), numClasses, maxAnswerBytes, device());
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
        private final Long maxAnswerBytes;
        private final Device device;
        private final List<Classifier> loaded = new ArrayList<>();

        Loader(long[] shape, Bounds bounds, Integer numClasses, Device device) {
            this(shape, bounds, numClasses, null, device);
        }

        Loader(long[] shape, Bounds bounds, Integer numClasses, Long maxAnswerBytes, Device device) {
            this.shape = shape;
            this.bounds = bounds;
            this.numClasses = numClasses;
            this.maxAnswerBytes = maxAnswerBytes;
            this.device = device;
        }

        @Override
        public Classifier load(String path) {
            // a remote surrogate runs on its server: the device applies to local models only
            Classifier m = open(path, shape, bounds, numClasses, isUrl(path) ? maxAnswerBytes : null,
                    isUrl(path) ? Device.cpu() : device);
            loaded.add(m);
            return m;
        }

        @Override
        public void close() {
            RuntimeException failure = null;
            for (Classifier m : loaded) {
                try {
                    m.close();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = new IllegalStateException("cannot close " + m.description() + ": " + e.getMessage(), e);
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
        return Robust4j.loadModel(path, like.inputShape().getShape(), like.bounds(), device());
    }

    /** Views the data with the model's input shape when the sizes agree ({@link Robust4j#fit}). */
    static Dataset fit(Dataset data, Classifier model) {
        return Robust4j.fit(data, model);
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
        } catch (IllegalArgumentException e) { // NumberFormatException, or min >= max
            // fall through
        }
        throw new IllegalArgumentException("--bounds must be MIN,MAX with MIN < MAX, e.g. 0,1; got '" + text + "'");
    }
}
