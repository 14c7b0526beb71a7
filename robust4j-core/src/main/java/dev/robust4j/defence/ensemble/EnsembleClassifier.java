package dev.robust4j.defence.ensemble;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.DifferentiableClassifier;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.InputGradients;
import dev.robust4j.model.Objective;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An ensemble of classifiers over the same inputs and classes; members may be of different
 * architectures and sources (built-in nets, TorchScript or ONNX files, black boxes).
 *
 * <ul>
 *   <li>{@link Aggregation#MEAN}: the ensemble's probabilities are the weighted mean of the
 *       members' softmax probabilities; its logits are their logarithm, {@code log sum_i w_i
 *       softmax(z_i)}. When every member is differentiable the ensemble is too, with the exact
 *       gradient (chain rule through each member), so white-box attacks attack the ensemble itself.
 *   <li>{@link Aggregation#VOTE}: each member votes for its arg-max with its weight; the scores are
 *       the vote shares. Not differentiable: black-box attacks only.
 * </ul>
 */
public class EnsembleClassifier implements Classifier {

    /** How members' outputs are combined. */
    public enum Aggregation {
        /** Weighted mean of probabilities. */
        MEAN,
        /** Weighted majority vote. */
        VOTE;

        /**
         * @param name {@code mean} or {@code vote}
         * @return the aggregation
         */
        public static Aggregation parse(String name) {
            switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "mean":
                    return MEAN;
                case "vote":
                case "majority":
                    return VOTE;
                default:
                    throw new IllegalArgumentException("vote must be mean or vote, got '" + name + "'");
            }
        }
    }

    private final List<Classifier> members;
    private final float[] weights;
    private final Aggregation aggregation;

    EnsembleClassifier(List<Classifier> members, float[] weights, Aggregation aggregation) {
        if (members == null || members.size() < 2) {
            throw new IllegalArgumentException("an ensemble needs at least 2 members, got "
                    + (members == null ? 0 : members.size()));
        }
        Classifier first = members.get(0);
        for (int i = 1; i < members.size(); i++) {
            Classifier m = members.get(i);
            if (!m.inputShape().equals(first.inputShape()) || m.numClasses() != first.numClasses()
                    || !m.bounds().equals(first.bounds())) {
                throw new IllegalArgumentException("ensemble member " + i + " (" + m.description() + ") takes "
                        + m.inputShape() + " in " + m.bounds() + " to " + m.numClasses() + " classes, but member 0 ("
                        + first.description() + ") takes " + first.inputShape() + " in " + first.bounds() + " to "
                        + first.numClasses());
            }
        }
        float[] w = weights == null ? ones(members.size()) : weights.clone();
        if (w.length != members.size()) {
            throw new IllegalArgumentException(w.length + " weights for " + members.size() + " members");
        }
        double sum = 0;
        for (float v : w) {
            if (!(v >= 0) || !Float.isFinite(v)) {
                throw new IllegalArgumentException("weights must be finite and >= 0, got " + java.util.Arrays.toString(w));
            }
            sum += v;
        }
        if (sum <= 0) {
            throw new IllegalArgumentException("weights must not all be 0");
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (w[i] / sum);
        }
        this.members = List.copyOf(members);
        this.weights = w;
        this.aggregation = Objects.requireNonNull(aggregation, "aggregation");
    }

    /**
     * Makes an ensemble.
     *
     * @param members the members, at least 2, with equal input shapes, bounds and class counts
     * @param weights one non-negative weight per member (normalised to sum 1), or {@code null} for equal
     * @param aggregation mean of probabilities or majority vote
     * @return the ensemble; a {@link DifferentiableClassifier} for MEAN when every member is one
     */
    public static EnsembleClassifier of(List<? extends Classifier> members, float[] weights, Aggregation aggregation) {
        List<Classifier> list = new ArrayList<>(members);
        boolean differentiable = aggregation == Aggregation.MEAN
                && list.stream().allMatch(m -> m instanceof DifferentiableClassifier);
        return differentiable ? new Differentiable(list, weights, aggregation) : new EnsembleClassifier(list, weights, aggregation);
    }

    private static float[] ones(int n) {
        float[] w = new float[n];
        java.util.Arrays.fill(w, 1f);
        return w;
    }

    /** @return the members */
    public List<Classifier> members() {
        return members;
    }

    /** @return the normalised weights */
    public float[] weights() {
        return weights.clone();
    }

    /** @return how outputs are combined */
    public Aggregation aggregation() {
        return aggregation;
    }

    @Override
    public NDArray predict(NDArray x) {
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            NDArray out = null;
            for (int i = 0; i < members.size(); i++) {
                NDArray z = members.get(i).predict(x);
                z.attach(scope);
                NDArray part = aggregation == Aggregation.MEAN
                        ? z.softmax(1).mul(weights[i])
                        : z.argMax(1).oneHot(numClasses()).toType(DataType.FLOAT32, false).mul(weights[i]);
                out = out == null ? part : out.add(part);
            }
            NDArray result = aggregation == Aggregation.MEAN ? out.log() : out;
            result.attach(parent);
            return result;
        }
    }

    @Override
    public int numClasses() {
        return members.get(0).numClasses();
    }

    @Override
    public Shape inputShape() {
        return members.get(0).inputShape();
    }

    @Override
    public Bounds bounds() {
        return members.get(0).bounds();
    }

    @Override
    public List<String> classNames() {
        return members.get(0).classNames();
    }

    @Override
    public String description() {
        StringBuilder b = new StringBuilder("ensemble(").append(aggregation.name().toLowerCase(Locale.ROOT)).append(": ");
        for (int i = 0; i < members.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(members.get(i).description());
        }
        return b.append(")").toString();
    }

    /** The differentiable mean-of-probabilities ensemble. */
    static final class Differentiable extends EnsembleClassifier implements DifferentiableClassifier {

        Differentiable(List<Classifier> members, float[] weights, Aggregation aggregation) {
            super(members, weights, aggregation);
        }

        /**
         * Chain rule: with {@code L = log sum_i w_i softmax(z_i)}, {@code dO/dx = sum_i J_{z_i}(x)^T
         * (dL/dz_i)^T dO/dL}. {@code dO/dL} comes from autograd on the objective, {@code (dL/dz_i)^T v}
         * from a vector-Jacobian product, and {@code J_{z_i}(x)^T c} from the member's own
         * {@code evaluate} with the linear objective {@code <z, c>}.
         */
        @Override
        public Evaluation evaluate(NDArray x, Objective objective, NDArray labels) {
            NDManager parent = x.getManager();
            List<Classifier> ms = members();
            float[] w = weights();
            try (NDManager scope = parent.newSubManager()) {
                NDArray input = x.duplicate();
                input.attach(scope);
                List<NDArray> z = new ArrayList<>();
                List<NDArray> p = new ArrayList<>();
                NDArray mix = null;
                for (int i = 0; i < ms.size(); i++) {
                    NDArray zi = ms.get(i).predict(input);
                    NDArray pi = zi.softmax(1).mul(w[i]);
                    z.add(zi);
                    p.add(pi);
                    mix = mix == null ? pi : mix.add(pi);
                }
                NDArray ensembleLogits = mix.log();
                Evaluation top = InputGradients.evaluate(ensembleLogits, objective, labels, t -> t);
                NDArray gradient = input.zerosLike();
                for (int i = 0; i < ms.size(); i++) {
                    NDArray others = mix.sub(p.get(i));
                    float wi = w[i];
                    NDArray c = InputGradients.vectorJacobianProduct(
                            z.get(i), zz -> zz.softmax(1).mul(wi).add(others).log(), top.gradient());
                    try (Evaluation member = ((DifferentiableClassifier) ms.get(i)).evaluate(input, linear(c), labels)) {
                        gradient = gradient.add(member.gradient());
                    }
                }
                NDArray logitsOut = top.logits();
                NDArray valuesOut = top.values();
                logitsOut.attach(parent);
                valuesOut.attach(parent);
                gradient.attach(parent);
                return new Evaluation(logitsOut, valuesOut, gradient);
            }
        }

        @Override
        public String gradients() {
            return "exact (chain rule through " + members().size() + " members)";
        }

        private static Objective linear(NDArray coefficients) {
            return new Objective() {
                @Override
                public NDArray apply(NDArray logits, NDArray labels) {
                    return logits.mul(coefficients).sum(new int[] {1});
                }

                @Override
                public String name() {
                    return "linear";
                }
            };
        }
    }
}
