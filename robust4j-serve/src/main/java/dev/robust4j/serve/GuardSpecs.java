package dev.robust4j.serve;

import dev.robust4j.data.Dataset;
import dev.robust4j.param.ParamReader;
import dev.robust4j.defence.DefenceSpec;
import dev.robust4j.defence.detect.BinaryInputDetector;
import dev.robust4j.defence.detect.FeatureSqueezingDetector;
import dev.robust4j.defence.preprocess.BitDepthReduction;
import dev.robust4j.defence.preprocess.MedianSmoothing;
import dev.robust4j.defence.preprocess.Preprocessor;
import dev.robust4j.defence.smoothing.SmoothingConfig;
import dev.robust4j.model.Classifier;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes {@link Guard}s from specs written like defences, {@code name[:k=v,k=v...]}
 * ({@link DefenceSpec}):
 * <ul>
 *   <li>{@code feature-squeezing-detector[:bit-depth=B,window=W,fpr=R]}: the joint
 *       feature-squeezing detector of Xu et al. (NDSS 2018) with bit-depth reduction to {@code B}
 *       bits (default 1; 0 leaves it out) and {@code W}×{@code W} median smoothing (default 2; 0
 *       leaves it out), its threshold calibrated on clean data for the false-positive rate
 *       {@code R} (default: the server's {@code --fpr}).
 *   <li>{@code binary-detector:dir=DIR[,fpr=R]}: a trained binary input detector (Metzen et al.,
 *       ICLR 2017; {@link BinaryInputDetector}, made by {@code robust4j detect --train}) loaded from
 *       {@code DIR}, its threshold calibrated on clean data for the false-positive rate {@code R}
 *       (default: the server's {@code --fpr});</li>
 *   <li>{@code smoothing:sigma=S[,n=N,alpha=A,n0=N0,batch=B,seed=SEED]}: randomized smoothing
 *       with abstention ({@link SmoothingGuard}; settings as {@link SmoothingConfig#parse}); needs
 *       no calibration.
 * </ul>
 */
public final class GuardSpecs {

    /** The guard names this factory knows. */
    public static final List<String> NAMES = List.of("feature-squeezing-detector", "binary-detector", "smoothing");

    private static final String BINARY = "binary-detector";

    private static final String SMOOTHING = "smoothing";

    private GuardSpecs() {}

    /**
     * @param spec a guard spec
     * @return true if the guard needs clean calibration data
     */
    public static boolean needsCalibration(DefenceSpec spec) {
        return spec.name().equals("feature-squeezing-detector") || spec.name().equals(BINARY);
    }

    /**
     * Checks a spec's name and parameters before any model is loaded.
     *
     * @param spec the spec
     * @throws IllegalArgumentException naming the unknown guard or parameter
     */
    public static void check(DefenceSpec spec) {
        if (spec.name().equals(SMOOTHING)) {
            smoothing(spec);
            return;
        }
        if (spec.name().equals(BINARY)) {
            binary(spec);
            return;
        }
        parse(spec);
    }

    /**
     * Makes a guard, calibrating it when it needs it.
     *
     * @param spec the spec
     * @param model the served model
     * @param clean clean calibration samples (of the model's input shape); may be {@code null} for
     *     a guard that needs none
     * @param fpr the default target false-positive rate, in {@code [0, 1)}
     * @param batchSize samples per calibration batch
     * @return the guard
     * @throws IllegalArgumentException naming the problem
     */
    public static Guard create(DefenceSpec spec, Classifier model, Dataset clean, double fpr, int batchSize) {
        if (spec.name().equals(SMOOTHING)) {
            return new SmoothingGuard(model, smoothing(spec));
        }
        if (spec.name().equals(BINARY)) {
            Binary b = binary(spec);
            double rate = Double.isNaN(b.fpr) ? fpr : b.fpr;
            if (clean == null) {
                throw new IllegalArgumentException("guard " + spec + " needs clean data to calibrate on (--calibrate D)");
            }
            BinaryInputDetector loaded;
            try {
                loaded = BinaryInputDetector.load(b.dir);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("guard " + spec + ": cannot read the detector in " + b.dir + ": "
                        + e.getMessage(), e);
            }
            return new DetectorGuard(loaded.calibrate(clean, rate, batchSize));
        }
        Parsed p = parse(spec);
        double rate = Double.isNaN(p.fpr) ? fpr : p.fpr;
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("guard " + spec + ": fpr must be in [0, 1), got " + rate);
        }
        if (clean == null) {
            throw new IllegalArgumentException("guard " + spec + " needs clean data to calibrate on (--calibrate D)");
        }
        FeatureSqueezingDetector d = new FeatureSqueezingDetector(model, p.squeezers, Double.NaN)
                .calibrate(clean, rate, batchSize);
        return new DetectorGuard(d);
    }

    private record Binary(java.nio.file.Path dir, double fpr) {}

    private static Binary binary(DefenceSpec spec) {
        ParamReader p = spec.reader();
        String dir = p.take("dir");
        String fprText = p.take("fpr");
        p.done();
        if (dir == null || dir.isBlank()) {
            throw new IllegalArgumentException("guard " + spec + ": dir=DIR is required, the detector's directory"
                    + " (robust4j detect --train ... --out DIR)");
        }
        java.nio.file.Path path = java.nio.file.Path.of(dir);
        if (!BinaryInputDetector.isDetectorDirectory(path)) {
            throw new IllegalArgumentException("guard " + spec + ": " + dir + " is not a detector directory (expected "
                    + BinaryInputDetector.METADATA_FILE + " made by robust4j detect --train)");
        }
        return new Binary(path, fpr(spec, fprText));
    }

    private static double fpr(DefenceSpec spec, String fprText) {
        if (fprText == null) {
            return Double.NaN;
        }
        double fpr;
        try {
            fpr = Double.parseDouble(fprText);
        } catch (NumberFormatException e) {
            fpr = -1;
        }
        if (!(fpr >= 0 && fpr < 1)) {
            throw new IllegalArgumentException("guard " + spec + ": fpr must be a number in [0, 1), got '" + fprText + "'");
        }
        return fpr;
    }

    private static SmoothingConfig smoothing(DefenceSpec spec) {
        StringBuilder text = new StringBuilder();
        for (java.util.Map.Entry<String, String> e : spec.params().entrySet()) {
            text.append(text.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
        }
        return SmoothingConfig.parse(text.toString());
    }

    private record Parsed(List<Preprocessor> squeezers, double fpr) {}

    private static Parsed parse(DefenceSpec spec) {
        if (!NAMES.contains(spec.name())) {
            throw new IllegalArgumentException("unknown guard '" + spec.name() + "'; known: " + String.join(", ", NAMES));
        }
        ParamReader p = spec.reader();
        int bits = p.integer("bit-depth", 1);
        int window = p.integer("window", 2);
        String fprText = p.take("fpr");
        p.done();
        double fpr = Double.NaN;
        if (fprText != null) {
            try {
                fpr = Double.parseDouble(fprText);
            } catch (NumberFormatException e) {
                fpr = -1;
            }
            if (!(fpr >= 0 && fpr < 1)) {
                throw new IllegalArgumentException("guard " + spec + ": fpr must be a number in [0, 1), got '" + fprText
                        + "'");
            }
        }
        List<Preprocessor> squeezers = new ArrayList<>();
        if (bits < 0 || window < 0) {
            throw new IllegalArgumentException("guard " + spec + ": bit-depth and window must be >= 0 (0 leaves the"
                    + " squeezer out), got bit-depth=" + bits + ", window=" + window);
        }
        if (bits > 0) {
            squeezers.add(new BitDepthReduction(bits));
        }
        if (window > 0) {
            squeezers.add(new MedianSmoothing(window, "median-smoothing"));
        }
        if (squeezers.isEmpty()) {
            throw new IllegalArgumentException("guard " + spec + " has no squeezer: set bit-depth or window above 0");
        }
        return new Parsed(squeezers, fpr);
    }
}
