/** Ensembles of classifiers: mean of probabilities (differentiable when every member is) and majority vote. */
package dev.robust4j.defence.ensemble;
