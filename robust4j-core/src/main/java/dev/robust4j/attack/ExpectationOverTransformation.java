package dev.robust4j.attack;

import ai.djl.ndarray.NDArray;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.Criterion;
import dev.robust4j.model.DifferentiableClassifier;
import dev.robust4j.param.Param;
import dev.robust4j.param.ParamType;
import dev.robust4j.param.Parameters;
import dev.robust4j.param.Range;
import dev.robust4j.transform.EotClassifier;
import dev.robust4j.transform.Survival;
import dev.robust4j.transform.TransformSpec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Expectation over Transformation as an option of any gradient attack (Athalye et al., ICML 2018):
 * the inner attack runs against an {@link EotClassifier} view of the model, so every gradient it
 * takes is the average over {@code eot-samples} draws of the transformation distribution, and the
 * adversarial it returns is optimised to stay adversarial under the distribution rather than at
 * one exact pixel grid. Bounds, the epsilon ball and the success mask are the inner attack's, on
 * the untransformed input; how well the result survives the distribution is measured by
 * {@link Survival}.
 *
 * <p>{@code eot-pgd} is this wrapper around PGD without early stop (stopping at the first point
 * that fools the model untransformed would defeat the purpose). The inner attack's reported
 * queries count gradient evaluations; each costs {@code eot-samples} forward and backward passes.
 */
public final class ExpectationOverTransformation implements EvasionAttack {

    /** The default of {@link #SAMPLES}. */
    public static final int DEFAULT_SAMPLES = 8;

    /**
     * {@code eot-samples}: draws of the transformation per gradient. The parameter that turns a
     * gradient attack given to the registry into its Expectation-over-Transformation form.
     */
    public static final Param<ExpectationOverTransformation, Integer> SAMPLES = Param.of(
            "eot-samples", ParamType.INT, Range.atLeast(1), "transformations averaged per gradient",
            e -> e.samples, (e, v) -> of(e.inner, e.spec, v, e.seed));

    /** {@code eot-seed}: the seed of the transformations' draws; the registry defaults it to the attack's seed. */
    public static final Param<ExpectationOverTransformation, Long> SEED = Param.of(
            "eot-seed", ParamType.LONG, "the seed of the transformations' draws (default: seed)",
            e -> e.seed, (e, v) -> of(e.inner, e.spec, e.samples, v));

    /**
     * The wrapper's own parameters, in report order; the transformation's ({@link TransformSpec#NAMES})
     * are {@link TransformSpec}'s and the rest the inner attack's.
     */
    public static final Parameters<ExpectationOverTransformation> PARAMETERS = Parameters.of(SAMPLES, SEED);

    private final EvasionAttack inner;
    private final TransformSpec spec;
    private final int samples;
    private final long seed;

    private ExpectationOverTransformation(EvasionAttack inner, TransformSpec spec, int samples, long seed) {
        if (!inner.requiresGradients()) {
            throw new IllegalArgumentException(
                    "eot-samples applies to gradient attacks; " + inner.name() + " does not use gradients");
        }
        SAMPLES.check(samples);
        this.inner = inner;
        this.spec = spec;
        this.samples = samples;
        this.seed = seed;
    }

    /**
     * Wraps a gradient attack.
     *
     * @param inner the attack, which must use gradients
     * @param spec the transformation distribution
     * @param samples draws of the distribution per gradient, at least 1
     * @param seed the seed of the draws
     * @return the attack
     * @throws IllegalArgumentException if the attack does not use gradients or {@code samples < 1}
     */
    public static ExpectationOverTransformation of(EvasionAttack inner, TransformSpec spec, int samples, long seed) {
        return new ExpectationOverTransformation(inner, spec, samples, seed);
    }

    /** @return the wrapped attack */
    public EvasionAttack inner() {
        return inner;
    }

    /** @return the transformation distribution */
    public TransformSpec transform() {
        return spec;
    }

    /** @return draws per gradient */
    public int samples() {
        return samples;
    }

    @Override
    public String name() {
        return "eot-" + inner.name();
    }

    @Override
    public Map<String, Object> params() {
        Map<String, Object> p = new LinkedHashMap<>(inner.params());
        p.putAll(spec.params());
        p.putAll(PARAMETERS.values(this));
        return p;
    }

    @Override
    public ModelAccess requires() {
        return ModelAccess.GRADIENTS;
    }

    /** @return the inner attack's budget */
    @Override
    public Optional<Budget> budget() {
        return inner.budget();
    }

    /** @return the inner attack's budget norm */
    @Override
    public Optional<Norm> budgetNorm() {
        return inner.budgetNorm();
    }

    /** @return the same transformations around the inner attack with this budget */
    @Override
    public ExpectationOverTransformation withBudget(Budget budget) {
        return new ExpectationOverTransformation(inner.withBudget(budget), spec, samples, seed);
    }

    /** @return the inner attack's norm */
    @Override
    public Optional<Norm> normParameter() {
        return inner.normParameter();
    }

    /** @return the inner attack's seed (the draws have their own, {@code eot-seed}) */
    @Override
    public long seed() {
        return inner.seed();
    }

    @Override
    public boolean supportsTargeted() {
        return inner.supportsTargeted();
    }

    @Override
    public AttackResult generate(Classifier model, NDArray x, NDArray labels) {
        return inner.generate(view(model), x, labels);
    }

    @Override
    public AttackResult generate(Classifier model, NDArray x, NDArray labels, NDArray targets) {
        return inner.generate(view(model), x, labels, targets);
    }

    @Override
    public AttackResult generate(Classifier model, NDArray x, Criterion criterion) {
        return inner.generate(view(model), x, criterion);
    }

    private EotClassifier view(Classifier model) {
        if (!(model instanceof DifferentiableClassifier d)) {
            throw new IllegalArgumentException(name() + " needs a model with gradients (TorchScript or a model"
                    + " directory), got " + model.description() + ", which only answers predictions");
        }
        return new EotClassifier(d, spec, samples, seed);
    }

    @Override
    public String toString() {
        return name() + params();
    }
}
