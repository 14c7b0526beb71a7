/**
 * The robustness test, the project's main job: an attack pool run against a model under a threat
 * model, the success rate per attack and overall (the per-sample worst case), and the
 * defend-and-retest loop that applies candidate defences until the success rate meets a target.
 * {@link dev.robust4j.evaluate.RobustnessEvaluation} is the entry point; its result is a
 * {@link dev.robust4j.evaluate.RobustnessReport}.
 */
package dev.robust4j.evaluate;
