package dev.robust4j.evaluate;

import ai.djl.engine.Engine;
import dev.robust4j.Robust4j;
import dev.robust4j.data.Dataset;
import dev.robust4j.defence.detect.AdversarialDetector;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Devices;
import dev.robust4j.model.Classifier;
import dev.robust4j.nn.BatchTransform;
import dev.robust4j.nn.TrainedModel;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The robustness test (DESIGN §3), the seed's testing loop made into one call: run an attack pool
 * against a model under a threat model; compute the success rate per attack and overall (a sample
 * counts as broken if any attack broke it); while the overall success rate is above the target,
 * apply the next candidate defence to the undefended model (retraining where the defence needs
 * it) and run the pool again. The result is a {@link RobustnessReport} with every round.
 *
 * <pre>{@code
 * RobustnessReport report = RobustnessEvaluation.builder()
 *         .setData(test.limit(500))
 *         .setPool(AttackPool.of(Attacks.fgsm(0.1f), Attacks.pgd(0.1f).steps(40), Attacks.square(0.1f)))
 *         .setTargetSuccessRate(0.3)
 *         .optRetraining(new Retraining(train, NetworkSpec.of("cnn", "relu", shape, 10), Bounds.UNIT, config))
 *         .optDefences(List.of(DefenceCandidate.parse("adversarial-training:preset=madry")))
 *         .build()
 *         .run();
 * System.out.println(report.verdict());
 * }</pre>
 *
 * <p>Without a model the test trains the undefended one from its {@link Retraining}. Each
 * candidate is applied on its own to the undefended model; a combination ({@code a + b}) is a
 * candidate of its own. A detector's verdict counts: a flagged adversarial is stopped, a flagged
 * clean sample is an error. The attacks are not told about the defences (no adaptive attacks
 * beyond the gradients BPDA gives through non-differentiable preprocessors).
 *
 * <p>With a physical threat model ({@link Builder#optPhysical}) every round also measures the clean
 * inputs and every attack's adversarials under random transformations, and judges the target on
 * the success rate under them ({@link PhysicalResult}); the pool may hold EOT attacks
 * ({@code eot-pgd}) that optimise for exactly that.
 */
public final class RobustnessEvaluation {

    private static final Function<Path, Classifier> NO_LOADER = path -> {
        throw new IllegalArgumentException(
                "defence ensemble:members=" + path + " needs a model loader (RobustnessEvaluation.Builder.optModelLoader)");
    };

    private final Classifier model;
    private final Retraining retraining;
    private final Dataset data;
    private final ThreatModel threatModel;
    private final AttackPool pool;
    private final double target;
    private final List<DefenceCandidate> defences;
    private final List<CurveSpec> curves;
    private final PhysicalThreat physical;
    private final Dataset calibration;
    private final Function<Path, Classifier> loader;
    private final int batchSize;
    private final int examples;
    private final boolean stopWhenMet;
    private final RobustnessListener listener;
    private final Map<String, Object> config;

    private RobustnessEvaluation(Builder b) {
        model = b.model;
        retraining = b.retraining;
        data = b.data;
        threatModel = b.threatModel;
        pool = b.pool;
        target = b.target;
        defences = List.copyOf(b.defences);
        curves = List.copyOf(b.curves);
        physical = b.physical;
        calibration = b.calibration != null ? b.calibration : defaultCalibration(b.retraining);
        loader = b.loader != null ? b.loader : NO_LOADER;
        batchSize = b.batchSize;
        examples = b.examples;
        stopWhenMet = b.stopWhenMet;
        listener = b.listener;
        config = b.config;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the test: the undefended model, then each candidate defence in order until one meets
     * the target (or every candidate when told not to stop).
     *
     * @return the report
     * @throws IllegalArgumentException if the pool breaks the threat model or a defence cannot be
     *     applied to this model
     */
    public RobustnessReport run() {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        TrainedModel trained = null;
        try {
            Classifier base = model;
            double baseSeconds = 0;
            if (base == null) {
                String what = retraining.spec().architecture().id() + " (undefended)";
                long s = System.nanoTime();
                trained = retraining.train(null, null, BatchTransform.identity(), 0, listener.trainingStarted(what));
                baseSeconds = (System.nanoTime() - s) / 1e9;
                listener.trainingFinished(what, baseSeconds);
                base = trained.classifier();
            }
            threatModel.check(pool.attacks(), base);
            Defender defender = new Defender(base.bounds(), retraining, calibration, loader, batchSize, listener);
            List<Round> rounds = new ArrayList<>();
            Round round = round(0, "none", List.of(), base, null, baseSeconds);
            rounds.add(round);
            for (int i = 0; i < defences.size() && !(stopWhenMet && round.targetMet()); i++) {
                DefenceCandidate c = defences.get(i);
                listener.roundStarted(i + 1, c.toString());
                try (Defender.Defended d = defender.apply(c, base)) {
                    round = round(i + 1, c.toString(), c.kinds(), d.model, d.detector, d.seconds);
                }
                rounds.add(round);
            }
            return new RobustnessReport(threatModel, target, rounds, best(rounds), data.classNames(),
                    provenance(started, (System.nanoTime() - t0) / 1e9, base));
        } finally {
            if (trained != null) {
                trained.close();
            }
        }
    }

    private Round round(int index, String defence, List<String> kinds, Classifier defended,
            AdversarialDetector detector, double defenceSeconds) {
        if (index == 0) {
            listener.roundStarted(0, defence);
        }
        long start = System.nanoTime();
        Classifier view = threatModel.view(defended);
        PoolResult result = pool.run(view, data, detector, batchSize, examples, listener, physical);
        List<Curve> drawn = new ArrayList<>();
        for (CurveSpec spec : curves) {
            drawn.add(curve(spec, view, detector));
        }
        String description = defended.description() + (detector == null ? "" : " guarded by " + detector.description());
        double judged = result.physical() != null ? result.physical().successRate() : result.successRate();
        boolean met = judged <= target;
        Round r = new Round(index, defence, kinds, description, defenceSeconds, result, drawn, met,
                defenceSeconds + (System.nanoTime() - start) / 1e9);
        listener.roundFinished(r);
        return r;
    }

    private Curve curve(CurveSpec spec, Classifier view, AdversarialDetector detector) {
        listener.curveStarted(spec.attack(), spec.epsilons().length);
        Dataset subset = data.limit(Math.min(spec.samples(), data.size()));
        double[] eps = spec.epsilons();
        double[] acc = new double[eps.length];
        double[] sr = new double[eps.length];
        Map<String, Object> params = Map.of();
        for (int i = 0; i < eps.length; i++) {
            if (eps[i] == 0) {
                acc[i] = AttackPool.cleanAccuracy(view, subset, detector, batchSize);
                sr[i] = 0;
                continue;
            }
            AttackPool one = AttackPool.of(spec.attackAt(eps[i]));
            AttackOutcome o = one.run(view, subset, detector, batchSize, 0, PoolListener.NONE).attacks().get(0);
            acc[i] = o.robustAccuracy();
            sr[i] = o.successRate();
            params = new LinkedHashMap<>(o.params());
            params.remove("eps");
        }
        return new Curve(spec.attack(), params, eps, acc, sr);
    }

    private static int best(List<Round> rounds) {
        int best = 0;
        for (Round r : rounds) {
            if (r.targetMet()) {
                return r.index();
            }
            Round b = rounds.get(best);
            double sr = r.judgedSuccessRate();
            double bsr = b.judgedSuccessRate();
            if (Double.isNaN(bsr) && !Double.isNaN(sr)
                    || sr < bsr
                    || sr == bsr && r.cleanAccuracy() > b.cleanAccuracy()) {
                best = r.index();
            }
        }
        return best;
    }

    private Map<String, Object> provenance(Instant started, double seconds, Classifier base) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("data", data.source());
        c.put("samples", data.size());
        c.put("model", model != null ? model.description() : "trained: " + retraining.spec());
        c.put("threat_model", threatModel.id());
        c.put("target_success_rate", target);
        List<Object> attacks = new ArrayList<>();
        for (AttackPool.Entry e : pool.entries()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("label", e.label());
            a.put("attack", e.attack().name());
            a.put("params", e.attack().params());
            attacks.add(a);
        }
        c.put("attacks", attacks);
        List<String> ds = new ArrayList<>();
        defences.forEach(d -> ds.add(d.toString()));
        c.put("defences", ds);
        List<Object> cs = new ArrayList<>();
        for (CurveSpec s : curves) {
            cs.add(Map.of("attack", s.attack(), "params", s.params(), "epsilons", s.epsilons(), "samples", s.samples()));
        }
        c.put("curves", cs);
        if (physical != null) {
            c.put("physical", physical.settings());
        }
        c.put("batch_size", batchSize);
        c.put("stop_when_met", stopWhenMet);
        if (retraining != null) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("data", retraining.train().source());
            t.put("samples", retraining.train().size());
            t.put("network", retraining.spec().toString());
            t.put("config", retraining.config().toString());
            c.put("training", t);
        }
        if (calibration != null) {
            c.put("calibration", calibration.source() + " (" + calibration.size() + " samples)");
        }
        c.putAll(config);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("config", c);
        p.put("seed", retraining == null ? null : retraining.config().seed());
        Map<String, Object> v = new LinkedHashMap<>();
        String own = Robust4j.class.getPackage().getImplementationVersion();
        v.put("robust4j", own == null ? "development build" : own);
        v.put("djl", Engine.getDjlVersion());
        v.put("engine", "PyTorch " + Engine.getEngine("PyTorch").getVersion());
        v.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        p.put("versions", v);
        p.put("threads", Devices.engineThreads());
        p.put("started", started.toString());
        p.put("seconds", seconds);
        p.put("attacked_model", base.description());
        return p;
    }

    private static Dataset defaultCalibration(Retraining retraining) {
        if (retraining == null) {
            return null;
        }
        Dataset train = retraining.train();
        int n = Math.min(1000, train.size());
        return train.slice(train.size() - n, train.size());
    }

    /** Builds a {@link RobustnessEvaluation}; {@code set} settings are required, {@code opt} ones optional. */
    public static final class Builder {
        private Classifier model;
        private Retraining retraining;
        private Dataset data;
        private ThreatModel threatModel = ThreatModel.WHITE_BOX;
        private AttackPool pool;
        private double target = Double.NaN;
        private List<DefenceCandidate> defences = List.of();
        private List<CurveSpec> curves = List.of();
        private PhysicalThreat physical;
        private Dataset calibration;
        private Function<Path, Classifier> loader;
        private int batchSize = AttackPool.DEFAULT_BATCH_SIZE;
        private int examples = AttackPool.DEFAULT_EXAMPLES;
        private boolean stopWhenMet = true;
        private RobustnessListener listener = RobustnessListener.NONE;
        private Map<String, Object> config = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Sets the labelled test data the attacks run on.
         *
         * @param data the data
         * @return this builder
         */
        public Builder setData(Dataset data) {
            this.data = data;
            return this;
        }

        /**
         * Sets the attack pool.
         *
         * @param pool the pool
         * @return this builder
         */
        public Builder setPool(AttackPool pool) {
            this.pool = pool;
            return this;
        }

        /**
         * Sets the acceptable overall success rate.
         *
         * @param target in {@code [0, 1]}
         * @return this builder
         */
        public Builder setTargetSuccessRate(double target) {
            this.target = target;
            return this;
        }

        /**
         * Sets the undefended model; the caller owns it. Without one, the test trains it from
         * {@link #optRetraining}.
         *
         * @param model the model
         * @return this builder
         */
        public Builder optModel(Classifier model) {
            this.model = model;
            return this;
        }

        /**
         * Sets how to train models: needed to train the undefended model when none is given, and
         * for defences that retrain.
         *
         * @param retraining the recipe
         * @return this builder
         */
        public Builder optRetraining(Retraining retraining) {
            this.retraining = retraining;
            return this;
        }

        /**
         * Sets the threat model (default white-box).
         *
         * @param threatModel the threat model
         * @return this builder
         */
        public Builder optThreatModel(ThreatModel threatModel) {
            this.threatModel = Objects.requireNonNull(threatModel, "threatModel");
            return this;
        }

        /**
         * Sets the candidate defences, tried in order.
         *
         * @param defences the candidates
         * @return this builder
         */
        public Builder optDefences(List<DefenceCandidate> defences) {
            this.defences = List.copyOf(defences);
            return this;
        }

        /**
         * Sets the accuracy-vs-epsilon curves drawn in every round.
         *
         * @param curves the curves
         * @return this builder
         */
        public Builder optCurves(List<CurveSpec> curves) {
            this.curves = List.copyOf(curves);
            return this;
        }

        /**
         * Declares a physical threat model: every round also measures the clean inputs and each
         * attack's adversarials under its transformation distribution, and the target is judged on
         * the success rate under it ({@link PhysicalResult}). Defences are tested against it the
         * same way, so one that claims robustness to transformations (Gaussian augmentation) is
         * measured where it claims it.
         *
         * @param physical the physical threat model, or {@code null} for none (default)
         * @return this builder
         */
        public Builder optPhysical(PhysicalThreat physical) {
            this.physical = physical;
            return this;
        }

        /**
         * Sets the clean data a detector calibrates its threshold on (default: the last 1,000
         * training samples of the retraining recipe).
         *
         * @param calibration clean samples
         * @return this builder
         */
        public Builder optCalibration(Dataset calibration) {
            this.calibration = calibration;
            return this;
        }

        /**
         * Sets how to load the model files a defence names ({@code ensemble:members=a.pt|b}).
         *
         * @param loader the loader
         * @return this builder
         */
        public Builder optModelLoader(Function<Path, Classifier> loader) {
            this.loader = loader;
            return this;
        }

        /**
         * Sets the samples per attack call (default 128).
         *
         * @param batchSize at least 1
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets how many adversarial examples each round keeps for the report (default 8).
         *
         * @param examples at least 0
         * @return this builder
         */
        public Builder optExamples(int examples) {
            this.examples = examples;
            return this;
        }

        /**
         * Sets whether to stop at the first round that meets the target (default true); false
         * runs every candidate, to compare them.
         *
         * @param stop whether to stop
         * @return this builder
         */
        public Builder optStopWhenMet(boolean stop) {
            this.stopWhenMet = stop;
            return this;
        }

        /**
         * Sets the progress listener.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder optListener(RobustnessListener listener) {
            this.listener = listener == null ? RobustnessListener.NONE : listener;
            return this;
        }

        /**
         * Adds settings to the report's provenance (e.g. the configuration file it came from).
         *
         * @param key the key
         * @param value the value
         * @return this builder
         */
        public Builder optConfig(String key, Object value) {
            config.put(key, value);
            return this;
        }

        /**
         * Checks the settings, including every defence's parameters, and builds the test.
         *
         * @return the test
         * @throws IllegalArgumentException naming the setting that is missing or wrong
         */
        public RobustnessEvaluation build() {
            if (data == null) {
                throw new IllegalArgumentException("a robustness test needs data (setData)");
            }
            if (!data.hasLabels() || data.size() == 0) {
                throw new IllegalArgumentException(data.source() + ": a robustness test needs labelled samples");
            }
            if (pool == null) {
                throw new IllegalArgumentException("a robustness test needs an attack pool (setPool)");
            }
            if (!(target >= 0 && target <= 1)) {
                throw new IllegalArgumentException("target success rate must be in [0, 1], got " + target);
            }
            if (model == null && retraining == null) {
                throw new IllegalArgumentException(
                        "a robustness test needs a model (optModel) or a recipe to train one (optRetraining)");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            if (examples < 0) {
                throw new IllegalArgumentException("examples must be >= 0, got " + examples);
            }
            if (physical != null && (physical.transform().geometric() || physical.transform().blur() > 0)) {
                int dims = data.sampleShape().length;
                if (dims != 2 && dims != 3) {
                    throw new IllegalArgumentException("physical threat model " + physical.transform().describe()
                            + ": rotation, translation, scale and blur need image samples (C, H, W) or (H, W), but "
                            + data.source() + " has samples of shape " + java.util.Arrays.toString(data.sampleShape()));
                }
            }
            Bounds bounds = model != null ? model.bounds() : retraining.bounds();
            if (model != null && retraining != null && !model.bounds().equals(retraining.bounds())) {
                throw new IllegalArgumentException("the model's bounds " + model.bounds()
                        + " differ from the retraining recipe's " + retraining.bounds());
            }
            for (AttackPool.Entry e : pool.entries()) {
                String why = threatModel.refusal(e.attack(), model);
                if (why != null) {
                    throw new IllegalArgumentException(why);
                }
            }
            RobustnessEvaluation test = new RobustnessEvaluation(this);
            Defender defender = new Defender(bounds, retraining, test.calibration, test.loader, batchSize, listener);
            for (DefenceCandidate c : defences) {
                defender.check(c);
            }
            return test;
        }
    }
}
