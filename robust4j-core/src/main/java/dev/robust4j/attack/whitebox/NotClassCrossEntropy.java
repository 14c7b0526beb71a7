package dev.robust4j.attack.whitebox;

import ai.djl.ndarray.NDArray;
import dev.robust4j.model.Objective;

/**
 * The cross-entropy of the event "not class y": {@code −log(1 − p_y)}, computed stably as
 * {@code logsumexp(z) − logsumexp_{j≠y}(z)}. Minimising it drives the probability of the true
 * class to zero; it is bounded below by 0 and, for two classes, equals the targeted cross-entropy
 * of the other class. Used by the untargeted L-BFGS attack.
 */
final class NotClassCrossEntropy implements Objective {

    @Override
    public NDArray apply(NDArray logits, NDArray labels) {
        NDArray mask = labels.oneHot((int) logits.getShape().get(1)).toType(logits.getDataType(), false);
        NDArray others = logits.sub(mask.mul(1e9f));
        return logSumExp(logits).sub(logSumExp(others));
    }

    private static NDArray logSumExp(NDArray z) {
        NDArray max = z.max(new int[] {1}, true).stopGradient();
        return z.sub(max).exp().sum(new int[] {1}).log().add(max.reshape(-1));
    }

    @Override
    public String name() {
        return "not-class-cross-entropy";
    }
}
