package dev.robust4j.defence;

import dev.robust4j.param.ParamReader;
import dev.robust4j.defence.ensemble.EnsembleClassifier;
import dev.robust4j.defence.preprocess.BitDepthReduction;
import dev.robust4j.defence.preprocess.GaussianNoise;
import dev.robust4j.defence.preprocess.JpegCompression;
import dev.robust4j.defence.preprocess.MedianSmoothing;
import dev.robust4j.defence.preprocess.PreprocessedClassifier;
import dev.robust4j.defence.preprocess.Preprocessor;
import dev.robust4j.model.Classifier;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Makes run-time (model-level) defences from specs and wraps a model with them:
 * <ul>
 *   <li>{@code feature-squeezing:bit-depth=1} (default 1);
 *   <li>{@code median-smoothing:window=2} (default 2, Xu et al.) and {@code spatial-smoothing:window=3}
 *       (default 3, ART's name for the same local median filter);
 *   <li>{@code jpeg-compression:quality=75};
 *   <li>{@code gaussian-noise:sigma=0.1,seed=0};
 *   <li>{@code ensemble:members=a.pt|b|c,vote=mean|vote,weights=1|1|2}: the model plus the listed
 *       members (model files or directories), aggregated by mean probability (default) or vote.
 * </ul>
 */
public final class RuntimeDefences {

    /** The names this factory knows. */
    public static final List<String> NAMES = List.of(
            "feature-squeezing", "median-smoothing", "spatial-smoothing", "jpeg-compression", "gaussian-noise", "ensemble");

    private RuntimeDefences() {}

    /**
     * Tells whether a spec names a run-time defence.
     *
     * @param spec the spec
     * @return true if {@link #wrap} understands it
     */
    public static boolean isRuntime(DefenceSpec spec) {
        return NAMES.contains(spec.name());
    }

    /**
     * Makes one preprocessor.
     *
     * @param spec a preprocessor spec
     * @return the preprocessor
     */
    public static Preprocessor preprocessor(DefenceSpec spec) {
        ParamReader p = spec.reader();
        Preprocessor out;
        switch (spec.name()) {
            case "feature-squeezing":
                out = new BitDepthReduction(p.integer("bit-depth", 1));
                break;
            case "median-smoothing":
                out = new MedianSmoothing(p.integer("window", 2), "median-smoothing");
                break;
            case "spatial-smoothing":
                out = new MedianSmoothing(p.integer("window", 3), "spatial-smoothing");
                break;
            case "jpeg-compression":
                out = new JpegCompression(p.integer("quality", 75));
                break;
            case "gaussian-noise":
                out = new GaussianNoise(p.number("sigma", 0.1f), p.integer("seed", 0));
                break;
            default:
                throw new IllegalArgumentException(
                        "unknown run-time defence '" + spec.name() + "'; known: " + String.join(", ", NAMES));
        }
        p.done();
        return out;
    }

    /**
     * Wraps a model with run-time defences, in order.
     *
     * @param model the model
     * @param specs the defences
     * @param loader loads ensemble members from their paths
     * @return the defended model
     */
    public static Classifier wrap(Classifier model, List<DefenceSpec> specs, Function<Path, Classifier> loader) {
        Classifier current = model;
        List<Preprocessor> pending = new ArrayList<>();
        for (DefenceSpec spec : specs) {
            if (spec.name().equals("ensemble")) {
                if (!pending.isEmpty()) {
                    current = PreprocessedClassifier.wrap(current, pending);
                    pending = new ArrayList<>();
                }
                current = ensemble(current, spec, loader);
            } else {
                pending.add(preprocessor(spec));
            }
        }
        return pending.isEmpty() ? current : PreprocessedClassifier.wrap(current, pending);
    }

    private static Classifier ensemble(Classifier model, DefenceSpec spec, Function<Path, Classifier> loader) {
        ParamReader p = spec.reader();
        String members = p.take("members");
        if (members == null || members.isBlank()) {
            throw new IllegalArgumentException("defence ensemble needs members=PATH|PATH...");
        }
        List<Classifier> all = new ArrayList<>();
        all.add(model);
        for (String path : members.split("\\|")) {
            all.add(loader.apply(Path.of(path.trim())));
        }
        String voteName = p.take("vote");
        EnsembleClassifier.Aggregation vote = EnsembleClassifier.Aggregation.parse(voteName == null ? "mean" : voteName);
        float[] weights = null;
        String w = p.take("weights");
        if (w != null) {
            String[] parts = w.split("\\|");
            weights = new float[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    weights[i] = Float.parseFloat(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("defence ensemble: weights must be numbers separated by |, got '" + w + "'");
                }
            }
        }
        p.done();
        return EnsembleClassifier.of(all, weights, vote);
    }
}
