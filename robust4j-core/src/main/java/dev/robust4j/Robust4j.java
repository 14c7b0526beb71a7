package dev.robust4j;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.data.DataReaders;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.Npy;
import dev.robust4j.data.Split;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.HttpClassifier;
import dev.robust4j.model.OnnxClassifier;
import dev.robust4j.model.TorchScriptClassifier;
import dev.robust4j.nn.ModelDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The front door: load data and models by name or path, and make attacks by name, the way the
 * command line does.
 *
 * <pre>{@code
 * Dataset test = Robust4j.loadData("sample", null, Split.TEST).limit(200);
 * try (NDManager manager = NDManager.newBaseManager()) {
 *     Classifier model = Robust4j.loadModel(Path.of("cnn.pt"), test.sampleShape(), null);
 *     EvasionAttack pgd = Attacks.pgd(0.1f).steps(40);
 *     AttackResult result = AttackRunner.run(pgd, model, test, null, 100, manager, null);
 *     System.out.println(AttackSummary.of(result).successRate());
 * }
 * }</pre>
 */
public final class Robust4j {

    private Robust4j() {}

    /**
     * Loads a dataset: a known name ({@code sample}, {@code fashion-mnist}) or a file or folder
     * (see {@link DataReaders}).
     *
     * @param nameOrPath the dataset's name or path
     * @param labels a separate labels file, or {@code null}
     * @param split for a known dataset, which split
     * @return the dataset
     */
    public static Dataset loadData(String nameOrPath, Path labels, Split split) {
        return DataReaders.load(nameOrPath, labels, split);
    }

    /**
     * Loads a dataset for a model of a known input shape: an image folder is refused from its
     * images' headers, before any pixel is decoded, when the images do not fit the shape.
     *
     * @param nameOrPath the dataset's name or path
     * @param labels a separate labels file, or {@code null}
     * @param split for a known dataset, which split
     * @param expectedSampleShape the model's per-sample input shape, or {@code null} if unknown
     * @return the dataset
     */
    public static Dataset loadData(String nameOrPath, Path labels, Split split, long[] expectedSampleShape) {
        return DataReaders.load(nameOrPath, labels, split, expectedSampleShape);
    }

    /**
     * Reads a file of class labels ({@code .npy} or IDX).
     *
     * @param file the file
     * @return the labels
     */
    public static int[] loadLabels(Path file) {
        return DataReaders.readLabels(file);
    }

    /**
     * Loads a model: a TorchScript file ({@code .pt}), an ONNX file ({@code .onnx}, black-box: an
     * {@link OnnxClassifier} answers predictions only) or a directory written by
     * {@link ModelDirectory#save}. A directory knows its own input shape and bounds; a file needs
     * them.
     *
     * @param path the file or directory
     * @param inputShape the per-sample input shape, for TorchScript and ONNX files
     * @param bounds the input bounds for TorchScript and ONNX files, or {@code null} for {@code [0, 1]}
     * @return the model; close it
     * @throws IllegalArgumentException if the path is not a model robust4j can load
     */
    public static Classifier loadModel(Path path, long[] inputShape, Bounds bounds) {
        return loadModel(path, inputShape, bounds, Device.cpu());
    }

    /**
     * Loads a model as {@link #loadModel(Path, long[], Bounds)} does, to run on a device.
     *
     * @param path the file or directory
     * @param inputShape the per-sample input shape, for TorchScript and ONNX files
     * @param bounds the input bounds for TorchScript and ONNX files, or {@code null} for {@code [0, 1]}
     * @param device {@link Device#cpu()} or a GPU ({@link dev.robust4j.model.Devices#parse})
     * @return the model; close it
     * @throws IllegalArgumentException if the path is not a model robust4j can load, or the device
     *     is not available
     */
    public static Classifier loadModel(Path path, long[] inputShape, Bounds bounds, Device device) {
        if (Files.isDirectory(path)) {
            if (!ModelDirectory.isModelDirectory(path)) {
                throw new IllegalArgumentException(
                        "model directory " + path + " has no robust4j-model.json; expected a directory written by"
                                + " 'robust4j train', a TorchScript .pt or an ONNX .onnx file");
            }
            try {
                return ModelDirectory.load(path, device);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read model directory " + path + ": " + e.getMessage(), e);
            }
        }
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("model " + path + " does not exist");
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean onnx = name.endsWith(".onnx");
        if (inputShape == null) {
            throw new IllegalArgumentException(
                    "a" + (onnx ? "n ONNX" : " TorchScript") + " model needs its per-sample input shape, e.g. 1,28,28");
        }
        long values = 1;
        for (long d : inputShape) {
            if (d <= 0) {
                throw new IllegalArgumentException("input shape must be positive integers, got "
                        + java.util.Arrays.toString(inputShape));
            }
            values = values > Long.MAX_VALUE / d ? Long.MAX_VALUE : values * d;
        }
        dev.robust4j.data.Limits.checkSample("model " + path, "input shape " + java.util.Arrays.toString(inputShape),
                values);
        if (onnx) {
            return OnnxClassifier.builder()
                    .setModelFile(path)
                    .setInputShape(inputShape)
                    .optBounds(bounds == null ? Bounds.UNIT : bounds)
                    .optDevice(device)
                    .build();
        }
        return TorchScriptClassifier.builder()
                .setModelFile(path)
                .setInputShape(inputShape)
                .optBounds(bounds == null ? Bounds.UNIT : bounds)
                .optDevice(device)
                .build();
    }

