package dev.robust4j.attack;

import dev.robust4j.model.Classifier;
import dev.robust4j.model.DifferentiableClassifier;

/**
 * What an attack needs of a model, declared once per attack ({@link EvasionAttack#requires()}) and
 * checked in one place ({@link #givenBy(Classifier)}): the attack template, the attack pool, the
 * threat models and the transfer attack's surrogate all ask this, and only phrase the answer.
 */
public enum ModelAccess {
    /** Only the predicted label: a decision-based black-box attack. */
    LABELS("black-box"),
    /** Real-valued scores for each class: a score-based black-box attack. */
    SCORES("black-box"),
    /** Input gradients: a white-box attack. */
    GRADIENTS("white-box");

    private final String threatModel;

    ModelAccess(String threatModel) {
        this.threatModel = threatModel;
    }

    /**
     * Tells whether a model gives this access: gradients if it is a
     * {@link DifferentiableClassifier}, scores unless it answers labels only, labels always.
     *
     * @param model the model
     * @return true if an attack needing this access can run on it
     */
    public boolean givenBy(Classifier model) {
        return switch (this) {
            case GRADIENTS -> model instanceof DifferentiableClassifier;
            case SCORES -> model.outputKind() != Classifier.OutputKind.LABEL_ONLY;
            case LABELS -> true;
        };
    }

    /** @return {@code white-box} for gradients, else {@code black-box}: the threat model that allows it */
    public String threatModel() {
        return threatModel;
    }

    /** @return {@code gradients}, {@code scores} or {@code labels}, as reports name the access */
    public String access() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
