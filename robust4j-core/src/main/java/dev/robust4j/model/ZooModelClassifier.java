package dev.robust4j.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * A classifier over a model loaded through DJL's model zoo: a {@link ZooModel ZooModel&lt;NDList,
 * NDList&gt;} a team already has, or one this class loads from a {@link Criteria Criteria&lt;NDList,
 * NDList&gt;} (a local path, a model zoo artifact, any DJL engine). The model takes one tensor
 * {@code (N, inputShape...)} and returns the logits {@code (N, K)} as its first output.
 *
 * <p>{@link Builder#build()} returns a {@link DifferentiableClassifier} (white-box: every attack)
 * when the engine is PyTorch, and a plain black-box {@link Classifier} for the other engines (ONNX
 * Runtime, TensorFlow, ...), which only prediction-based attacks may use. Check with
 * {@code instanceof DifferentiableClassifier}.
 *
 * <p>A PyTorch TorchScript model is run exactly as {@link TorchScriptClassifier} runs it (eval mode,
 * autograd on the input only, parameters frozen), so attacks give the same adversarials bit for
 * bit. Its parameters must have been loaded with DJL's option {@code trainParam=true}:
 * {@link Builder#setCriteria} adds it; a {@link ZooModel} loaded without it is refused with that
 * advice (or wrap it black-box with {@code optGradients(false)}). A PyTorch model made of DJL
 * blocks runs as {@link BlockClassifier} runs one.
 *
 * <p>Ownership: a model built from a {@code Criteria} is closed by {@link #close()}; a
 * {@code ZooModel} passed in stays the caller's (switched to eval mode with frozen parameters).
 */
public sealed class ZooModelClassifier implements Classifier permits ZooModelClassifier.Differentiable {

    private static final String PYTORCH = "PyTorch";

    final ZooModel<NDList, NDList> model;
    final String engine;
    final Device device;
    private final boolean owned;
    private final Shape inputShape;
    private final Bounds bounds;
    private final List<String> classNames;
    private final PtSymbolBlock symbolBlock;
    private final BlockClassifier blockDelegate;
    private final int numClasses;

    private ZooModelClassifier(Builder b, ZooModel<NDList, NDList> model, boolean owned, boolean gradients) {
        this.model = model;
        this.owned = owned;
        this.engine = model.getNDManager().getEngine().getEngineName();
        this.device = model.getNDManager().getDevice();
        this.inputShape = b.inputShape;
        this.bounds = b.bounds;
        this.classNames = b.classNames;
        Block block = model.getBlock();
        if (block == null) {
            throw new IllegalArgumentException("ZooModel " + model.getName() + " has no block to run");
        }
        if (PYTORCH.equals(engine) && block instanceof PtSymbolBlock symbol) {
            this.symbolBlock = symbol;
            JniUtils.enableInferenceMode(symbol);
            symbol.freezeParameters(true);
        } else {
            this.symbolBlock = null;
        }
        this.numClasses = probeNumClasses();
        if (PYTORCH.equals(engine) && symbolBlock == null && gradients) {
            // A PyTorch model of DJL blocks: the BlockClassifier path (parameters frozen while a
            // gradient is taken). It is closed here only when this classifier owns the model.
            this.blockDelegate = new BlockClassifier(model, inputShape, bounds, numClasses, classNames, description());
        } else {
            this.blockDelegate = null;
        }
        if (!classNames.isEmpty() && classNames.size() != numClasses) {
            throw new IllegalArgumentException("ZooModel " + model.getName() + " outputs " + numClasses + " classes but "
                    + classNames.size() + " class names were given");
        }
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    private int probeNumClasses() {
        Shape s;
        // probe in the engine robust4j's arrays live in (a black box copies them into its own)
        try (NDManager scope = NDManager.newBaseManager(PYTORCH)) {
            NDArray probe = scope.full(batchShape(2), (bounds.min() + bounds.max()) / 2);
            try {
                s = predict(probe).getShape();
            } catch (EngineException e) {
                throw new IllegalArgumentException("ZooModel " + model.getName() + " does not accept inputs of shape "
                        + inputShape + " (per sample): " + firstLine(e.getMessage()), e);
            }
        }
        if (s.dimension() != 2 || s.get(0) != 2 || s.get(1) < 2) {
            throw new IllegalArgumentException("ZooModel " + model.getName()
                    + " must return logits of shape (N, K) with K >= 2 as its first output, got " + s + " for a batch of 2");
        }
        return (int) s.get(1);
    }

    private Shape batchShape(long n) {
        long[] dims = new long[inputShape.dimension() + 1];
        dims[0] = n;
        System.arraycopy(inputShape.getShape(), 0, dims, 1, inputShape.dimension());
        return new Shape(dims);
    }

    /** The PyTorch forward pass: on the model's device and back, differentiable both ways. */
    final NDArray forwardPyTorch(NDArray x, boolean autograd) {
        NDArray in = x.toDevice(device, false);
        NDList out = symbolBlock != null
                ? IValueUtils.forward(symbolBlock, new NDList(in), autograd)
                : model.getBlock().forward(new ParameterStore(x.getManager(), false), new NDList(in), false);
        if (out.isEmpty()) {
            throw new IllegalArgumentException("ZooModel " + model.getName() + " returned no output");
        }
        return out.get(0).toDevice(x.getDevice(), false);
    }

    @Override
    public NDArray predict(NDArray x) {
        checkShape(x);
        if (blockDelegate != null) {
            return blockDelegate.predict(x);
        }
        if (PYTORCH.equals(engine) && x.getManager().getEngine().getEngineName().equals(PYTORCH)) {
            return InputGradients.predict(x, input -> FiniteOutputs.require(forwardPyTorch(input, false), description()));
        }
        return predictElsewhere(x);
    }

    /** Another engine: the batch is copied into the model's engine and the scores copied back. */
    private NDArray predictElsewhere(NDArray x) {
        int n = (int) x.getShape().get(0);
        float[] flat;
        if (x.getDataType() == DataType.FLOAT32) {
            flat = x.toFloatArray();
        } else {
            try (NDArray f = x.toType(DataType.FLOAT32, true)) {
                flat = f.toFloatArray();
            }
        }
        float[] scores;
        long[] outShape;
        try (NDManager scope = model.getNDManager().newSubManager()) {
            NDArray input = scope.create(flat, batchShape(n));
            NDList out = model.getBlock().forward(new ParameterStore(scope, false), new NDList(input), false);
            if (out.isEmpty()) {
                throw new IllegalArgumentException("ZooModel " + model.getName() + " returned no output");
            }
            NDArray logits = out.get(0);
            outShape = logits.getShape().getShape();
            if (logits.getDataType() == DataType.FLOAT32) {
                scores = logits.toFloatArray();
            } else if (logits.getDataType() == DataType.FLOAT64) {
                double[] d = logits.toDoubleArray();
                scores = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    scores[i] = (float) d[i];
                }
            } else {
                throw new IllegalArgumentException(description() + " must return float scores, got " + logits.getDataType());
            }
        }
        NDArray result = x.getManager().create(scores, new Shape(outShape));
        return FiniteOutputs.require(result, description());
    }

    private void checkShape(NDArray x) {
        Shape shape = x.getShape();
        if (shape.dimension() != inputShape.dimension() + 1 || !shape.slice(1).equals(inputShape)) {
            throw new IllegalArgumentException(description() + " takes inputs of shape (N, "
                    + inputShape.toString().replaceAll("[()]", "") + "), got " + shape);
        }
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
        return "DJL " + engine + " model " + model.getName();
    }

    /** @return the wrapped DJL model */
    public ZooModel<NDList, NDList> zooModel() {
        return model;
    }

    /** @return the device the model runs on */
    public Device device() {
        return device;
    }

    /** Closes the model if this classifier loaded it from a {@link Criteria}; else does nothing. */
    @Override
    public void close() {
        if (owned) {
            model.close();
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** The white-box variant: a PyTorch model, whose input gradients come from autograd. */
    public static final class Differentiable extends ZooModelClassifier implements DifferentiableClassifier {

        private Differentiable(Builder b, ZooModel<NDList, NDList> model, boolean owned) {
            super(b, model, owned, true);
            probeGradient();
        }

        private void probeGradient() {
            try (NDManager scope = NDManager.newBaseManager(PYTORCH)) {
                NDArray x = scope.full(new Shape(prepend(1, inputShape().getShape())), (bounds().min() + bounds().max()) / 2);
                NDArray labels = scope.zeros(new Shape(1), DataType.INT64);
                evaluate(x, Objectives.classLogit(), labels);
            } catch (EngineException e) {
                throw new IllegalArgumentException("ZooModel " + model.getName() + " gives no input gradients ("
                        + firstLine(e.getMessage()) + "); load it with Criteria.builder()...optOption(\"trainParam\","
                        + " \"true\"), or use ZooModelClassifier.builder().setCriteria(...), which does, or"
                        + " optGradients(false) for a black-box classifier", e);
            }
        }

        private static long[] prepend(long n, long[] shape) {
            long[] out = new long[shape.length + 1];
            out[0] = n;
            System.arraycopy(shape, 0, out, 1, shape.length);
            return out;
        }

        @Override
        public Evaluation evaluate(NDArray x, Objective objective, NDArray labels) {
            BlockClassifier delegate = superDelegate();
            if (delegate != null) {
                return delegate.evaluate(x, objective, labels);
            }
            return InputGradients.evaluate(x, objective, labels,
                    input -> FiniteOutputs.require(forwardPyTorch(input, true), description()));
        }
    }

    final BlockClassifier superDelegate() {
        return blockDelegate;
    }

    /**
     * Builds a {@link ZooModelClassifier}: one of {@code setModel} or {@code setCriteria}, and
     * {@code setInputShape}, are required.
     */
    public static final class Builder extends ModelBuilder<Builder> {
        private ZooModel<NDList, NDList> model;
        private Criteria<NDList, NDList> criteria;
        private boolean gradients = true;

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * @param model a loaded model, which stays the caller's to close
         * @return this builder
         */
        public Builder setModel(ZooModel<NDList, NDList> model) {
            this.model = Objects.requireNonNull(model, "model");
            this.criteria = null;
            return this;
        }

        /**
         * @param criteria how to load the model; with {@code optEngine("PyTorch")} the option
         *     {@code trainParam=true} is added, so that gradients reach the input. Set the device
         *     with {@code Criteria.Builder.optDevice}.
         * @return this builder
         */
        public Builder setCriteria(Criteria<NDList, NDList> criteria) {
            this.criteria = Objects.requireNonNull(criteria, "criteria");
            this.model = null;
            return this;
        }

        /**
         * @param gradients {@code false} to wrap even a PyTorch model as a black box (default
         *     {@code true}: white-box where the engine gives gradients)
         * @return this builder
         */
        public Builder optGradients(boolean gradients) {
            this.gradients = gradients;
            return this;
        }

        /**
         * Loads the model if needed and probes it with a batch of two inputs.
         *
         * @return a {@link Differentiable} for a PyTorch model (unless {@code optGradients(false)}),
         *     else a black-box classifier
         * @throws IllegalArgumentException if the model cannot be loaded, does not map inputs of
         *     the given shape to logits, or gives no gradients where they are expected
         */
        public ZooModelClassifier build() {
            if (model == null && criteria == null) {
                throw new IllegalArgumentException("a ZooModel or a Criteria is required");
            }
            checkInputShape("ZooModel");
            ZooModel<NDList, NDList> m = model;
            boolean owned = false;
            if (m == null) {
                Criteria<NDList, NDList> c = criteria;
                if (PYTORCH.equals(c.getEngine()) && gradients) {
                    c = c.toBuilder().optOption("trainParam", "true").build();
                }
                if (c.getDevice() != null) {
                    Devices.require(c.getDevice(), c.getEngine() == null ? PYTORCH : c.getEngine(), "device");
                }
                try {
                    m = c.loadModel();
                } catch (IOException | ModelNotFoundException | MalformedModelException | EngineException e) {
                    throw new IllegalArgumentException("cannot load the DJL model" + (c.getEngine() == null ? "" : " (engine "
                            + c.getEngine() + ")") + ": " + firstLine(e.getMessage()), e);
                }
                owned = true;
            }
            try {
                boolean white = gradients && PYTORCH.equals(m.getNDManager().getEngine().getEngineName());
                return white ? new Differentiable(this, m, owned) : new ZooModelClassifier(this, m, owned, false);
            } catch (RuntimeException e) {
                if (owned) {
                    m.close();
                }
                throw e;
            }
        }
    }
}
