/** Defences: training-time strategies, run-time preprocessors and detectors, ensembles, and the registry that makes them from specs. */
package dev.robust4j.defence;
