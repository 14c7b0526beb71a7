package dev.robust4j.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.Objects;

/**
 * A parameter-free DJL block applying an {@link Activation} element-wise to its single input.
 * The built-in networks use one of these for every activation, so walking a network's block tree
 * shows which activation it uses.
 */
public final class ActivationBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Activation activation;

    /**
     * Creates the block.
     *
     * @param activation the activation to apply
     */
    public ActivationBlock(Activation activation) {
        super(VERSION);
        this.activation = Objects.requireNonNull(activation, "activation");
    }

    /** @return the activation this block applies */
    public Activation activation() {
        return activation;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(activation.apply(inputs.singletonOrThrow()));
    }

    /**
     * Returns the input shapes: an activation keeps the shape.
     *
     * @param inputShapes the input shapes
     * @return the same shapes
     */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes.clone();
    }

    @Override
    public String toString() {
        return "Activation(" + activation + ")";
    }
}
