package dev.robust4j.evaluate;

/**
 * One adversarial example kept for the report's image grid: a sample that an attack broke, with
 * the smallest L2 perturbation any attack of the pool found for it.
 *
 * @param index the sample's index in the evaluated data
 * @param shape the per-sample shape, e.g. {@code (1, 28, 28)}
 * @param clean the clean sample, flattened
 * @param adversarial the adversarial sample, flattened
 * @param label the true label
 * @param cleanPrediction the model's label for the clean sample
 * @param adversarialPrediction the model's label for the adversarial sample
 * @param attack the label of the attack that found it
 * @param l2 the L2 norm of the perturbation
 * @param linf the L∞ norm of the perturbation
 */
public record Example(
        int index,
        long[] shape,
        float[] clean,
        float[] adversarial,
        int label,
        int cleanPrediction,
        int adversarialPrediction,
        String attack,
        float l2,
        float linf) {}
