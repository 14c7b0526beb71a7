package dev.robust4j.defence.smoothing;

import dev.robust4j.param.ParamReader;
import dev.robust4j.defence.DefenceSpec;
import dev.robust4j.model.Classifier;

/**
 * The settings of a smoothed classifier and its certificates, as one value a command line or a
 * server option can carry: {@code sigma=0.25,n=1000,alpha=0.001[,n0=100,batch=1000,seed=0]}.
 *
 * @param sigma the noise's standard deviation, positive
 * @param n0 the selection draws per row, in {@code [1, n]}
 * @param n the estimation draws per row, at least 1
 * @param alpha the failure probability, in {@code (0, 1)}
 * @param batchSize the noisy draws per model call, at least 1
 * @param seed the seed of the noise
 */
public record SmoothingConfig(double sigma, int n0, int n, double alpha, int batchSize, long seed) {

    /**
     * Checks every value.
     *
     * @param sigma the noise's standard deviation, positive
     * @param n0 the selection draws per row, in {@code [1, n]}
     * @param n the estimation draws per row, at least 1
     * @param alpha the failure probability, in {@code (0, 1)}
     * @param batchSize the noisy draws per model call, at least 1
     * @param seed the seed of the noise
     */
    public SmoothingConfig {
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("smoothing: sigma must be a positive number, got " + sigma);
        }
        if (n < 1) {
            throw new IllegalArgumentException("smoothing: n must be >= 1, got " + n);
        }
        if (n0 < 1 || n0 > n) {
            throw new IllegalArgumentException("smoothing: n0 must be in [1, n = " + n + "], got " + n0);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("smoothing: alpha must be in (0, 1), got " + alpha);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("smoothing: batch must be >= 1, got " + batchSize);
        }
    }

    /**
     * Parses {@code sigma=S,n=N,alpha=A[,n0=N0,batch=B,seed=SEED]}; {@code sigma} is required, the
     * others default to n 1000, alpha 0.001, n0 min(100, n), batch 1000, seed 0.
     *
     * @param text the settings
     * @return the configuration
     * @throws IllegalArgumentException naming the key and the value
     */
    public static SmoothingConfig parse(String text) {
        ParamReader p = DefenceSpec.parse("smoothing:" + (text == null ? "" : text)).reader();
        String sigma = p.take("sigma");
        if (sigma == null) {
            throw new IllegalArgumentException("smoothing: sigma is required, e.g. sigma=0.25,n=1000,alpha=0.001; got '"
                    + text + "'");
        }
        double s = real("sigma", sigma);
        int n = p.integer("n", 1000);
        String a = p.take("alpha");
        double alpha = a == null ? 0.001 : real("alpha", a);
        int n0 = p.integer("n0", Math.min(100, Math.max(1, n)));
        int batch = p.integer("batch", 1000);
        String seed = p.take("seed");
        long sd;
        try {
            sd = seed == null ? 0 : Long.parseLong(seed);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("smoothing: seed must be an integer, got '" + seed + "'");
        }
        p.done();
        return new SmoothingConfig(s, n0, n, alpha, batch, sd);
    }

    /**
     * @param base the base classifier
     * @return the smoothed classifier with these settings
     */
    public SmoothedClassifier smooth(Classifier base) {
        return SmoothedClassifier.builder(base).sigma(sigma).seed(seed).batchSize(batchSize).build();
    }

    /** @return the settings as {@link #parse} reads them */
    @Override
    public String toString() {
        return "sigma=" + sigma + ",n=" + n + ",alpha=" + alpha + ",n0=" + n0 + ",batch=" + batchSize + ",seed=" + seed;
    }

    private static double real(String key, String v) {
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("smoothing: " + key + " must be a number, got '" + v + "'");
    }
}
