package dev.robust4j.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.Criterion;

import java.util.Map;
import java.util.Optional;

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

    /**
     * Declares what the attack needs of a model: gradients (white-box), scores or only labels.
     * The template refuses a model that does not give it ({@link ModelAccess#givenBy}).
     *
     * @return the access the attack needs
     */
    ModelAccess requires();

    /** @return true if the attack needs a {@link dev.robust4j.model.DifferentiableClassifier} */
    default boolean requiresGradients() {
        return requires() == ModelAccess.GRADIENTS;
    }

    /**
     * Tells whether the attack needs real-valued scores from the model: score-based black-box
     * attacks do, and so do white-box ones (gradients are of scores); label-only attacks do not.
     *
     * @return true if a label-only model must be refused
     */
    default boolean requiresScores() {
        return requires() != ModelAccess.LABELS;
    }

    /**
     * The ball every returned adversarial lies in.
     *
     * @return the budget, or empty for a minimal-norm attack (or a decision attack without
     *     {@code eps})
     */
    Optional<Budget> budget();

    /**
     * The norm of the budgets {@link #withBudget} takes: the budget's norm for a bounded attack,
     * and the attack's norm for one whose {@code eps} is optional (FAB, HopSkipJump, Boundary).
     *
     * @return the norm, or empty if the attack takes no budget
     */
    default Optional<Norm> budgetNorm() {
        return budget().map(Budget::norm);
    }

    /**
     * Returns a copy that attacks the given ball, everything else unchanged: how curves and
     * pools vary the budget without going through parameter strings (Foolbox passes epsilons at
     * call time for the same reason).
     *
     * @param budget the ball, in {@link #budgetNorm()} or another norm the attack supports (PGD
     *     takes any of linf, l2, l1; Boundary only l2)
     * @return the copy
     * @throws IllegalArgumentException if the attack takes no budget, or none in that norm
     */
    default EvasionAttack withBudget(Budget budget) {
        throw new IllegalArgumentException("attack " + name() + " takes no eps budget");
    }

    /**
     * The norm the attack is set to work in, when it has a {@code norm} parameter: part of its
     * label in a pool ({@code deepfool l2}).
     *
     * @return the norm, or empty if the attack has no norm parameter
     */
    default Optional<Norm> normParameter() {
        return Optional.empty();
    }

    /** @return the seed every random choice of the attack derives from (0 for one that draws none) */
    long seed();

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
