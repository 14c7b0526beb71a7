package dev.robust4j.testing;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.Bounds;

import java.util.List;
import java.util.SplittableRandom;

/** Linear softmax classifiers with known weights, whose gradients have closed forms. */
public final class LinearModels {

    private LinearModels() {}

    /**
     * Makes {@code z = W x + b} over flattened inputs.
     *
     * @param w the weights, {@code k} rows of {@code d} values, row-major
     * @param b the biases, {@code k} values
     * @param inputShape the per-sample input shape, {@code d} values in all
     * @return the classifier; close it
     */
    public static BlockClassifier softmax(float[] w, float[] b, long... inputShape) {
        int k = b.length;
        SequentialBlock block = new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(k).build());
        Model model = Model.newInstance("linear", "PyTorch");
        model.setBlock(block);
        long[] dims = new long[inputShape.length + 1];
        dims[0] = 1;
        System.arraycopy(inputShape, 0, dims, 1, inputShape.length);
        block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(dims));
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().endsWith("weight")) {
                p.getValue().getArray().set(w);
            } else if (p.getKey().endsWith("bias")) {
                p.getValue().getArray().set(b);
            }
        }
        return new BlockClassifier(model, new Shape(inputShape), Bounds.UNIT, k, List.of(), "linear softmax");
    }

    /**
     * Random weights, normal with the given scale, from a seed.
     *
     * @param k classes
     * @param d features
     * @param scale standard deviation
     * @param seed the seed
     * @return {@code k * d} weights
     */
    public static float[] randomWeights(int k, int d, double scale, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[k * d];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (scale * (r.nextDouble() * 2 - 1));
        }
        return w;
    }
}
