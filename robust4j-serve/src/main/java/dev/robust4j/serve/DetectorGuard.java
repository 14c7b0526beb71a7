package dev.robust4j.serve;

import ai.djl.ndarray.NDArray;
import dev.robust4j.defence.detect.AdversarialDetector;
import dev.robust4j.defence.detect.BinaryInputDetector;
import dev.robust4j.defence.detect.FeatureSqueezingDetector;
import dev.robust4j.defence.detect.ScoredDetector;

import java.util.Objects;

/**
 * A {@link Guard} over an {@link AdversarialDetector}. With the calibrated
 * {@link FeatureSqueezingDetector} the row's score is the detector's (the largest L1 distance
 * between softmax outputs on the input and on a squeezed input), with a calibrated
 * {@link BinaryInputDetector} its logit margin for "adversarial", and a row is flagged when the
 * score exceeds the calibrated threshold; with another detector the score is 1 for a flagged row and 0
 * otherwise.
 */
public final class DetectorGuard implements Guard {

    private final AdversarialDetector detector;

    /**
     * @param detector the detector; a {@link FeatureSqueezingDetector} must be calibrated
     * @throws IllegalArgumentException if a scored detector (feature squeezing, binary) is not calibrated
     */
    public DetectorGuard(AdversarialDetector detector) {
        this.detector = Objects.requireNonNull(detector, "detector");
        if (detector instanceof ScoredDetector d && Double.isNaN(d.threshold())) {
            throw new IllegalArgumentException("the " + (detector instanceof FeatureSqueezingDetector
                    ? "feature-squeezing detector" : "detector " + detector.description())
                    + " is not calibrated: calibrate it on clean data for a false-positive rate first");
        }
    }

    /** @return the detector */
    public AdversarialDetector detector() {
        return detector;
    }

    @Override
    public Verdict inspect(NDArray x, NDArray scores) {
        if (detector instanceof ScoredDetector d) {
            float[] s = d.scores(x);
            return Verdict.of(d.flag(s), s);
        }
        boolean[] flagged = detector.detect(x);
        float[] s = new float[flagged.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = flagged[i] ? 1f : 0f;
        }
        return Verdict.of(flagged, s);
    }

    @Override
    public String description() {
        if (detector instanceof ScoredDetector d) {
            return detector.description() + ", threshold " + d.threshold();
        }
        return detector.description();
    }
}
