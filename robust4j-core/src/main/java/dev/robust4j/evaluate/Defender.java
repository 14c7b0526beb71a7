package dev.robust4j.evaluate;

import dev.robust4j.data.Dataset;
import dev.robust4j.param.ParamReader;
import dev.robust4j.defence.DefenceSpec;
import dev.robust4j.defence.RuntimeDefences;
import dev.robust4j.defence.TrainingDefences;
import dev.robust4j.defence.detect.AdversarialDetector;
import dev.robust4j.defence.detect.FeatureSqueezingDetector;
import dev.robust4j.defence.ensemble.EnsembleClassifier;
import dev.robust4j.defence.preprocess.BitDepthReduction;
import dev.robust4j.defence.preprocess.MedianSmoothing;
import dev.robust4j.defence.preprocess.Preprocessor;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.nn.Activation;
import dev.robust4j.nn.Architecture;
import dev.robust4j.nn.BatchTransform;
import dev.robust4j.nn.TrainedModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Applies one {@link DefenceCandidate} to the undefended model: retrains, wraps, calibrates. */
final class Defender {

    /** A defended model and what it owns. */
    static final class Defended implements AutoCloseable {
        final Classifier model;
        final AdversarialDetector detector;
        final List<AutoCloseable> owned;
        final double seconds;

        Defended(Classifier model, AdversarialDetector detector, List<AutoCloseable> owned, double seconds) {
            this.model = model;
            this.detector = detector;
            this.owned = owned;
            this.seconds = seconds;
        }

