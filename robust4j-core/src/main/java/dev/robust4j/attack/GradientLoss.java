package dev.robust4j.attack;

import dev.robust4j.model.Objective;
import dev.robust4j.model.Objectives;

import java.util.Locale;

/** The loss a gradient attack ascends (untargeted) or descends towards a target (targeted). */
public enum GradientLoss {

    /** Cross-entropy of the softmax, as in Goodfellow et al. and Madry et al. */
    CROSS_ENTROPY("ce") {
        @Override
        public Objective objective() {
            return Objectives.crossEntropy();
        }
    },

    /** The Carlini-Wagner margin {@code max_{j != y} z_j - z_y}, unclamped. */
    MARGIN("cw") {
        @Override
        public Objective objective() {
            return Objectives.margin();
        }
    };

    private final String cliName;

    GradientLoss(String cliName) {
        this.cliName = cliName;
    }

    /** @return the objective the attack ascends in the untargeted case */
    public abstract Objective objective();

    /** @return the command-line name: {@code ce} or {@code cw} */
    public String cliName() {
        return cliName;
    }

    /**
     * Parses {@code ce} / {@code cross-entropy} or {@code cw} / {@code margin}.
     *
     * @param name the name
     * @return the loss
     */
    public static GradientLoss parse(String name) {
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "ce": case "cross-entropy": case "crossentropy":
                return CROSS_ENTROPY;
            case "cw": case "margin":
                return MARGIN;
            default:
                throw new IllegalArgumentException("loss must be ce or cw, got '" + name + "'");
        }
    }

    @Override
    public String toString() {
        return cliName;
    }
}
