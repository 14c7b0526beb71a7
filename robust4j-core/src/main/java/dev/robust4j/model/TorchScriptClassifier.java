package dev.robust4j.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link DifferentiableClassifier} over a TorchScript file ({@code .pt}), traced or scripted,
 * with eval-mode semantics and exact input gradients.
 *
 * <p>How it gets both: the module is loaded with DJL's {@code trainParam=true} option (without
 * it, parameters are inference tensors and backward fails), switched to {@code eval()} once, and
 * then run through {@code IValueUtils.forward(block, inputs, true)}, which keeps autograd on but,
 * unlike {@code Block.forward(..., training=true)}, never calls the module's {@code train()}. So a
 * scripted model keeps its running BatchNorm statistics and disabled Dropout while gradients flow
 * to the input. Parameters are frozen: backward computes input gradients only.
 */
public final class TorchScriptClassifier implements DifferentiableClassifier {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TorchScriptClassifier.class);

    private final Model model;
    private final PtSymbolBlock block;
    private final Path file;
    private final Shape inputShape;
    private final Bounds bounds;
    private final int numClasses;
    private final List<String> classNames;
    private final Device device;

    private TorchScriptClassifier(Builder b) {
        this.file = b.file;
        this.inputShape = b.inputShape;
        this.bounds = b.bounds;
        this.classNames = b.classNames;
        this.device = b.device;
        Model m = Model.newInstance(fileStem(b.file), device, "PyTorch");
        try {
            m.load(b.file, null, Map.of("trainParam", "true"));
        } catch (IOException | MalformedModelException | EngineException e) {
            m.close();
            throw new IllegalArgumentException(
                    "cannot load TorchScript model " + b.file + ": " + firstLine(e.getMessage()), e);
        }
        this.model = m;
        this.block = (PtSymbolBlock) m.getBlock();
        JniUtils.enableInferenceMode(block);
        block.freezeParameters(true);
        try {
            this.numClasses = probeNumClasses();
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        LOG.info("loaded TorchScript model {} (input {}, {} classes) on {} with {} {}", file, inputShape, numClasses,
                Devices.name(device), m.getNDManager().getEngine().getEngineName(), m.getNDManager().getEngine().getVersion());
        if (!classNames.isEmpty() && classNames.size() != numClasses) {
            m.close();
            throw new IllegalArgumentException(
                    "model " + file + " outputs " + numClasses + " classes but " + classNames.size()
                            + " class names were given");
        }
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    private int probeNumClasses() {
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            long[] dims = new long[inputShape.dimension() + 1];
            dims[0] = 2;
            System.arraycopy(inputShape.getShape(), 0, dims, 1, inputShape.dimension());
            NDArray out;
            try {
                NDArray probe = manager.full(new Shape(dims), (bounds.min() + bounds.max()) / 2);
                out = forward(probe, false);
            } catch (EngineException e) {
                throw new IllegalArgumentException(
                        "TorchScript model " + file + " does not accept inputs of shape " + inputShape
                                + " (per sample): " + firstLine(e.getMessage()), e);
            }
            Shape s = out.getShape();
            if (s.dimension() != 2 || s.get(0) != 2 || s.get(1) < 2) {
                throw new IllegalArgumentException(
                        "TorchScript model " + file + " must return logits of shape (N, K) with K >= 2, got "
                                + s + " for a batch of 2");
            }
            return (int) s.get(1);
        }
    }

    private NDArray forward(NDArray x, boolean autograd) {
        // To the model's device and back: both copies are differentiable, so gradients reach x.
        NDList out = IValueUtils.forward(block, new NDList(x.toDevice(device, false)), autograd);
        if (out.size() != 1) {
            throw new IllegalArgumentException(
                    "TorchScript model " + file + " must return one tensor of logits, got " + out.size());
        }
        return out.get(0).toDevice(x.getDevice(), false);
    }

    @Override
    public NDArray predict(NDArray x) {
        return InputGradients.predict(x, input -> FiniteOutputs.require(forward(input, false), description()));
    }

    @Override
    public Evaluation evaluate(NDArray x, Objective objective, NDArray labels) {
        return InputGradients.evaluate(x, objective, labels,
                input -> FiniteOutputs.require(forward(input, true), description()));
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
        return "TorchScript " + file.getFileName();
    }

    /** @return the TorchScript file */
    public Path file() {
        return file;
    }

    /** @return the device the model runs on */
    public Device device() {
        return device;
    }

    /** Releases the native module. */
    @Override
    public void close() {
        model.close();
    }

    private static String fileStem(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".pt") ? name.substring(0, name.length() - 3) : name;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Builds a {@link TorchScriptClassifier}: {@code setModelFile} and {@code setInputShape} are required. */
    public static final class Builder extends ModelBuilder.File<Builder> {

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * Loads the model.
         *
         * @return the classifier
         * @throws IllegalArgumentException if the file is missing or not TorchScript, the model
         *     does not map inputs of the given shape to logits, or the device is not available
         */
        public TorchScriptClassifier build() {
            checkFileAndShape();
            Devices.require(device, "PyTorch", "device");
            return new TorchScriptClassifier(this);
        }
    }
}
