package dev.robust4j.attack.whitebox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AbstractEvasionAttack;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackParams;
import dev.robust4j.attack.AttackSpec;
import dev.robust4j.attack.ModelAccess;
import dev.robust4j.attack.Batches;
import dev.robust4j.attack.ShrinkingBatch;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Shapes;
import dev.robust4j.model.Evaluation;
import dev.robust4j.param.Param;
import dev.robust4j.param.ParamType;
import dev.robust4j.param.Parameters;
import dev.robust4j.param.Range;

import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.Locale;

/**
 * The Elastic-Net Attack (EAD) of Chen, Sharma, Zhang, Yi and Hsieh, "EAD: Elastic-Net Attacks to
 * Deep Neural Networks via Adversarial Examples" (AAAI 2018): the adversarial solving
 * <pre>  minimise c · f(x') + β ‖x' − x‖₁ + ‖x' − x‖₂²   subject to   x' ∈ [min, max]</pre>
 * with the C&amp;W margin loss {@code f} (confidence κ; untargeted or targeted). Following the
 * paper's Algorithm 1 and its reference code, the non-smooth L1 term is handled by ISTA with the
 * FISTA slack variable:
 * <pre>
 *   x⁽ᵏ⁺¹⁾ = S_β(y⁽ᵏ⁾ − α_k ∇g(y⁽ᵏ⁾)),   g = c · f + ‖· − x‖₂²
 *   y⁽ᵏ⁺¹⁾ = x⁽ᵏ⁺¹⁾ + k/(k+3) · (x⁽ᵏ⁺¹⁾ − x⁽ᵏ⁾)
 * </pre>
 * where {@code S_β} is the projected shrinkage-thresholding operator (a coordinate moves towards
 * its clean value by β, to exactly the clean value if it is within β of it, and is clipped to the
 * bounds) and {@code α_k = learningRate · (1 − k/maxIter)^½} (the reference's polynomial decay).
 * The slack is also clipped to the bounds so the model is never queried outside them.
 *
 * <p>The constant {@code c} is found by the same per-sample binary search as C&amp;W L2. Among
 * the successful iterates {@code x⁽ᵏ⁾} of all rounds, each sample keeps the one that is best by
 * the decision rule: {@link DecisionRule#EN} (smallest {@code β‖δ‖₁ + ‖δ‖₂²}) or
 * {@link DecisionRule#L1} (smallest {@code ‖δ‖₁}, which favours sparser perturbations). With early
 * abort a sample leaves a round when its total loss has flattened: the lowest loss of the last
 * tenth of the iterations within 0.01% of the lowest before (a loss that rises while FISTA's
 * momentum carries the iterate back and forth across the boundary is not a stall). Each iteration costs two batched model calls: the
 * gradient at the slack and the verdict at the new iterate.
 *
 * <p>Defaults: β 1e-3, decision rule EN, confidence 0, learning rate 0.01, 9 binary-search steps,
 * initial constant 1e-3 (all as the paper); {@code maxIter} 100 (the paper uses 1,000; ART 100).
 */
public final class ElasticNetAttack extends AbstractEvasionAttack {

    /** Which distance picks the best successful iterate. */
    public enum DecisionRule {
        /** The elastic-net distance {@code β‖δ‖₁ + ‖δ‖₂²}. */
        EN,
        /** The L1 distance {@code ‖δ‖₁}. */
        L1;

