package dev.robust4j.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A black-box {@link Classifier} over an ONNX file ({@code .onnx}), run by ONNX Runtime through
 * DJL's OnnxRuntime engine. It answers predictions only (no gradients), so only black-box attacks
 * and transfer attacks can use it.
 *
 * <p>The file must take one float32 input of shape {@code (N, inputShape...)} with a dynamic
 * batch axis (PyTorch: {@code torch.onnx.export(..., dynamic_axes={'input': {0: 'n'}, 'logits':
 * {0: 'n'}})}) and return logits (or any per-class scores) of shape {@code (N, K)}. A model with
 * several outputs is read at its first output unless {@link Builder#optOutputName} names another.
 *
 * <p>Inputs may live in any engine's manager (normally PyTorch's): each batch is copied into an
 * ONNX Runtime scope of its own, run, and the logits are copied back into the input's manager.
 * For a black box the copy is cheap next to the model. Thread-safe: ONNX Runtime sessions may be
 * run concurrently.
 */
public final class OnnxClassifier implements Classifier {

    /** DJL's name of the ONNX Runtime engine. */
    private static final String ENGINE = "OnnxRuntime";

    private final Model model;
    private final Block block;
    private final Path file;
    private final Shape inputShape;
    private final Bounds bounds;
    private final String outputName;
    private final int numClasses;
    private final List<String> classNames;
    private final Device device;

