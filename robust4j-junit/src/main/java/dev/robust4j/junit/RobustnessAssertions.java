package dev.robust4j.junit;

import dev.robust4j.model.Classifier;

/**
 * The entry point of the robustness assertions. Import {@link #assertThat(Classifier)} statically;
 * it sits beside AssertJ's own {@code assertThat} overloads.
 *
 * <pre>{@code
 * import static dev.robust4j.junit.RobustnessAssertions.assertThat;
 *
 * assertThat(model).on(test).under(Attacks.fgsm(0.1f), SquareAttack.linf(0.1f)).hasRobustAccuracyAtLeast(0.6);
 * }</pre>
 */
public final class RobustnessAssertions {

    private RobustnessAssertions() {}

    /**
     * Starts a robustness assertion on a model.
     *
     * @param model the model under test; the assertion never closes it
     * @return the assertion, to be given data with {@link RobustnessAssert#on} and, for success
     *     rates and robust accuracy, attacks with {@link RobustnessAssert#under}
     */
    public static RobustnessAssert assertThat(Classifier model) {
        return new RobustnessAssert(model);
    }
}
