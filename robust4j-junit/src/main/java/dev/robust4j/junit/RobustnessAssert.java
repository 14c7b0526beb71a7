package dev.robust4j.junit;

import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.data.Dataset;
import dev.robust4j.defence.detect.AdversarialDetector;
import dev.robust4j.evaluate.AttackPool;
import dev.robust4j.evaluate.PoolListener;
import dev.robust4j.evaluate.PoolResult;
import dev.robust4j.evaluate.ThreatModel;
import dev.robust4j.model.Classifier;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import org.assertj.core.api.AbstractAssert;

/**
 * Robustness assertions on one model, AssertJ-style. Configure the chain first — the data
 * ({@link #on}), the attacks ({@link #under}) and the options — then assert; the attacks run once,
 * at the first assertion that needs them, and every later assertion of the chain reuses that
 * result. Changing the configuration after an assertion discards the result, so the next
 * assertion runs the attacks again.
 *
 * <pre>{@code
 * assertThat(model).on(test)
 *         .under(Attacks.fgsm(0.1f), SquareAttack.linf(0.1f))
 *         .hasSuccessRateAtMost(0.4)           // runs both attacks
 *         .hasRobustAccuracyAtLeast(0.5);      // reuses their result
 * }</pre>
 *
 * <p>The numbers are the core's (DESIGN §3, {@link AttackPool}): the success rate (SR) is over
 * the samples the model classifies correctly (and, with a detector, that the detector lets
 * through) before the attack, and a sample counts as broken if any attack of the pool broke it;
 * robust accuracy is over all samples. A failed assertion throws an {@link AssertionError}
 * (opentest4j's {@code AssertionFailedError}, with expected and actual values) whose message lists
 * every attack's SR, robust accuracy, median L2 and largest L∞ perturbation, the worst case over the
 * pool, and the broken samples with the smallest perturbations.
 *
 * <p>Mistakes in the test itself — a threshold outside {@code [0, 1]}, no data, no attacks, an
 * attack the threat model forbids — throw {@link IllegalArgumentException} or
 * {@link IllegalStateException} naming what is wrong, never a failed assertion.
 *
 * <p>An assertion object belongs to one test thread; it is not thread-safe.
 */
public final class RobustnessAssert extends AbstractAssert<RobustnessAssert, Classifier> {

    /** Broken samples listed in a failure message unless told otherwise. */
    public static final int DEFAULT_EXAMPLES = 5;

    private Dataset data;
    private AttackPool pool;
    private ThreatModel threatModel = ThreatModel.WHITE_BOX;
    private AdversarialDetector detector;
    private int batchSize = AttackPool.DEFAULT_BATCH_SIZE;
    private int limit;
    private int examples = DEFAULT_EXAMPLES;
    private PoolResult poolResult;
    private CleanCount cleanCount;

    /** The clean-only result: how many samples the model got right (and the detector let through). */
    private record CleanCount(int correct, int samples) {
        double accuracy() {
            return correct / (double) samples;
        }
    }

    /**
     * Starts an assertion; use {@link RobustnessAssertions#assertThat}.
     *
     * @param model the model under test
     */
    RobustnessAssert(Classifier model) {
        super(model, RobustnessAssert.class);
    }