    private OnnxClassifier(Builder b) {
        this.file = b.file;
        this.inputShape = b.inputShape;
        this.bounds = b.bounds;
        this.outputName = b.outputName;
        this.classNames = b.classNames;
        this.device = b.device;
        Model m;
        try {
            m = Model.newInstance(fileStem(b.file), device, ENGINE);
        } catch (EngineException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "the ONNX Runtime engine is not available (ai.djl.onnxruntime:onnxruntime-engine on the class"
                            + " path?): " + firstLine(e.getMessage()), e);
        }
        try {
            m.load(b.file);
        } catch (IOException | MalformedModelException | EngineException e) {
            m.close();
            throw new IllegalArgumentException(
                    "cannot load ONNX model " + b.file + ": " + firstLine(causeMessage(e)), e);
        }
        this.model = m;
        this.block = m.getBlock();
        try {
            int inputs = block.describeInput().size();
            if (inputs != 1) {
                throw new IllegalArgumentException(
                        "ONNX model " + file + " must take one input tensor, it takes " + inputs + ": "
                                + block.describeInput().keys());
            }
            this.numClasses = probeNumClasses();
            if (!classNames.isEmpty() && classNames.size() != numClasses) {
                throw new IllegalArgumentException(
                        "model " + file + " outputs " + numClasses + " classes but " + classNames.size()
                                + " class names were given");
            }
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    private int probeNumClasses() {
        int n = 2;
        float[] probe = new float[(int) (n * inputShape.size())];
        Arrays.fill(probe, (bounds.min() + bounds.max()) / 2);
        long[] outShape;
        try (NDManager scope = model.getNDManager().newSubManager()) {
            NDArray logits;
            try {
                logits = run(scope, probe, n);
            } catch (EngineException e) {
                throw new IllegalArgumentException(
                        "ONNX model " + file + " does not accept float32 inputs of shape " + inputShape
                                + " (per sample) with a batch of " + n + "; is the batch axis dynamic? "
                                + firstLine(causeMessage(e)), e);
            }
            outShape = logits.getShape().getShape();
        }
        if (outShape.length != 2 || outShape[0] != n || outShape[1] < 2) {
            throw new IllegalArgumentException(
                    "ONNX model " + file + " must return logits of shape (N, K) with K >= 2, got "
                            + new Shape(outShape) + " for a batch of " + n);
        }
        return (int) outShape[1];
    }

    /** Runs one batch in an ONNX Runtime scope; the logits live in that scope. */
    private NDArray run(NDManager scope, float[] flat, int n) {
        long[] dims = new long[inputShape.dimension() + 1];
        dims[0] = n;
        System.arraycopy(inputShape.getShape(), 0, dims, 1, inputShape.dimension());
        NDArray input = scope.create(flat, new Shape(dims));
        NDList out = block.forward(new ParameterStore(scope, false), new NDList(input), false);
        if (out.isEmpty()) {
            throw new IllegalArgumentException("ONNX model " + file + " returned no output");
        }
        NDArray logits = null;
        if (outputName == null) {
            logits = out.get(0);
        } else {
            List<String> names = new ArrayList<>();
            for (NDArray a : out) {
                names.add(a.getName());
                if (outputName.equals(a.getName())) {
                    logits = a;
                }
            }
            if (logits == null) {
                throw new IllegalArgumentException(
                        "ONNX model " + file + " has no output named '" + outputName + "'; its outputs are " + names);
            }
        }
        DataType type = logits.getDataType();
        if (type != DataType.FLOAT32 && type != DataType.FLOAT64) {
            throw new IllegalArgumentException(
                    "ONNX model " + file + " must return float scores, got " + type
                            + (out.size() > 1 ? "; name the scores with optOutputName" : ""));
        }
        return logits;
    }

    @Override
    public NDArray predict(NDArray x) {
        Shape shape = x.getShape();
        if (shape.dimension() != inputShape.dimension() + 1 || !shape.slice(1).equals(inputShape)) {
            throw new IllegalArgumentException(
                    "ONNX model " + file + " takes inputs of shape (N, " + dims(inputShape) + "), got " + shape);
        }
        int n = (int) shape.get(0);
        float[] flat;
        if (x.getDataType() == DataType.FLOAT32) {
            flat = x.toFloatArray();
        } else {
            try (NDArray f = x.toType(DataType.FLOAT32, true)) {
                flat = f.toFloatArray();
            }
        }
        float[] scores;
        try (NDManager scope = model.getNDManager().newSubManager()) {
            NDArray logits = run(scope, flat, n);
            if (logits.getShape().dimension() != 2 || logits.getShape().get(0) != n
                    || logits.getShape().get(1) != numClasses) {
                throw new IllegalStateException(
                        "ONNX model " + file + " returned shape " + logits.getShape() + " for " + n + " inputs; expected ("
                                + n + ", " + numClasses + ")");
            }
            if (logits.getDataType() == DataType.FLOAT32) {
                scores = logits.toFloatArray();
            } else {
                double[] d = logits.toDoubleArray();
                scores = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    scores[i] = (float) d[i];
                }
            }
        } catch (EngineException e) {
            throw new IllegalArgumentException(
                    "ONNX model " + file + " failed on a batch of shape " + shape + ": " + firstLine(causeMessage(e)), e);
        }
        for (int i = 0; i < scores.length; i++) {
            if (!Float.isFinite(scores[i])) {
                throw new IllegalArgumentException(description() + " returned a non-finite logit (" + scores[i]
                        + ") in row " + (i / numClasses) + " of a batch of " + n + "; expected finite logits");
            }
        }
        return x.getManager().create(scores, new Shape(n, numClasses));
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public Shape inputShape() {
        return inputShape;
    }

    @Override
    public Bounds bounds() {
        return bounds;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public String description() {
        return "ONNX " + file.getFileName();
    }

    /** @return the ONNX file */
    public Path file() {
        return file;
    }

    /** @return the device ONNX Runtime runs the model on */
    public Device device() {
        return device;
    }

    /** Releases the ONNX Runtime session. */
    @Override
    public void close() {
        model.close();
    }

    private static String dims(Shape s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.dimension(); i++) {
            b.append(i == 0 ? "" : ", ").append(s.get(i));
        }
        return b.toString();
    }

    private static String fileStem(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
    }

    private static String causeMessage(Throwable e) {
        Throwable t = e;
        String message = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Builds an {@link OnnxClassifier}: {@code setModelFile} and {@code setInputShape} are required. */
    public static final class Builder extends ModelBuilder.File<Builder> {
        private String outputName;

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * @param name the name of the output that carries the scores, for models with several
         *     outputs; default: the first output
         * @return this builder
         */
        public Builder optOutputName(String name) {
            this.outputName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Loads the model and probes it with a batch of two inputs to learn the number of classes.
         *
         * @return the classifier
         * @throws IllegalArgumentException if the file is missing or not ONNX, or the model does
         *     not map a batch of inputs of the given shape to logits {@code (N, K)}
         */
        public OnnxClassifier build() {
            checkFileAndShape();
            Devices.require(device, ENGINE, "device");
            return new OnnxClassifier(this);
        }
    }
}
