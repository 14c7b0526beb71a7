package dev.robust4j.defence.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.DifferentiableClassifier;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.Objectives;
import dev.robust4j.nn.BatchTransform;
import dev.robust4j.nn.PairedInputs;
import dev.robust4j.nn.TrainingBatch;
import dev.robust4j.nn.TrainingContext;

import java.util.Locale;
import java.util.Random;

/**
 * TRADES (Zhang, Yu, Jiao, Xing, El Ghaoui and Jordan, "Theoretically Principled Trade-off between
 * Robustness and Accuracy", ICML 2019), L∞: the model is trained on
 * {@code CE(f(x), y) + beta * KL(f(x) || f(x'))}, where {@code f} gives probabilities and
 * {@code x'} approximately maximises the same divergence in the epsilon ball around {@code x}.
 *
 * <p>As in the authors' {@code trades_loss}: {@code x'} starts at {@code x + 0.001 N(0, 1)} and takes
 * {@code steps} signed-gradient steps of {@code stepSize} ascending {@code KL(f(x) || f(x'))}, with
 * the model in inference mode and {@code f(x)} held fixed, each step projected onto the epsilon ball
 * and clipped to the bounds. The training loss then takes gradients through both {@code f(x)} and
 * {@code f(x')} (the trainer's {@link PairedInputs} term). Unlike Madry's adversarial training,
 * the inputs themselves stay clean and the labels play no part in crafting {@code x'}.
 *
 * <p>The noise is drawn from the trainer's seeded generator; the same seed gives the same run.
 */
public final class Trades implements BatchTransform {

    /** The standard deviation of the authors' initial noise. */
    public static final float INITIAL_NOISE = 0.001f;

    private final float eps;
    private final int steps;
    private final float stepSize;
    private final float beta;

    /**
     * @param eps the L∞ radius, positive
     * @param steps the inner maximisation's steps, at least 1
     * @param stepSize the inner step size, positive
     * @param beta the weight of the divergence term ({@code 1/lambda} in the paper), {@code >= 0}
     */
    public Trades(float eps, int steps, float stepSize, float beta) {
        if (!(eps > 0) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException("eps must be a positive number, got " + eps);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        if (!(stepSize > 0) || !Float.isFinite(stepSize)) {
            throw new IllegalArgumentException("step-size must be a positive number, got " + stepSize);
        }
        if (!(beta >= 0) || !Float.isFinite(beta)) {
            throw new IllegalArgumentException("beta must be a finite number >= 0, got " + beta);
        }
        this.eps = eps;
        this.steps = steps;
        this.stepSize = stepSize;
        this.beta = beta;
    }

    /** @return the L∞ radius */
    public float eps() {
        return eps;
    }

    /** @return the inner maximisation's steps */
    public int steps() {
        return steps;
    }

    /** @return the inner step size */
    public float stepSize() {
        return stepSize;
    }

    /** @return the weight of the divergence term */
    public float beta() {
        return beta;
    }

    @Override
    public TrainingBatch apply(TrainingBatch batch, TrainingContext ctx) {
        NDArray paired = perturb(ctx.model(), batch.x(), ctx.random());
        return batch.withPaired(new PairedInputs(paired, beta));
    }

    /**
     * The inner maximisation: finds {@code x'} in the epsilon ball around {@code x} and inside the
     * model's bounds that approximately maximises {@code KL(f(x) || f(x'))}.
     *
     * @param model the model, in inference mode; its parameters are not changed
     * @param x the clean inputs, shape {@code (N, inputShape...)}; not modified
     * @param random the generator of the initial noise
     * @return {@code x'}, the shape of {@code x}, in {@code x}'s manager
     */
    public NDArray perturb(DifferentiableClassifier model, NDArray x, Random random) {
        Bounds bounds = model.bounds();
        NDManager owner = x.getManager();
        Shape shape = x.getShape();
        float[] noise = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (INITIAL_NOISE * random.nextGaussian());
        }
        try (NDManager scope = owner.newSubManager()) {
            NDArray reference = model.predict(x).softmax(1);
            reference.attach(scope);
            NDArray lower = x.sub(eps).maximum(bounds.min());
            NDArray upper = x.add(eps).minimum(bounds.max());
            lower.attach(scope);
            upper.attach(scope);
            NDArray current = x.add(scope.create(noise, shape));
            current.attach(scope);
            NDArray labels = scope.zeros(new Shape(shape.get(0)), DataType.INT64);
            for (int s = 0; s < steps; s++) {
                try (NDManager step = scope.newSubManager()) {
                    current.attach(step);
                    NDArray next;
                    try (Evaluation e = model.evaluate(current, Objectives.klDivergence(reference), labels)) {
                        next = current.add(e.gradient().sign().mul(stepSize)).maximum(lower).minimum(upper);
                    }
                    next.attach(scope);
                    current = next;
                }
            }
            current.attach(owner);
            return current;
        }
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "adversarial-training:preset=trades,beta=%s,eps=%s,steps=%d,step-size=%s",
                beta, eps, steps, stepSize);
    }
}