    /**
     * Loads a model by its location: an {@code http://} or {@code https://} URL is a black-box
     * {@link HttpClassifier} (which needs the number of classes), anything else a file or directory
     * {@link #loadModel(Path, long[], Bounds, Device)} reads.
     *
     * @param location a URL, file or directory
     * @param inputShape the per-sample input shape of a file or endpoint
     * @param bounds the input bounds, or {@code null} for {@code [0, 1]}
     * @param numClasses the number of scores per answer row of an endpoint; ignored otherwise
     * @param maxAnswerBytes the largest answer read from an endpoint, or {@code null} for the default
     * @param device where a local model runs (an endpoint runs on its server)
     * @return the model; the caller closes it
     * @throws IllegalArgumentException for a location robust4j cannot load
     */
    public static Classifier loadModel(
            String location, long[] inputShape, Bounds bounds, Integer numClasses, Long maxAnswerBytes, Device device) {
        if (isUrl(location)) {
            if (numClasses == null) {
                throw new IllegalArgumentException("the HTTP model " + location + " needs its number of classes");
            }
            HttpClassifier.Builder b = HttpClassifier.builder()
                    .setUrl(location)
                    .setInputShape(inputShape)
                    .setNumClasses(numClasses)
                    .optBounds(bounds == null ? Bounds.UNIT : bounds);
            if (maxAnswerBytes != null) {
                b.optMaxAnswerBytes(maxAnswerBytes);
            }
            return b.build();
        }
        return loadModel(Path.of(location), inputShape, bounds, device);
    }

    /**
     * @param location a model location
     * @return whether it is an {@code http://} or {@code https://} URL (an endpoint, not a file)
     */
    public static boolean isUrl(String location) {
        String s = location.toLowerCase(Locale.ROOT);
        return s.startsWith("http://") || s.startsWith("https://");
    }

    /**
     * Views data with a model's input shape: checks every label is one of the model's classes, and
     * reshapes the samples when the sizes agree but the shapes differ (e.g. 784 features for a model
     * of {@code (1, 28, 28)}).
     *
     * @param data the data
     * @param model the model
     * @return {@code data}, or a reshaped view of it
     * @throws IllegalArgumentException for a label the model does not have or samples that do not fit
     */
    public static Dataset fit(Dataset data, Classifier model) {
        if (data.hasLabels()) {
            int[] y = data.labels();
            int k = model.numClasses();
            for (int i = 0; i < y.length; i++) {
                if (y[i] >= k) {
                    throw new IllegalArgumentException(data.source() + ": label of sample " + i + " is " + y[i] + " but "
                            + model.description() + " has " + k + " classes; expected a class index in [0, " + (k - 1)
                            + "]");
                }
            }
        }
        long[] want = model.inputShape().getShape();
        if (java.util.Arrays.equals(want, data.sampleShape())) {
            return data;
        }
        try {
            return data.reshape(want);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "data samples of shape " + java.util.Arrays.toString(data.sampleShape())
                            + " do not fit the model's input shape " + model.inputShape());
        }
    }

    /**
     * Makes an attack by its command-line name and kebab-case parameters.
     *
     * @param name e.g. {@code pgd}
     * @param params e.g. {@code eps=0.1, steps=40}
     * @return the attack
     */
    public static EvasionAttack attack(String name, Map<String, String> params) {
        return AttackRegistry.create(name, params);
    }

    /**
     * Makes an attack whose parameters may name model files, such as {@code transfer}'s
     * {@code surrogate=PATH}, loading them with the given loader, e.g.
     * {@code path -> Robust4j.loadModel(Path.of(path), shape, null)}. The caller owns and closes
     * the models it loads.
     *
     * @param name e.g. {@code transfer}
     * @param params e.g. {@code surrogate=cnn.pt, attack=pgd, eps=0.1}
     * @param loader loads the models the parameters name
     * @return the attack
     */
    public static EvasionAttack attack(String name, Map<String, String> params, AttackRegistry.ModelLoader loader) {
        return AttackRegistry.create(name, params, loader);
    }

    /**
     * Writes an array as float32 NPY, atomically.
     *
     * @param file the destination
     * @param array the array
     */
    public static void saveNpy(Path file, NDArray array) {
        Npy.writeFloat32(file, array.toFloatArray(), array.getShape().getShape());
    }
}
