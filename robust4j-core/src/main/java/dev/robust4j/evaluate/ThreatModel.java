package dev.robust4j.evaluate;

import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.attack.ModelAccess;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.ForwardingClassifier;

import java.util.List;
import java.util.Locale;

/**
 * What the attacker may see of the model.
 *
 * <ul>
 *   <li>{@link #WHITE_BOX}: everything, including input gradients; every attack is allowed.
 *   <li>{@link #BLACK_BOX}: only the model's outputs; attacks that need gradients are refused,
 *       score-based attacks are allowed only if the model returns scores, and the attacks see the
 *       model through a view that hides any gradients it has.
 * </ul>
 */
public enum ThreatModel {
    /** The attacker sees the model's gradients. */
    WHITE_BOX("white-box"),
    /** The attacker sees only the model's outputs (scores, or only labels). */
    BLACK_BOX("black-box");

    private final String id;

    ThreatModel(String id) {
        this.id = id;
    }

    /** @return {@code white-box} or {@code black-box} */
    public String id() {
        return id;
    }

    /**
     * Parses {@code white-box} or {@code black-box} (case and {@code _} tolerated).
     *
     * @param text the name
     * @return the threat model
     * @throws IllegalArgumentException naming the value otherwise
     */
    public static ThreatModel parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (ThreatModel m : values()) {
            if (m.id.equals(t)) {
                return m;
            }
        }
        throw new IllegalArgumentException("threat model must be white-box or black-box, got '" + text + "'");
    }

    /**
     * Tells why an attack may not run against a model under this threat model.
     *
     * @param attack the attack
     * @param model the model, or {@code null} if not known yet (then only the threat model's own
     *     rule is checked)
     * @return the reason, or {@code null} if the attack is allowed
     */
    public String refusal(EvasionAttack attack, Classifier model) {
        ModelAccess needs = attack.requires();
        if (this == BLACK_BOX && needs == ModelAccess.GRADIENTS) {
            return "attack " + attack.name() + " needs gradients, which the black-box threat model does not give;"
                    + " use a score- or label-based attack (square, simba, zoo, one-pixel, boundary, hop-skip-jump,"
                    + " transfer)";
        }
        if (needs == ModelAccess.SCORES && model != null && !needs.givenBy(model)) {
            return "attack " + attack.name() + " needs scores, but " + model.description()
                    + " returns only labels; use boundary, hop-skip-jump or transfer";
        }
        return null;
    }

    /**
     * Checks a pool against a model.
     *
     * @param pool the attacks
     * @param model the model
     * @throws IllegalArgumentException with the first refusal
     */
    public void check(List<EvasionAttack> pool, Classifier model) {
        for (EvasionAttack a : pool) {
            String why = refusal(a, model);
            if (why != null) {
                throw new IllegalArgumentException(why);
            }
        }
    }

    /**
     * Returns the model as the attacker sees it: the model itself under the white-box threat
     * model; under the black-box one, a view that answers predictions only (its gradients, if
     * any, are out of reach).
     *
     * @param model the model
     * @return the attacker's view
     */
    public Classifier view(Classifier model) {
        return this == WHITE_BOX ? model : new OutputsOnly(model);
    }

    /**
     * Tells whether a classifier is this threat model's view of a model ({@link #view}): the model
     * itself under the white-box threat model, its outputs-only view under the black-box one. A
     * runner that rebuilds the model elsewhere (a cluster's executors) asks this before it does.
     *
     * @param view the classifier an attack is handed
     * @param model the model
     * @return true if {@code view} is {@code view(model)}
     */
    public boolean isViewOf(Classifier view, Classifier model) {
        return this == WHITE_BOX ? view == model : view instanceof OutputsOnly o && o.viewed() == model;
    }

    /** A classifier that forwards predictions and metadata and nothing else. */
    private static final class OutputsOnly extends ForwardingClassifier {
        OutputsOnly(Classifier model) {
            super(model);
        }

        Classifier viewed() {
            return delegate;
        }

        @Override
        public String description() {
            return delegate.description() + " (outputs only)";
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
