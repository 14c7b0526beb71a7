package dev.robust4j.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

import java.util.function.UnaryOperator;

/**
 * Computes input gradients through a forward function with DJL's autograd.
 *
 * <p>DJL's PyTorch engine allows one open {@link GradientCollector} per process, so every
 * evaluation in robust4j goes through this class, which serialises them. Each call starts from a
 * fresh leaf copy of the input (a stale leaf would silently give zero gradients), runs in its own
 * sub-manager, and returns only the logits, values and gradient, attached to the input's manager.
 * Adapters of new model kinds use it too, so their gradients keep the same guarantees.
 */
public final class InputGradients {

    private static final Object COLLECTOR_LOCK = new Object();

    private InputGradients() {}

    /**
     * Evaluates an objective and its input gradient.
     *
     * @param x the input, left unchanged
     * @param objective the per-sample objective of the logits
     * @param labels the labels the objective refers to
     * @param forward the model's forward pass with autograd recording, input to logits
     * @return logits, values and the gradient of the summed values, in {@code x}'s manager
     */
    public static Evaluation evaluate(
            NDArray x, Objective objective, NDArray labels, UnaryOperator<NDArray> forward) {
        NDManager parent = x.getManager();
        synchronized (COLLECTOR_LOCK) {
            try (NDManager scope = parent.newSubManager()) {
                // Arrays the objective derives from the labels must not land in the caller's manager.
                labels.tempAttach(scope);
                NDArray input = x.duplicate();
                input.attach(scope);
                input.setRequiresGradient(true);
                NDArray logits;
                NDArray values;
                try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                    logits = forward.apply(input);
                    values = objective.apply(logits, labels);
                    if (values.getShape().dimension() != 1 || values.size() != x.getShape().get(0)) {
                        throw new IllegalStateException(
                                "objective " + objective.name() + " must return one value per sample, got shape "
                                        + values.getShape());
                    }
                    collector.backward(values.sum());
                }
                NDArray gradient = input.getGradient().duplicate();
                NDArray logitsOut = logits.stopGradient();
                NDArray valuesOut = values.stopGradient();
                gradient.attach(parent);
                logitsOut.attach(parent);
                valuesOut.attach(parent);
                return new Evaluation(logitsOut, valuesOut, gradient);
            }
        }
    }

    /**
     * Computes a vector-Jacobian product {@code J_f(x)^T v} of a differentiable array function
     * {@code f}: how a gradient {@code v} with respect to {@code f(x)} flows back to {@code x}.
     * Used to chain exact gradients through differentiable preprocessing.
     *
     * @param x the input, left unchanged
     * @param f the function, made of NDArray operations autograd can follow
     * @param v the cotangent, shape of {@code f(x)}
     * @return {@code J_f(x)^T v}, shape of {@code x}, in {@code x}'s manager
     */
    public static NDArray vectorJacobianProduct(NDArray x, UnaryOperator<NDArray> f, NDArray v) {
        NDManager parent = x.getManager();
        synchronized (COLLECTOR_LOCK) {
            try (NDManager scope = parent.newSubManager()) {
                v.tempAttach(scope);
                NDArray input = x.duplicate();
                input.attach(scope);
                input.setRequiresGradient(true);
                try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray y = f.apply(input);
                    if (!y.getShape().equals(v.getShape())) {
                        throw new IllegalArgumentException(
                                "cotangent shape " + v.getShape() + " differs from the function's output " + y.getShape());
                    }
                    collector.backward(y.mul(v).sum());
                }
                NDArray gradient = input.getGradient().duplicate();
                gradient.attach(parent);
                return gradient;
            }
        }
    }

    /**
     * Runs a forward pass without autograd in a sub-manager, keeping only the output.
     *
     * @param x the input
     * @param forward the forward pass
     * @return the output, in {@code x}'s manager
     */
    public static NDArray predict(NDArray x, UnaryOperator<NDArray> forward) {
        NDManager parent = x.getManager();
        // PyTorch's grad mode is per thread and on by default: switch it off so a prediction on a
        // worker thread records no autograd graph.
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager scope = parent.newSubManager()) {
            x.tempAttach(scope);
            NDArray out = forward.apply(x);
            out.attach(parent);
            return out;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }
}
