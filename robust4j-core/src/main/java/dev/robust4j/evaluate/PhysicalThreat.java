package dev.robust4j.evaluate;

import dev.robust4j.transform.TransformSpec;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A physical threat model: the world transforms every input by a random draw of a distribution T
 * (rotation, translation, scale, brightness, contrast, noise, blur; {@link TransformSpec}) before
 * the model sees it, so an adversarial counts only as far as it survives T. Declared on a
 * {@link RobustnessEvaluation} ({@code optPhysical}), it makes every round measure each attack's
 * adversarials, and the clean inputs, under {@code draws} draws of T per sample, and judge the
 * target on the success rate under T ({@link PhysicalResult}).
 *
 * <p>Draw j of the sample at index i is keyed by the seed, j and i only: the clean input and every
 * attack's adversarial of that sample see the same j-th transformation (a paired comparison), in
 * every round, whatever the batch size.
 *
 * <p>The report's chart of survival against transformation strength measures again at each
 * factor of {@code strengths} times T ({@link TransformSpec#scaled}), with {@code strengthDraws}
 * draws per sample (one at a factor that makes T the identity): a few, to keep it cheap.
 *
 * @param transform the distribution T
 * @param draws draws of T per sample for the judged figures, at least 1
 * @param seed the seed of the draws
 * @param strengths the factors of the survival-against-strength chart, each in [0, 1], increasing;
 *     empty for no chart
 * @param strengthDraws draws per sample at each factor, at least 1
 */
public record PhysicalThreat(TransformSpec transform, int draws, long seed, double[] strengths, int strengthDraws) {

    /** Draws per sample unless told otherwise (as {@code robust4j attack --survival-draws}). */
    public static final int DEFAULT_DRAWS = 50;

    /** Factors of T for the chart unless told otherwise. */
    public static final double[] DEFAULT_STRENGTHS = {0, 0.25, 0.5, 0.75, 1};

    /** Draws per sample at each factor of the chart unless told otherwise. */
    public static final int DEFAULT_STRENGTH_DRAWS = 8;

    /**
     * Checks the settings.
     *
     * @param transform the distribution T
     * @param draws draws of T per sample for the judged figures, at least 1
     * @param seed the seed of the draws
     * @param strengths the factors of the survival-against-strength chart, each in [0, 1], increasing;
     *     empty for no chart
     * @param strengthDraws draws per sample at each factor, at least 1
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public PhysicalThreat {
        Objects.requireNonNull(transform, "transform");
        if (transform.isIdentity()) {
            throw new IllegalArgumentException("a physical threat model needs a transformation (e.g. rotation=15,"
                    + "translation=2); every parameter is 0");
        }
        if (draws < 1) {
            throw new IllegalArgumentException("survival draws must be >= 1, got " + draws);
        }
        if (strengthDraws < 1) {
            throw new IllegalArgumentException("survival strength draws must be >= 1, got " + strengthDraws);
        }
        strengths = strengths.clone();
        for (int i = 0; i < strengths.length; i++) {
            if (!(strengths[i] >= 0 && strengths[i] <= 1)) {
                throw new IllegalArgumentException("survival strengths must be factors in [0, 1], got " + strengths[i]);
            }
            if (i > 0 && strengths[i] <= strengths[i - 1]) {
                throw new IllegalArgumentException("survival strengths must increase, got "
                        + Arrays.toString(strengths));
            }
        }
    }

    /**
     * A physical threat model with the default draws, seed 0 and the default chart.
     *
     * @param transform the distribution
     * @return the threat model
     */
    public static PhysicalThreat of(TransformSpec transform) {
        return new PhysicalThreat(transform, DEFAULT_DRAWS, 0, DEFAULT_STRENGTHS, DEFAULT_STRENGTH_DRAWS);
    }

    /** @return the strengths (a copy) */
    @Override
    public double[] strengths() {
        return strengths.clone();
    }

    /** @return the settings for records: transform, draws, seed, strengths, strength_draws */
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("transform", transform.params());
        m.put("draws", draws);
        m.put("seed", seed);
        m.put("strengths", strengths.clone());
        m.put("strength_draws", strengthDraws);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PhysicalThreat p && p.transform.equals(transform) && p.draws == draws && p.seed == seed
                && Arrays.equals(p.strengths, strengths) && p.strengthDraws == strengthDraws;
    }

    @Override
    public int hashCode() {
        return Objects.hash(transform, draws, seed, Arrays.hashCode(strengths), strengthDraws);
    }

    @Override
    public String toString() {
        return transform.describe() + " (" + draws + " draws per sample, seed " + seed + ")";
    }
}
