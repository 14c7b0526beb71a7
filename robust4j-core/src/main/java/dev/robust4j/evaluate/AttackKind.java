package dev.robust4j.evaluate;

import dev.robust4j.attack.EvasionAttack;

/** What an attack needs from the model: the three kinds of access of the threat models. */
public enum AttackKind {
    /** Input gradients: a white-box attack. */
    GRADIENTS("white-box", "gradients"),
    /** Real-valued scores for each class: a score-based black-box attack. */
    SCORES("black-box", "scores"),
    /** Only the predicted label: a decision-based black-box attack. */
    LABELS("black-box", "labels");

    private final String threatModel;
    private final String access;

    AttackKind(String threatModel, String access) {
        this.threatModel = threatModel;
        this.access = access;
    }

    /**
     * Classifies an attack by what it declares it needs.
     *
     * @param attack the attack
     * @return its kind
     */
    public static AttackKind of(EvasionAttack attack) {
        return switch (attack.requires()) {
            case GRADIENTS -> GRADIENTS;
            case SCORES -> SCORES;
            case LABELS -> LABELS;
        };
    }

    /** @return {@code white-box} or {@code black-box} */
    public String threatModel() {
        return threatModel;
    }

    /** @return {@code gradients}, {@code scores} or {@code labels} */
    public String access() {
        return access;
    }
}