    /**
     * Sets the labelled data the model is tested on.
     *
     * @param data labelled samples of the model's input shape, at least one
     * @return this assertion
     * @throws IllegalArgumentException if the data is null, empty, unlabelled or of another shape
     */
    public RobustnessAssert on(Dataset data) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        if (data.size() == 0) {
            throw new IllegalArgumentException(data.source() + ": data must hold at least one sample, got none");
        }
        if (!data.hasLabels()) {
            throw new IllegalArgumentException(
                    data.source() + ": robustness assertions need labelled samples, and this data has no labels");
        }
        if (actual != null && !Arrays.equals(actual.inputShape().getShape(), data.sampleShape())) {
            throw new IllegalArgumentException(data.source() + ": samples have shape "
                    + Arrays.toString(data.sampleShape()) + " but " + actual.description() + " takes "
                    + Arrays.toString(actual.inputShape().getShape()));
        }
        this.data = data;
        return changed();
    }

    /**
     * Sets the attacks, replacing any set before. Each is labelled as in
     * {@link AttackPool#of(EvasionAttack...)}, e.g. {@code pgd linf eps=0.1}.
     *
     * @param attacks the attacks, at least one
     * @return this assertion
     * @throws IllegalArgumentException if there is no attack or one is null
     */
    public RobustnessAssert under(EvasionAttack... attacks) {
        if (attacks == null || attacks.length == 0) {
            throw new IllegalArgumentException("under(...) needs at least one attack, got none");
        }
        for (int i = 0; i < attacks.length; i++) {
            if (attacks[i] == null) {
                throw new IllegalArgumentException(
                        "attack " + (i + 1) + " of the " + attacks.length + " given to under(...) is null");
            }
        }
        return under(AttackPool.of(attacks));
    }

    /**
     * Sets the attacks as a ready-made pool, replacing any set before.
     *
     * @param pool the attack pool
     * @return this assertion
     * @throws IllegalArgumentException if the pool is null
     */
    public RobustnessAssert under(AttackPool pool) {
        this.pool = required("pool", pool);
        return changed();
    }

    /**
     * Sets what the attacker may see of the model ({@link ThreatModel#WHITE_BOX} by default).
     * Under {@link ThreatModel#BLACK_BOX} an attack that needs gradients is refused when the
     * attacks would run, and the others attack the model through {@link ThreatModel#view}, which
     * hides its gradients.
     *
     * @param threatModel the threat model
     * @return this assertion
     * @throws IllegalArgumentException if it is null
     */
    public RobustnessAssert threatModel(ThreatModel threatModel) {
        this.threatModel = required("threatModel", threatModel);
        return changed();
    }

    /**
     * Puts a detector in front of the model: a sample whose adversarial the detector flags counts
     * as defended, and a clean sample it flags counts as an error (its false-positive cost).
     *
     * @param detector the detector
     * @return this assertion
     * @throws IllegalArgumentException if it is null
     */
    public RobustnessAssert guardedBy(AdversarialDetector detector) {
        this.detector = required("detector", detector);
        return changed();
    }

    /**
     * Sets how many samples each model or attack call takes ({@value AttackPool#DEFAULT_BATCH_SIZE}
     * by default).
     *
     * @param batchSize samples per call, at least 1
     * @return this assertion
     * @throws IllegalArgumentException if it is below 1
     */
    public RobustnessAssert batchSize(int batchSize) {
        this.batchSize = atLeast("batchSize", batchSize, 1);
        return changed();
    }

    /**
     * Tests only the first samples of the data (all by default).
     *
     * @param limit how many samples, at least 1; more than the data holds means all
     * @return this assertion
     * @throws IllegalArgumentException if it is below 1
     */
    public RobustnessAssert limit(int limit) {
        this.limit = atLeast("limit", limit, 1);
        return changed();
    }

    /**
     * Sets how many broken samples a failure message lists ({@value #DEFAULT_EXAMPLES} by default).
     *
     * @param examples how many, at least 0
     * @return this assertion
     * @throws IllegalArgumentException if it is negative
     */
    public RobustnessAssert examples(int examples) {
        this.examples = atLeast("examples", examples, 0);
        return changed();
    }

    /**
     * Asserts that the worst-case success rate over the attacks is at most a bound. An undefined
     * success rate (the model classifies no sample correctly) fails.
     *
     * @param maxSuccessRate the largest acceptable success rate, in {@code [0, 1]}
     * @return this assertion
     * @throws AssertionError if the success rate is higher or undefined
     * @throws IllegalArgumentException if the bound is outside {@code [0, 1]}, or an attack is
     *     refused
     * @throws IllegalStateException if {@link #on} or {@link #under} was not called
     */
    public RobustnessAssert hasSuccessRateAtMost(double maxSuccessRate) {
        checkRate("maxSuccessRate", maxSuccessRate);
        PoolResult r = poolResult("hasSuccessRateAtMost");
        double sr = r.successRate();
        return verify(sr <= maxSuccessRate, sr, maxSuccessRate, "the worst-case success rate", "at most", () -> {
            if (Double.isNaN(sr)) {
                return "it is undefined: the model classifies none of the " + r.samples() + " samples correctly";
            }
            long broken = IntStream.range(0, r.samples()).filter(i -> r.broken()[i]).count();
            long eligible = Math.round(r.cleanAccuracy() * r.samples());
            return FailureMessage.was(sr, broken, eligible, "correctly classified samples broken");
        });
    }

    /**
     * Asserts that the worst-case robust accuracy over the attacks is at least a bound.
     *
     * @param minRobustAccuracy the smallest acceptable robust accuracy, in {@code [0, 1]}
     * @return this assertion
     * @throws AssertionError if the robust accuracy is lower
     * @throws IllegalArgumentException if the bound is outside {@code [0, 1]}, or an attack is
     *     refused
     * @throws IllegalStateException if {@link #on} or {@link #under} was not called
     */
    public RobustnessAssert hasRobustAccuracyAtLeast(double minRobustAccuracy) {
        checkRate("minRobustAccuracy", minRobustAccuracy);
        PoolResult r = poolResult("hasRobustAccuracyAtLeast");
        double ra = r.robustAccuracy();
        return verify(ra >= minRobustAccuracy, ra, minRobustAccuracy, "the worst-case robust accuracy", "at least",
                () -> FailureMessage.was(ra, Math.round(ra * r.samples()), r.samples(), "samples"));
    }

    /**
     * Asserts that the model's accuracy on the clean data is at least a bound; with a detector, a
     * clean sample it flags counts as an error. Needs no attacks: without them (or before they
     * have run) only clean predictions are made.
     *
     * @param minCleanAccuracy the smallest acceptable clean accuracy, in {@code [0, 1]}
     * @return this assertion
     * @throws AssertionError if the clean accuracy is lower
     * @throws IllegalArgumentException if the bound is outside {@code [0, 1]}
     * @throws IllegalStateException if {@link #on} was not called
     */
    public RobustnessAssert hasCleanAccuracyAtLeast(double minCleanAccuracy) {
        checkRate("minCleanAccuracy", minCleanAccuracy);
        CleanCount c = cleanCount("hasCleanAccuracyAtLeast");
        double accuracy = c.accuracy();
        String cost = detector == null ? "" : "; a clean sample the detector flags counts as an error";
        return verify(accuracy >= minCleanAccuracy, accuracy, minCleanAccuracy, "the clean accuracy", "at least",
                () -> FailureMessage.was(accuracy, c.correct(), c.samples(), "samples" + cost));
    }

    /**
     * Runs the attacks (once per configuration) and returns the core's result, for checks of your
     * own, e.g. one attack's success rate: {@code poolResult().attack("fgsm linf eps=0.1")}.
     *
     * @return the attack pool's result
     * @throws IllegalArgumentException if an attack is refused
     * @throws IllegalStateException if {@link #on} or {@link #under} was not called
     */
    public PoolResult poolResult() {
        return poolResult("poolResult");
    }

    private RobustnessAssert changed() {
        poolResult = null;
        cleanCount = null;
        return myself;
    }

    private static <T> T required(String name, T value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    private static int atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    private static void checkRate(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
        }
    }

    private Dataset data(String assertion) {
        isNotNull();
        if (data == null) {
            throw new IllegalStateException("no data to test on: call on(dataset) before " + assertion + "(...)");
        }
        return limit == 0 ? data : data.limit(limit);
    }

    private PoolResult poolResult(String assertion) {
        Dataset d = data(assertion);
        if (pool == null) {
            throw new IllegalStateException("no attacks: call under(attacks...) before " + assertion + "(...)");
        }
        if (poolResult == null) {
            Classifier view = threatModel.view(actual);
            for (EvasionAttack attack : pool.attacks()) {
                String why = threatModel.refusal(attack, actual);
                String unserved = AttackPool.skipReason(attack, view);
                if (why == null && unserved != null) {
                    why = "attack " + attack.name() + " " + unserved + "; test it with"
                            + " .threatModel(ThreatModel.BLACK_BOX) and a score- or label-based attack";
                }
                if (why != null) {
                    throw new IllegalArgumentException(why);
                }
            }
            poolResult = pool.run(view, d, detector, batchSize, examples, PoolListener.NONE);
        }
        return poolResult;
    }

    private CleanCount cleanCount(String assertion) {
        Dataset d = data(assertion);
        if (poolResult != null) {
            int n = poolResult.samples();
            return new CleanCount((int) Math.round(poolResult.cleanAccuracy() * n), n);
        }
        if (cleanCount == null) {
            cleanCount = new CleanCount(correct(d), d.size());
        }
        return cleanCount;
    }

    /** Counts the samples the model labels correctly and the detector, if any, lets through. */
    private int correct(Dataset d) {
        return (int) Math.round(AttackPool.cleanAccuracy(actual, d, detector, batchSize) * d.size());
    }

    /**
     * Passes, or fails with the full message.
     *
     * @param ok whether the measured number meets its bound
     * @param measured the number
     * @param bound the bound
     * @param what what the number is, e.g. {@code the clean accuracy}
     * @param relation {@code at most} or {@code at least}
     * @param was says what the number was, e.g. {@code it was 0.700 (7 of 10 samples)}
     * @return this assertion, if it passes
     */
    private RobustnessAssert verify(
            boolean ok, double measured, double bound, String what, String relation, Supplier<String> was) {
        if (ok) {
            return myself;
        }
        Dataset d = data("");
        StringBuilder message = new StringBuilder();
        String guard = detector == null ? "" : ", guarded by " + detector.description();
        message.append("Expecting ").append(what).append(" of ").append(actual.description()).append(" on ")
                .append(d.source()).append(" (").append(d.size()).append(" samples, ").append(threatModel.id())
                .append(" threat model").append(guard).append(") to be ").append(relation).append(' ').append(bound)
                .append(", but ").append(was.get()).append('.').append(System.lineSeparator());
        if (poolResult != null) {
            List<String> names = d.classNames().isEmpty() ? actual.classNames() : d.classNames();
            message.append("clean accuracy ").append(FailureMessage.number(poolResult.cleanAccuracy()))
                    .append(System.lineSeparator());
            FailureMessage.pool(message, poolResult, detector != null, names);
        }
        failWithActualExpectedAndMessage(measured, bound, "%s", message.toString().stripTrailing());
        return myself;
    }
}
