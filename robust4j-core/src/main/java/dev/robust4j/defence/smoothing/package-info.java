/**
 * Certified robustness by randomized smoothing (Cohen, Rosenfeld and Kolter, ICML 2019): the
 * smoothed classifier {@code g(x) = argmax_c P(f(x + N(0, σ²I)) = c)} over any base classifier
 * {@code f}, its Monte Carlo {@code PREDICT} (with abstention) and {@code CERTIFY} (a class and an L2
 * radius within which {@code g} provably does not change, with probability at least {@code 1 − α}).
 */
package dev.robust4j.defence.smoothing;