        @Override
        public void close() {
            RuntimeException first = null;
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception e) {
                    if (first == null) {
                        first = new IllegalStateException("could not release a defended model: " + e.getMessage(), e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    private final Bounds bounds;
    private final Retraining retraining;
    private final Dataset calibration;
    private final Function<Path, Classifier> loader;
    private final int batchSize;
    private final RobustnessListener listener;

    Defender(Bounds bounds, Retraining retraining, Dataset calibration, Function<Path, Classifier> loader,
            int batchSize, RobustnessListener listener) {
        this.bounds = bounds;
        this.retraining = retraining;
        this.calibration = calibration;
        this.loader = loader;
        this.batchSize = batchSize;
        this.listener = listener;
    }

    /**
     * Checks a candidate's parameters without training or loading anything.
     *
     * @param candidate the candidate
     * @throws IllegalArgumentException naming the defence and what is wrong
     */
    void check(DefenceCandidate candidate) {
        Plan plan = plan(candidate);
        if (plan.retrains() && retraining == null) {
            throw new IllegalArgumentException("defence '" + candidate + "' retrains the network, but this robustness"
                    + " test has no training recipe; give it training data and a built-in architecture"
                    + " (a model directory written by 'robust4j train', or --arch) to use training, bounded-relu"
                    + " or trained-ensemble defences");
        }
        if (plan.detector != null && calibration == null) {
            throw new IllegalArgumentException("defence '" + candidate + "' needs clean calibration data for the"
                    + " detector's threshold; give the robustness test training data or calibration data");
        }
    }

    /**
     * Applies a candidate.
     *
     * @param candidate the candidate
     * @param base the undefended model
     * @return the defended model; the caller closes it
     */
    Defended apply(DefenceCandidate candidate, Classifier base) {
        check(candidate);
        Plan plan = plan(candidate);
        long start = System.nanoTime();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            Classifier model = base;
            if (plan.transform != BatchTransform.identity() || plan.activation != null) {
                model = train(null, plan, 0, candidate.toString(), owned);
            }
            if (plan.ensemble != null) {
                List<Classifier> members = new ArrayList<>();
                members.add(model);
                for (int i = 0; i < plan.ensembleArchitectures.size(); i++) {
                    Architecture a = plan.ensembleArchitectures.get(i);
                    members.add(train(a, plan, i + 1, "ensemble member " + (i + 2) + " (" + a.id() + ")", owned));
                }
                model = EnsembleClassifier.of(members, null, plan.vote);
            }
            if (!plan.runtime.isEmpty()) {
                model = RuntimeDefences.wrap(model, plan.runtime, path -> {
                    Classifier c = loader.apply(path);
                    owned.add(c);
                    return c;
                });
            }
            AdversarialDetector detector = null;
            if (plan.detector != null) {
                detector = new FeatureSqueezingDetector(model, plan.squeezers, Double.NaN)
                        .calibrate(calibration, plan.fpr, batchSize);
            }
            return new Defended(model, detector, owned, (System.nanoTime() - start) / 1e9);
        } catch (RuntimeException | Error e) {
            new Defended(null, null, owned, 0).close();
            throw e;
        }
    }

    private Classifier train(Architecture architecture, Plan plan, long seedOffset, String what,
            List<AutoCloseable> owned) {
        long t0 = System.nanoTime();
        TrainedModel m = retraining.train(
                architecture, plan.activation, plan.transform, seedOffset, listener.trainingStarted(what));
        owned.add(m);
        listener.trainingFinished(what, (System.nanoTime() - t0) / 1e9);
        return m.classifier();
    }

    /** What a candidate asks for, parsed and checked. */
    private static final class Plan {
        BatchTransform transform = BatchTransform.identity();
        Activation activation;
        DefenceSpec ensemble;
        List<Architecture> ensembleArchitectures = List.of();
        EnsembleClassifier.Aggregation vote = EnsembleClassifier.Aggregation.MEAN;
        final List<DefenceSpec> runtime = new ArrayList<>();
        DefenceSpec detector;
        List<Preprocessor> squeezers;
        double fpr;

        boolean retrains() {
            return transform != BatchTransform.identity() || activation != null || ensemble != null;
        }
    }

    private Plan plan(DefenceCandidate candidate) {
        Plan plan = new Plan();
        for (DefenceSpec spec : candidate.specs()) {
            switch (DefenceCandidate.kindOf(spec)) {
                case "training":
                    plan.transform = plan.transform.andThen(
                            TrainingDefences.create(spec, bounds, path -> {
                                throw new IllegalArgumentException("defence " + spec.name()
                                        + ": static-models are not supported in a robustness test");
                            }));
                    break;
                case "architecture": {
                    once(plan.activation, spec, candidate);
                    ParamReader p = spec.reader();
                    float t = p.number("t", 1f);
                    p.done();
                    try {
                        plan.activation = Activation.boundedRelu(t);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("defence " + spec + ": t " + e.getMessage().replaceFirst(
                                "^bounded ReLU threshold ", ""), e);
                    }
                    break;
                }
                case "ensemble":
                    if (spec.params().containsKey("members")) {
                        plan.runtime.add(spec);
                    } else {
                        once(plan.ensemble, spec, candidate);
                        plan.ensemble = spec;
                        planEnsemble(plan, spec);
                    }
                    break;
                case "detector":
                    once(plan.detector, spec, candidate);
                    plan.detector = spec;
                    planDetector(plan, spec);
                    break;
                default:
                    RuntimeDefences.preprocessor(spec);
                    plan.runtime.add(spec);
            }
        }
        return plan;
    }

    private void planEnsemble(Plan plan, DefenceSpec spec) {
        ParamReader p = spec.reader();
        String archs = p.take("archs");
        String size = p.take("size");
        String vote = p.take("vote");
        p.done();
        if (archs != null && size != null) {
            throw new IllegalArgumentException("defence " + spec + ": give size or archs, not both");
        }
        Architecture own = retraining != null ? retraining.spec().architecture() : Architecture.CNN;
        List<Architecture> members = new ArrayList<>();
        if (archs != null) {
            for (String a : archs.split("\\|")) {
                members.add(Architecture.parse(a.trim()));
            }
        } else {
            int n;
            try {
                n = size == null ? 3 : Integer.parseInt(size.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("defence " + spec + ": size must be an integer >= 2, got '" + size + "'");
            }
            if (n < 2) {
                throw new IllegalArgumentException("defence " + spec + ": size must be an integer >= 2, got " + n);
            }
            for (int i = 1; i < n; i++) {
                members.add(own);
            }
        }
        plan.ensembleArchitectures = List.copyOf(members);
        plan.vote = EnsembleClassifier.Aggregation.parse(vote == null ? "mean" : vote);
    }

    private static void planDetector(Plan plan, DefenceSpec spec) {
        ParamReader p = spec.reader();
        int bits = p.integer("bit-depth", 1);
        int window = p.integer("window", 2);
        float fpr = p.number("fpr", 0.05f);
        p.done();
        if (!(fpr >= 0 && fpr < 1)) {
            throw new IllegalArgumentException("defence " + spec + ": fpr must be in [0, 1), got " + fpr);
        }
        List<Preprocessor> squeezers = new ArrayList<>();
        if (bits != 0) {
            squeezers.add(new BitDepthReduction(bits));
        }
        if (window != 0) {
            squeezers.add(new MedianSmoothing(window, "median-smoothing"));
        }
        if (squeezers.isEmpty()) {
            throw new IllegalArgumentException("defence " + spec + ": bit-depth=0 and window=0 leave no squeezer");
        }
        plan.squeezers = squeezers;
        plan.fpr = fpr;
    }

    private static void once(Object already, DefenceSpec spec, DefenceCandidate candidate) {
        if (already != null) {
            throw new IllegalArgumentException("defence '" + candidate + "' has " + spec.name() + " twice");
        }
    }
}
