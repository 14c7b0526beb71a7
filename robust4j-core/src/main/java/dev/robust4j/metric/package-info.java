/** Metrics over attack results: accuracy, success rate, robust accuracy, perturbation norms. */
package dev.robust4j.metric;
