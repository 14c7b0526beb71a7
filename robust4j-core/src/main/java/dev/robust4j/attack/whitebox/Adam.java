package dev.robust4j.attack.whitebox;

import ai.djl.ndarray.NDArray;

/**
 * One batched Adam step (Kingma and Ba 2015) in the form of TensorFlow's {@code AdamOptimizer},
 * which the reference C&amp;W implementation uses: {@code lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t)},
 * {@code p -= lr_t * m / (sqrt(v) + eps)}. The state is carried by the caller, row by row, so rows
 * can leave the batch between steps.
 */
final class Adam {

    static final float BETA1 = 0.9f;
    static final float BETA2 = 0.999f;
    static final float EPSILON = 1e-8f;

    private Adam() {}

    /**
     * The parameter and moments after one step.
     *
     * @param param the new parameter
     * @param m the new first moment
     * @param v the new second moment
     */
    record Step(NDArray param, NDArray m, NDArray v) {}

    /**
     * Takes one descent step.
     *
     * @param param the parameter
     * @param gradient the gradient of the loss to minimise, same shape
     * @param m the first moment, same shape
     * @param v the second moment, same shape
     * @param t the step number, from 1
     * @param learningRate the learning rate
     * @return the new parameter and moments, in {@code gradient}'s manager
     */
    static Step step(NDArray param, NDArray gradient, NDArray m, NDArray v, int t, float learningRate) {
        NDArray m1 = gradient.mul(1 - BETA1).add(m.mul(BETA1));
        NDArray v1 = gradient.square().mul(1 - BETA2).add(v.mul(BETA2));
        double lr = learningRate * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
        NDArray p1 = param.sub(m1.div(v1.sqrt().add(EPSILON)).mul((float) lr));
        return new Step(p1, m1, v1);
    }
}
