package dev.robust4j.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.attack.ModelAccess;
import dev.robust4j.data.Dataset;
import dev.robust4j.defence.DefenceSpec;
import dev.robust4j.defence.detect.AdversarialDetector;
import dev.robust4j.metric.AttackSummary;
import dev.robust4j.metric.Stats;
import dev.robust4j.model.Classifier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An ordered set of labelled, untargeted attacks run one after the other against the same model
 * and data, with the per-sample worst case over them (DESIGN §3): a sample is broken if any attack
 * broke it.
 *
 * <pre>{@code
 * AttackPool pool = AttackPool.of(Attacks.fgsm(0.1f), Attacks.pgd(0.1f).steps(40));
 * PoolResult r = pool.run(model, data);
 * r.successRate();             // worst case over both attacks
 * r.attack("fgsm linf eps=0.1").successRate();
 * }</pre>
 */
public final class AttackPool {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AttackPool.class);

    /** Samples per attack call unless told otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 128;

    /** Examples kept for the report unless told otherwise. */
    public static final int DEFAULT_EXAMPLES = 8;

    /**
     * A labelled attack.
     *
     * @param label a name unique in the pool, e.g. {@code pgd linf eps=0.1}
     * @param attack the attack
     */
    public record Entry(String label, EvasionAttack attack) {
        /**
         * Checks the fields.
         *
         * @param label a name unique in the pool, e.g. {@code pgd linf eps=0.1}
         * @param attack the attack
         */
        public Entry {
            Objects.requireNonNull(attack, "attack");
            if (label == null || label.isBlank()) {
                throw new IllegalArgumentException("an attack's label in a pool must not be blank");
            }
        }
    }

    private final List<Entry> entries;
    private final PoolRunner runner;

    private AttackPool(List<Entry> entries) {
        this(entries, PoolRunner.LOCAL);
    }

    private AttackPool(List<Entry> entries, PoolRunner runner) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("an attack pool needs at least one attack");
        }
        Set<String> seen = new HashSet<>();
        for (Entry e : entries) {
            if (!seen.add(e.label())) {
                throw new IllegalArgumentException("two attacks in the pool are labelled '" + e.label() + "'");
            }
        }
        this.entries = List.copyOf(entries);
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    /**
     * Returns this pool with its attacks run by another runner, e.g. on a Spark cluster; the
     * figures are the same ({@link PoolRunner}).
     *
     * @param value the runner
     * @return a new pool
     */
    public AttackPool withRunner(PoolRunner value) {
        return new AttackPool(entries, value);
    }

    /** @return what runs this pool's attacks; {@link PoolRunner#LOCAL} unless told otherwise */
    public PoolRunner runner() {
        return runner;
    }

    /**
     * Makes a pool, labelling each attack by its name, norm and budget ({@link #labelOf}); a
     * repeated label gets {@code #2}, {@code #3}, ...
     *
     * @param attacks the attacks, at least one
     * @return the pool
     */
    public static AttackPool of(EvasionAttack... attacks) {
        return of(Arrays.asList(attacks));
    }

    /**
     * Makes a pool, labelling each attack as {@link #of(EvasionAttack...)} does.
     *
     * @param attacks the attacks, at least one
     * @return the pool
     */
    public static AttackPool of(List<? extends EvasionAttack> attacks) {
        List<Entry> out = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (EvasionAttack a : attacks) {
            String base = labelOf(a);
            String label = base;
            for (int k = 2; !used.add(label); k++) {
                label = base + " #" + k;
            }
            out.add(new Entry(label, a));
        }
        return new AttackPool(out);
    }

    /**
     * Makes a pool from specs in the command line's form, {@code name[:k=v,k=v...]}, e.g.
     * {@code pgd:eps=0.1,steps=40}.
     *
     * @param specs the specs
     * @param loader loads the model files a spec names (the {@code transfer} attack's surrogate),
     *     or {@code null} if no spec names one
     * @return the pool
     * @throws IllegalArgumentException naming the spec that is wrong
     */
    public static AttackPool parse(List<String> specs, AttackRegistry.ModelLoader loader) {
        List<EvasionAttack> attacks = new ArrayList<>();
        for (String text : specs) {
            DefenceSpec spec = DefenceSpec.parse(text);
            try {
                attacks.add(loader == null
                        ? AttackRegistry.create(spec.name(), spec.params())
                        : AttackRegistry.create(spec.name(), spec.params(), loader));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("attack '" + text + "': " + e.getMessage(), e);
            }
        }
        return of(attacks);
    }

    /**
     * A readable label: the attack's name, then its norm and budget when it has them, e.g.
     * {@code pgd linf eps=0.1}, {@code square linf eps=0.1}, {@code deepfool l2}.
     *
     * @param attack the attack
     * @return the label
     */
    public static String labelOf(EvasionAttack attack) {
        StringBuilder b = new StringBuilder(attack.name());
        attack.normParameter().ifPresent(norm -> b.append(' ').append(norm.cliName()));
        attack.budget().ifPresent(budget -> b.append(" eps=").append(budget.eps()));
        return b.toString();
    }

    /** @return the attacks with their labels, in order */
    public List<Entry> entries() {
        return entries;
    }

    /** @return the attacks, in order */
    public List<EvasionAttack> attacks() {
        List<EvasionAttack> out = new ArrayList<>();
        for (Entry e : entries) {
            out.add(e.attack());
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Runs every attack with the default batch size, no detector and no listener.
     *
     * @param model the model, as the attacker sees it
     * @param data labelled samples of the model's input shape
     * @return the result
     */
    public PoolResult run(Classifier model, Dataset data) {
        return run(model, data, null, DEFAULT_BATCH_SIZE, DEFAULT_EXAMPLES, PoolListener.NONE);
    }

    /**
     * Runs every attack against a model, optionally guarded by a detector. The attacks craft
     * their adversarials against the model; a sample whose adversarial the detector flags counts
     * as defended, and a clean sample the detector flags counts as an error (the detector's
     * false-positive cost). An attack the model cannot serve (a gradient attack against a model
     * without gradients, a score attack against a label-only model) is recorded as skipped.
     *
     * @param model the model, as the attacker sees it
     * @param data labelled samples of the model's input shape
     * @param detector a detector in front of the model, or {@code null}
     * @param batchSize samples per attack call, at least 1
     * @param examples how many broken samples to keep for the report, at least 0
     * @param listener told of progress; may be {@code null}
     * @return the result
     * @throws IllegalArgumentException for unlabelled data, data of another shape, or bad sizes
     */
    public PoolResult run(
            Classifier model,
            Dataset data,
            AdversarialDetector detector,
            int batchSize,
            int examples,
            PoolListener listener) {
        return run(model, data, detector, batchSize, examples, listener, null);
    }

    /**
     * Runs every attack as {@link #run(Classifier, Dataset, AdversarialDetector, int, int,
     * PoolListener)} does and, under a physical threat model, also measures the clean inputs and
     * every attack's adversarials under its transformation distribution ({@link PhysicalResult}),
     * the detector, if any, judging the transformed inputs.
     *
     * @param model the model, as the attacker sees it
     * @param data labelled samples of the model's input shape
     * @param detector a detector in front of the model, or {@code null}
     * @param batchSize samples per attack call, at least 1
     * @param examples how many broken samples to keep for the report, at least 0
     * @param listener told of progress; may be {@code null}
     * @param physical the physical threat model, or {@code null} for none
     * @return the result, with {@link PoolResult#physical()} under a physical threat model
     * @throws IllegalArgumentException for unlabelled data, data of another shape, or bad sizes
     */
    public PoolResult run(
            Classifier model,
            Dataset data,
            AdversarialDetector detector,
            int batchSize,
            int examples,
            PoolListener listener,
            PhysicalThreat physical) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (examples < 0) {
            throw new IllegalArgumentException("examples must be >= 0, got " + examples);
        }
        if (!data.hasLabels() || data.size() == 0) {
            throw new IllegalArgumentException(data.source() + ": an attack pool needs labelled samples");
        }
        if (!Arrays.equals(model.inputShape().getShape(), data.sampleShape())) {
            throw new IllegalArgumentException(data.source() + ": samples have shape " + Arrays.toString(data.sampleShape())
                    + " but the model takes " + Arrays.toString(model.inputShape().getShape()));
        }
        PoolListener progress = listener == null ? PoolListener.NONE : listener;
        long start = System.nanoTime();
        int n = data.size();
        int dim = data.sampleSize();
        WorstCase worst = new WorstCase(n, dim);
        List<AttackOutcome> outcomes = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            int[] clean = predictions(model, data, batchSize, manager);
            boolean[] eligible = eligible(clean, detector, data, batchSize, manager);
            worst.clean = clean;
            PhysicalMeasurement underT = physical == null ? null
                    : new PhysicalMeasurement(physical, model, detector, data, batchSize, manager);
            for (Entry e : entries) {
                String why = skipReason(e.attack(), model);
                if (why != null) {
                    LOG.info("skipping {} on {}: {}", e.label(), model.description(), why);
                    AttackOutcome skipped = skipped(e, n, why);
                    outcomes.add(skipped);
                    if (underT != null) {
                        underT.skipped(e.label());
                    }
                    progress.attackFinished(skipped);
                    continue;
                }
                progress.attackStarted(e.label(), n);
                AttackOutcome o;
                try (NDManager scope = manager.newSubManager();
                        AttackResult r = runner.run(e.attack(), model, data, batchSize, scope,
                                (done, total) -> progress.attackProgress(e.label(), done, total))) {
                    float[] adv = r.adversarial().toFloatArray();
                    boolean[] flagged = detector == null ? new boolean[n] : flags(detector, adv, data, batchSize, scope);
                    o = outcome(e, r, eligible, flagged, detector != null);
                    worst.add(e.label(), r, adv, eligible, flagged);
                    if (underT != null) {
                        underT.add(e.label(), adv, brokenMask(r, eligible, flagged));
                    }
                }
                outcomes.add(o);
                progress.attackFinished(o);
            }
            boolean anyRan = outcomes.stream().anyMatch(AttackOutcome::ran);
            boolean[] robust = new boolean[n];
            for (int i = 0; i < n; i++) {
                robust[i] = eligible[i] && !worst.broken[i];
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new PoolResult(
                    n,
                    Stats.fraction(eligible, null),
                    outcomes,
                    anyRan ? Stats.fraction(worst.broken, eligible) : Double.NaN,
                    anyRan ? Stats.fraction(robust, null) : Double.NaN,
                    worst.broken,
                    worst.examples(data, examples),
                    seconds,
                    underT == null ? null : underT.result());
        }
    }

    /**
     * Tells why an attack cannot run on a model, or {@code null} if it can.
     *
     * @param attack the attack
     * @param model the model
     * @return the reason or {@code null}
     */
    public static String skipReason(EvasionAttack attack, Classifier model) {
        ModelAccess needs = attack.requires();
        if (needs.givenBy(model)) {
            return null;
        }
        return needs == ModelAccess.GRADIENTS
                ? "needs gradients and " + model.description() + " gives none"
                : "needs scores and " + model.description() + " returns only labels";
    }

    /** Per sample: eligible, adversarial untransformed (the result's success) and not flagged. */
    private static boolean[] brokenMask(AttackResult r, boolean[] eligible, boolean[] flagged) {
        boolean[] out = new boolean[r.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = eligible[i] && r.success()[i] && !flagged[i];
        }
        return out;
    }

    private static AttackOutcome skipped(Entry e, int n, String why) {
        double nan = Double.NaN;
        return new AttackOutcome(e.label(), e.attack().name(), e.attack().params(), e.attack().requires(), n,
                nan, nan, nan, nan, nan, nan, nan, nan, 0, nan, why);
    }

    private static AttackOutcome outcome(
            Entry e, AttackResult r, boolean[] eligible, boolean[] flagged, boolean guarded) {
        int n = r.size();
        AttackSummary s = AttackSummary.of(r, eligible, flagged);
        boolean[] fooled = new boolean[n];
        for (int i = 0; i < n; i++) {
            fooled[i] = eligible[i] && r.success()[i];
        }
        return new AttackOutcome(
                e.label(),
                e.attack().name(),
                e.attack().params(),
                e.attack().requires(),
                n,
                s.successRate(),
                s.robustAccuracy(),
                s.l0Mean(),
                s.l2Mean(),
                s.l2Median(),
                s.linfMean(),
                s.linfMax(),
                s.queriesMean(),
                s.seconds(),
                guarded ? Stats.fraction(flagged, fooled) : Double.NaN,
                null);
    }

    /**
     * The clean accuracy as the pool counts it: correct and, with a detector, not flagged.
     *
     * @param model the model
     * @param data labelled samples
     * @param detector the detector, or {@code null}
     * @param batchSize samples per call
     * @return the accuracy
     * @throws IllegalArgumentException for unlabelled or empty data or a batch size below 1
     */
    public static double cleanAccuracy(Classifier model, Dataset data, AdversarialDetector detector, int batchSize) {
        Objects.requireNonNull(model, "model");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (!data.hasLabels() || data.size() == 0) {
            throw new IllegalArgumentException(data.source() + ": clean accuracy needs labelled samples");
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            return Stats.fraction(eligible(predictions(model, data, batchSize, manager), detector, data, batchSize,
                    manager), null);
        }
    }

    /** The samples an attack has to break: classified correctly and, with a detector, not flagged. */
    private static boolean[] eligible(
            int[] clean, AdversarialDetector detector, Dataset data, int batchSize, NDManager manager) {
        boolean[] flagged = detector == null ? new boolean[data.size()] : flags(detector, data, batchSize, manager);
        int[] labels = data.labels();
        boolean[] out = new boolean[data.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = clean[i] == labels[i] && !flagged[i];
        }
        return out;
    }

    private static int[] predictions(Classifier model, Dataset data, int batchSize, NDManager manager) {
        int[] out = new int[data.size()];
        for (int from = 0; from < data.size(); from += batchSize) {
            int to = Math.min(data.size(), from + batchSize);
            try (NDManager scope = manager.newSubManager()) {
                NDArray logits = model.predict(data.features(scope, from, to));
                long[] p = logits.argMax(1).toLongArray();
                for (int i = 0; i < p.length; i++) {
                    out[from + i] = (int) p[i];
                }
            }
        }
        return out;
    }

    private static boolean[] flags(AdversarialDetector detector, Dataset data, int batchSize, NDManager manager) {
        return flags(detector, data.features(), data, batchSize, manager);
    }

    private static boolean[] flags(
            AdversarialDetector detector, float[] x, Dataset data, int batchSize, NDManager manager) {
        int n = data.size();
        int dim = data.sampleSize();
        boolean[] out = new boolean[n];
        long[] shape = new long[data.sampleShape().length + 1];
        System.arraycopy(data.sampleShape(), 0, shape, 1, shape.length - 1);
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            try (NDManager scope = manager.newSubManager()) {
                shape[0] = to - from;
                NDArray batch = scope.create(Arrays.copyOfRange(x, from * dim, to * dim), new ai.djl.ndarray.types.Shape(shape));
                System.arraycopy(detector.detect(batch), 0, out, from, to - from);
            }
        }
        return out;
    }

    /** The per-sample worst case over the attacks so far, and the smallest adversarial of each sample. */
    private static final class WorstCase {
        final boolean[] broken;
        final float[] bestL2;
        final float[] bestLinf;
        final float[] bestAdv;
        final int[] bestPrediction;
        final String[] bestAttack;
        final int dim;
        int[] clean;

        WorstCase(int n, int dim) {
            this.dim = dim;
            broken = new boolean[n];
            bestL2 = new float[n];
            Arrays.fill(bestL2, Float.POSITIVE_INFINITY);
            bestLinf = new float[n];
            bestAdv = new float[(int) Math.min(Integer.MAX_VALUE, (long) n * dim)];
            bestPrediction = new int[n];
            bestAttack = new String[n];
        }

        void add(String label, AttackResult r, float[] adv, boolean[] eligible, boolean[] flagged) {
            int[] predicted = r.adversarialPredictions();
            boolean[] hit = brokenMask(r, eligible, flagged);
            for (int i = 0; i < broken.length; i++) {
                if (hit[i]) {
                    broken[i] = true;
                    if (r.l2()[i] < bestL2[i]) {
                        bestL2[i] = r.l2()[i];
                        bestLinf[i] = r.linf()[i];
                        bestPrediction[i] = predicted[i];
                        bestAttack[i] = label;
                        System.arraycopy(adv, i * dim, bestAdv, i * dim, dim);
                    }
                }
            }
        }

        List<Example> examples(Dataset data, int k) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < broken.length; i++) {
                if (broken[i]) {
                    order.add(i);
                }
            }
            order.sort((a, b) -> Float.compare(bestL2[a], bestL2[b]));
            List<Example> out = new ArrayList<>();
            float[] features = data.features();
            for (int i : order.subList(0, Math.min(k, order.size()))) {
                out.add(new Example(
                        i,
                        data.sampleShape().clone(),
                        Arrays.copyOfRange(features, i * dim, (i + 1) * dim),
                        Arrays.copyOfRange(bestAdv, i * dim, (i + 1) * dim),
                        data.labels()[i],
                        clean[i],
                        bestPrediction[i],
                        bestAttack[i],
                        bestL2[i],
                        bestLinf[i]));
            }
            return out;
        }
    }
}
