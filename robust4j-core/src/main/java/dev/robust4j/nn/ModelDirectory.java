package dev.robust4j.nn;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robust4j.data.AtomicFiles;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.Shapes;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Devices;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A trained built-in network stored as a directory: the DJL parameter file of its block and
 * {@value #METADATA_FILE}, which says how to rebuild the block (architecture, activation, input
 * shape, number of classes), the bounds and class names, how it was trained, and with which
 * versions. Example:
 *
 * <pre>{@code
 * {
 *   "format" : "robust4j-model",
 *   "format_version" : 1,
 *   "architecture" : "cnn",
 *   "activation" : "brelu:1.0",
 *   "input_shape" : [ 1, 28, 28 ],
 *   "bounds" : { "min" : 0.0, "max" : 1.0 },
 *   "num_classes" : 10,
 *   "class_names" : [ "T-shirt/top", ... ],
 *   "parameters" : { "file" : "model-0000.params", "sha256" : "..." },
 *   "training" : { "epochs" : 3, "batch_size" : 64, "seed" : 0, "optimiser" : "adam",
 *                  "learning_rate" : 0.001, "momentum" : 0.0, "weight_decay" : 0.0,
 *                  "transform" : "none", "train_samples" : 10000, "data_source" : "...",
 *                  "final_train_loss" : 0.31, "final_train_accuracy" : 0.89, "seconds" : 21.5,
 *                  "history" : [ { "epoch" : 1, "mean_loss" : 0.6, "train_accuracy" : 0.78,
 *                                  "samples" : 10000, "seconds" : 7.1 }, ... ] },
 *   "versions" : { "robust4j" : "0.1.0-SNAPSHOT", "djl" : "0.36.0", "engine" : "PyTorch",
 *                  "engine_version" : "2.7.1" },
 *   "created" : "2025-01-01T12:00:00Z"
 * }
 * }</pre>
 *
 * <p>The parameter file is DJL's own format ({@code Model.save}), so DJL alone can load it into
 * {@code Networks.build(spec)}. Saving writes everything into a temporary sibling directory and
 * renames it into place, so a reader never sees a half-written model directory. Loading validates
 * every field and names the file and field at fault.
 */
public final class ModelDirectory {

