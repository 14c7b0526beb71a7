/**
 * Random input transformations for physical-world robustness: a distribution of rotations,
 * translations, scalings, brightness and contrast changes, noise and blur ({@link TransformSpec}),
 * sampled per sample ({@link SampledTransform}) and differentiable with respect to the input, so
 * that Expectation over Transformation (Athalye et al., ICML 2018) can average an attack's gradient
 * over draws ({@link EotClassifier}; the attack wrapper is
 * {@code dev.robust4j.attack.ExpectationOverTransformation}) and an adversarial's
 * survival under the distribution can be measured ({@link Survival}).
 */
package dev.robust4j.transform;
