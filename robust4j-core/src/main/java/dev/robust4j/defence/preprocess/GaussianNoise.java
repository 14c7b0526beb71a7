package dev.robust4j.defence.preprocess;

import ai.djl.ndarray.NDArray;
import dev.robust4j.model.Bounds;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Adds Gaussian noise {@code N(0, sigma^2)} to every input and clips to the bounds, a randomised
 * run-time defence. Noise is drawn from a seeded stream (call {@code n} uses seed {@code seed + n}),
 * so a run is reproducible. The noise is additive, so gradients flow exactly (as the identity,
 * except where clipping binds).
 */
public final class GaussianNoise implements Preprocessor {

    private final float sigma;
    private final long seed;
    private final AtomicLong calls = new AtomicLong();

    /**
     * @param sigma the standard deviation, positive
     * @param seed the seed
     */
    public GaussianNoise(float sigma, long seed) {
        if (!(sigma > 0) || !Float.isFinite(sigma)) {
            throw new IllegalArgumentException("sigma must be a positive number, got " + sigma);
        }
        this.sigma = sigma;
        this.seed = seed;
    }

    @Override
    public NDArray apply(NDArray x, Bounds bounds) {
        SplittableRandom random = new SplittableRandom(seed + calls.getAndIncrement());
        float[] noise = new float[Math.toIntExact(x.getShape().size())];
        for (int i = 0; i < noise.length; i += 2) {
            double u1 = random.nextDouble();
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2 * Math.log(1 - u1));
            noise[i] = (float) (sigma * r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < noise.length) {
                noise[i + 1] = (float) (sigma * r * Math.sin(2 * Math.PI * u2));
            }
        }
        return x.add(x.getManager().create(noise, x.getShape())).clip(bounds.min(), bounds.max());
    }

    @Override
    public boolean differentiable() {
        return true;
    }

    @Override
    public String description() {
        return "gaussian-noise:sigma=" + sigma;
    }
}
