/**
 * A classifier behind HTTP ({@link dev.robust4j.serve.ModelServer}): {@code POST /v1/predict} in
 * the protocol of {@link dev.robust4j.model.HttpClassifier}, run-time {@link dev.robust4j.serve.Guard}s
 * that flag suspect inputs, micro-batching, bounded admission, and Prometheus metrics.
 */
package dev.robust4j.serve;
