package dev.robust4j.junit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.DifferentiableClassifier;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.InputGradients;
import dev.robust4j.model.Objective;

/**
 * A two-class linear model on 2×2 one-channel images with closed-form attacks: the logits are
 * {@code (0, Σx − 2)}, so class 1 ("high") iff the mean pixel exceeds 0.5. For an image whose four
 * pixels all equal {@code v}, the cross-entropy gradient has the same sign on every pixel, FGSM at
 * L∞ radius ε moves every pixel by ε towards 0.5, and it (or any attack inside that L∞ ball) flips
 * the prediction iff {@code |v − 0.5| < ε}. The perturbation's L2 norm is then {@code 2ε}.
 */
final class MeanThresholdModel implements DifferentiableClassifier {

    @Override
    public NDArray predict(NDArray x) {
        return InputGradients.predict(x, MeanThresholdModel::logits);
    }

    @Override
    public Evaluation evaluate(NDArray x, Objective objective, NDArray labels) {
        return InputGradients.evaluate(x, objective, labels, MeanThresholdModel::logits);
    }

    private static NDArray logits(NDArray x) {
        NDArray high = x.reshape(x.getShape().get(0), -1).sum(new int[] {1}, true).sub(2f);
        return high.zerosLike().concat(high, 1);
    }

    @Override
    public int numClasses() {
        return 2;
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, 2, 2);
    }

    @Override
    public Bounds bounds() {
        return Bounds.UNIT;
    }

    @Override
    public String description() {
        return "mean-threshold model";
    }
}
