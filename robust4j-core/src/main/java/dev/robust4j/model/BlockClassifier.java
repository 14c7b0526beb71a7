package dev.robust4j.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link DifferentiableClassifier} over a DJL {@link Block} whose parameters are initialised,
 * such as the built-in networks of {@code dev.robust4j.nn}.
 *
 * <p>The block runs in inference mode ({@code training = false}: BatchNorm uses running
 * statistics, Dropout is off). While an input gradient is computed the block's parameters stop
 * requiring gradients, so an attack never writes into the gradients a trainer will apply.
 */
public final class BlockClassifier implements DifferentiableClassifier {

    private final Model model;
    private final Shape inputShape;
    private final Bounds bounds;
    private final int numClasses;
    private final List<String> classNames;
    private final String description;
    private final Object gradientLock = new Object();

    /**
     * Wraps a model whose block is initialised.
     *
     * @param model the DJL model holding the block and its parameters; closed by {@link #close()}
     * @param inputShape the shape of one input sample
     * @param bounds the input bounds
     * @param numClasses the number of classes the block outputs
     * @param classNames the class names, or an empty list
     * @param description a short description for reports
     */
    public BlockClassifier(
            Model model,
            Shape inputShape,
            Bounds bounds,
            int numClasses,
            List<String> classNames,
            String description) {
        this.model = Objects.requireNonNull(model, "model");
        this.inputShape = Objects.requireNonNull(inputShape, "inputShape");
        this.bounds = Objects.requireNonNull(bounds, "bounds");
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
        }
        if (!classNames.isEmpty() && classNames.size() != numClasses) {
            throw new IllegalArgumentException(
                    classNames.size() + " class names for " + numClasses + " classes");
        }
        this.numClasses = numClasses;
        this.classNames = List.copyOf(classNames);
        this.description = description;
    }

    /** @return the wrapped DJL model */
    public Model model() {
        return model;
    }

    /** @return the wrapped block */
    public Block block() {
        return model.getBlock();
    }

    @Override
    public NDArray predict(NDArray x) {
        return InputGradients.predict(x, input -> FiniteOutputs.require(forward(input.getManager(), input), description()));
    }

    @Override
    public Evaluation evaluate(NDArray x, Objective objective, NDArray labels) {
        synchronized (gradientLock) {
            List<NDArray> frozen = freezeParameters();
            try {
                return InputGradients.evaluate(
                        x, objective, labels,
                        input -> FiniteOutputs.require(forward(input.getManager(), input), description()));
            } finally {
                for (NDArray p : frozen) {
                    p.setRequiresGradient(true);
                }
            }
        }
    }

    private NDArray forward(NDManager scope, NDArray x) {
        // Run where the parameters live (DJL would otherwise copy them to the input's device) and
        // bring the logits back; both copies are differentiable, so gradients reach x.
        Device device = model.getNDManager().getDevice();
        NDList out = model.getBlock().forward(new ParameterStore(scope, false), new NDList(x.toDevice(device, false)), false);
        return out.singletonOrThrow().toDevice(x.getDevice(), false);
    }

    /** @return the device the model's parameters live on */
    public Device device() {
        return model.getNDManager().getDevice();
    }

    private List<NDArray> freezeParameters() {
        List<NDArray> frozen = new ArrayList<>();
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            Parameter parameter = p.getValue();
            if (parameter.isInitialized() && parameter.requiresGradient()) {
                NDArray array = parameter.getArray();
                if (array.hasGradient()) {
                    array.setRequiresGradient(false);
                    frozen.add(array);
                }
            }
        }
        return frozen;
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
        return description;
    }

    /** Closes the DJL model and its parameters. */
    @Override
    public void close() {
        model.close();
    }
}
