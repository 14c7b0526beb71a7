/**
 * Robustness assertions for a team's own JUnit 5 tests, in the style of AssertJ:
 *
 * <pre>{@code
 * import static dev.robust4j.junit.RobustnessAssertions.assertThat;
 *
 * assertThat(model).on(test).hasCleanAccuracyAtLeast(0.85);
 * assertThat(model).on(test).under(Attacks.pgd(0.1f).steps(20)).hasSuccessRateAtMost(0.2);
 * }</pre>
 *
 * <p>{@link dev.robust4j.junit.RobustnessAssertions} is the entry point and
 * {@link dev.robust4j.junit.RobustnessAssert} the assertion. The attacks run through the core's
 * {@link dev.robust4j.evaluate.AttackPool}, once per assertion chain; a failed assertion is an
 * {@link AssertionError} whose message lists what each attack achieved and the broken samples with
 * the smallest perturbations.
 */
package dev.robust4j.junit;
