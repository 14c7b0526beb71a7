package dev.robust4j.serve;

import ai.djl.ndarray.NDArray;
import dev.robust4j.defence.smoothing.SmoothedClassifier;
import dev.robust4j.defence.smoothing.SmoothingConfig;
import dev.robust4j.model.Classifier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link Guard} that answers each row with the certificate of randomized smoothing (Cohen,
 * Rosenfeld and Kolter, ICML 2019) over the served model: the smoothed class with its certified L2
 * radius, or an abstention. A row is flagged when the smoothed classifier abstains (its lower bound
 * on the top class's probability under Gaussian noise is below one half), which is what inputs
 * pushed onto a decision boundary by an attack tend to do. Each row adds the answer field
 * {@code certified}: {@code {"label": k | null, "radius": r}}; the guard's score is
 * {@code 1 - p̲A}, higher when the smoothed classifier is less sure.
 *
 * <p>Cost: {@code n0 + n} noisy evaluations of the model per row, in batches of the
 * configuration's {@code batch}; the draws of a row are keyed by its values and the seed, so a row
 * gets the same certificate whatever else is in its batch.
 */
public final class SmoothingGuard implements Guard {

    private final SmoothingConfig config;
    private final SmoothedClassifier smoothed;

    /**
     * @param model the served model
     * @param config the smoothing settings (sigma, n0, n, alpha, batch, seed)
     */
    public SmoothingGuard(Classifier model, SmoothingConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.smoothed = config.smooth(Objects.requireNonNull(model, "model"));
    }

    /** @return the settings */
    public SmoothingConfig config() {
        return config;
    }

    @Override
    public Verdict inspect(NDArray x, NDArray scores) {
        List<SmoothedClassifier.Certificate> certs = smoothed.certify(x, config.n0(), config.n(), config.alpha());
        int rows = certs.size();
        boolean[] flagged = new boolean[rows];
        float[] s = new float[rows];
        List<Object> certified = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            SmoothedClassifier.Certificate c = certs.get(i);
            flagged[i] = c.abstained();
            s[i] = (float) (1 - c.pALower());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("label", c.labelOrNull());
            row.put("radius", c.radius());
            certified.add(row);
        }
        return new Verdict(flagged, s, Map.of("certified", certified));
    }

    @Override
    public String description() {
        return "randomized smoothing (" + config + "), abstentions flagged";
    }
}