    /** The name of the metadata file inside a model directory. */
    public static final String METADATA_FILE = "robust4j-model.json";
    /** The value of the {@code format} field. */
    public static final String FORMAT = "robust4j-model";
    /** The format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    private static final String PARAMETERS_PREFIX = "model";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelDirectory() {}

    /**
     * Tells whether a path is a model directory: a directory holding {@value #METADATA_FILE}.
     *
     * @param dir the path
     * @return true if it looks like a model directory (its contents are not validated)
     */
    public static boolean isModelDirectory(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(METADATA_FILE));
    }

    /**
     * Saves a trained model as a directory. If {@code dir} exists it must be an empty directory or
     * a model directory, which is replaced.
     *
     * @param dir the directory to create or replace
     * @param model the model
     * @throws IOException if writing fails; then {@code dir} is left as it was
     * @throws IllegalArgumentException if {@code dir} exists and is neither empty nor a model directory
     */
    public static void save(Path dir, TrainedModel model) throws IOException {
        Objects.requireNonNull(model, "model");
        AtomicFiles.replaceDirectory(dir, "a model", METADATA_FILE, staging -> {
            model.classifier().model().save(staging, PARAMETERS_PREFIX);
            Path parameters = findParameterFile(staging);
            String sha256 = sha256(parameters);
            ObjectNode root = toJson(model, parameters.getFileName().toString(), sha256);
            Files.write(staging.resolve(METADATA_FILE), JSON.writeValueAsBytes(root));
        });
    }

    /**
     * Loads a model directory as a classifier.
     *
     * @param dir the model directory
     * @return the classifier with the saved parameters; its logits equal the saved model's bit for
     *     bit. The caller closes it.
     * @throws IOException if reading fails
     * @throws IllegalArgumentException naming the file and field if the directory is not a valid
     *     model directory
     */
    public static BlockClassifier load(Path dir) throws IOException {
        return loadTrained(dir).classifier();
    }

    /**
     * Loads a model directory as a classifier on a device.
     *
     * @param dir the model directory
     * @param device where the parameters live and the network runs
     * @return the classifier with the saved parameters; the caller closes it
     * @throws IOException if reading fails
     * @throws IllegalArgumentException if the directory is not a valid model directory or the
     *     device is not available
     */
    public static BlockClassifier load(Path dir, Device device) throws IOException {
        return loadTrained(dir, device).classifier();
    }

    /**
     * Loads a model directory with its spec and training record.
     *
     * @param dir the model directory
     * @return the model; the caller closes it
     * @throws IOException if reading fails
     * @throws IllegalArgumentException naming the file and field if the directory is not a valid
     *     model directory
     */
    public static TrainedModel loadTrained(Path dir) throws IOException {
        return loadTrained(dir, Device.cpu());
    }

    /**
     * Loads a model directory with its spec and training record on a device.
     *
     * @param dir the model directory
     * @param device where the parameters live and the network runs
     * @return the model; the caller closes it
     * @throws IOException if reading fails
     * @throws IllegalArgumentException if the directory is not a valid model directory or the
     *     device is not available
     */
    public static TrainedModel loadTrained(Path dir, Device device) throws IOException {
        Devices.require(device, Networks.ENGINE, "device");
        Metadata meta = readMetadata(dir);
        Path parameters = dir.resolve(meta.parametersFile);
        String actual = sha256(parameters);
        if (!actual.equalsIgnoreCase(meta.parametersSha256)) {
            throw new IllegalArgumentException(
                    parameters + ": SHA-256 is " + actual + " but " + METADATA_FILE + " records "
                            + meta.parametersSha256 + "; the parameter file is corrupt or was replaced");
        }
        NetworkSpec spec = meta.spec;
        Block block = Networks.build(spec);
        Model model = Model.newInstance("robust4j-" + spec.architecture().id(), device, Networks.ENGINE);
        try {
            model.setBlock(block);
            try (InputStream in = Files.newInputStream(parameters)) {
                byte[] magic = in.readNBytes(4);
                if (!"DJL@".equals(new String(magic, StandardCharsets.US_ASCII))) {
                    throw new IllegalArgumentException(parameters + ": not a DJL parameter file (no DJL@ header)");
                }
            }
            try (InputStream in = Files.newInputStream(parameters)) {
                model.load(in, Map.of());
            } catch (MalformedModelException | IOException | RuntimeException e) {
                throw new IllegalArgumentException(
                        parameters + ": cannot load the parameters of " + spec + ": " + e.getMessage(), e);
            }
            checkForward(model, spec, parameters);
            BlockClassifier classifier = new BlockClassifier(
                    model, new Shape(spec.inputShape()), meta.bounds, spec.numClasses(), meta.classNames,
                    spec.toString());
            return new TrainedModel(classifier, spec, meta.training);
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    /**
     * Reads and validates the metadata of a model directory without loading parameters.
     *
     * @param dir the model directory
     * @return the network spec the directory holds
     * @throws IOException if reading fails
     * @throws IllegalArgumentException naming the file and field if the metadata is invalid
     */
    public static NetworkSpec readSpec(Path dir) throws IOException {
        return readMetadata(dir).spec;
    }

    // ---------------------------------------------------------------------------------------------
    // writing

    private static ObjectNode toJson(TrainedModel model, String parametersFile, String sha256) {
        NetworkSpec spec = model.spec();
        BlockClassifier classifier = model.classifier();
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", FORMAT_VERSION);
        root.put("architecture", spec.architecture().id());
        root.put("activation", spec.activation().toString());
        ArrayNode shape = root.putArray("input_shape");
        for (long d : spec.inputShape()) {
            shape.add(d);
        }
        ObjectNode bounds = root.putObject("bounds");
        bounds.put("min", classifier.bounds().min());
        bounds.put("max", classifier.bounds().max());
        root.put("num_classes", spec.numClasses());
        ArrayNode names = root.putArray("class_names");
        classifier.classNames().forEach(names::add);
        ObjectNode params = root.putObject("parameters");
        params.put("file", parametersFile);
        params.put("sha256", sha256);

        TrainingInfo t = model.training();
        ObjectNode training = root.putObject("training");
        training.put("epochs", t.epochs());
        training.put("batch_size", t.batchSize());
        training.put("seed", t.seed());
        training.put("optimiser", t.optimiser());
        training.put("learning_rate", t.learningRate());
        training.put("momentum", t.momentum());
        training.put("weight_decay", t.weightDecay());
        training.put("transform", t.transform());
        training.put("train_samples", t.trainSamples());
        training.put("data_source", t.dataSource());
        training.put("final_train_loss", t.history().finalLoss());
        training.put("final_train_accuracy", t.finalTrainAccuracy());
        training.put("seconds", t.history().seconds());
        ArrayNode history = training.putArray("history");
        for (EpochSummary e : t.history().epochs()) {
            ObjectNode row = history.addObject();
            row.put("epoch", e.epoch() + 1);
            row.put("mean_loss", e.meanLoss());
            row.put("train_accuracy", e.trainAccuracy());
            row.put("samples", e.samples());
            row.put("seconds", e.seconds());
        }

        ObjectNode versions = root.putObject("versions");
        versions.put("robust4j", robust4jVersion());
        versions.put("djl", Engine.getDjlVersion());
        Engine engine = classifier.model().getNDManager().getEngine();
        versions.put("engine", engine.getEngineName());
        versions.put("engine_version", engine.getVersion());
        root.put("created", Instant.now().toString());
        return root;
    }

    private static String robust4jVersion() {
        String version = ModelDirectory.class.getPackage().getImplementationVersion();
        if (version != null) {
            return version;
        }
        try (InputStream in = ModelDirectory.class.getResourceAsStream(
                "/META-INF/maven/dev.robust4j/robust4j-core/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // fall through: the version is provenance, not a reason to fail a save
        }
        return "unknown";
    }

    private static Path findParameterFile(Path dir) throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.params")) {
            files.forEach(found::add);
        }
        if (found.size() != 1) {
            throw new IOException("expected one parameter file in " + dir + ", found " + found);
        }
        return found.get(0);
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    // ---------------------------------------------------------------------------------------------
    // reading

    private record Metadata(
            NetworkSpec spec,
            Bounds bounds,
            List<String> classNames,
            String parametersFile,
            String parametersSha256,
            TrainingInfo training) {}

    private static Metadata readMetadata(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "model directory " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist"));
        }
        Path file = dir.resolve(METADATA_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    dir + " is not a robust4j model directory: " + METADATA_FILE + " is missing");
        }
        long size = Files.size(file);
        if (size > dev.robust4j.data.Limits.configBytes()) {
            throw new IllegalArgumentException(file + ": " + size + " bytes, more than the limit of "
                    + dev.robust4j.data.Limits.configBytes() + " for a metadata file"
                    + dev.robust4j.data.Limits.hint(dev.robust4j.data.Limits.CONFIG_BYTES));
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        Fields f = new Fields(file);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a JSON object");
        }
        String format = f.text(root, "format");
        if (!FORMAT.equals(format)) {
            throw f.error("format", "expected \"" + FORMAT + "\", got \"" + format + "\"");
        }
        int version = f.integer(root, "format_version");
        if (version != FORMAT_VERSION) {
            throw f.error("format_version", "this robust4j reads version " + FORMAT_VERSION + ", got " + version
                    + (version > FORMAT_VERSION ? " (written by a newer robust4j)" : ""));
        }
        Architecture architecture = f.parse(root, "architecture", Architecture::parse);
        Activation activation = f.parse(root, "activation", Activation::parse);
        JsonNode shapeNode = f.array(root, "input_shape");
        long[] inputShape = new long[shapeNode.size()];
        for (int i = 0; i < inputShape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() <= 0) {
                throw f.error("input_shape", "expected positive integers, got " + shapeNode);
            }
            inputShape[i] = d.asLong();
        }
        dev.robust4j.data.Limits.checkSample(file.toString(), "input_shape " + shapeNode,
                java.util.Arrays.stream(inputShape).reduce(1, (a, b) -> a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b));
        int numClasses = f.integer(root, "num_classes");
        NetworkSpec spec;
        try {
            spec = new NetworkSpec(architecture, activation, inputShape, numClasses);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        JsonNode boundsNode = f.object(root, "bounds");
        float min = (float) f.number(boundsNode, "bounds.min", "min");
        float max = (float) f.number(boundsNode, "bounds.max", "max");
        if (!(min < max)) {
            throw f.error("bounds", "expected min < max, got [" + min + ", " + max + "]");
        }
        Bounds bounds = new Bounds(min, max);
        JsonNode namesNode = f.array(root, "class_names");
        List<String> classNames = new ArrayList<>();
        for (JsonNode n : namesNode) {
            if (!n.isTextual()) {
                throw f.error("class_names", "expected strings, got " + n);
            }
            classNames.add(n.asText());
        }
        if (!classNames.isEmpty() && classNames.size() != numClasses) {
            throw f.error("class_names", classNames.size() + " names for num_classes " + numClasses);
        }
        JsonNode params = f.object(root, "parameters");
        String parametersFile = f.text(params, "parameters.file", "file");
        if (parametersFile.isEmpty() || parametersFile.contains("/") || parametersFile.contains("\\")
                || parametersFile.startsWith(".")) {
            throw f.error("parameters.file", "expected a plain file name inside the directory, got \""
                    + parametersFile + "\"");
        }
        if (!Files.isRegularFile(dir.resolve(parametersFile))) {
            throw f.error("parameters.file", "names " + parametersFile + ", which is missing from " + dir);
        }
        String sha256 = f.text(params, "parameters.sha256", "sha256");
        TrainingInfo training = readTraining(f, f.object(root, "training"));
        return new Metadata(spec, bounds, List.copyOf(classNames), parametersFile, sha256, training);
    }

    private static TrainingInfo readTraining(Fields f, JsonNode t) {
        List<EpochSummary> epochs = new ArrayList<>();
        JsonNode history = f.array(t, "training.history", "history");
        int i = 0;
        for (JsonNode row : history) {
            String p = "training.history[" + i + "]";
            if (!row.isObject()) {
                throw f.error(p, "expected an object, got " + row);
            }
            epochs.add(new EpochSummary(
                    f.integer(row, p + ".epoch", "epoch") - 1,
                    f.number(row, p + ".mean_loss", "mean_loss"),
                    f.number(row, p + ".train_accuracy", "train_accuracy"),
                    f.longValue(row, p + ".samples", "samples"),
                    f.number(row, p + ".seconds", "seconds")));
            i++;
        }
        if (epochs.isEmpty()) {
            throw f.error("training.history", "expected at least one epoch");
        }
        return new TrainingInfo(
                f.integer(t, "training.epochs", "epochs"),
                f.integer(t, "training.batch_size", "batch_size"),
                f.longValue(t, "training.seed", "seed"),
                f.text(t, "training.optimiser", "optimiser"),
                (float) f.number(t, "training.learning_rate", "learning_rate"),
                (float) f.number(t, "training.momentum", "momentum"),
                (float) f.number(t, "training.weight_decay", "weight_decay"),
                f.text(t, "training.transform", "transform"),
                f.integer(t, "training.train_samples", "train_samples"),
                f.text(t, "training.data_source", "data_source"),
                new TrainingHistory(epochs));
    }

    private static void checkForward(Model model, NetworkSpec spec, Path parameters) {
        Shape expected = new Shape(1, spec.numClasses());
        try (NDManager scope = model.getNDManager().newSubManager()) {
            NDArray x = scope.zeros(Shapes.batch(1, spec.inputShape()));
            NDArray out = model.getBlock()
                    .forward(new ParameterStore(scope, false), new NDList(x), false)
                    .singletonOrThrow();
            if (!out.getShape().equals(expected)) {
                throw new IllegalArgumentException(
                        parameters + ": the network gives logits of shape " + out.getShape() + ", expected "
                                + expected + " for " + spec);
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(parameters.toString())) {
                throw e;
            }
            throw new IllegalArgumentException(
                    parameters + ": the parameters do not fit " + spec + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    parameters + ": the parameters do not fit " + spec + ": " + e.getMessage(), e);
        }
    }

    /** Field access with errors naming the file and field. */
    private record Fields(Path file) {

        IllegalArgumentException error(String field, String message) {
            return new IllegalArgumentException(file + ": field '" + field + "': " + message);
        }

        JsonNode get(JsonNode parent, String path, String name) {
            JsonNode n = parent.get(name);
            if (n == null || n.isNull()) {
                throw error(path, "missing");
            }
            return n;
        }

        String text(JsonNode parent, String name) {
            return text(parent, name, name);
        }

        String text(JsonNode parent, String path, String name) {
            JsonNode n = get(parent, path, name);
            if (!n.isTextual()) {
                throw error(path, "expected a string, got " + n);
            }
            return n.asText();
        }

        int integer(JsonNode parent, String name) {
            return integer(parent, name, name);
        }

        int integer(JsonNode parent, String path, String name) {
            JsonNode n = get(parent, path, name);
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw error(path, "expected an integer, got " + n);
            }
            return n.asInt();
        }

        long longValue(JsonNode parent, String path, String name) {
            JsonNode n = get(parent, path, name);
            if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                throw error(path, "expected an integer, got " + n);
            }
            return n.asLong();
        }

        double number(JsonNode parent, String path, String name) {
            JsonNode n = get(parent, path, name);
            if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
                throw error(path, "expected a finite number, got " + n);
            }
            return n.asDouble();
        }

        JsonNode array(JsonNode parent, String name) {
            return array(parent, name, name);
        }

        JsonNode array(JsonNode parent, String path, String name) {
            JsonNode n = get(parent, path, name);
            if (!n.isArray()) {
                throw error(path, "expected an array, got " + n);
            }
            return n;
        }

        JsonNode object(JsonNode parent, String name) {
            JsonNode n = get(parent, name, name);
            if (!n.isObject()) {
                throw error(name, "expected an object, got " + n);
            }
            return n;
        }

        <T> T parse(JsonNode parent, String name, Function<String, T> parser) {
            String value = text(parent, name);
            try {
                return parser.apply(value);
            } catch (IllegalArgumentException e) {
                throw error(name, e.getMessage());
            }
        }
    }
}
