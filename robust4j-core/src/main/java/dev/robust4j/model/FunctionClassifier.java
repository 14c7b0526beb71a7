package dev.robust4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A black-box {@link Classifier} over any Java function from a batch of flattened inputs to a
 * batch of scores: a model behind a service, a scoring library, a hand-written rule. It gives no
 * gradients, so only black-box attacks can use it.
 */
public final class FunctionClassifier implements Classifier {

    private final Function<float[][], float[][]> function;
    private final Shape inputShape;
    private final Bounds bounds;
    private final int numClasses;
    private final OutputKind outputKind;
    private final List<String> classNames;
    private final String description;

    /**
     * Wraps a scoring function.
     *
     * @param function maps {@code N} flattened inputs to {@code N} rows of {@code numClasses} scores
     * @param inputShape the shape of one input sample
     * @param bounds the input bounds
     * @param numClasses the number of classes, at least 2
     * @param outputKind whether the rows carry scores or a one-hot label only
     * @param classNames class names, or an empty list
     * @param description a short description, for messages and reports
     */
    public FunctionClassifier(
            Function<float[][], float[][]> function,
            Shape inputShape,
            Bounds bounds,
            int numClasses,
            OutputKind outputKind,
            List<String> classNames,
            String description) {
        this.function = Objects.requireNonNull(function, "function");
        this.inputShape = Objects.requireNonNull(inputShape, "inputShape");
        this.bounds = Objects.requireNonNull(bounds, "bounds");
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
        }
        this.numClasses = numClasses;
        this.outputKind = Objects.requireNonNull(outputKind, "outputKind");
        this.classNames = List.copyOf(classNames);
        this.description = description;
    }

    /**
     * Wraps a scoring function with unit bounds, scores output and no class names.
     *
     * @param function the scoring function
     * @param numClasses the number of classes
     * @param inputShape the shape of one input sample
     * @return the classifier
     */
    public static FunctionClassifier of(Function<float[][], float[][]> function, int numClasses, long... inputShape) {
        return new FunctionClassifier(
                function, new Shape(inputShape), Bounds.UNIT, numClasses, OutputKind.SCORES, List.of(),
                "black-box function");
    }

    @Override
    public NDArray predict(NDArray x) {
        int n = (int) x.getShape().get(0);
        int dim = (int) inputShape.size();
        float[] flat = x.toFloatArray();
        float[][] batch = new float[n][dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * dim, batch[i], 0, dim);
        }
        float[][] scores = function.apply(batch);
        if (scores == null || scores.length != n) {
            throw new IllegalStateException(
                    description + " returned " + (scores == null ? "null" : scores.length + " rows") + " for "
                            + n + " inputs");
        }
        float[] out = new float[n * numClasses];
        for (int i = 0; i < n; i++) {
            if (scores[i] == null || scores[i].length != numClasses) {
                throw new IllegalStateException(
                        description + " returned a row of " + (scores[i] == null ? 0 : scores[i].length)
                                + " scores for sample " + i + "; expected " + numClasses);
            }
            System.arraycopy(scores[i], 0, out, i * numClasses, numClasses);
        }
        return x.getManager().create(out, new Shape(n, numClasses));
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
    public OutputKind outputKind() {
        return outputKind;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public String description() {
        return description;
    }
}
