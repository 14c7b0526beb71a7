package dev.robust4j.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.Criterion;

import java.util.Map;

/**
 * An evasion attack: crafts inputs close to given ones that the model misclassifies. One contract
 * for every attack, so meta-attacks and the robustness test can compose them.
 *
 * <p>Attacks are immutable, validated when made, and thread-safe. They never close or modify what
 * the caller passes in.
 */
public interface EvasionAttack {

    /** @return the attack's command-line name, lower-case kebab-case, e.g. {@code pgd} */
    String name();

    /** @return the attack's parameters by kebab-case name, for reports and JSON */
    Map<String, Object> params();

    /** @return true if the attack needs a {@link dev.robust4j.model.DifferentiableClassifier} */
    boolean requiresGradients();

    /**
     * Tells whether the attack needs real-valued scores from the model. Score-based black-box
     * attacks do; label-only attacks and white-box attacks (which use gradients) do not.
     *
     * @return true if a label-only model must be refused
     */
    default boolean requiresScores() {
        return false;
    }

    /** @return true if the attack can aim at given target classes */
    default boolean supportsTargeted() {
        return true;
    }

    /**
     * Runs the untargeted attack: each adversarial should be classified as anything but its label.
     *
     * @param model the model under attack
     * @param x the inputs, shape {@code (N, inputShape...)}, inside the model's bounds
     * @param labels the true labels, int64 of shape {@code (N)}
     * @return the result; its adversarial batch lives in {@code x}'s manager
     * @throws IllegalArgumentException for inputs that do not fit the model, or a model the attack
     *     cannot use
     */
    AttackResult generate(Classifier model, NDArray x, NDArray labels);

    /**
     * Runs the targeted attack: each adversarial should be classified as its target.
     *
     * @param model the model under attack
     * @param x the inputs
     * @param labels the true labels, int64 of shape {@code (N)}
     * @param targets the target labels, int64 of shape {@code (N)}, each different from its label
     * @return the result
     * @throws IllegalArgumentException as for the untargeted form, or if the attack is untargeted
     *     only
     */
    AttackResult generate(Classifier model, NDArray x, NDArray labels, NDArray targets);

    /**
     * Runs the attack for a criterion: untargeted or targeted as the criterion says. The attack
     * template ({@link AbstractEvasionAttack}) also applies the criterion's confidence margin when it
     * decides success; this default, for other implementations, refuses a margin.
     *
     * @param model the model under attack
     * @param x the inputs
     * @param criterion what counts as adversarial for each sample, one entry per row of {@code x}
     * @return the result; its adversarial batch lives in {@code x}'s manager
     * @throws IllegalArgumentException as for the other forms
     */
    default AttackResult generate(Classifier model, NDArray x, Criterion criterion) {
        if (criterion.margin() != 0) {
            throw new IllegalArgumentException("attack " + name() + " does not support a confidence margin");
        }
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray labels = scope.create(java.util.Arrays.stream(criterion.labels()).asLongStream().toArray());
            if (!criterion.targeted()) {
                return generate(model, x, labels);
            }
            NDArray targets = scope.create(java.util.Arrays.stream(criterion.targets()).asLongStream().toArray());
            return generate(model, x, labels, targets);
        }
    }
}