        /** @return the command-line name: {@code en} or {@code l1} */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Parses {@code en} or {@code l1}, in any case.
         *
         * @param name the name
         * @return the rule
         */
        public static DecisionRule parse(String name) {
            switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "en":
                    return EN;
                case "l1":
                    return L1;
                default:
                    throw new IllegalArgumentException("decision-rule must be en or l1, got '" + name + "'");
            }
        }
    }

    private final float beta;
    private final DecisionRule decisionRule;
    private final float confidence;
    private final float learningRate;
    private final int binarySearchSteps;
    private final int maxIter;
    private final float initialConst;
    private final boolean abortEarly;
    private final long seed;

    private ElasticNetAttack(
            float beta, DecisionRule decisionRule, float confidence, float learningRate, int binarySearchSteps,
            int maxIter, float initialConst, boolean abortEarly, long seed) {
        super(SPEC);
        this.beta = BETA.check(beta);
        if (decisionRule == null) {
            throw new IllegalArgumentException("decision-rule must be en or l1, got null");
        }
        this.decisionRule = decisionRule;
        this.confidence = CONFIDENCE.check(confidence);
        this.learningRate = LEARNING_RATE.check(learningRate);
        this.binarySearchSteps = BINARY_SEARCH_STEPS.check(binarySearchSteps);
        this.maxIter = MAX_ITER.check(maxIter);
        this.initialConst = INITIAL_CONST.check(initialConst);
        this.abortEarly = abortEarly;
        this.seed = seed;
    }

    /** @return the attack with the defaults listed in the class description */
    public static ElasticNetAttack create() {
        return new ElasticNetAttack(1e-3f, DecisionRule.EN, 0f, 0.01f, 9, 100, 1e-3f, true, 0L);
    }

    /**
     * @param value the weight β of the L1 term (and the shrinkage threshold), at least 0
     * @return a copy with this β
     */
    public ElasticNetAttack beta(float value) {
        return new ElasticNetAttack(value, decisionRule, confidence, learningRate, binarySearchSteps, maxIter,
                initialConst, abortEarly, seed);
    }

    /**
     * @param value the rule that picks the best successful iterate
     * @return a copy with this rule
     */
    public ElasticNetAttack decisionRule(DecisionRule value) {
        return new ElasticNetAttack(beta, value, confidence, learningRate, binarySearchSteps, maxIter,
                initialConst, abortEarly, seed);
    }

    /**
     * @param value the logit margin κ an adversarial must have, at least 0
     * @return a copy with this confidence
     */
    public ElasticNetAttack confidence(float value) {
        return new ElasticNetAttack(beta, decisionRule, value, learningRate, binarySearchSteps, maxIter,
                initialConst, abortEarly, seed);
    }

    /**
     * @param value the initial ISTA step size, positive
     * @return a copy with this learning rate
     */
    public ElasticNetAttack learningRate(float value) {
        return new ElasticNetAttack(beta, decisionRule, confidence, value, binarySearchSteps, maxIter,
                initialConst, abortEarly, seed);
    }

    /**
     * @param value rounds of the binary search over c, at least 1
     * @return a copy with this many rounds
     */
    public ElasticNetAttack binarySearchSteps(int value) {
        return new ElasticNetAttack(beta, decisionRule, confidence, learningRate, value, maxIter,
                initialConst, abortEarly, seed);
    }

    /**
     * @param value ISTA iterations per round, at least 1
     * @return a copy with this many iterations
     */
    public ElasticNetAttack maxIter(int value) {
        return new ElasticNetAttack(beta, decisionRule, confidence, learningRate, binarySearchSteps, value,
                initialConst, abortEarly, seed);
    }

    /**
     * @param value the first c of every sample, positive
     * @return a copy with this initial constant
     */
    public ElasticNetAttack initialConst(float value) {
        return new ElasticNetAttack(beta, decisionRule, confidence, learningRate, binarySearchSteps, maxIter,
                value, abortEarly, seed);
    }

    /**
     * @param value whether a sample leaves a round once its loss stops decreasing
     * @return a copy with this setting
     */
    public ElasticNetAttack abortEarly(boolean value) {
        return new ElasticNetAttack(beta, decisionRule, confidence, learningRate, binarySearchSteps, maxIter,
                initialConst, value, seed);
    }

    /**
     * @param value the seed; the attack draws no random numbers, the seed is recorded for provenance
     * @return a copy with this seed
     */
    public ElasticNetAttack seed(long value) {
        return new ElasticNetAttack(beta, decisionRule, confidence, learningRate, binarySearchSteps, maxIter,
                initialConst, abortEarly, value);
    }

    @Override
    public String name() {
        return "ead";
    }

    private static final Param<ElasticNetAttack, Float> BETA = Param.of(
            "beta", ParamType.FLOAT, Range.finiteAtLeastZero(),
            "weight of the L1 term", a -> a.beta, ElasticNetAttack::beta);
    private static final Param<ElasticNetAttack, Float> CONFIDENCE = Param.of(
            "confidence", ParamType.FLOAT, Range.finiteAtLeastZero(),
            "logit margin kappa", a -> a.confidence,
            ElasticNetAttack::confidence);
    private static final Param<ElasticNetAttack, Float> LEARNING_RATE = Param.of(
            "learning-rate", ParamType.FLOAT, Range.positive(),
            "initial ISTA step", a -> a.learningRate,
            ElasticNetAttack::learningRate);
    private static final Param<ElasticNetAttack, Integer> BINARY_SEARCH_STEPS = Param.of(
            "binary-search-steps", ParamType.INT, Range.atLeast(1),
            "searches over the constant c",
            a -> a.binarySearchSteps, ElasticNetAttack::binarySearchSteps);
    private static final Param<ElasticNetAttack, Integer> MAX_ITER = Param.of(
            "max-iter", ParamType.INT, Range.atLeast(1),
            "iterations per search", a -> a.maxIter,
            ElasticNetAttack::maxIter);
    private static final Param<ElasticNetAttack, Float> INITIAL_CONST = Param.of(
            "initial-const", ParamType.FLOAT, Range.positive(),
            "the first constant c", a -> a.initialConst,
            ElasticNetAttack::initialConst);

    /**
     * The parameters, declared once: the registry sets them from text, {@link #params()} and the
     * JSON record report them, help lists them.
     */
    public static final Parameters<ElasticNetAttack> PARAMETERS = Parameters.of(
            BETA,
            Param.of("decision-rule", ParamType.choice("en|l1", DecisionRule::parse),
                    "which iterate is kept: en (elastic net) or l1", a -> a.decisionRule.cliName(),
                    ElasticNetAttack::decisionRule),
            CONFIDENCE,
            LEARNING_RATE,
            BINARY_SEARCH_STEPS,
            MAX_ITER,
            INITIAL_CONST,
            Param.of("abort-early", ParamType.BOOLEAN, "stop a search when the loss stalls", a -> a.abortEarly,
                    ElasticNetAttack::abortEarly),
            AttackParams.<ElasticNetAttack>seed((a, v) -> a.seed(v)));

    private static final AttackSpec<ElasticNetAttack> SPEC =
            AttackSpec.of(ElasticNetAttack.class, ModelAccess.GRADIENTS, PARAMETERS)
            .seed(a -> a.seed);

    @Override
    protected NDArray attack(AttackContext ctx) {
        int n = ctx.size();
        int dim = ctx.sampleSize();
        int k = ctx.model().numClasses();
        Shape sampleShape = ctx.x().getShape().slice(1);
        Bounds bounds = ctx.model().bounds();
        int[] goal = ctx.criterion().objectiveClasses();
        CarliniLoss loss = new CarliniLoss(confidence, ctx.criterion());
        ConstSearch search = new ConstSearch(n, initialConst);
        BestAdversarials best = new BestAdversarials(ctx.xData(), n, dim);
        EarlyAbort abort = new EarlyAbort(n, maxIter);

        for (int round = 0; round < binarySearchSteps; round++) {
            boolean[] roundSuccess = new boolean[n];
            abort.reset();
            int[] idx = Batches.range(n);
            try (ShrinkingBatch<Carried> batch = new ShrinkingBatch<>(ctx.manager(), idx)) {
                NDManager scope = batch.manager();
                NDArray x = scope.create(ctx.xData(), new Shape(n, dim));
                NDArray current = x.duplicate();
                NDArray slack = x.duplicate();
                NDArray labels = scope.create(Batches.pick(goal, idx));
                NDArray c = Batches.column(scope, search.values(idx));
                batch.start(new Carried(x, current, slack, labels, c));
                for (int iter = 0; iter < maxIter && !batch.isEmpty(); iter++) {
                    try (ShrinkingBatch<Carried>.Step it = batch.step()) {
                        idx = it.samples();
                        x = it.state().x();
                        current = it.state().current();
                        slack = it.state().slack();
                        labels = it.state().labels();
                        c = it.state().c();
                        Shape rowsShape = Shapes.batch(idx.length, sampleShape);
                        float rate = (float) (learningRate * Math.sqrt(1 - iter / (double) maxIter));
                        Evaluation ev = ctx.evaluate(slack.reshape(rowsShape), loss, labels, idx);
                        NDArray gradient = slack.sub(x).mul(2f).add(ev.gradient().reshape(idx.length, dim).mul(c));
                        NDArray diff = slack.sub(gradient.mul(rate)).sub(x);
                        NDArray shrunk = diff.sign().mul(diff.abs().sub(beta).maximum(0f));
                        NDArray updated = x.add(shrunk).clip(bounds.min(), bounds.max());
                        float momentum = iter / (float) (iter + 3);
                        NDArray nextSlack = updated.add(updated.sub(current).mul(momentum))
                                .clip(bounds.min(), bounds.max());

                        NDArray logits = ctx.predict(updated.reshape(rowsShape), idx);
                        float[] margins = loss.goalMargins(logits.toFloatArray(), k, Batches.pickInts(goal, idx));
                        boolean[] success = loss.succeeded(margins);
                        boolean[] verdict = ctx.isSuccess(logits, idx);
                        NDArray delta = updated.sub(x);
                        float[] l1 = delta.abs().sum(new int[] {1}).toFloatArray();
                        float[] l2sq = delta.square().sum(new int[] {1}).toFloatArray();
                        float[] elastic = new float[idx.length];
                        for (int i = 0; i < idx.length; i++) {
                            success[i] &= verdict[i];
                            roundSuccess[idx[i]] |= success[i];
                            elastic[i] = l2sq[i] + beta * l1[i];
                        }
                        float[] distance = decisionRule == DecisionRule.EN ? elastic : l1;
                        if (best.improves(idx, success, distance)) {
                            best.offer(updated.toFloatArray(), idx, success, distance);
                        }
                        boolean[] keep = new boolean[idx.length];
                        Arrays.fill(keep, true);
                        if (abortEarly) {
                            float[] f = loss.values(margins);
                            float[] cs = search.values(idx);
                            float[] total = new float[idx.length];
                            for (int i = 0; i < idx.length; i++) {
                                total[i] = cs[i] * f[i] + elastic[i];
                            }
                            keep = abort.keep(iter, idx, total);
                        }
                        if (it.keep(keep)) {
                            it.carry(it.kept(new Carried(x, updated, nextSlack, labels, c)));
                        }
                    }
                }
            }
            search.update(roundSuccess);
        }
        return ctx.manager().create(best.points(), ctx.x().getShape());
    }

    /**
     * What an iteration carries to the next, one row per sample still searched.
     *
     * @param x the clean inputs, flattened
     * @param current the current iterate
     * @param slack the slack (momentum) variable
     * @param labels the classes the loss refers to
     * @param c the constants, a column
     */
    private record Carried(NDArray x, NDArray current, NDArray slack, NDArray labels, NDArray c) implements ShrinkingBatch.State<Carried> {

        @Override
        public List<NDArray> arrays() {
            return List.of(x, current, slack, labels, c);
        }

        @Override
        public Carried map(UnaryOperator<NDArray> rows) {
            return new Carried(rows.apply(x), rows.apply(current), rows.apply(slack), rows.apply(labels), rows.apply(c));
        }
    }
}
